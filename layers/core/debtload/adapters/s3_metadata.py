"""An object's user metadata as S3 carries it: US-ASCII only.

S3 hands back a non-ASCII metadata value as an RFC 2047 encoded word (`=?UTF-8?B?...?=`), whoever
wrote it (the console, the console of AWS, an SDK). What debtload signs into an upload is already
in that form, so the browser posts ASCII and S3 stores exactly what the policy names; what it reads
back is decoded, so "Relances décembre" is the batch name whichever way the file came (decision 105).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from email.header import decode_header, make_header


def encode_value(value: str) -> str:
    if value.isascii():
        return value
    return "=?UTF-8?B?" + base64.b64encode(value.encode("utf-8")).decode("ascii") + "?="


def decode_value(value: str) -> str:
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeDecodeError):
        return value  # not an encoded word after all: the value as stored


def decoded(metadata: Mapping[str, str]) -> dict[str, str]:
    return {name: decode_value(str(value)) for name, value in metadata.items()}
