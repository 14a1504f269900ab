"""Issue 13, defects 2 and 4, through the real api handler with moto: a response over DynamoDB's item
limit is stored and replayed (not run twice), and a key reused after its record expired is refused
instead of run again over what its first use made."""

from __future__ import annotations

import json
import zlib
from typing import Any

from devstack.provision import Provisioner
from devstack.template import LocalStackTemplate
from tests.api_requests import add, batch, debt, make_campaign, seed_record
from tests.conftest import MotoResources
from tests.helpers import body_of, call
from tests.integration.conftest import Invoke

ITEM_LIMIT = 400 * 1024


def _items(resources: MotoResources, prefix: str) -> list[dict[str, Any]]:
    client = resources.client("dynamodb")
    found: list[dict[str, Any]] = []
    kwargs: dict[str, Any] = {"TableName": resources.table_name}
    while True:
        page = client.scan(**kwargs)
        found += [i for i in page["Items"] if i["SK"]["S"].startswith(prefix)]
        if "LastEvaluatedKey" not in page:
            return found
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _expire_records(resources: MotoResources) -> int:
    """What DynamoDB's TTL does a day later: the powertools records are gone (claims have no TTL)."""
    client = resources.client("dynamodb")
    records = [i for i in _items(resources, "debtload-api") if "expires_at" in i]
    for item in records:
        client.delete_item(TableName=resources.table_name, Key={"PK": item["PK"], "SK": item["SK"]})
    return len(records)


def _bad_record(i: int) -> dict[str, Any]:
    return seed_record(i, phone_number=f"not-a-phone-{i}", loan_amount="lots", emi_due_date="05/04/2026")


def test_a_response_over_400_kb_is_stored_and_its_retry_starts_no_second_call_run(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    # Given 10,000 customers, half invalid, that start a call run
    provisioner = Provisioner(template)
    provisioner.create_state_machines(provisioner.create_role())
    campaign_id = make_campaign(invoke)
    records = [seed_record(i) if i % 2 == 0 else _bad_record(i) for i in range(10_000)]
    body = {
        "campaignId": campaign_id,
        "records": records,
        "initiateCall": True,
        "callConfig": {"agentId": "agent-1", "dispositionId": "disp-1"},
    }
    headers = {"Idempotency-Key": "customers-10k"}

    # When they are added under an idempotency key
    first = add(invoke, body, headers=headers)
    # Then the response, far over an item, is stored compressed
    assert first["statusCode"] == 207, first["body"][:500]
    answer = body_of(first)
    assert answer["results"]["successful"] == 5000 and answer["results"]["failed"] == 5000
    assert answer["callResults"]["status"] == "started"
    size = len(first["body"].encode())
    assert size > 2 * ITEM_LIMIT  # the uncompressed response could never be one item

    (record,) = [i for i in _items(moto_resources, "debtload-api") if "expires_at" in i]
    stored = record["data"]["B"]
    assert len(stored) < ITEM_LIMIT // 4
    print(f"response {size:,} bytes, stored compressed {len(stored):,} bytes")
    assert json.loads(zlib.decompress(stored))["body"] == answer

    # When the request is retried, it is replayed: no second call run starts
    retry = add(invoke, body, headers=headers)
    assert retry["statusCode"] == 207
    assert retry["multiValueHeaders"]["Idempotent-Replayed"] == ["true"]
    assert body_of(retry) == answer
    assert len(_items(moto_resources, "CALLRUN#")) == 1 + 10  # one run and its ten batches
    sfn = moto_resources.client("stepfunctions")
    executions = sfn.list_executions(stateMachineArn=template.arn("InitiateCallsStateMachine"))["executions"]
    assert [e["name"] for e in executions] == [answer["callResults"]["callRunId"]]


def test_a_key_reused_after_its_record_expired_does_not_overwrite_the_debts(
    invoke: Invoke, demo_tenant: str, moto_resources: MotoResources
) -> None:
    headers = {"Idempotency-Key": "relances-2026-11"}
    # Given a batch whose idempotency record has expired
    first = batch(invoke, {"debts": [debt(1), debt(2)]}, headers=headers)
    assert first["statusCode"] == 200
    created = body_of(first)["data"]["created"]
    assert _expire_records(moto_resources) == 1

    # When the key comes back with another body, or with the same one
    other = batch(invoke, {"debts": [debt(1, amount="9.99"), debt(3)]}, headers=headers)
    # Then neither runs again over what the first made
    assert other["statusCode"] == 422, other["body"]
    assert body_of(other)["code"] == "idempotency_key_reused"
    same = batch(invoke, {"debts": [debt(1), debt(2)]}, headers=headers)
    assert same["statusCode"] == 409, same["body"]
    assert body_of(same)["code"] == "idempotency_key_expired"

    for entry in created:
        stored = body_of(call(invoke, "GET", f"/debts/{entry['debt_id']}", resource="/debts/{id}"))
        assert stored["amount"] == entry["data"]["amount"] and stored["updated_at"] == stored["created_at"]
    # A new key is a new request, as it always was.
    assert batch(invoke, {"debts": [debt(3)]}, headers={"Idempotency-Key": "new"})["statusCode"] == 200


def test_starting_one_run_twice_is_one_execution_even_once_it_ended(
    moto_resources: MotoResources, template: LocalStackTemplate
) -> None:
    from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter

    provisioner = Provisioner(template)
    provisioner.create_state_machines(provisioner.create_role())
    arn = template.arn("InitiateCallsStateMachine")
    starter = StepFunctionsCallRunStarter(arn)
    starter.start("demo-tenant", "run-1")
    starter.start("demo-tenant", "run-1")  # running, same input: Step Functions returns the one
    sfn = moto_resources.client("stepfunctions")
    (execution,) = sfn.list_executions(stateMachineArn=arn)["executions"]
    sfn.stop_execution(executionArn=execution["executionArn"])
    starter.start("demo-tenant", "run-1")  # closed: ExecutionAlreadyExists, which is "started"
    assert [e["name"] for e in sfn.list_executions(stateMachineArn=arn)["executions"]] == ["run-1"]


def test_a_response_too_large_even_compressed_is_answered_once_and_replayed_as_a_notice(
    moto_resources: MotoResources, demo_tenant: str
) -> None:
    import base64
    import os

    from debtload.api.idempotency import run_idempotently

    runs: list[int] = []

    def operation() -> dict[str, Any]:
        runs.append(1)
        return {"status": 201, "body": {"blob": base64.b64encode(os.urandom(600_000)).decode()}}

    def send() -> dict[str, Any]:
        return run_idempotently(
            table_name=moto_resources.table_name,
            tenant_id=demo_tenant,
            key="k-random",
            route="POST /cases",
            body={"a": 1},
            context=None,
            operation=operation,
        )

    first = send()
    assert first["status"] == 201 and len(first["body"]["blob"]) == 800_000
    replay = send()
    assert runs == [1] and replay["replayed"] is True and replay["status"] == 201
    assert replay["body"]["response_bytes"] > 800_000 and "too large" in replay["body"]["message"]
