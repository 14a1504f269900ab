"""What an ops person does in the console, in Chromium against the local stack (issue 18's must-show):
sign in, find an import by its batch name, upload a French `;` CSV by the file input and by drag and
drop, watch it end "completed with errors", download its errors.csv, cancel a running 60,000-row
import, and approve a bulk with an approver's key."""

from __future__ import annotations

import base64
import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.api_requests import SEED_BODY, debt
from tests.browser.conftest import Console
from tests.helpers import wait_for

# A French export: `;`, accents, a decimal comma and a thin-space thousands separator; line 3's phone
# is too short.
FRENCH_CSV = (
    "Prénom;Nom;Téléphone;Montant;Devise\r\n"
    "Jean;Dupont;0612345678;1 250,50;EUR\r\n"
    "Marie;Martin;06 12;80,00;EUR\r\n"
    "Luc;Petit;0698765432;42;EUR\r\n"
).encode()
TERMINAL_TIMEOUT_MS = 60_000


def row_of(console: Console, item_id: str) -> Any:
    return console.page.locator(f'#view tbody tr[data-id="{item_id}"]')


def listed_id(console: Console, name: str) -> str:
    row = console.page.locator("#view tbody tr", has_text=name).first
    row.wait_for(timeout=TERMINAL_TIMEOUT_MS)
    return str(row.get_attribute("data-id"))


def wait_status(console: Console, item_id: str, status: str) -> None:
    console.page.locator(f'#view tbody tr[data-id="{item_id}"][data-status="{status}"]').wait_for(
        timeout=TERMINAL_TIMEOUT_MS
    )


def drop_file(console: Console, selector: str, name: str, content: bytes, mime: str = "text/csv") -> None:
    """A drag and drop as the browser delivers it: a drop event whose DataTransfer holds the file."""
    transfer = console.page.evaluate_handle(
        """([name, data, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            return transfer;
        }""",
        [name, base64.b64encode(content).decode(), mime],
    )
    console.page.dispatch_event(selector, "dragover", {"dataTransfer": transfer})
    console.page.dispatch_event(selector, "drop", {"dataTransfer": transfer})


def test_an_ops_person_finds_uploads_and_downloads_the_errors(console: Console, tmp_path: Path) -> None:
    # Given a tenant with an API batch named as the seed names it
    stack = console.stack
    tenant_id, key = stack.tenant("Console ops", credits=1000)
    batch_name = f"Relances décembre {uuid.uuid4().hex[:6]}"
    answer = stack.http(key).post(
        "/debts/batch",
        {"batch_name": batch_name, "debts": [debt(1), debt(2)]},
        headers={"Idempotency-Key": "b-1"},
    )
    assert answer.status == 200, answer.body
    stack.http(key).post("/debts/batch", {"batch_name": "Autre lot", "debts": [debt(3)]})

    # When the person signs in and filters by the batch name
    console.open()
    console.sign_in(key)
    page = console.page
    page.get_by_label("Batch or file name").fill(batch_name.lower())
    page.get_by_role("button", name="Filter").click()

    # Then only that batch is listed
    page.locator("#view tbody tr", has_text=batch_name).wait_for()
    wait_for(lambda: page.locator("#view tbody tr").count() == 1, timeout=10)
    assert "Autre lot" not in page.locator("#view tbody").inner_text()

    # When a French CSV is uploaded through the file input
    console.go("upload")
    page.get_by_label("Kind of file").select_option("debts")
    picked = tmp_path / "relances-choisies.csv"
    picked.write_bytes(FRENCH_CSV)
    page.get_by_label("File", exact=True).set_input_files(str(picked))

    # Then it is listed first, and its progress bar runs to "completed with errors"
    page.wait_for_url(re.compile(r"#/jobs$"), timeout=TERMINAL_TIMEOUT_MS)
    first = page.locator("#view tbody tr").first
    first.wait_for()
    assert "relances-choisies.csv" in first.inner_text()
    picked_id = str(first.get_attribute("data-id"))
    wait_status(console, picked_id, "completed_with_errors")
    row = row_of(console, picked_id)
    assert "completed with errors" in row.inner_text()
    bar = row.locator("progress")
    assert bar.get_attribute("value") == bar.get_attribute("max") == "3"
    assert "2 succeeded, 1 failed, 0 skipped, 0 canceled" in row.inner_text()

    # When the very same file is picked again, nothing is imported twice, and the page says so
    console.go("upload")
    page.get_by_label("Kind of file").select_option("debts")
    page.get_by_label("File", exact=True).set_input_files(str(picked))
    page.locator(".upload-state", has_text="already imported").wait_for(timeout=TERMINAL_TIMEOUT_MS)
    assert page.get_by_role("link", name="Open its import").get_attribute("href") == f"#/jobs/{picked_id}"
    assert stack.http(key).get("/jobs?name=relances-choisies").json()["results"][0]["id"] == picked_id
    assert len(stack.http(key).get("/jobs?name=relances-choisies").json()["results"]) == 1

    # When the same kind of file is dropped on the drop zone
    console.go("upload")
    drop_file(console, "#drop-zone", "relances-deposees.csv", FRENCH_CSV)
    page.wait_for_url(re.compile(r"#/jobs$"), timeout=TERMINAL_TIMEOUT_MS)
    dropped_id = listed_id(console, "relances-deposees.csv")
    wait_status(console, dropped_id, "completed_with_errors")

    # Then its page shows the failed row, and its errors.csv holds it
    row_of(console, dropped_id).get_by_role("link").click()
    failed = page.locator("#view tbody tr[data-row='3']")
    failed.wait_for(timeout=TERMINAL_TIMEOUT_MS)
    assert "phone" in failed.inner_text() and "Martin" in failed.inner_text()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="errors.csv").click()
    errors_csv = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    bad = [line for line in errors_csv.splitlines() if "Martin" in line]
    assert len(bad) == 1 and ";3;" in bad[0] and "phone" in bad[0], errors_csv
    assert "Dupont" not in errors_csv
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Rows as JSON").click()
    rows = json.loads(Path(download_info.value.path()).read_text())["results"]
    assert sorted(r["status"] for r in rows) == ["failed", "succeeded", "succeeded"]
    assert tenant_id


