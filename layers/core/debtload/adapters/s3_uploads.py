"""Presigned S3 requests for the console: the POST a browser uploads a file with, and the GET of a
report (domain/uploads.py, decision 94).

On AWS the client is pinned to the bucket's regional virtual-hosted endpoint
(https://<bucket>.s3.<region>.amazonaws.com), the origin the console's CSP and the bucket's CORS rule
name; where AWS_ENDPOINT_URL points every client elsewhere (the local stack's moto), there.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from debtload.adapters.s3_metadata import encode_value

_lock = threading.Lock()


class S3Presigner:
    def __init__(self, client: Any | None = None) -> None:
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            with _lock:
                if self._client is None:
                    self._client = _presigning_client()
        return self._client

    def presigned_post(
        self,
        bucket: str,
        key: str,
        content_type: str,
        max_bytes: int,
        expires_seconds: int,
        metadata: Mapping[str, str],
    ) -> tuple[str, dict[str, str]]:
        meta = {f"x-amz-meta-{name}": encode_value(value) for name, value in metadata.items()}
        post = self.client.generate_presigned_post(
            Bucket=bucket,
            Key=key,
            Fields={"Content-Type": content_type, **meta},
            Conditions=[
                {"Content-Type": content_type},
                *({name: value} for name, value in meta.items()),
                ["content-length-range", 1, max_bytes],
            ],
            ExpiresIn=expires_seconds,
        )
        return str(post["url"]), {str(k): str(v) for k, v in post["fields"].items()}

    def presigned_get(self, bucket: str, key: str, file_name: str, expires_seconds: int) -> str:
        return str(
            self.client.generate_presigned_url(
                "get_object",
                Params={
                    "Bucket": bucket,
                    "Key": key,
                    "ResponseContentDisposition": f'attachment; filename="{_ascii(file_name)}"',
                },
                ExpiresIn=expires_seconds,
            )
        )

    def exists(self, bucket: str, key: str) -> bool:
        try:
            self.client.head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if str(error.response.get("Error", {}).get("Code", "")) in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True


def _ascii(name: str) -> str:
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)


def _presigning_client() -> Any:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    region = session.region_name or os.environ.get("AWS_REGION", "us-east-1")
    config = Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
    if os.environ.get("AWS_ENDPOINT_URL"):
        # moto on an IP address: path-style, which botocore chooses for such an endpoint itself.
        return session.client("s3", region_name=region, config=Config(signature_version="s3v4"))
    return session.client(
        "s3", region_name=region, endpoint_url=f"https://s3.{region}.amazonaws.com", config=config
    )
