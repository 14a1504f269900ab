"""The activity list's records: two GSI1 partitions read newest first and merged, with one cursor
holding the position in each (decision 92).

- `TENANT#<t>#IMPORTS`: the dropped files (adapters/dynamodb/imports.py);
- `TENANT#<t>#JOBS`: the jobs (adapters/dynamodb/jobs.py), and beside them the debts batches
  (`DEBTBATCH#<import id>`, written by POST /debts/batch) and the call runs a customers bulk
  started (`CALLRUN#<id>`; a customers file's runs are listed under that file's import instead).

No scan: each page is one Query per partition (more when a filter keeps few), and one
BatchGetItem for the live counts of the files still running.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Final

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.imports import imports_gsi_pk
from debtload.adapters.dynamodb.jobs import job_from_item
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.domain.activity import Record
from debtload.domain.jobs.model import Job

PAGE: Final = 100
_KEY_NAMES: Final = ("PK", "SK", "GSI1PK", "GSI1SK")
_END: Final = "end"


def _key(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: item[name] for name in _KEY_NAMES}


def _record(tenant_id: str, item: Mapping[str, Any], partition: str) -> Record | None:
    sk = str(item.get("SK", ""))
    if partition == "i":
        return Record("import", item)
    if sk.startswith("JOB#"):
        return Record("job", item, job_from_item(tenant_id, dict(item)))
    if sk.startswith("DEBTBATCH#"):
        return Record("debt_batch", item)
    if sk.startswith("CALLRUN#"):
        return Record("call_run", {**item, "call_run_id": sk.removeprefix(keys.call_run_sk(""))})
    return None


class DynamoActivityStore:
    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    # ------------------------------------------------------------------------------- writing

    def record_debt_batch(self, tenant_id: str, batch: Mapping[str, Any]) -> None:
        """One item per batch, overwritten by a retry of the same batch (same import id)."""
        import_id = str(batch["import_id"])
        self.table.put(
            {
                "PK": keys.tenant_pk(tenant_id),
                "SK": keys.debt_batch_sk(import_id),
                "GSI1PK": keys.jobs_gsi_pk(tenant_id),
                "GSI1SK": str(batch["created_at"]),
                **batch,
            }
        )

    # ------------------------------------------------------------------------------- reading

    def _partition(
        self, tenant_id: str, name: str, start: Mapping[str, Any] | None
    ) -> Iterator[tuple[dict[str, Any], Record | None]]:
        pk = imports_gsi_pk(tenant_id) if name == "i" else keys.jobs_gsi_pk(tenant_id)
        while True:
            items, start = self.table.query(pk, index="GSI1", forward=False, limit=PAGE, start_key=start)
            for item in items:
                yield item, _record(tenant_id, item, name)
            if start is None:
                return

    def _positions(self, tenant_id: str, cursor: str | None) -> dict[str, Any]:
        decoded = decode_cursor(cursor) or {}
        positions: dict[str, Any] = {}
        for name, pk in (("i", imports_gsi_pk(tenant_id)), ("j", keys.jobs_gsi_pk(tenant_id))):
            value = decoded.get(name)
            if value is None or value == _END:
                positions[name] = value
                continue
            if not isinstance(value, dict) or set(value) != set(_KEY_NAMES) or value.get("GSI1PK") != pk:
                raise ValueError("invalid cursor")  # another listing's, another tenant's, or made up
            positions[name] = value
        return positions

    def newest_first(self, tenant_id: str, cursor: str | None) -> Iterator[tuple[Record, str | None]]:
        positions = self._positions(tenant_id, cursor)
        streams = {
            name: (iter(()) if positions[name] == _END else self._partition(tenant_id, name, positions[name]))
            for name in ("i", "j")
        }
        heads = {name: next(stream, None) for name, stream in streams.items()}
        while True:
            live = [name for name in ("i", "j") if heads[name] is not None]
            if not live:
                return
            # Newest first across both; on a tie the import goes first (each side resumes on its own).
            name = max(live, key=lambda n: (str(heads[n][0].get("created_at", "")), n == "i"))  # type: ignore[index]
            item, record = heads[name]  # type: ignore[misc]
            heads[name] = next(streams[name], None)
            positions[name] = _key(item) if heads[name] is not None else _END
            if record is None:
                continue
            done = all(positions[n] == _END for n in ("i", "j"))
            yield record, None if done else encode_cursor(dict(positions))

    def jobs(self, tenant_id: str, job_ids: Sequence[str]) -> dict[str, Job]:
        pk = keys.tenant_pk(tenant_id)
        items = self.table.batch_get([(pk, keys.job_sk(job_id)) for job_id in job_ids])
        return {str(item["job_id"]): job_from_item(tenant_id, item) for item in items}

    def find(self, tenant_id: str, item_id: str) -> Record | None:
        pk = keys.tenant_pk(tenant_id)
        found = {
            str(item["SK"]): item
            for item in self.table.batch_get(
                [
                    (pk, keys.job_sk(item_id)),
                    (pk, keys.import_sk(item_id)),
                    (pk, keys.debt_batch_sk(item_id)),
                    (pk, keys.call_run_sk(item_id)),
                ]
            )
        }
        job_item = found.get(keys.job_sk(item_id))
        job = job_from_item(tenant_id, job_item) if job_item else None
        import_id = str(job.options.get("import_id") or item_id) if job is not None else item_id
        record = found.get(keys.import_sk(item_id))
        if job is not None and job.source == "s3":
            record = record or self.table.get(pk, keys.import_sk(import_id))
            return Record("import", record, job) if record else Record("job", job_item or {}, job)
        if job is not None:
            return Record("job", job_item or {}, job)
        if record is not None:
            return Record("import", record, None)
        if keys.debt_batch_sk(item_id) in found:
            return Record("debt_batch", found[keys.debt_batch_sk(item_id)])
        run = found.get(keys.call_run_sk(item_id))
        if run is not None:
            return Record("call_run", {**run, "call_run_id": item_id})
        return None
