from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from debtload.domain.campaigns import customers
from debtload.domain.campaigns.campaign import Campaign, ServiceType
from debtload.domain.errors import ValidationFailed
from tests.fakes.campaigns import MemoryCustomers


def campaign(service_type: ServiceType = "debt_collection") -> Campaign:
    return Campaign("c1", "Campaign", service_type, None, None, False, "FR", "")


def loan(i: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "loan_id": f"LN-{i}",
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone_number": "06 12 34 56 78",
        "loan_amount": 1250.5,
        "emi_amount": 120,
        "loan_period": 12,
        "current_emi": 3,
        "emi_due_date": "2026-04-05",
        "payment_status": "overdue",
        "language": "fr",
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def test_three_valid_records_give_the_seed_answer() -> None:
    outcome = customers.add_customers(
        MemoryCustomers(), "t1", campaign(), [loan(1), loan(2), loan(3)], "", dry_run=False
    )
    assert outcome.status == 201
    assert outcome.to_json() == {
        "success": True,
        "message": "Added 3 of 3 records",
        "results": {
            "total": 3,
            "valid": 3,
            "invalid": 0,
            "successful": 3,
            "failed": 0,
            "batchesProcessed": 1,
            "errors": [],
        },
    }


def test_values_are_normalised_for_storage() -> None:
    store = MemoryCustomers()
    customers.add_customers(store, "t1", campaign(), [loan(1)], "", dry_run=False)
    stored = store.items[("c1", "LN-1")]
    assert stored["phone_number"] == "+33612345678"
    assert stored["loan_amount"] == Decimal("1250.50")
    assert stored["loan_period"] == 12 and stored["emi_due_date"] == "2026-04-05"


def test_each_failing_field_is_reported_with_index_id_field_and_message() -> None:
    records = [
        loan(0),
        loan(1, phone_number="12", loan_amount=-5, emi_due_date="05/04/2026"),
        loan(2, first_name=None),
    ]
    outcome = customers.add_customers(MemoryCustomers(), "t1", campaign(), records, "", dry_run=False)
    assert outcome.status == 207
    body = outcome.to_json()
    assert body["success"] is False and body["message"] == "Added 1 of 3 records"
    assert {k: body["results"][k] for k in ("valid", "invalid", "successful", "failed")} == {
        "valid": 1,
        "invalid": 2,
        "successful": 1,
        "failed": 2,
    }
    errors = {(e["index"], e["field"]): e for e in body["results"]["errors"]}
    assert set(errors) == {(1, "phone_number"), (1, "loan_amount"), (1, "emi_due_date"), (2, "first_name")}
    assert errors[(1, "loan_amount")] == {
        "index": 1,
        "id": "LN-1",
        "field": "loan_amount",
        "message": "must be greater than or equal to 0",
    }
    assert errors[(1, "emi_due_date")]["message"] == "must be a date in YYYY-MM-DD format"
    assert errors[(1, "phone_number")]["message"] == "Phone number is too short"
    assert (
        errors[(2, "first_name")]["message"] == "is required for a debt_collection (existing loans) campaign"
    )


def test_service_type_decides_the_required_fields() -> None:
    lead = {
        "lead_id": "LD-1",
        "first_name": "Asha",
        "phone_number": "+33612345678",
        "lead_date": "2026-03-01",
    }
    outcome = customers.add_customers(
        MemoryCustomers(), "t1", campaign("lead_generation"), [lead], "", dry_run=False
    )
    assert outcome.status == 201
    # The same record in a debt_collection campaign lacks loan_id, loan_amount and emi_due_date.
    failed = customers.add_customers(MemoryCustomers(), "t1", campaign(), [lead], "", dry_run=False)
    assert failed.status == 400
    assert sorted(e.field or "" for e in failed.errors) == ["emi_due_date", "loan_amount", "loan_id"]


def test_none_valid_is_400_in_the_seed_shape() -> None:
    outcome = customers.add_customers(
        MemoryCustomers(), "t1", campaign(), [loan(1, loan_amount="abc")], "", dry_run=False
    )
    assert outcome.status == 400
    assert outcome.to_json()["message"] == "Added 0 of 1 records"


def test_a_repeated_id_in_one_request_is_invalid_and_the_first_wins() -> None:
    store = MemoryCustomers()
    outcome = customers.add_customers(
        store, "t1", campaign(), [loan(1), loan(1, first_name="Paul")], "", dry_run=False
    )
    assert outcome.status == 207
    assert outcome.errors[0].message == "duplicates the record at index 0 in this request"
    assert store.items[("c1", "LN-1")]["first_name"] == "Jean"


def test_writes_go_in_batches_of_500_and_a_failed_batch_fails_only_its_records() -> None:
    store = MemoryCustomers(fail_batches=[1])
    records = [loan(i) for i in range(1234)]
    outcome = customers.add_customers(store, "t1", campaign(), records, "", dry_run=False)
    assert store.batches == [500, 500, 234]
    assert outcome.batches_processed == 2 and outcome.successful == 734 and outcome.status == 207
    assert (
        outcome.errors[0].index == 500 and "could not be saved (ConnectionError)" in outcome.errors[0].message
    )


def test_dry_run_reports_as_a_real_call_and_writes_nothing() -> None:
    store = MemoryCustomers()
    outcome = customers.add_customers(store, "t1", campaign(), [loan(1), loan(2)], "", dry_run=True)
    assert outcome.status == 201 and outcome.batches_processed == 1 and store.items == {}


def test_records_that_are_not_objects_are_invalid() -> None:
    outcome = customers.add_customers(
        MemoryCustomers(), "t1", campaign(), ["LN-1", loan(2)], "", dry_run=False
    )
    assert outcome.errors[0].to_json() == {
        "index": 0,
        "id": None,
        "field": None,
        "message": "must be an object",
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"records": [{}]}, "campaignId"),
        ({"campaignId": "c1", "records": []}, "records"),
        ({"campaignId": "c1", "records": [{}] * 10_001}, "records"),
        ({"campaignId": "c1", "records": [{}], "initiateCall": True}, "callConfig"),
        ({"campaignId": "c1", "records": [{}], "initiateCall": True, "callConfig": {}}, "callConfig.agentId"),
        ({"campaignId": "c1", "records": "all"}, "records"),
    ],
)
def test_invalid_requests_are_rejected_whole(body: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationFailed) as raised:
        customers.parse_bulk_request(body)
    assert field in raised.value.details


def test_a_valid_request_with_calls() -> None:
    request = customers.parse_bulk_request(
        {
            "campaignId": "c1",
            "records": [{}],
            "initiateCall": True,
            "callConfig": {"agentId": "a1", "dispositionId": "d1"},
        }
    )
    assert request.initiate_call and request.call_config is not None
    assert request.call_config.to_json() == {"agentId": "a1", "dispositionId": "d1"}
