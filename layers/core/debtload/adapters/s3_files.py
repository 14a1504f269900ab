"""Objects in the imports bucket: reports, moves to rejected/, claim-check chunks."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from debtload.adapters import aws
from debtload.domain.jobs.model import Claim, JobRow


class S3FileStore:
    def __init__(self, client: Any | None = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("s3")

    def put_json(self, bucket: str, key: str, body: Mapping[str, Any]) -> None:
        self.client.put_object(
            Bucket=bucket,
            Key=key,
            Body=json.dumps(body, indent=2, default=str).encode(),
            ContentType="application/json",
        )

    def move(self, bucket: str, source_key: str, target_key: str) -> None:
        self.client.copy_object(
            Bucket=bucket, Key=target_key, CopySource={"Bucket": bucket, "Key": source_key}
        )
        self.client.delete_object(Bucket=bucket, Key=source_key)


class S3ClaimStore:
    """Rows of a chunk too large for one SQS message, kept under claims/ (expired by a lifecycle rule)."""

    def __init__(self, bucket: str, client: Any | None = None) -> None:
        self.bucket = bucket
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("s3")

    def put_rows(self, tenant_id: str, job_id: str, chunk: int, rows: Sequence[JobRow]) -> Claim:
        key = f"claims/{tenant_id}/{job_id}/{chunk:06d}.json"
        body = json.dumps([[r.row, r.data] for r in rows], separators=(",", ":"), default=str).encode()
        self.client.put_object(Bucket=self.bucket, Key=key, Body=body, ContentType="application/json")
        return Claim(self.bucket, key)

    def get_rows(self, claim: Claim) -> list[JobRow]:
        body = self.client.get_object(Bucket=claim.bucket, Key=claim.key)["Body"].read()
        return [JobRow(int(row), data) for row, data in json.loads(body)]
