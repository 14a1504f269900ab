"""The console's calls over the local stack (decisions 92-95): a key's /me, an upload through the
presigned POST the way a browser sends it (multipart form, from the console's origin) that runs the
ordinary file import to its end, the import found by its key in /jobs, its errors.csv through a
report link, and S3 holding the POST to its policy and the bucket's CORS rules."""

from __future__ import annotations

from typing import Any

import requests

from tests.e2e.conftest import Running
from tests.helpers import wait_for

CSV = (
    "Prénom;Nom;Montant;Devise;Portable;Référence\r\n"
    "Jean;Dupont;10,50;EUR;0612345678;R-1\r\n"
    "Marie;Durand;12;EUR;12;R-2\r\n"
).encode()


def presign(http: Any, name: str, size: int, content_type: str = "text/csv", **extra: Any) -> dict[str, Any]:
    answer = http.post(
        "/imports/uploads",
        {"kind": "debts", "file_name": name, "content_type": content_type, "size": size, **extra},
    )
    assert answer.status == 201, answer.body
    return dict(answer.json())


def post_file(
    upload: dict[str, Any], body: bytes, origin: str, content_type: str = "text/csv"
) -> requests.Response:
    # As a browser's FormData: the fields first, the file last.
    return requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("x.csv", body, content_type)},
        headers={"Origin": origin},
        timeout=30,
    )


def test_an_upload_from_the_console_runs_the_ordinary_import(local_stack: Running) -> None:
    _, key = local_stack.tenant("Console", "imports:read imports:write debts:read jobs:write")
    http = local_stack.http(key)
    origin = local_stack.stack.api_url
    me = http.get("/me").json()
    assert me["scopes"] == ["debts:read", "imports:read", "imports:write", "jobs:write"]

    # Given a presigned POST for a French ; CSV with one bad phone, named as a batch
    upload = presign(http, "relances décembre.csv", len(CSV), options={"batch-name": "Relances décembre S49"})
    assert upload["url"].startswith(local_stack.stack.aws_endpoint)
    page = http.get("/console")
    assert f"connect-src 'self' {local_stack.stack.aws_endpoint};" in page.headers["Content-Security-Policy"]

    # The browser's preflight from the console's origin is allowed; from another origin it is not
    preflight = requests.options(
        upload["url"], headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == origin
    foreign = requests.options(
        upload["url"],
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert foreign.status_code == 403 and "Access-Control-Allow-Origin" not in foreign.headers
    delete = requests.options(
        upload["url"], headers={"Origin": origin, "Access-Control-Request-Method": "DELETE"}, timeout=10
    )
    assert delete.status_code == 403

    # A browser that drops or changes a signed option is refused, as S3 refuses it
    changed = {**upload, "fields": {**upload["fields"], "x-amz-meta-batch-name": "Autre"}}
    assert post_file(changed, CSV, origin).status_code == 403

    # When the browser posts it
    posted = post_file(upload, CSV, origin)
    assert posted.status_code == 204, posted.text
    assert posted.headers["Access-Control-Allow-Origin"] == origin
    etag = posted.headers["ETag"].strip('"')  # as S3 answers it; the page tells a re-upload by it

    # Then its import is found by its key and runs to its end
    def finished() -> dict[str, Any] | None:
        listed = http.request("GET", "/jobs?file_key=" + requests.utils.quote(upload["key"])).json()[
            "results"
        ]
        found = listed[0] if listed else None
        return found if found and found["terminal"] else None

    item = wait_for(finished, timeout=60)
    assert item["type"] == "file_import" and item["name"] == "relances décembre.csv"
    assert item["status"] == "completed_with_errors"
    assert item["counts"] == {"total": 2, "succeeded": 1, "failed": 1, "skipped": 0, "canceled": 0}
    assert item["actions"] == ["undo"] and item["file_etag"] == etag

    # And its errors.csv comes through a link the browser can follow, with the bad row in it
    detail = http.get(f"/jobs/{item['id']}").json()
    assert detail["downloads"] == {"report.json": True, "errors.csv": True}
    link = http.get(f"/imports/{item['id']}/files/errors.csv").json()
    assert link["url"].startswith(local_stack.stack.aws_endpoint)
    errors_csv = requests.get(link["url"], timeout=10)
    assert errors_csv.status_code == 200, errors_csv.text
    assert "attachment" in errors_csv.headers["Content-Disposition"]
    text = errors_csv.content.decode("utf-8-sig")
    assert "Marie;Durand" in text and "Jean;Dupont" not in text
    # The option reached the import: its debt carries the batch name, and the filter finds the file by it
    (imported,) = http.get(f"/debts?import_id={item['id']}").json()["results"]
    # (an accented name is read back whole: S3 metadata is ASCII, decision 105)
    assert imported["batch_name"] == "Relances décembre S49"
    (found,) = http.get("/jobs?name=" + requests.utils.quote("décembre s49")).json()["results"]
    assert (found["id"], found["batch_name"]) == (item["id"], "Relances décembre S49")


def test_s3_refuses_a_post_outside_its_policy(local_stack: Running) -> None:
    tenant_id, key = local_stack.tenant("Strict", "imports:read imports:write")
    http = local_stack.http(key)
    origin = local_stack.stack.api_url
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")

    def stored(name: str) -> bool:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"imports/{tenant_id}/debts/{name}")
        return bool(listed.get("KeyCount"))

    # Another key than the signed one (another tenant's folder), or another content type
    upload = presign(http, "autre.csv", len(CSV))
    moved = post_file(
        {**upload, "fields": {**upload["fields"], "key": "imports/other/debts/autre.csv"}}, CSV, origin
    )
    assert moved.status_code >= 400
    retyped = post_file(
        {**upload, "fields": {**upload["fields"], "Content-Type": "text/html"}}, CSV, origin, "text/html"
    )
    assert retyped.status_code >= 400 and not stored("autre.csv")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="imports/other/").get("KeyCount", 0) == 0
