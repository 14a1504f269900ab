from __future__ import annotations

import io
import json

import pytest

from debtload.log_masking import mask, masked_logger


@pytest.mark.parametrize(
    ("raw", "secret"),
    [
        ("call +33612345678 now", "12345678"),
        ("call +262 692 12 34 56", "12 34 56"),
        ("tel 06 12 34 56 78", "12 34 56 78"),
        ("tel 0612345678", "12345678"),
        ("mail jean.dupont@example.com", "jean.dupont"),
        ("iban FR7630006000011234567890189", "30006000011234567890189"),
        ("iban FR76 3000 6000 0112 3456 7890 189", "3000 6000 0112"),
        ("key dlk.acme-3f9a0c.uF5I7JrNn9rHsYsiPI7ULOHnDzulUiOy3z3Mmkg_6Kk", "uF5I7Jr"),
        ("secret whsec_abcdefghijklmnop", "abcdefghijkl"),
    ],
)
def test_sensitive_values_are_masked(raw: str, secret: str) -> None:
    masked = mask(raw)
    assert secret not in masked
    assert "***" in masked


@pytest.mark.parametrize(
    "text",
    [
        "job 9529cc9c-fed9-469d-8b17-d308eca0b1f7",
        "amount 1250.50 EUR",
        "row 12 of 1000",
        "2026-02-01T09:30:00Z",
    ],
)
def test_ordinary_values_survive(text: str) -> None:
    assert mask(text) == text


def test_the_logger_masks_messages_extras_and_exceptions() -> None:
    stream = io.StringIO()
    logger = masked_logger(service="test", logger_handler=__import__("logging").StreamHandler(stream))
    logger.info(
        "debt for +33612345678", extra={"email": "marie@example.org", "iban": "FR7630006000011234567890189"}
    )
    try:
        raise ValueError("bad phone 0690123456")
    except ValueError:
        logger.exception("row failed")
    output = stream.getvalue()
    for secret in ("612345678", "marie@", "30006000011234567890189", "90123456"):
        assert secret not in output
    assert json.loads(output.splitlines()[0])["message"].startswith("debt for +336")
