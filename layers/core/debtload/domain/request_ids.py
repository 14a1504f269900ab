"""Ids of what a creating request makes, derived from its Idempotency-Key when it has one.

A request retried with its key after a crash half-way then rebuilds the same ids and overwrites
instead of duplicating; without a key every request gets new ids.
"""

from __future__ import annotations

import uuid
from typing import Final

NAMESPACE: Final = uuid.UUID("6f1c9a52-4f0e-4d8e-9a57-0d1f2b3c4d5e")


def id_for_request(tenant_id: str, what: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(NAMESPACE, f"{tenant_id}/{what}/{idempotency_key}"))
