"""Metadata values as S3 carries them: ASCII as is, anything else as an RFC 2047 encoded word."""

from __future__ import annotations

import pytest

from debtload.adapters.s3_metadata import decode_value, decoded, encode_value


@pytest.mark.parametrize("value", ["Relances décembre", "Impayés 2026 · lot n°3", "Łódź", "日本"])
def test_a_non_ascii_value_is_sent_as_ascii_and_read_back_whole(value: str) -> None:
    encoded = encode_value(value)
    assert encoded.isascii() and encoded.startswith("=?UTF-8?B?")
    assert decode_value(encoded) == value


def test_an_ascii_value_is_left_alone_both_ways() -> None:
    assert encode_value("Relances S49") == "Relances S49"
    assert decode_value("Relances S49") == "Relances S49"
    assert decode_value("a=?b") == "a=?b"


def test_the_forms_s3_and_other_writers_use_are_decoded() -> None:
    # S3 answers a UTF-8 value written through its console or an SDK in either encoding.
    assert decode_value("=?UTF-8?B?UmVsYW5jZXMgZMOpY2VtYnJl?=") == "Relances décembre"
    assert decode_value("=?utf-8?q?Relances_d=C3=A9cembre?=") == "Relances décembre"
    assert decoded({"batch-name": "=?UTF-8?B?w6l0w6k=?=", "delimiter": ";"}) == {
        "batch-name": "été",
        "delimiter": ";",
    }


def test_a_broken_encoded_word_is_kept_as_stored() -> None:
    assert decode_value("=?x-unknown?B?AAAA?=") == "=?x-unknown?B?AAAA?="
