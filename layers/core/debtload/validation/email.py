"""E-mail address checks: syntax for every row, MX deliverability only when a batch asks for it.

email-validator is the authority for both. The syntax check is per row and runs with deliverability
off (no DNS); the deliverability check runs once per distinct address and once per distinct domain,
because the seed bills per de-duplicated result and a batch of 1,000 debts usually shares a
handful of mail domains.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from email_validator import ValidatedEmail

__all__ = [
    "Deliverability",
    "EmailSyntaxResult",
    "check_deliverability",
    "check_email_syntax",
    "dedup_key",
]

Status = Literal["deliverable", "undeliverable", "unknown"]

# RFC 5321 path limit; longer strings cannot be addresses, so refuse them before the library.
_MAX_LENGTH: Final = 254


@dataclass(frozen=True, slots=True)
class EmailSyntaxResult:
    """`normalized` is the address to store (domain lower-cased, Unicode normalised) or None."""

    normalized: str | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class Deliverability:
    """One MX verdict. Only answers we actually obtained are `billable`; resolver trouble is not."""

    address: str
    status: Status
    billable: bool
    reason: str | None = None


# The everyday address: ASCII dot-atoms and plain LDH domain labels ending in an alphabetic TLD.
# email-validator returns such an address unchanged but for the domain's case (a property test
# holds the two to the same answer), and costs ~20 µs to say so; a batch of 1,000 debts cannot
# afford that on its 80 ms budget. Anything else (quoted or Unicode local parts, IDNs, "xn--"
# labels, odd lengths) goes to the library, which alone decides it.
_EVERYDAY: Final = re.compile(
    r"[A-Za-z0-9_%+-]{1,64}(?:\.[A-Za-z0-9_%+-]+)*@((?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24})"
)
# RFC 6761 / 7686 names email-validator refuses even without deliverability checks.
_SPECIAL_USE_TLDS: Final = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})
_MAX_LOCAL_PART: Final = 64


def check_email_syntax(raw: str) -> EmailSyntaxResult:
    """Syntax only, no DNS. A few cheap checks give precise messages for the common junk; anything
    that passes them is still judged by email-validator, which alone can accept an address."""
    if not isinstance(raw, str):
        return EmailSyntaxResult(None, "Email address must be a string")
    text = raw.strip()
    everyday = _everyday(text)
    if everyday is not None:
        return EmailSyntaxResult(everyday)
    precheck = _precheck(text)
    if precheck is not None:
        return EmailSyntaxResult(None, precheck)
    # Loaded on first use (~20 ms of regex compiling): everyday addresses never need it.
    from email_validator import EmailNotValidError, validate_email

    try:
        validated = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return EmailSyntaxResult(None, f"Invalid email address: {exc}")
    return EmailSyntaxResult(validated.normalized)


def _everyday(text: str) -> str | None:
    """The normalized address when `text` is an everyday address, else None (ask the library)."""
    match = _EVERYDAY.fullmatch(text)
    if match is None or len(text) > _MAX_LENGTH:
        return None
    domain = match.group(1).lower()
    local = text[: match.start(1) - 1]
    if len(local) > _MAX_LOCAL_PART or "--" in domain or domain.rsplit(".", 1)[1] in _SPECIAL_USE_TLDS:
        return None
    return f"{local}@{domain}"


def dedup_key(raw: str) -> str:
    """The key `check_deliverability` files an address under: case-insensitive on the normalized
    form, so 'Jo@X.fr' and 'jo@x.fr' are checked and billed once."""
    return _key(raw, check_email_syntax(raw))


def check_deliverability(
    addresses: Iterable[str],
    *,
    resolver: object | None = None,
    timeout: float = 3.0,
) -> dict[str, Deliverability]:
    """MX-check each distinct address once; returns a verdict per `dedup_key`.

    Never raises for a bad address or a failing resolver: a timeout or a resolver error gives
    status "unknown" (not billable), since it says nothing about the address. `resolver` is any
    object with dnspython's `resolve(qname, rdtype)`; by default a caching dnspython resolver
    whose lifetime is `timeout` seconds (email-validator refuses both a resolver and a timeout).
    """
    dns_resolver = resolver if resolver is not None else _default_resolver(timeout)
    by_domain: dict[str, tuple[Status, str | None]] = {}
    results: dict[str, Deliverability] = {}
    for raw in addresses:
        syntax = check_email_syntax(raw)
        key = _key(raw, syntax)
        if key not in results:
            results[key] = _check_one(key, syntax, dns_resolver, by_domain)
    return results


def _default_resolver(timeout: float) -> Any | None:
    """dnspython's resolver with an LRU cache; None where the host has no resolver configuration."""
    from dns.exception import DNSException

    try:
        from email_validator import caching_resolver

        return caching_resolver(timeout=timeout)  # type: ignore[arg-type]
    except DNSException:
        return None


def _key(raw: str, syntax: EmailSyntaxResult) -> str:
    return (syntax.normalized or str(raw).strip()).lower()


def _precheck(text: str) -> str | None:
    if not text:
        return "Email address is empty"
    if len(text) > _MAX_LENGTH:
        return f"Email address is too long (more than {_MAX_LENGTH} characters)"
    if "@" not in text:
        return "Email address must contain an @ sign"
    return None


def _check_one(
    key: str, syntax: EmailSyntaxResult, dns_resolver: Any, by_domain: dict[str, tuple[Status, str | None]]
) -> Deliverability:
    if syntax.normalized is None:
        # Nothing was looked up, so nothing to bill.
        return Deliverability(key, "undeliverable", billable=False, reason=syntax.error)
    domain = syntax.normalized.rsplit("@", 1)[1].lower()
    if dns_resolver is None:
        return Deliverability(
            syntax.normalized, "unknown", billable=False, reason="No DNS resolver is available"
        )
    if domain not in by_domain:
        by_domain[domain] = _lookup(syntax.normalized, dns_resolver)
    status, reason = by_domain[domain]
    return Deliverability(syntax.normalized, status, billable=status != "unknown", reason=reason)


def _lookup(address: str, dns_resolver: Any) -> tuple[Status, str | None]:
    """Ask email-validator for the MX verdict and sort its answer into our three statuses.

    email-validator swallows timeouts and SERVFAIL (no MX info on the result) and turns any other
    resolver exception into EmailUndeliverableError; only NXDOMAIN, NoAnswer and null-MX/SPF
    verdicts are real answers about the domain, so the exception's cause tells them apart.
    """
    # dnspython costs ~120 ms to import: only batches that ask for MX checks should pay it.
    from dns.resolver import NXDOMAIN, NoAnswer
    from email_validator import EmailNotValidError, EmailUndeliverableError, validate_email

    try:
        validated = validate_email(address, check_deliverability=True, dns_resolver=dns_resolver)
    except EmailUndeliverableError as exc:
        cause = exc.__cause__
        if cause is None or isinstance(cause, NXDOMAIN | NoAnswer):
            return "undeliverable", str(exc)
        return "unknown", f"Deliverability could not be checked: {cause.__class__.__name__}"
    except EmailNotValidError as exc:
        return "undeliverable", str(exc)
    return _verdict(validated)


def _verdict(validated: ValidatedEmail) -> tuple[Status, str | None]:
    if getattr(validated, "mx", None):
        return "deliverable", None
    return "unknown", "The mail domain's DNS servers did not answer"
