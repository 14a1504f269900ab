"""Ids of what a creating request makes, derived from its Idempotency-Key when it has one.

A request retried with its key after a crash half-way then rebuilds the same ids and overwrites
instead of duplicating; without a key every request gets new ids.
"""

from __future__ import annotations

import uuid
from typing import Final

NAMESPACE: Final = uuid.UUID("6f1c9a52-4f0e-4d8e-9a57-0d1f2b3c4d5e")


# The ids the API's routes give what they create. A dry run writes nothing and keeps no idempotency
# record: its ids never come from the key. Each route has its own `what`, so one key sent to two
# routes makes two things, never one overwriting the other.


def _key(idempotency_key: str | None, dry_run: bool) -> str | None:
    return None if dry_run else idempotency_key


def collection_id(tenant_id: str, idempotency_key: str | None, *, dry_run: bool = False) -> str:
    """POST /collections: the collection's id."""
    return id_for_request(tenant_id, "collections", _key(idempotency_key, dry_run))


def collection_bulk_id(tenant_id: str, idempotency_key: str | None, *, dry_run: bool = False) -> str:
    """POST /collections/bulks: the bulk's (its job's) id."""
    return id_for_request(tenant_id, "bulks", _key(idempotency_key, dry_run))


def debts_batch_import_id(tenant_id: str, idempotency_key: str | None, *, dry_run: bool = False) -> str:
    """POST /debts/batch: the import's id, from which its debts' ids derive."""
    return id_for_request(tenant_id, "debts/batch", _key(idempotency_key, dry_run))


def single_debt_import_id(tenant_id: str, idempotency_key: str | None, *, dry_run: bool = False) -> str:
    """POST /debts: the one-debt import's id."""
    return id_for_request(tenant_id, "debts", _key(idempotency_key, dry_run))


def ingestion_job_id() -> str:
    """POST /ingestion-jobs: new on every request (a retry with its key replays the stored answer)."""
    return str(uuid.uuid4())


def note_fallback_id() -> str:
    """POST /cases/{id}/notes: the id of a note sent without externalRef (one with it derives its
    id from the reference, `notes.note_id`)."""
    return str(uuid.uuid4())


def timeline_id() -> str:
    """POST /timelines: new on every request (a retry with its key replays the stored answer)."""
    return str(uuid.uuid4())


def id_for_request(tenant_id: str, what: str, idempotency_key: str | None) -> str:
    if idempotency_key is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(NAMESPACE, f"{tenant_id}/{what}/{idempotency_key}"))


def call_run_id_for(tenant_id: str, campaign_id: str, idempotency_key: str | None, request_id: str) -> str:
    """The call run of one customers bulk, never random: a retry with the same key names the same
    run, so it finds the run started and starts no second one (issue 13, defect 4). Without a key
    the request id names it (API Gateway's, one per request), in its own namespace."""
    what = f"customers/add/bulk/{campaign_id}/call-run"
    if idempotency_key is None:
        return id_for_request(tenant_id, f"{what}/request", request_id)
    return id_for_request(tenant_id, what, idempotency_key)


def new_campaign_id() -> str:
    """A campaign's id: a new one for every request that creates a campaign."""
    return str(uuid.uuid4())
