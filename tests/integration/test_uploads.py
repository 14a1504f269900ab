"""POST /imports/uploads and GET /imports/{id}/files/{name} through the api handler with moto
(decision 94): the presigned POST's key and conditions, the field errors, and report links that
exist only once the report does."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.api_requests import make_campaign
from tests.conftest import MotoResources
from tests.helpers import ADMIN, DEBTS_READ_ONLY, body_of, call, drain_worker
from tests.integration.conftest import Invoke
from tests.integration.test_activity import DEBTS_CSV
from tests.integration.test_file_import import drop


def upload(invoke: Invoke, body: Any, **kwargs: Any) -> dict[str, Any]:
    return call(invoke, "POST", "/imports/uploads", body=body, **kwargs)


def policy_of(fields: dict[str, str]) -> dict[str, Any]:
    return dict(json.loads(base64.b64decode(fields["policy"])))


def test_a_presigned_post_names_the_key_type_and_size_s3_will_accept(
    invoke: Invoke, moto_resources: MotoResources, demo_tenant: str
) -> None:
    body = {"kind": "debts", "file_name": "relances décembre.csv", "content_type": "text/csv", "size": 1200}
    created = upload(invoke, body)
    assert created["statusCode"] == 201, created["body"]
    answer = body_of(created)
    key = f"imports/{demo_tenant}/debts/relances décembre.csv"
    assert answer["key"] == key and answer["max_bytes"] == 100_000_000
    assert answer["url"] == f"https://{moto_resources.bucket}.s3.us-east-1.amazonaws.com/"
    assert answer["fields"]["key"] == key and answer["fields"]["Content-Type"] == "text/csv"
    conditions = policy_of(answer["fields"])["conditions"]
    assert {"Content-Type": "text/csv"} in conditions
    assert ["content-length-range", 1, 100_000_000] in conditions
    assert {"bucket": moto_resources.bucket} in conditions and {"key": key} in conditions

    campaign_id = make_campaign(invoke)
    customers = upload(
        invoke,
        {
            "kind": "customers",
            "file_name": "clients.xlsx",
            "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "size": 10,
            "campaign_id": campaign_id,
        },
    )
    assert customers["statusCode"] == 201, customers["body"]
    assert body_of(customers)["key"] == f"imports/{demo_tenant}/customers/{campaign_id}/clients.xlsx"

    dry = upload(invoke, body, query={"dry_run": "true"})
    assert dry["statusCode"] == 201 and body_of(dry)["key"] == key


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "invoices"}, "kind"),
        ({"file_name": "relances.pdf"}, "file_name"),
        ({"file_name": "../x/relances.csv"}, "file_name"),
        ({"file_name": ""}, "file_name"),
        ({"content_type": "application/pdf"}, "content_type"),
        ({"size": 100_000_001}, "size"),
        ({"size": 0}, "size"),
        ({"kind": "customers"}, "campaign_id"),
        ({"kind": "customers", "campaign_id": "nope"}, "campaign_id"),
        ({"campaign_id": "c-1"}, "campaign_id"),
        ({"options": {"colour": "blue"}}, "options.colour"),
        ({"options": {"batch-name": "Relances\ndécembre"}}, "options.batch-name"),
        ({"options": {"initiate-call": True}}, "options"),  # not for debts
        ({"options": {"delimiter": "|"}}, "options"),
        ({"options": ["batch-name"]}, "options"),
    ],
)
def test_a_bad_upload_is_a_400_naming_its_field(
    invoke: Invoke, demo_tenant: str, changes: dict[str, Any], field: str
) -> None:
    body = {"kind": "debts", "file_name": "relances.csv", "content_type": "text/csv", "size": 10, **changes}
    refused = upload(invoke, body)
    assert refused["statusCode"] == 400, refused["body"]
    assert field in body_of(refused)["details"], body_of(refused)


def test_an_uploads_options_are_signed_into_its_policy_as_metadata(invoke: Invoke, demo_tenant: str) -> None:
    campaign_id = make_campaign(invoke)
    body = {
        "kind": "customers",
        "file_name": "clients.csv",
        "content_type": "text/csv",
        "size": 10,
        "campaign_id": campaign_id,
        "options": {"initiate-call": True, "agent-id": "agent-7"},
    }
    created = upload(invoke, body)
    assert created["statusCode"] == 201, created["body"]
    fields = body_of(created)["fields"]
    assert (fields["x-amz-meta-initiate-call"], fields["x-amz-meta-agent-id"]) == ("true", "agent-7")
    conditions = policy_of(fields)["conditions"]
    assert {"x-amz-meta-initiate-call": "true"} in conditions and {
        "x-amz-meta-agent-id": "agent-7"
    } in conditions
    # Calls need their agent, as a drop's metadata does
    refused = upload(invoke, {**body, "options": {"initiate-call": "true"}})
    assert refused["statusCode"] == 400 and "agent-id" in body_of(refused)["details"]["options"]


def test_an_accented_option_is_signed_as_s3_stores_it(invoke: Invoke, demo_tenant: str) -> None:
    body = {
        "kind": "debts",
        "file_name": "relances.csv",
        "content_type": "text/csv",
        "size": 10,
        "options": {"batch-name": "Relances décembre"},
    }
    created = upload(invoke, body)
    assert created["statusCode"] == 201, created["body"]
    fields = body_of(created)["fields"]
    # S3 metadata is ASCII: the value is posted as the RFC 2047 word S3 would hand back anyway
    assert fields["x-amz-meta-batch-name"] == "=?UTF-8?B?UmVsYW5jZXMgZMOpY2VtYnJl?="
    assert {"x-amz-meta-batch-name": fields["x-amz-meta-batch-name"]} in policy_of(fields)["conditions"]


def test_uploads_need_imports_write(invoke: Invoke, demo_tenant: str) -> None:
    body = {"kind": "debts", "file_name": "relances.csv", "content_type": "text/csv", "size": 10}
    assert upload(invoke, body, principal=DEBTS_READ_ONLY)["statusCode"] == 403


def test_report_links_exist_once_the_reports_do(
    invoke: Invoke, moto_resources: MotoResources, demo_data: str
) -> None:
    key = f"imports/{demo_data}/debts/relances.csv"
    (dropped,) = drop(invoke, moto_resources, key, DEBTS_CSV.encode())
    import_id = dropped["import_id"]

    def link(name: str) -> dict[str, Any]:
        path = f"/imports/{import_id}/files/{name}"
        return call(invoke, "GET", path, ADMIN, resource="/imports/{id}/files/{name}")

    assert link("errors.csv")["statusCode"] == 404  # not written while the job runs
    drain_worker(invoke, moto_resources)
    answer = body_of(link("errors.csv"))
    assert answer["url"].startswith(f"https://{moto_resources.bucket}.s3.us-east-1.amazonaws.com/reports/")
    assert "X-Amz-Signature=" in answer["url"] and "X-Amz-Expires=300" in answer["url"]
    assert "response-content-disposition=attachment" in answer["url"]
    assert link("report.json")["statusCode"] == 200
    assert link("other.txt")["statusCode"] == 400
    missing = call(invoke, "GET", "/imports/nope/files/report.json", resource="/imports/{id}/files/{name}")
    assert missing["statusCode"] == 404
