"""The Bulk Add Customers API through the real api handler with moto: campaigns, bulk customers,
their status codes."""

from __future__ import annotations

from tests.api_requests import add, make_campaign, seed_record
from tests.conftest import MotoResources
from tests.helpers import CAMPAIGNS_READ_ONLY, OTHER, body_of, call
from tests.integration.conftest import Invoke


def test_campaign_create_read_and_tenant_isolation(invoke: Invoke, demo_tenant: str) -> None:
    campaign_id = make_campaign(
        invoke, call_window={"start": "09:00", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]}
    )
    read = call(invoke, "GET", f"/campaigns/{campaign_id}", resource="/campaigns/{id}")
    assert read["statusCode"] == 200
    assert body_of(read)["call_window"] == {
        "start": "09:00",
        "end": "20:00",
        "timezone": "Europe/Paris",
        "days": ["mon", "tue", "wed", "thu", "fri"],
    }
    assert (
        call(invoke, "GET", f"/campaigns/{campaign_id}", OTHER, resource="/campaigns/{id}")["statusCode"]
        == 404
    )
    bad = call(invoke, "POST", "/campaigns", body={"name": "x", "service_type": "robocall"})
    assert bad["statusCode"] == 400 and set(body_of(bad)["details"]) == {"service_type"}
    denied = call(invoke, "POST", "/campaigns", CAMPAIGNS_READ_ONLY, body={"name": "x"})
    assert denied["statusCode"] == 403 and body_of(denied)["details"] == {"required_scope": "campaigns:write"}


def test_the_seed_example_with_three_records_is_201_with_the_seed_results(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    campaign_id = make_campaign(invoke)
    response = add(invoke, {"campaignId": campaign_id, "records": [seed_record(i) for i in range(3)]})
    assert response["statusCode"] == 201, response["body"]
    assert body_of(response) == {
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
    # Upsert: the same loan_id again updates the customer instead of adding a second one.
    again = add(invoke, {"campaignId": campaign_id, "records": [seed_record(0, first_name="Paul")]})
    assert again["statusCode"] == 201
    from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
    from debtload.adapters.dynamodb.table import DynamoTable

    store = DynamoCampaignStore(DynamoTable(moto_resources.table_name))
    stored = store.get_customer(demo_tenant, campaign_id, "LN-00000")
    assert stored is not None and stored["first_name"] == "Paul" and stored["phone_number"] == "+33612340000"
    items = moto_resources.client("dynamodb").scan(TableName=moto_resources.table_name)["Items"]
    assert sum(1 for i in items if "#CUSTOMER#" in i["SK"]["S"]) == 3


def test_one_bad_record_of_three_is_207(invoke: Invoke, demo_tenant: str) -> None:
    campaign_id = make_campaign(invoke)
    records = [seed_record(0), seed_record(1, phone_number="123"), seed_record(2)]
    response = add(invoke, {"campaignId": campaign_id, "records": records})
    assert response["statusCode"] == 207
    body = body_of(response)
    assert body["success"] is False and body["message"] == "Added 2 of 3 records"
    assert body["results"]["errors"] == [
        {"index": 1, "id": "LN-00001", "field": "phone_number", "message": "Phone number is too short"}
    ]


def test_no_valid_record_is_400_in_the_seed_shape(invoke: Invoke, demo_tenant: str) -> None:
    campaign_id = make_campaign(invoke, "lead_generation")
    response = add(
        invoke, {"campaignId": campaign_id, "records": [seed_record(0)]}
    )  # no lead_id, no lead_date
    assert response["statusCode"] == 400
    body = body_of(response)
    assert body["message"] == "Added 0 of 1 records"
    assert {e["field"] for e in body["results"]["errors"]} == {"lead_id", "lead_date"}


def test_invalid_requests_are_400_and_unknown_campaigns_404(invoke: Invoke, demo_tenant: str) -> None:
    campaign_id = make_campaign(invoke)
    cases = [
        ({"records": [seed_record(0)]}, "campaignId"),
        ({"campaignId": campaign_id, "records": []}, "records"),
        ({"campaignId": campaign_id, "records": [seed_record(0)] * 10_001}, "records"),
        ({"campaignId": campaign_id, "records": [seed_record(0)], "initiateCall": True}, "callConfig"),
    ]
    for body, field in cases:
        response = add(invoke, body)
        assert response["statusCode"] == 400, body
        assert field in body_of(response)["details"]
    missing = add(invoke, {"campaignId": "nope", "records": [seed_record(0)]})
    assert missing["statusCode"] == 404
    other = add(invoke, {"campaignId": campaign_id, "records": [seed_record(0)]}, OTHER)
    assert other["statusCode"] == 404


def test_dry_run_answers_as_a_real_call_and_writes_nothing(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    campaign_id = make_campaign(invoke)
    body = {
        "campaignId": campaign_id,
        "records": [seed_record(i) for i in range(3)],
        "initiateCall": True,
        "callConfig": {"agentId": "agent-1", "dispositionId": "disp-1"},
    }
    response = add(invoke, body, query={"dry_run": "true"})
    assert response["statusCode"] == 201
    assert body_of(response)["callResults"] == {
        "callRunId": None,
        "status": "dry_run",
        "customers": 3,
        "batches": 1,
        "batchSize": 500,
    }
    items = moto_resources.client("dynamodb").scan(TableName=moto_resources.table_name)["Items"]
    assert not any("#CUSTOMER#" in i["SK"]["S"] or i["SK"]["S"].startswith("CALLRUN#") for i in items)


def test_customers_scope_is_required(invoke: Invoke, demo_tenant: str) -> None:
    response = add(invoke, {"campaignId": "x", "records": [seed_record(0)]}, CAMPAIGNS_READ_ONLY)
    assert response["statusCode"] == 403
