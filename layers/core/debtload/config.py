"""Typed view of a function's environment, read once when the handler module is imported.

The domain never reads os.environ itself: the local stack runs every function in one process, so
each handler captures its own template environment at import time and passes it down explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from debtload.domain.pricing import DEFAULT_PRICES, PriceTable, price_table


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    return int(raw) if raw.strip() else default


def _upload_origin(env: Mapping[str, str]) -> str:
    """The template's UPLOAD_ORIGIN (the bucket's regional endpoint); where every client is pointed
    elsewhere (AWS_ENDPOINT_URL: the local stack's moto), that endpoint's origin, since the presigned
    POST goes there."""
    endpoint = env.get("AWS_ENDPOINT_URL", "").strip()
    if endpoint:
        parts = urlsplit(endpoint)
        return f"{parts.scheme}://{parts.netloc}"
    return env.get("UPLOAD_ORIGIN", "")


@dataclass(frozen=True, slots=True)
class Config:
    table_name: str
    job_queue_url: str = ""
    webhook_queue_url: str = ""
    webhook_dead_letter_queue_url: str = ""
    imports_bucket: str = ""
    calls_event_bus: str = ""
    initiate_calls_state_machine_arn: str = ""
    max_request_body_bytes: int = 5_000_000
    batch_rate_limit_per_hour: int = 50
    default_rate_limit_per_minute: int = 600
    webhook_max_attempts: int = 8
    webhook_allow_private_targets: bool = False
    webhook_first_retry_seconds: int = 30
    call_batch_size: int = 500
    call_max_concurrency: int = 1
    call_batch_wait_seconds: int = 0
    call_prices: PriceTable = DEFAULT_PRICES
    dynamodb_batch_concurrency: int = 8
    # Where the console's browser uploads go (the presigned POST's origin), for its CSP connect-src.
    upload_origin: str = ""
    upload_max_bytes: int = 100_000_000
    console_static_dir: str = ""  # tests only: the console's files from elsewhere than the layer

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        return cls(
            table_name=env.get("TABLE_NAME", ""),
            job_queue_url=env.get("JOB_QUEUE_URL", ""),
            webhook_queue_url=env.get("WEBHOOK_QUEUE_URL", ""),
            webhook_dead_letter_queue_url=env.get("WEBHOOK_DEAD_LETTER_QUEUE_URL", ""),
            imports_bucket=env.get("IMPORTS_BUCKET", ""),
            calls_event_bus=env.get("CALLS_EVENT_BUS", ""),
            initiate_calls_state_machine_arn=env.get("INITIATE_CALLS_STATE_MACHINE_ARN", ""),
            max_request_body_bytes=_int(env, "MAX_REQUEST_BODY_BYTES", 5_000_000),
            batch_rate_limit_per_hour=_int(env, "BATCH_RATE_LIMIT_PER_HOUR", 50),
            default_rate_limit_per_minute=_int(env, "DEFAULT_RATE_LIMIT_PER_MINUTE", 600),
            webhook_max_attempts=_int(env, "WEBHOOK_MAX_ATTEMPTS", 8),
            webhook_allow_private_targets=env.get("WEBHOOK_ALLOW_PRIVATE_TARGETS", "false").lower() == "true",
            webhook_first_retry_seconds=_int(env, "WEBHOOK_FIRST_RETRY_SECONDS", 30),
            call_batch_size=_int(env, "CALL_BATCH_SIZE", 500),
            call_max_concurrency=_int(env, "CALL_MAX_CONCURRENCY", 1),
            call_batch_wait_seconds=_int(env, "CALL_BATCH_WAIT_SECONDS", 0),
            call_prices=price_table(
                _int(env, "DEFAULT_CALL_CREDITS", DEFAULT_PRICES.default_other),
                env.get("CALL_CREDITS_PER_COUNTRY", ""),
            ),
            dynamodb_batch_concurrency=max(1, _int(env, "DYNAMODB_BATCH_CONCURRENCY", 16)),
            upload_origin=_upload_origin(env),
            upload_max_bytes=_int(env, "UPLOAD_MAX_BYTES", 100_000_000),
            console_static_dir=env.get("CONSOLE_STATIC_DIR", ""),
        )
