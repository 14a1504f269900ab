"""Phone number normalisation to E.164.

libphonenumber is the authority, but it treats French overseas numbers written in the French
national format (0262..., 0590...) as mainland numbers under region FR: it rejects most of them and,
worse, accepts a few (0596..., 0269..., 0508...) as mainland lines, which would price a Martinique
call as a Paris one. So any number that parses as +33 with an overseas prefix (0262..., +33 262...,
0033 262...) is routed to its own country code (one dict lookup). Overseas mobiles in national format are refused, as the seed API does.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberFormat, ValidationResult

__all__ = ["PhoneResult", "normalize_phone", "region_of"]


@dataclass(frozen=True, slots=True)
class PhoneResult:
    """Outcome of `normalize_phone`: either `e164` and `region` are set, or `error` is."""

    e164: str | None
    region: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class _Overseas:
    region: str
    country_code: int
    mobile: bool


def _overseas_table() -> MappingProxyType[str, _Overseas]:
    """Keyed by the three digits after the French trunk '0', so one dict lookup decides."""
    rows: dict[str, tuple[str, int, bool]] = {
        "262": ("RE", 262, False),
        "263": ("RE", 262, False),
        "692": ("RE", 262, True),
        "693": ("RE", 262, True),
        "269": ("YT", 262, False),
        "639": ("YT", 262, True),
        "590": ("GP", 590, False),
        "690": ("GP", 590, True),
        "691": ("GP", 590, True),
        "594": ("GF", 594, False),
        "694": ("GF", 594, True),
        "596": ("MQ", 596, False),
        "696": ("MQ", 596, True),
        "697": ("MQ", 596, True),
        "508": ("PM", 508, False),
    }
    return MappingProxyType({key: _Overseas(*row) for key, row in rows.items()})


_OVERSEAS: Final = _overseas_table()
_E164: Final = PhoneNumberFormat.E164
_FRANCE: Final = 33
_SPM: Final = 508
# A French national significant number has 9 digits (the trunk '0' is not part of it).
_FR_NSN_LEN: Final = 9

_PARSE_ERRORS: Final = MappingProxyType(
    {
        NumberParseException.INVALID_COUNTRY_CODE: "Invalid country calling code",
        NumberParseException.NOT_A_NUMBER: "Phone number contains no valid digits",
        NumberParseException.TOO_SHORT_AFTER_IDD: "Phone number is too short",
        NumberParseException.TOO_SHORT_NSN: "Phone number is too short",
        NumberParseException.TOO_LONG: "Phone number is too long",
    }
)
_POSSIBILITY_ERRORS: Final = MappingProxyType(
    {
        ValidationResult.TOO_SHORT: "Phone number is too short",
        ValidationResult.TOO_LONG: "Phone number is too long",
        ValidationResult.INVALID_COUNTRY_CODE: "Invalid country calling code",
        ValidationResult.INVALID_LENGTH: "Phone number has an invalid length for its country",
    }
)


def normalize_phone(raw: str, default_region: str = "FR") -> PhoneResult:
    """Return the E.164 form and ISO region of `raw`, or a message an API user can act on.

    The happy path is parse + one dict lookup + is_valid_number + format; the reason lookup
    (`is_possible_number_with_reason`) only runs once a number has already failed. The overseas
    lookup runs on the parsed +33 number rather than on the raw text, so every spelling
    (spaces, 0033, +33, full-width digits) reaches it.
    """
    if not isinstance(raw, str):
        return PhoneResult(None, None, "Phone number must be a string")
    text = raw.strip()
    if not text:
        return PhoneResult(None, None, "Phone number is empty")
    try:
        number = phonenumbers.parse(text, default_region)
    except NumberParseException as exc:
        return _parse_error(exc)
    if number.country_code == _FRANCE:
        nsn = str(number.national_number)
        overseas = _OVERSEAS.get(nsn[:3])
        if overseas is not None:
            return _normalize_overseas(nsn, overseas, written_with_33=text[:1] == "+" or text[:2] == "00")
    return _checked(number)


def region_of(e164: str) -> str | None:
    """ISO region of an E.164 number, for callers that stored only the number (pricing, holidays).

    Non-geographic numbers (+800, +882...) come back as "001".
    """
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return None
    return phonenumbers.region_code_for_number(number)


def _normalize_overseas(nsn: str, overseas: _Overseas, *, written_with_33: bool) -> PhoneResult:
    """Move a +33/0-prefixed overseas number to its own country code; refuse it if it is a mobile.

    The seed API refuses overseas mobiles written the French way rather than guessing, so we do
    too, but we tell the user exactly what to send instead.
    """
    # For +508 the French 0508 is only a trunk: the Saint-Pierre-et-Miquelon number is what follows.
    local = nsn[3:] if overseas.country_code == _SPM else nsn
    international = f"+{overseas.country_code}{local}"
    if overseas.mobile:
        hint = international if len(nsn) == _FR_NSN_LEN else "+262692123456"
        what = "with the +33 country code" if written_with_33 else "in national format (069X/0639)"
        return PhoneResult(
            None,
            None,
            f"French overseas mobile numbers {what} are not supported; "
            f"send the number in international format, e.g. {hint}",
        )
    try:
        number = phonenumbers.parse(international, None)
    except NumberParseException as exc:
        return _parse_error(exc)
    return _checked(number)


def _checked(number: PhoneNumber) -> PhoneResult:
    if phonenumbers.is_valid_number(number):
        return PhoneResult(
            phonenumbers.format_number(number, _E164), phonenumbers.region_code_for_number(number)
        )
    return PhoneResult(None, None, _invalid_reason(number))


def _parse_error(exc: NumberParseException) -> PhoneResult:
    return PhoneResult(None, None, _PARSE_ERRORS.get(exc.error_type, "Phone number is not a valid number"))


def _invalid_reason(number: PhoneNumber) -> str:
    """Explain a failed number; only called on the failure path because it re-walks the metadata."""
    reason = phonenumbers.is_possible_number_with_reason(number)
    message = _POSSIBILITY_ERRORS.get(reason)
    if message is not None:
        return message
    # Name the country only when the calling code has one (+1 is shared by 25 regions).
    regions = phonenumbers.region_codes_for_country_code(number.country_code or 0)
    where = regions[0] if len(regions) == 1 else f"country code +{number.country_code}"
    return f"Phone number is not a valid number for {where}"
