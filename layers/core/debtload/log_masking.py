"""Logs never carry a debtor's phone number, email or IBAN, nor an API key.

The masking sits in the log formatter, after every message and extra has been serialised, so it
holds whatever code logs, an exception's text included. Handlers build their Logger with
`masked_logger()`.
"""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

_PATTERNS: tuple[tuple[re.Pattern[str], Any], ...] = (
    # dlk.<tenant>.<secret>: keep the tenant, which helps support, drop the secret.
    (re.compile(r"\b(dlk\.[a-z0-9-]+\.)[A-Za-z0-9_-]+"), lambda m: m.group(1) + "***"),
    (re.compile(r"\bwhsec_[A-Za-z0-9_-]+"), lambda m: "whsec_***"),
    (
        re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
        lambda m: "***@" + m.group(0).rsplit("@", 1)[1],
    ),
    # IBANs, compact or in groups of four.
    (
        re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b"),
        lambda m: m.group(0)[:4] + "***",
    ),
    # Phone numbers: international, or French national written with or without separators.
    (re.compile(r"(?<![\w.])\+\d[\d .-]{7,17}\d"), lambda m: m.group(0)[:4] + "***"),
    (re.compile(r"(?<![\w.])0[1-9](?:[ .-]?\d{2}){4}(?!\d)"), lambda m: m.group(0)[:2] + "***"),
)


def mask(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(LambdaPowertoolsFormatter):
    def serialize(self, log: Any) -> str:
        return mask(super().serialize(log))


def masked_logger(**kwargs: Any) -> Logger:
    return Logger(logger_formatter=MaskingFormatter(), **kwargs)
