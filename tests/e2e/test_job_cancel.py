"""A 60,000-row debts CSV dropped into the local stack, canceled part-way over HTTP while concurrent
workers process its chunks (and, on a loaded machine, while it is still read): it ends canceled and
its counts are the same ten seconds later (decisions 91 and 100)."""

from __future__ import annotations

import time

from debtload.adapters.dynamodb.jobs import DynamoJobStore
from tests.e2e.conftest import Running
from tests.helpers import wait_for

ROWS = 60_000


def test_a_running_debts_drop_canceled_part_way_stays_canceled(local_stack: Running) -> None:
    # Given a debts CSV of 60,000 rows being processed
    tenant_id, key = local_stack.tenant("Canceler")
    http = local_stack.http(key)
    lines = ["Prénom;Nom;Montant;Devise;Portable;Référence"] + [
        f"Jean;Dupont;{10 + i % 900};EUR;06{12000000 + i:08d};R-{i}" for i in range(ROWS)
    ]
    s3 = local_stack.client("s3")
    bucket = local_stack.stack.resource_name("ImportsBucket")
    s3.put_object(
        Bucket=bucket,
        Key=f"imports/{tenant_id}/debts/big.csv",
        Body=("\r\n".join(lines) + "\r\n").encode("utf-8"),
    )
    listed = wait_for(
        lambda: [i for i in http.get("/imports").json()["results"] if i.get("job_id")], timeout=60
    )
    import_id, job_id = listed[0]["import_id"], listed[0]["job_id"]
    jobs = DynamoJobStore(local_stack.table())
    wait_for(
        lambda: (job := jobs.get_job(tenant_id, job_id)) is not None and job.rows_succeeded > 0, timeout=60
    )

    # When it is canceled part-way
    answer = http.post(f"/jobs/{job_id}/cancel", headers={"Idempotency-Key": "cancel-big"})

    # Then it is canceled with some rows done and the rest skipped, and nothing moves afterwards
    assert answer.status == 200, answer.body
    canceled = answer.json()
    assert canceled["status"] == "canceled"
    processed = canceled["rows_succeeded"] + canceled["rows_failed"]
    assert 0 < processed < canceled["rows_total"] <= ROWS
    assert canceled["rows_skipped"] == canceled["rows_total"] - processed > 0
    imported = http.get(f"/imports/{import_id}").json()
    assert imported["status"] == "canceled", imported
    time.sleep(10)  # the queued chunks reach the workers and are skipped; a reader still going stops
    after = http.get(f"/imports/{import_id}").json()
    counts = ("status", "rows_total", "rows_succeeded", "rows_failed")
    assert {c: after[c] for c in counts} == {c: imported[c] for c in counts}
    job = jobs.get_job(tenant_id, job_id)
    assert job is not None and job.status.value == "canceled" and job.in_flight == frozenset()
    assert (job.rows_total, job.rows_succeeded, job.rows_failed) == (
        canceled["rows_total"],
        canceled["rows_succeeded"],
        canceled["rows_failed"],
    )
    assert after["rows_succeeded"] == canceled["rows_succeeded"]
    assert http.post(f"/jobs/{job_id}/cancel").status == 409
    again = http.post(f"/jobs/{job_id}/cancel", headers={"Idempotency-Key": "cancel-big"})
    assert again.status == 200 and again.json() == canceled
