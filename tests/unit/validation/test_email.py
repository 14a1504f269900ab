"""E-mail syntax and MX deliverability, with a fake resolver: no test touches the network."""

from __future__ import annotations

import string

import dns.exception
import dns.resolver
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from debtload.validation.email import (
    Deliverability,
    EmailSyntaxResult,
    check_deliverability,
    check_email_syntax,
    dedup_key,
)
from tests.fakes.dns import FakeResolver, Mx


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("jean.dupont@example.com", "jean.dupont@example.com"),
        ("  Jean.Dupont@EXAMPLE.com ", "Jean.Dupont@example.com"),
        ("marie+factures@orange.fr", "marie+factures@orange.fr"),
        ("élodie@exemple.fr", "élodie@exemple.fr"),
    ],
)
def test_valid_syntax_is_normalised(raw: str, normalized: str) -> None:
    assert check_email_syntax(raw) == EmailSyntaxResult(normalized)


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("", "Email address is empty"),
        ("   ", "Email address is empty"),
        ("jean.dupont.example.com", "Email address must contain an @ sign"),
        ("a" * 250 + "@x.fr", "Email address is too long (more than 254 characters)"),
    ],
)
def test_cheap_precheck_messages(raw: str, error: str) -> None:
    assert check_email_syntax(raw) == EmailSyntaxResult(None, error)


@pytest.mark.parametrize(
    "raw",
    ["jean@", "@example.com", "jean@@example.com", "jean dupont@example.com", "jean@localhost", "jean@x..fr"],
)
def test_email_validator_decides_what_the_precheck_lets_through(raw: str) -> None:
    result = check_email_syntax(raw)
    assert result.normalized is None
    assert result.error is not None
    assert result.error.startswith("Invalid email address: ")


def test_non_string_is_an_error() -> None:
    assert check_email_syntax(None).error == "Email address must be a string"  # type: ignore[arg-type]


def test_dedup_key_is_case_insensitive_on_the_normalized_address() -> None:
    assert dedup_key(" Jo@X.FR") == dedup_key("jo@x.fr") == "jo@x.fr"


# --- deliverability ---------------------------------------------------------------------------


def _resolver() -> FakeResolver:
    return FakeResolver(
        {
            "orange.fr": [Mx(10, "smtp-in.orange.fr.")],
            "gmail.com": [Mx(5, "gmail-smtp-in.l.google.com."), Mx(10, "alt1.gmail-smtp-in.l.google.com.")],
            "nullmx.fr": [Mx(0, ".")],
            "nomail.fr": dns.resolver.NoAnswer(),
            "slow.fr": dns.exception.Timeout(),
            "broken.fr": dns.resolver.NoNameservers(),
            "weird.fr": OSError("network unreachable"),
        }
    )


def test_deliverable_domain() -> None:
    result = check_deliverability(["jean@orange.fr"], resolver=_resolver())
    assert result == {"jean@orange.fr": Deliverability("jean@orange.fr", "deliverable", billable=True)}


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("jean@nxdomain.fr", "does not exist"),
        ("jean@nullmx.fr", "does not accept email"),
        ("jean@nomail.fr", "does not accept email"),
    ],
)
def test_undeliverable_domains_are_billable_answers(address: str, reason: str) -> None:
    verdict = check_deliverability([address], resolver=_resolver())[address]
    assert (verdict.status, verdict.billable) == ("undeliverable", True)
    assert verdict.reason is not None
    assert reason in verdict.reason


@pytest.mark.parametrize("address", ["jean@slow.fr", "jean@broken.fr", "jean@weird.fr"])
def test_resolver_failures_are_unknown_and_free(address: str) -> None:
    verdict = check_deliverability([address], resolver=_resolver())[address]
    assert (verdict.status, verdict.billable) == ("unknown", False)
    assert verdict.reason


def test_addresses_are_deduplicated_case_insensitively() -> None:
    resolver = _resolver()
    result = check_deliverability(
        ["Jean@orange.fr", "jean@ORANGE.fr", " jean@orange.fr ", "paul@gmail.com"], resolver=resolver
    )
    assert set(result) == {"jean@orange.fr", "paul@gmail.com"}
    assert sum(v.billable for v in result.values()) == 2


def test_each_domain_is_looked_up_once() -> None:
    resolver = _resolver()
    check_deliverability([f"user{i}@gmail.com" for i in range(50)], resolver=resolver)
    assert resolver.calls == [("gmail.com", "MX")]


def test_bad_syntax_is_reported_without_a_lookup_and_not_billed() -> None:
    resolver = _resolver()
    result = check_deliverability(["not-an-address"], resolver=resolver)
    assert result["not-an-address"].status == "undeliverable"
    assert result["not-an-address"].billable is False
    assert resolver.calls == []


def test_keys_match_dedup_key() -> None:
    addresses = ["A@Orange.fr", "b@gmail.com"]
    result = check_deliverability(addresses, resolver=_resolver())
    assert set(result) == {dedup_key(a) for a in addresses}


def test_a_host_without_resolver_configuration_gives_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    import email_validator.deliverability

    def no_configuration(**_: object) -> object:
        raise dns.resolver.NoResolverConfiguration

    monkeypatch.setattr(email_validator.deliverability, "caching_resolver", no_configuration)
    verdict = check_deliverability(["jean@orange.fr"])["jean@orange.fr"]
    assert (verdict.status, verdict.billable) == ("unknown", False)


_ATOM = st.text(alphabet=string.ascii_letters + string.digits + "_%+-", min_size=1, max_size=12)
_LABEL = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,8}[A-Za-z0-9])?", fullmatch=True)
_TLD = st.sampled_from(["fr", "com", "ORG", "io", "test", "local", "xn--p1ai", "museum", "Paris"])


@settings(max_examples=400, deadline=None)
@given(
    local=st.lists(_ATOM, min_size=1, max_size=3).map(".".join),
    labels=st.lists(_LABEL, min_size=1, max_size=3),
    tld=_TLD,
)
def test_the_everyday_fast_path_agrees_with_email_validator(local: str, labels: list[str], tld: str) -> None:
    address = f"{local}@{'.'.join(labels)}.{tld}"
    try:
        expected: str | None = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    assert check_email_syntax(address).normalized == expected
