"""A 100,000-row CSV dropped into S3 in the local stack, until its report exists (docs/performance.md:
within 2x a hand-rolled importer into the same local DynamoDB, measured in the same run; memory flat).

The file is a French debts export (issue 8's must-show kind); the hand-rolled importer is what most
teams write instead: csv.DictReader + boto3 Table.batch_writer, no validation. Memory is measured with tracemalloc on the file-reading path (S3 stream -> rows ->
chunks) at two file sizes: flat means the peak does not grow with the file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import time
import tracemalloc
from typing import Any

from benchmarks.common import Result

# DEBTLOAD_BENCH_IMPORT_ROWS shrinks the file for a quick look; the budget is stated for 100,000.
ROWS = int(os.environ.get("DEBTLOAD_BENCH_IMPORT_ROWS", "100000"))
HEADER = ["Civilité", "Prénom", "Nom", "Montant", "Devise", "Portable", "Date d'échéance", "Référence"]
_PEOPLE = [("M.", "François", "Lefèvre"), ("Mme", "Hélène", "Dupré"), ("M.", "Jean", "Martin")]


def _csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(rows):
        civility, first, last = _PEOPLE[i % len(_PEOPLE)]
        phone = f"06 {40 + i % 50} {i // 10_000 % 100:02d} {i // 100 % 100:02d} {i % 100:02d}"
        amount = f"{1 + i % 999} {i % 1000:03d},{i % 100:02d}"
        writer.writerow([civility, first, last, amount, "EUR", phone, "15/02/2026", f"F-{i:07d}"])
    return buffer.getvalue().encode("cp1252")


def _reading_peak(s3: Any, bucket: str, key: str) -> tuple[int, int]:
    """Peak bytes allocated while streaming the object into job-sized chunks, and the row count."""
    from debtload.domain.file_import import reader
    from debtload.domain.file_import.kinds import DEBTS
    from debtload.domain.file_import.records import map_columns
    from debtload.domain.jobs.chunking import chunk_rows
    from debtload.tasks.file_import import FileImportTask, ReadStats

    tracemalloc.start()
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    table = reader.open_csv(body)
    columns = map_columns(DEBTS, table.header)
    rows = FileImportTask._job_rows(None, table, columns, ReadStats())  # type: ignore[arg-type]
    count = sum(len(chunk) for chunk, _ in chunk_rows(rows))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, count


def run() -> list[Result]:
    import boto3

    from devstack.demo import DEMO_TENANT_ID, seed_demo_tenant
    from devstack.stack import LocalStack

    stack = LocalStack(api_port=0, aws_port=0).start()
    try:
        from debtload.adapters.dynamodb.table import DynamoTable
        from debtload.adapters.dynamodb.tenants import DynamoTenantRepository

        seed_demo_tenant(DynamoTenantRepository(DynamoTable(stack.resource_name("Table"))))
        session = boto3.session.Session(
            aws_access_key_id="local", aws_secret_access_key="local", region_name="us-east-1"
        )
        s3 = session.client("s3", endpoint_url=stack.aws_endpoint)
        bucket = stack.resource_name("ImportsBucket")
        content = _csv(ROWS)

        # The pipeline: drop, then wait for the report.
        key = f"imports/{DEMO_TENANT_ID}/debts/bench.csv"
        report_key = f"reports/{DEMO_TENANT_ID}/debts/bench.csv.report.json"
        started = time.perf_counter()
        s3.put_object(Bucket=bucket, Key=key, Body=content)
        report: dict[str, Any] = {}
        while time.perf_counter() - started < 1800:
            try:
                report = json.loads(s3.get_object(Bucket=bucket, Key=report_key)["Body"].read())
                break
            except s3.exceptions.NoSuchKey:
                time.sleep(0.2)
        pipeline_ms = (time.perf_counter() - started) * 1000

        # The hand-rolled importer: same rows, same local DynamoDB, no validation.
        path = os.path.join(tempfile.mkdtemp(), "bench.csv")
        with open(path, "wb") as handle:
            handle.write(content)
        dynamodb = session.resource("dynamodb", endpoint_url=stack.aws_endpoint)
        target = dynamodb.Table(stack.resource_name("Table"))
        started = time.perf_counter()
        with open(path, encoding="cp1252", newline="") as handle, target.batch_writer() as batch:
            for number, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
                batch.put_item(
                    Item={
                        "PK": f"TENANT#{DEMO_TENANT_ID}",
                        "SK": f"HANDROLLED#{number}",
                        **{name: row[name] for name in HEADER},
                    }
                )
        handrolled_ms = (time.perf_counter() - started) * 1000

        # Memory of the reading path, at a tenth of the file and at the whole file.
        small_key = f"imports/{DEMO_TENANT_ID}/debts-bench-small.csv"
        s3.put_object(Bucket=bucket, Key="bench/" + small_key, Body=_csv(ROWS // 10))
        s3.put_object(Bucket=bucket, Key="bench/" + key, Body=content)
        small_peak, small_rows = _reading_peak(s3, bucket, "bench/" + small_key)
        large_peak, large_rows = _reading_peak(s3, bucket, "bench/" + key)

        return [
            Result(
                f"S3 drop, {ROWS:,}-row debts CSV -> report (local stack)",
                [pipeline_ms],
                budget_ms=2 * handrolled_ms,
                extra={
                    "handrolled_ms (csv.DictReader + batch_writer)": round(handrolled_ms),
                    "ratio_to_handrolled": round(pipeline_ms / handrolled_ms, 2),
                    "report_counts": report.get("counts"),
                    "report_status": report.get("status"),
                    "file_bytes": len(content),
                    f"reading peak, {small_rows:,} rows": f"{small_peak / 1e6:.2f} MB",
                    f"reading peak, {large_rows:,} rows": f"{large_peak / 1e6:.2f} MB",
                },
            )
        ]
    finally:
        stack.stop()