def test_a_running_import_of_60000_rows_is_canceled_from_its_page(console: Console) -> None:
    # Given a 60,000-row debts file being imported
    stack = console.stack
    tenant_id, key = stack.tenant("Console cancel")
    lines = ["Prénom;Nom;Montant;Devise;Portable;Référence"] + [
        f"Jean;Dupont;{10 + i % 900};EUR;06{12000000 + i:08d};R-{i}" for i in range(60_000)
    ]
    stack.client("s3").put_object(
        Bucket=stack.stack.resource_name("ImportsBucket"),
        Key=f"imports/{tenant_id}/debts/gros-fichier.csv",
        Body=("\r\n".join(lines) + "\r\n").encode(),
    )

    # When the person opens it while it runs and cancels it, confirming in the dialog
    console.open()
    console.sign_in(key)
    item_id = listed_id(console, "gros-fichier.csv")
    row_of(console, item_id).get_by_role("link").click()
    page = console.page
    cancel = page.get_by_role("button", name="Cancel the job")
    cancel.wait_for(timeout=TERMINAL_TIMEOUT_MS)
    cancel.click()
    dialog = page.locator("dialog#confirm")
    assert dialog.is_visible() and "gros-fichier.csv" in dialog.inner_text()
    dialog.get_by_role("button", name="Cancel the job").click()

    # Then the job ends canceled, with fewer rows processed than the file holds
    page.locator(".status-line .status-canceled").wait_for(timeout=TERMINAL_TIMEOUT_MS)
    counts = stack.http(key).get(f"/jobs/{item_id}").json()["counts"]
    assert counts["succeeded"] + counts["failed"] < 60_000
    assert page.get_by_role("button", name="Cancel the job").count() == 0


