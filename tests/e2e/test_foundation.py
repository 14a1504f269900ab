"""The foundation as a user meets it: health, keys, 401/403, the AWS endpoint, triggers."""

from __future__ import annotations

import json

import pytest

from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from tests.e2e.conftest import Running
from tests.helpers import object_body, wait_for

pytestmark = pytest.mark.e2e


def test_health_docs_and_unknown_routes(local_stack: Running) -> None:
    http = local_stack.http()
    assert http.get("/health").json() == {"status": "ok"}
    assert http.get("/openapi.json").json()["openapi"].startswith("3.")
    assert b"swagger" in http.get("/docs").body.lower()
    missing = http.get("/nope")
    assert missing.status == 404 and missing.json()["code"] == "not_found"


def test_keys_401_and_403(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Acme Recouvrement")
    assert key.startswith(f"dlk.{tenant_id}.")
    http = local_stack.http()
    no_key = http.get("/credits")
    assert no_key.status == 401 and no_key.json()["error"] is True
    assert http.get("/credits", key="dlk.nobody.wrong").status == 401
    for header in ({"X-Api-Key": key}, {"XApiKey": key}):
        assert http.get("/credits", headers=header, key="").status == 200
    assert http.get("/credits", key=key).json()["balance"] == 1000

    _, read_only = local_stack.tenant("Reader", scopes="debts:read")
    forbidden = http.request("PATCH", "/settings", {"creditor_name": "x"}, key=read_only)
    assert forbidden.status == 403 and "settings:write" in forbidden.json()["message"]


def test_credits_command_tops_up(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Topup", credits=0)
    assert local_stack.admin("credits", "--tenant", tenant_id, "--amount", "250")["balance"] == 250
    assert local_stack.http(key).get("/credits").json()["balance"] == 250


def test_malformed_bodies_through_http(local_stack: Running) -> None:
    _, key = local_stack.tenant("Bodies")
    http = local_stack.http(key)
    assert http.request("PATCH", "/settings", raw=b"{oops").status == 400
    assert http.request("PATCH", "/settings", raw=b"{}", headers={"Content-Type": "text/plain"}).status == 415
    big = http.request("PATCH", "/settings", raw=b'{"x": "' + b"a" * 6_100_000 + b'"}')
    assert big.status == 413 and big.json()["code"] == "payload_too_large"


def test_aws_endpoint_lists_bucket_and_queues(local_stack: Running) -> None:
    buckets = [b["Name"] for b in local_stack.client("s3").list_buckets()["Buckets"]]
    assert local_stack.stack.resource_name("ImportsBucket") in buckets
    urls = local_stack.client("sqs").list_queues()["QueueUrls"]
    names = {url.rsplit("/", 1)[-1] for url in urls}
    expected = {
        local_stack.stack.resource_name(q)
        for q in ("JobQueue", "JobDeadLetterQueue", "WebhookQueue", "WebhookDeadLetterQueue")
    }
    assert expected <= names


def test_s3_upload_reaches_file_import(local_stack: Running) -> None:
    tenant_id, _ = local_stack.tenant("Dropper")
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    # When a file is dropped under a known tenant
    s3.put_object(
        Bucket=bucket,
        Key=f"imports/{tenant_id}/notes/relances.csv",
        Body=b"caseId;description\nnot-a-uuid;Appel\n",
    )
    table = local_stack.table()

    def registered() -> list[dict[str, object]]:
        return table.query(f"TENANT#{tenant_id}", "IMPORT#")[0]

    # Then it is registered as an import
    (record,) = wait_for(registered)
    assert record["kind"] == "notes" and record["file_name"] == "relances.csv"

    # When one is dropped under no known tenant, it is rejected with a report
    s3.put_object(Bucket=bucket, Key="imports/no-such-tenant/debts/x.csv", Body=b"a\n")
    report = wait_for(lambda: object_body(s3, bucket, "reports/no-such-tenant/debts/x.csv.report.json"))
    assert "Unknown tenant" in json.loads(report)["reason"]
    assert object_body(s3, bucket, "rejected/no-such-tenant/debts/x.csv") == b"a\n"


def test_state_machine_execution_runs_calls_to_succeeded(local_stack: Running) -> None:
    tenant_id, _ = local_stack.tenant("Caller")
    store = DynamoCallRunStore(local_stack.table())
    # Given a call run of 7 customers in 3 batches
    customers = [{"key": f"LN-{i}", "phone_number": "+33612345678"} for i in range(7)]
    store.create_run(
        tenant_id,
        "run-e2e",
        {"customers": 7, "batch_size": 3, "call_config": {"agentId": "a1"}},
        [customers[0:3], customers[3:6], customers[6:]],
    )
    # When the state machine runs it
    sfn = local_stack.client("stepfunctions")
    arn = local_stack.stack.template.arn("InitiateCallsStateMachine")  # type: ignore[union-attr]
    execution = sfn.start_execution(
        stateMachineArn=arn, name="run-e2e", input=json.dumps({"tenantId": tenant_id, "callRunId": "run-e2e"})
    )

    def finished() -> dict[str, object] | None:
        described = sfn.describe_execution(executionArn=execution["executionArn"])
        return described if described["status"] != "RUNNING" else None

    # Then the execution succeeds with every call initiated
    described = wait_for(finished, timeout=60)
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(str(described["output"]))
    assert output["status"] == "succeeded" and output["initiated"] == 7 and output["batchesProcessed"] == 3


def test_state_machine_catch_records_a_failed_batch(local_stack: Running) -> None:
    tenant_id, _ = local_stack.tenant("Catcher")
    store = DynamoCallRunStore(local_stack.table())
    # Batch 1 holds a customer without a phone number: DispatchCalls raises on it, the Catch records it.
    store.create_run(
        tenant_id,
        "run-catch",
        {"customers": 2, "batch_size": 1, "call_config": {}},
        [[{"key": "ok", "phone_number": "+33612345678"}], [{"key": "broken"}]],
    )
    # When the state machine runs it
    sfn = local_stack.client("stepfunctions")
    arn = local_stack.stack.template.arn("InitiateCallsStateMachine")  # type: ignore[union-attr]
    execution = sfn.start_execution(
        stateMachineArn=arn,
        name="run-catch",
        input=json.dumps({"tenantId": tenant_id, "callRunId": "run-catch"}),
    )
    described = wait_for(
        lambda: (
            (d := sfn.describe_execution(executionArn=execution["executionArn"]))["status"] != "RUNNING" and d
        ),
        timeout=90,
    )
    # Then the execution still succeeds, and the run partially failed with that batch recorded
    assert described["status"] == "SUCCEEDED", described
    output = json.loads(str(described["output"]))
    assert output["status"] == "partially_failed"
    assert [b["failed"] for b in output["batches"]] == [0, 1]
