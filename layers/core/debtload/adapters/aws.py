"""One place that makes boto3 clients, lazily and once per process (cold start matters).

`AWS_ENDPOINT_URL` (honoured by botocore itself) is how the local stack points every client at moto.
"""

from __future__ import annotations

import threading
from typing import Any

# botocore's default pool keeps 10 connections; more concurrent calls still run, but each extra
# connection is opened for one call and dropped ("Connection pool is full, discarding connection").
# Connections are opened on demand, so a larger pool costs nothing until it is used.
DEFAULT_POOL_CONNECTIONS = 10
# Calls a function makes besides its batched ones, at the same time (the webhooks' delivery pool,
# an SQS or S3 call while a batch is in flight).
OTHER_CALLS = 8

_clients: dict[str, Any] = {}
_lock = threading.Lock()
_pool_connections = DEFAULT_POOL_CONNECTIONS


def reserve_connections(count: int) -> None:
    """Clients made from now on keep at least `count` connections per service. The composition roots
    reserve their batch concurrency plus OTHER_CALLS; cached clients with a smaller pool are
    forgotten, so the next call makes one that fits (calls in flight keep their client)."""
    global _pool_connections  # noqa: PLW0603 - one pool size per process
    with _lock:
        if count > _pool_connections:
            _pool_connections = count
            _clients.clear()


def pool_connections() -> int:
    return _pool_connections


def client(service: str) -> Any:
    existing = _clients.get(service)
    if existing is not None:
        return existing
    with _lock:
        if service not in _clients:
            import boto3
            from botocore.config import Config

            # Parameter validation costs ~45 µs per BatchWriteItem entry and our requests are built by code.
            config = Config(
                parameter_validation=False,
                retries={"mode": "standard", "max_attempts": 5},
                max_pool_connections=_pool_connections,
            )
            made = boto3.session.Session().client(service, config=config)
            if service == "dynamodb":
                from debtload.adapters.dynamodb import prebuilt_body

                prebuilt_body.install(made)
            _clients[service] = made
        return _clients[service]


def reset_clients() -> None:
    """Forget cached clients: tests and the local stack call this when they move the endpoint."""
    with _lock:
        _clients.clear()
