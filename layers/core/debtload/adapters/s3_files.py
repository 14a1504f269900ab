"""Objects in the imports bucket: reports, moves to rejected/, claim-check chunks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping, Sequence
from typing import IO, Any

from botocore.exceptions import ClientError

from debtload.adapters import aws
from debtload.adapters.s3_metadata import decoded
from debtload.domain.imports import ObjectInfo, ObjectMissing
from debtload.domain.jobs.model import Claim, JobRow

_MISSING = frozenset({"NoSuchKey", "404", "NotFound", "PreconditionFailed", "412"})


def _missing(error: ClientError, key: str) -> ObjectMissing | None:
    code = str(error.response.get("Error", {}).get("Code", ""))
    if code in ("PreconditionFailed", "412"):
        return ObjectMissing(
            f"The file {key} was replaced by a newer upload; that upload is imported instead"
        )
    if code in _MISSING:
        return ObjectMissing(f"The file {key} is no longer in the bucket (deleted before it could be read)")
    return None


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

    def put_file(self, bucket: str, key: str, body: IO[bytes], content_type: str) -> None:
        # upload_fileobj switches to a multipart upload for large bodies, reading the file in parts.
        self.client.upload_fileobj(body, bucket, key, ExtraArgs={"ContentType": content_type})

    def put_bytes(self, bucket: str, key: str, body: bytes, content_type: str) -> None:
        self.client.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)

    def delete(self, bucket: str, key: str) -> None:
        self.client.delete_object(Bucket=bucket, Key=key)

    def download_url(self, bucket: str, key: str, expires_seconds: int) -> str:
        """A presigned GET: the bank-file download needs no AWS credentials, only the link."""
        url: str = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_seconds
        )
        return url

    def move(self, bucket: str, source_key: str, target_key: str) -> None:
        try:
            self.client.copy_object(
                Bucket=bucket, Key=target_key, CopySource={"Bucket": bucket, "Key": source_key}
            )
        except ClientError as error:
            raise _missing(error, source_key) or error from error
        self.client.delete_object(Bucket=bucket, Key=source_key)

    def head(self, bucket: str, key: str) -> ObjectInfo:
        try:
            response = self.client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            raise _missing(error, key) or error from error
        return ObjectInfo(
            size=int(response.get("ContentLength", 0)),
            etag=str(response.get("ETag", "")).strip('"'),
            metadata=decoded(response.get("Metadata") or {}),
        )

    def open_stream(self, bucket: str, key: str, etag: str) -> IO[bytes]:
        """The body as botocore's StreamingBody: bytes come off the socket as they are read."""
        try:
            response = self.client.get_object(Bucket=bucket, Key=key, **({"IfMatch": etag} if etag else {}))
        except ClientError as error:
            raise _missing(error, key) or error from error
        body: IO[bytes] = response["Body"]
        return body

    def download(self, bucket: str, key: str, etag: str, path: str) -> None:
        body = self.open_stream(bucket, key, etag)
        try:
            with open(path, "wb") as target:
                shutil.copyfileobj(body, target, 1024 * 1024)
        finally:
            body.close()


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
