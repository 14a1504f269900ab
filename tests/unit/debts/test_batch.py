"""The debts batch use case on in-memory ports: skipping, civility, e-mail checks, timelines,
credits, idempotent retries."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import dns.exception
import pytest

from debtload.domain import request_ids
from debtload.domain.debts import batch
from debtload.domain.debts.timelines import Timeline
from debtload.domain.errors import BadRequest, PaymentRequired
from tests.fakes.debts import MemoryCredits, MemoryDebts, MemoryTimelines, services
from tests.fakes.dns import FakeResolver, Mx

NOW = datetime.fromisoformat("2026-11-20T10:30:00+00:00")  # a Friday; 11:30 in Paris


def debt(i: int, **changes: Any) -> dict[str, Any]:
    return {"firstname": "Jean", "lastname": "Dupont", "civility": "M.", "phone": f"06123456{i % 100:02d}",
            "amount": 10, "currency": "EUR", "temp_id": i, **changes}  # fmt: skip


def run(svc: batch.BatchServices, debts: list[Any], *, import_id: str = "imp-1", dry_run: bool = False,
        now: datetime = NOW, **options: Any) -> batch.BatchOutcome:  # fmt: skip
    request = batch.BatchRequest(debts=debts, **options)
    return batch.run_batch(svc, "t1", request, import_id=import_id, now=now, dry_run=dry_run)


def test_empty_and_instruction_rows_are_skipped_with_their_reason() -> None:
    rows: list[Any] = [
        {},
        {"firstname": "", "lastname": None, "metadata": {}},
        None,
        {"firstname": "*Prénom", "lastname": "*Nom"},
        {"firstname": "Prénom", "lastname": "Nom", "amount": "Champs obligatoires"},
        {"firstname": "Required fields: firstname, lastname"},
        {"firstname": "(Obligatoire)", "lastname": "(Obligatoire)"},
        debt(1, object="Paiement obligatoire avant le 30"),
    ]
    outcome = run(services(), rows)
    assert outcome.skipped == [
        {"index": 0, "reason": "empty row"},
        {"index": 1, "reason": "empty row"},
        {"index": 2, "reason": "empty row"},
        *({"index": i, "reason": "instruction row"} for i in range(3, 7)),
    ]
    assert [c["index"] for c in outcome.created] == [7]


def test_a_row_that_is_not_an_object_fails() -> None:
    outcome = run(services(), [42, "x"])
    assert [f["errors"] for f in outcome.failed] == [{"debt": ["Each debt must be a JSON object"]}] * 2


@pytest.mark.parametrize(("needing", "credits"), [(1, 1), (100, 1), (101, 2), (250, 3)])
def test_civility_detection_costs_a_credit_per_started_hundred(needing: int, credits: int) -> None:
    rows = [debt(i, civility=None) for i in range(needing)] + [debt(999)]
    wallet = MemoryCredits(balance=10)
    outcome = run(services(credits=wallet), rows)
    assert outcome.civility_credits == credits and wallet.balance == 10 - credits


def test_names_the_dictionary_cannot_tell_stay_empty_but_are_billed() -> None:
    outcome = run(
        services(), [debt(1, civility=None, firstname="Dominique"), debt(2, civility=None, firstname="Xyzzy")]
    )
    assert all("civility" not in d.fields for d in outcome.debts)
    assert outcome.civility_credits == 1


def test_auto_civility_off_infers_and_charges_nothing() -> None:
    outcome = run(services(), [debt(1, civility=None, firstname="Marie")], auto_civility=False)
    assert "civility" not in outcome.debts[0].fields and outcome.civility_credits == 0


def _resolver() -> FakeResolver:
    return FakeResolver({"orange.fr": [Mx(10, "smtp-in.orange.fr.")], "slow.fr": dns.exception.Timeout()})


def test_email_validation_dedupes_bills_per_five_and_suppresses_undeliverable() -> None:
    resolver = _resolver()
    emails = [
        "a@orange.fr",
        "A@orange.fr",
        "b@orange.fr",
        "c@nowhere.fr",
        "d@slow.fr",
        "e@orange.fr",
        "f@orange.fr",
    ]
    rows = [debt(i, email=e) for i, e in enumerate(emails)]
    outcome = run(services(resolver=resolver), rows, validate_emails=True)
    # 6 distinct addresses; the timeout answers nothing and is not billed: 5 billable -> 1 credit.
    assert outcome.email_credits == 1
    suppressed = {d.fields["email"]: d.fields.get("email_suppressed") for d in outcome.debts}
    assert suppressed["c@nowhere.fr"] is True and suppressed["a@orange.fr"] is False
    assert suppressed["d@slow.fr"] is None  # unknown: neither suppressed nor cleared
    assert len(outcome.created) == 7  # an undeliverable address is saved, only marked


def test_email_validation_is_off_by_default() -> None:
    outcome = run(services(), [debt(1, email="a@orange.fr")])  # services() refuses any DNS check
    assert outcome.email_credits == 0


def test_next_day_skips_weekends_holidays_of_the_debtor_and_excluded_days() -> None:
    timelines = MemoryTimelines()
    relance = Timeline("tl-1", "Relance", frozenset({0}), frozenset({date(2026, 12, 22)}), "")
    timelines.put_timeline("t1", relance)
    svc = services(timelines=timelines)
    friday = datetime.fromisoformat("2026-12-18T09:00:00+00:00")
    rows = [
        debt(1, timeline_id="tl-1", timeline_start_mode="next_day"),
        debt(2, timeline_id="tl-1", timeline_start_mode="next_day", phone="+262262123456"),
        debt(3, timeline_id="tl-1"),
    ]
    outcome = run(svc, rows, now=friday, accept_expensive_destination=True)
    starts = [d.fields["timeline_start_date"] for d in outcome.debts]
    # Mainland: Sat, Sun skipped, Monday excluded by the timeline, Tue 22 excluded: Wed 23.
    # Réunion: the same, and 20 December is Réunion's own holiday (a Sunday this year): Wed 23 too.
    assert starts == ["2026-12-23", "2026-12-23", "2026-12-18"]
    assert outcome.debts[2].fields["timeline_start_mode"] == "immediate"


def test_reunion_holiday_on_a_weekday_is_skipped() -> None:
    timelines = MemoryTimelines()
    timelines.put_timeline("t1", Timeline("tl", "x", frozenset(), frozenset(), ""))
    saturday = datetime.fromisoformat("2025-12-19T09:00:00+00:00")  # Friday 19 Dec 2025; 20 Dec is a Saturday
    row = debt(1, timeline_id="tl", timeline_start_mode="next_day", phone="+262262123456")
    outcome = run(services(timelines=timelines), [row], now=saturday, accept_expensive_destination=True)
    assert outcome.debts[0].fields["timeline_start_date"] == "2025-12-22"
    thursday = datetime.fromisoformat("2029-12-19T09:00:00+00:00")  # 20 Dec 2029 is a Thursday
    outcome = run(services(timelines=timelines), [row], now=thursday, accept_expensive_destination=True)
    assert outcome.debts[0].fields["timeline_start_date"] == "2029-12-21"


def test_another_tenants_timeline_is_dropped_silently() -> None:
    timelines = MemoryTimelines()
    timelines.put_timeline("someone-else", Timeline("tl-x", "x", frozenset(), frozenset(), ""))
    outcome = run(
        services(timelines=timelines), [debt(1, timeline_id="tl-x", timeline_start_mode="next_day")]
    )
    assert outcome.created and not {"timeline_id", "timeline_start_mode"} & set(outcome.debts[0].fields)


def test_default_batch_name_is_paris_time() -> None:
    assert run(services(), [debt(1)]).batch_name == "API Batch - 20/11/2026 11:30"
    summer = datetime.fromisoformat("2026-07-01T22:15:00+00:00")
    assert batch.default_batch_name(summer) == "API Batch - 02/07/2026 00:15"


def test_a_batch_the_tenant_cannot_pay_writes_nothing() -> None:
    store = MemoryDebts()
    with pytest.raises(PaymentRequired):
        run(services(debts=store, credits=MemoryCredits(balance=0)), [debt(1, civility=None)])
    assert store.debts == {}


def test_a_dry_run_writes_and_charges_nothing_but_reports_the_charge() -> None:
    store, wallet = MemoryDebts(), MemoryCredits(balance=5)
    outcome = run(services(debts=store, credits=wallet), [debt(1, civility=None)], dry_run=True)
    assert outcome.civility_credits == 1 and len(outcome.created) == 1
    assert store.debts == {} and wallet.balance == 5


def test_a_crash_half_way_is_completed_by_a_retry_with_the_same_ids_and_one_charge() -> None:
    store, wallet = MemoryDebts(fail_after=3), MemoryCredits(balance=5)
    svc = services(debts=store, credits=wallet)
    rows = [debt(i, civility=None, internal_id=f"INV-{i}" if i % 2 else None) for i in range(6)]
    import_id = request_ids.debts_batch_import_id("t1", "key-1")
    with pytest.raises(ConnectionError):
        run(svc, rows, import_id=import_id)
    assert len(store.debts) == 3
    store.fail_after = None
    retried = run(svc, rows, import_id=request_ids.debts_batch_import_id("t1", "key-1"))
    assert len(store.debts) == 6 and wallet.balance == 4
    assert all("updated" not in c for c in retried.created)  # created by this same import, not updates
    again = run(svc, rows, import_id=import_id)
    assert [c["debt_id"] for c in again.created] == [c["debt_id"] for c in retried.created]


def test_a_later_import_with_the_same_internal_id_is_an_update() -> None:
    store = MemoryDebts()
    first = run(services(debts=store), [debt(1, internal_id="INV-1")], import_id="a")
    second = run(services(debts=store), [debt(1, internal_id="INV-1", amount=20)], import_id="b")
    assert second.created[0]["updated"] is True
    assert second.created[0]["debt_id"] == first.created[0]["debt_id"]
    (stored,) = store.debts.values()
    assert stored.fields["amount"] == "20.00" and stored.created_import_id == "a" and stored.import_id == "b"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (None, "body"),
        ({"debts": "x"}, "debts"),
        ({"debts": []}, "debts"),
        ({"debts": [{}] * 1001}, "debts"),
        ({"debts": [{}], "auto_civility": "yes"}, "auto_civility"),
        ({"debts": [{}], "batch_name": 3}, "batch_name"),
    ],
)
def test_envelope_errors(body: Any, field: str) -> None:
    with pytest.raises(BadRequest) as raised:
        batch.parse_batch_request(body)
    assert field in raised.value.details


def test_envelope_defaults() -> None:
    request = batch.parse_batch_request({"debts": [{}]})
    assert (request.auto_civility, request.validate_emails, request.accept_expensive_destination) == (
        True,
        False,
        False,
    )
