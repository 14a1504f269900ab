"""One place that makes boto3 clients, lazily and once per process (cold start matters).

`AWS_ENDPOINT_URL` (honoured by botocore itself) is how the local stack points every client at moto.
"""

from __future__ import annotations

import threading
from typing import Any

_clients: dict[str, Any] = {}
_lock = threading.Lock()


def client(service: str) -> Any:
    existing = _clients.get(service)
    if existing is not None:
        return existing
    with _lock:
        if service not in _clients:
            import boto3
            from botocore.config import Config

            # Parameter validation costs ~45 µs per BatchWriteItem entry and our requests are built by code.
            config = Config(parameter_validation=False, retries={"mode": "standard", "max_attempts": 5})
            _clients[service] = boto3.session.Session().client(service, config=config)
        return _clients[service]


def reset_clients() -> None:
    """Forget cached clients: tests and the local stack call this when they move the endpoint."""
    with _lock:
        _clients.clear()
