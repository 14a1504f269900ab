"""IBAN, SEPA reach and the SEPA creditor identifier.

schwifty is the authority for IBANs and for SEPA membership (its registry marks each country
`in_sepa_zone`, including the French overseas territories and the Crown dependencies), so no SEPA
country list is kept here. Only the EEA boundary is ours: the SDD rulebook requires the debtor's
address when the debtor's bank is in a SEPA country outside the EEA, and no dependency knows
where that boundary runs.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import Final

from schwifty import IBAN, exceptions, registry

__all__ = [
    "CreditorIdResult",
    "IbanResult",
    "check_creditor_identifier",
    "check_iban",
    "is_sepa_country",
    "requires_debtor_address",
]

# EEA = EU 27 + IS, LI, NO, with the EU's outermost regions that have their own ISO code (French
# overseas departments, Saint-Martin) and Åland. The EPC list of SEPA scheme countries (EPC409-09)
# files Saint-Barthélemy and Saint-Pierre-et-Miquelon under France, so they are treated as EEA too.
# Not EEA although SEPA: CH, GB, MC, SM, VA, AD, GI, JE, GG, IM and the Pacific territories NC, PF,
# WF (and TF), for which we require the address, the conservative choice.
_EEA: Final = frozenset(
    {
        "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT",
        "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
        "IS", "LI", "NO",
        "GF", "GP", "MQ", "RE", "YT", "MF", "BL", "PM", "AX",
    }
)  # fmt: skip
_WHITESPACE: Final = str.maketrans("", "", " \t\n\r\u00a0\u202f-")
# CC + 2 check digits + 3-character creditor business code + national identifier (1 to 28).
_CREDITOR_ID: Final = re.compile(r"([A-Z]{2})([0-9]{2})([A-Z0-9]{3})([A-Z0-9]{1,28})")
_BASE36: Final = MappingProxyType({c: str(int(c, 36)) for c in string.digits + string.ascii_uppercase})


@dataclass(frozen=True, slots=True)
class IbanResult:
    """`normalized` is the compact upper-case IBAN when valid; otherwise `error_code` and
    `message` say why (error codes are stable, messages are for people)."""

    normalized: str | None
    country: str | None
    error_code: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_code is None


@dataclass(frozen=True, slots=True)
class CreditorIdResult:
    normalized: str | None
    country: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def check_iban(raw: object) -> IbanResult:
    """Validate structure, length and check digits. National (BBAN) check digits are not checked:
    schwifty only knows them for some countries, and the IBAN check digits catch typos anyway."""
    if not isinstance(raw, str) or not raw.strip():
        return IbanResult(None, None, "invalid_iban_format", "IBAN is empty")
    compact = raw.translate(_WHITESPACE).upper()
    try:
        iban = IBAN(compact)
    except exceptions.SchwiftyException as exc:
        code, message = _explain(exc, compact)
        return IbanResult(None, compact[:2] or None, code, message)
    return IbanResult(str(iban), iban.country_code)


def is_sepa_country(cc: str) -> bool:
    """Whether banks of `cc` take part in the SEPA schemes, per schwifty's IBAN registry."""
    return _in_sepa_zone(cc.strip().upper())


def requires_debtor_address(cc: str) -> bool:
    """SEPA debits to a bank outside the EEA must carry the debtor's postal address."""
    code = cc.strip().upper()
    return _in_sepa_zone(code) and code not in _EEA


def check_creditor_identifier(raw: object) -> CreditorIdResult:
    """Validate a SEPA creditor identifier (EPC262-08), e.g. "FR72ZZZ123456".

    The check digits are ISO 7064 mod 97-10 over the national identifier followed by the country
    code, skipping the 3-character business code, which the creditor may change freely.
    python-stdnum has this (stdnum.eu.at_02) but is not a dependency, so it is done here.
    """
    if not isinstance(raw, str) or not raw.strip():
        return CreditorIdResult(None, None, "Creditor identifier is empty")
    compact = raw.translate(_WHITESPACE).upper()
    match = _CREDITOR_ID.fullmatch(compact)
    if match is None:
        return CreditorIdResult(
            None, None, "Creditor identifier must look like FR72ZZZ123456 (country, check digits, code, id)"
        )
    country, check, _business_code, national = match.groups()
    if not _in_sepa_zone(country):
        return CreditorIdResult(None, country, f"Creditor identifier country {country} is not in SEPA")
    if _mod97(national + country + check) != 1:
        return CreditorIdResult(None, country, "Creditor identifier check digits are wrong (typo?)")
    return CreditorIdResult(compact, country)


def _explain(exc: exceptions.SchwiftyException, compact: str) -> tuple[str, str]:
    """Turn schwifty's exception into our stable code and a message naming the actual problem."""
    country = compact[:2]
    if isinstance(exc, exceptions.InvalidChecksumDigits):
        return "invalid_iban_checksum", "IBAN check digits are wrong (typo?)"
    if isinstance(exc, exceptions.InvalidCountryCode):
        return "invalid_iban_country", f"IBAN country code {country!r} does not issue IBANs"
    if isinstance(exc, exceptions.InvalidLength):
        expected = registry.get_iban_spec(country).iban_length
        return "invalid_iban_length", f"IBAN has {len(compact)} characters; {country} IBANs have {expected}"
    if not compact.isalnum() or not compact.isascii():
        return "invalid_iban_format", "IBAN may only contain letters and digits"
    return "invalid_iban_format", f"IBAN does not match the {country} IBAN format"


def _mod97(alphanumeric: str) -> int:
    return int("".join(_BASE36[c] for c in alphanumeric)) % 97


@lru_cache(maxsize=512)
def _in_sepa_zone(cc: str) -> bool:
    try:
        return registry.get_iban_spec(cc).in_sepa_zone
    except exceptions.InvalidCountryCode:
        return False