def test_an_approver_approves_a_bulk_awaiting_approval(console: Console) -> None:
    # Given a collections bulk that requires approval, made through the API
    stack = console.stack
    tenant_id, key = stack.tenant("Console approval")
    http = stack.http(key)
    assert http.request("PATCH", "/settings", {"sepa_creditor_id": "FR72ZZZ123456"}).status == 200
    row = json.loads(json.dumps(SEED_BODY["collections"][0]))
    row.update(
        scheduled_date=(datetime.now(UTC).date() + timedelta(days=21)).isoformat(), end_to_end_id="UI-1"
    )
    created = http.post("/collections/bulks", {"collections": [row], "require_approval": True})
    assert created.status == 200, created.body
    bulk_id = created.json()["id"]
    wait_for(
        lambda: http.get(f"/collections/bulks/{bulk_id}").json()["status"] == "awaiting_approval", timeout=60
    )
    approver = stack.admin("key", "--tenant", tenant_id, "--scopes", "collections:approve collections:read")

    # When its creator signs in, it awaits approval and cannot approve it here
    console.open()
    console.sign_in(key)
    page = console.page
    page.locator('#view tbody tr[data-status="awaiting_approval"]').first.wait_for(
        timeout=TERMINAL_TIMEOUT_MS
    )
    # When the approver signs in instead, opens the bulk and approves it
    console.sign_out()
    console.sign_in(approver["api_key"])
    assert page.locator('#nav a[data-route="upload"]').is_hidden()  # no imports:write
    waiting = page.locator('#view tbody tr[data-status="awaiting_approval"]').first
    waiting.wait_for(timeout=TERMINAL_TIMEOUT_MS)
    waiting.get_by_role("link").click()
    page.get_by_role("button", name="Approve the bulk").click()
    page.locator("dialog#confirm").get_by_role("button", name="Approve the bulk").click()

    # Then the bulk is completed, its collection confirmed
    page.locator(".status-line .status-completed").wait_for(timeout=TERMINAL_TIMEOUT_MS)
    bulk = http.get(f"/collections/bulks/{bulk_id}").json()
    assert (bulk["approval"], bulk["collections_confirmed"]) == ("approved", 1)
    assert page.get_by_role("button", name="Approve the bulk").count() == 0


CUSTOMERS_CSV = (
    "N° de prêt;Prénom;Nom;Portable;Montant du prêt;Date d'échéance;Statut\r\n"
    "LN-1;Jean;Dupont;06 12 34 56 78;1 250,50;05/04/2026;overdue\r\n"
    "LN-2;Marie;Martin;0690;800;05/04/2026;current\r\n"
).encode()


def test_a_customers_file_uploaded_with_calls_shows_its_call_run(console: Console, tmp_path: Path) -> None:
    # Given a campaign
    stack = console.stack
    _, key = stack.tenant("Console calls", credits=1000)
    created = stack.http(key).post("/campaigns", {"name": "Relance", "service_type": "debt_collection"})
    assert created.status in (200, 201), created.body
    campaign_id = created.json()["id"]

    # When a customers file is uploaded for it, asking for calls, without the agent first
    console.open()
    console.sign_in(key)
    console.go("upload")
    page = console.page
    page.get_by_label("Kind of file").select_option("customers")
    page.get_by_label("Campaign id (customers files)").fill(campaign_id)
    assert page.get_by_label("Batch name (optional)").is_hidden()
    page.get_by_label("Call the added customers").check()
    picked = tmp_path / "clients.csv"
    picked.write_bytes(CUSTOMERS_CSV)
    page.get_by_label("File", exact=True).set_input_files(str(picked))
    page.get_by_role("alert").filter(has_text="Calls need the agent id.").wait_for()
    page.get_by_label("Agent id of the calls").fill("agent-7")
    page.get_by_label("File", exact=True).set_input_files(str(picked))

    # Then the import ends with its bad phone, and its page links the call run it started
    page.wait_for_url(re.compile(r"#/jobs$"), timeout=TERMINAL_TIMEOUT_MS)
    item_id = listed_id(console, "clients.csv")
    wait_status(console, item_id, "completed_with_errors")
    row_of(console, item_id).get_by_role("link").click()
    run_link = page.get_by_role("link", name=re.compile("^Call run "))
    run_link.wait_for(timeout=TERMINAL_TIMEOUT_MS)
    run_link.click()
    page.locator(".status-line", has_text="call run").wait_for(timeout=TERMINAL_TIMEOUT_MS)
    run_id = page.url.rsplit("/", 1)[1]
    run = stack.http(key).get(f"/call-runs/{run_id}").json()
    assert run["customers"] == 1, run
