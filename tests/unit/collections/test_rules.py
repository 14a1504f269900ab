"""The rules of the bank's bulk collections API on check_collection alone: scheduling on TARGET2 days, and the
order of checks."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from debtload.domain.collections.processing import Incoming, process
from debtload.domain.collections.rules import CheckedCollection, Failure, check_collection
from tests.api_requests import SEED_BODY

TODAY = date(2026, 3, 30)  # a Monday; Good Friday is 3 April 2026, Easter Monday 6 April
CREDITOR = "FR72ZZZ123456"


def body(**changes: Any) -> dict[str, Any]:
    value = copy.deepcopy(SEED_BODY["collections"][0])
    value.update(changes)
    return value


def scheduled(requested: str | None, today: date = TODAY) -> str:
    result = check_collection(body(scheduled_date=requested), today=today, creditor_id=CREDITOR)
    assert isinstance(result, CheckedCollection), result
    return result.scheduled_date


@pytest.mark.parametrize(
    ("requested", "collected"),
    [
        ("2026-04-03", "2026-04-07"),  # Good Friday, then Easter Monday: Tuesday
        ("2026-05-01", "2026-05-04"),  # 1 May (a Friday) -> Monday
        ("2026-12-25", "2026-12-28"),  # 25 and 26 December, then the weekend
        ("2026-07-14", "2026-07-14"),  # Bastille Day: a French holiday, a TARGET2 business day
        ("2026-04-11", "2026-04-13"),  # Saturday -> Monday
        ("2027-01-01", "2027-01-04"),  # New Year's Day (Friday) -> Monday
    ],
)
def test_closed_days_roll_to_the_next_target2_day(requested: str, collected: str) -> None:
    assert scheduled(requested) == collected


def test_d_minus_1_moves_today_and_no_date_to_the_next_target2_day() -> None:
    assert scheduled("2026-03-30") == "2026-03-31"
    assert scheduled(None) == "2026-03-31"
    assert scheduled("2026-04-02", today=date(2026, 4, 2)) == "2026-04-07"  # Thursday before Easter


def test_past_dates_fail() -> None:
    result = check_collection(body(scheduled_date="2026-03-29"), today=TODAY, creditor_id=CREDITOR)
    assert isinstance(result, Failure) and result.code == "scheduled_date_in_past"


def test_the_creditor_identifier_is_checked_first() -> None:
    result = check_collection({"amount": -1}, today=TODAY, creditor_id=None)
    assert isinstance(result, Failure) and result.code == "no_sepa_creditor_identifier"


def test_a_failed_collection_keeps_the_body_as_sent() -> None:
    sent = body(amount=0)
    (failed,) = process(
        None, "t", [Incoming("c1", sent)], today=TODAY, creditor_id=CREDITOR, now="n", dry_run=True
    )  # type: ignore[arg-type]
    assert failed.status == "failed" and failed.fields == sent and failed.failure_code == "invalid_amount"


def test_within_one_batch_a_mandate_keeps_its_first_iban() -> None:
    first = body(scheduled_date="2026-06-01", end_to_end_id="A")
    second = body(scheduled_date="2026-06-01", end_to_end_id="B")
    second["mandate"]["debtor"]["iban"] = "FR7630006000011234567890189"
    results = process(None, "t", [Incoming("1", first), Incoming("2", second)], today=TODAY,  # type: ignore[arg-type]
                      creditor_id=CREDITOR, now="n", dry_run=True)  # fmt: skip
    assert [c.status for c in results] == ["confirmed", "failed"]
    assert results[1].failure_code == "mandate_iban_mismatch"
