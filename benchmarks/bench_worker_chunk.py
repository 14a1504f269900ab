"""One worker chunk of 1,000 debt rows from a dropped file, through the WorkerFunction handler, DynamoDB at
the loopback stub answering after each latency (docs/performance.md: at most 150 ms at 8 ms a call;
round trips at most ceil(rows/25) + ceil(rows/100) upsert reads + a constant). Floor: normalize_phone
on the 1,000 rows + the round trips the chunk waits for in a row × the latency.

The rows are what the file import sends: a French debts CSV (the file import benchmark's) read by the
file import's own reader and column mapping, in one SQS record with the rows inline. Today's chunker
sends at most 500 rows a chunk (domain/jobs/chunking.py); this is one chunk of 1,000, the unit the
budget is stated for. The job is one of ten chunks, so this chunk does not end it (no reports to S3).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any

from benchmarks.bench_file_import import _csv
from benchmarks.common import Result, batch_concurrency, dynamodb_floor, measure, round_trip_budget
from benchmarks.dynamo_stub import bench_latencies_ms, latency_label, loopback_dynamodb

ROWS = 1000
TENANT = "bench-tenant"
JOB_ID = "imp_bench_chunk"
BUDGET_MS = {8.0: 150.0}  # by DynamoDB latency; none at other latencies


def _chunk_rows() -> tuple[list[Any], dict[str, Any]]:
    """The file's first 1,000 rows as the file import makes them, and the job options it records."""
    from debtload.domain.file_import import reader
    from debtload.domain.file_import.kinds import KIND_SPECS
    from debtload.domain.file_import.options import read_options
    from debtload.domain.file_import.records import map_columns
    from debtload.tasks.file_import import FileImportTask, ReadStats
    from debtload.tasks.job_kinds import DEBTS

    table = reader.open_csv(io.BytesIO(_csv(ROWS)))
    columns = map_columns(KIND_SPECS[DEBTS], table.header)
    rows = list(FileImportTask._job_rows(None, table, columns, ReadStats()))  # type: ignore[arg-type]
    options = {**read_options(DEBTS, {}).job, **columns.to_options(), "import_id": JOB_ID}
    return rows, options


def _job_item(options: dict[str, Any]) -> dict[str, Any]:
    from debtload.adapters.dynamodb import keys
    from debtload.adapters.dynamodb.table import serialize
    from debtload.domain.jobs.model import JobStatus
    from debtload.tasks.job_kinds import DEBTS

    now = datetime.now(UTC).isoformat()
    return serialize(
        {
            "PK": keys.tenant_pk(TENANT),
            "SK": keys.job_sk(JOB_ID),
            "job_id": JOB_ID,
            "kind": DEBTS,
            "source": "s3",
            "status": JobStatus.QUEUED.value,
            "rows_total": 10 * ROWS,
            "chunks_total": 10,
            "chunks_done": 0,
            "sealed": True,
            "options": options,
            "created_at": now,
            "updated_at": now,
        }
    )


def run() -> list[Result]:
    return [_at_latency(latency) for latency in bench_latencies_ms()]


def _at_latency(latency_ms: float) -> Result:
    from debtload.adapters.dynamodb import keys
    from debtload.domain.jobs.model import ChunkMessage
    from debtload.tasks.wiring import queue_name
    from devstack.functions import FunctionRunner
    from devstack.template import LocalStackTemplate

    rows, options = _chunk_rows()
    job_item = _job_item(options)
    with loopback_dynamodb({keys.job_sk(JOB_ID): job_item}, latency_ms=latency_ms) as dynamo:
        template = LocalStackTemplate()
        runner = FunctionRunner(template, dynamo.endpoint)
        handler = runner.handler("WorkerFunction")
        queue_url = template.function_environment("WorkerFunction", dynamo.endpoint)["JOB_QUEUE_URL"]
        body = ChunkMessage(TENANT, JOB_ID, 0, len(rows), rows=tuple(rows)).to_body()
        event = {
            "Records": [
                {
                    "messageId": "bench-chunk-0",
                    "receiptHandle": "bench",
                    "body": json.dumps(body),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": f"arn:aws:sqs:{template.region}:{template.account_id}:"
                    f"{queue_name(queue_url)}",
                    "awsRegion": template.region,
                }
            ]
        }

        def one_chunk() -> None:
            response = handler(event, runner.context("WorkerFunction"))
            assert response == {"batchItemFailures": []}, response

        one_chunk()  # warm: botocore's models and the civility dictionary load once per process
        dynamo.reset_calls()
        samples = measure(one_chunk, repeat=9, warmup=0)
        calls = {op: n // len(samples) for op, n in sorted(dynamo.calls().items())}
        round_trips = sum(calls.values())
        floor, note = dynamodb_floor(ROWS, calls, latency_ms, batch_concurrency())
        return Result(
            f"1,000-row worker chunk from a file ({latency_label(latency_ms)})",
            samples,
            budget_ms=BUDGET_MS.get(latency_ms),
            rows=ROWS,
            floor_ms=floor,
            floor_note=note,
            round_trips=round_trips,
            round_trip_budget=round_trip_budget(ROWS, upserts=ROWS),
            extra={"dynamodb_calls_per_chunk": calls, "message_bytes": len(event["Records"][0]["body"])},
        )
