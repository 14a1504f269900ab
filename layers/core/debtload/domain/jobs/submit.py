"""The API (or file import) side of a job: write the job, then send its chunks.

The job is written before any chunk is sent, so a worker never sees a chunk of an unknown job. If
sending fails, the job is made terminal as Failed with the reason, so it never stays Queued forever.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from debtload.domain.jobs.cancel import lease
from debtload.domain.jobs.chunking import MAX_INLINE_BYTES, chunk_rows
from debtload.domain.jobs.model import ChunkMessage, Job, JobRow, JobStatus
from debtload.domain.jobs.ports import ChunkQueue, ClaimStore, EventPublisher, JobStore

SEND_BATCH = 10
# The lease a file's reader holds on its job while it sends chunks (a chunk's is its index).
READER = "reader"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class EnqueueFailed(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class JobSubmitter:
    store: JobStore
    queue: ChunkQueue
    claims: ClaimStore
    publisher: EventPublisher

    def submit(
        self,
        tenant_id: str,
        kind: str,
        rows: Sequence[JobRow],
        *,
        source: str = "api",
        options: Mapping[str, Any] | None = None,
        job_id: str | None = None,
    ) -> Job:
        """A job whose rows are all in hand (API requests)."""
        chunks = list(chunk_rows(rows))
        job = self._new_job(
            tenant_id, kind, source, options, job_id, rows_total=len(rows), chunks=len(chunks), sealed=True
        )
        self.store.create_job(job)
        self._send(job, enumerate(chunks))
        return job

    def submit_stream(
        self,
        tenant_id: str,
        kind: str,
        rows: Iterable[JobRow],
        *,
        source: str = "s3",
        options: Mapping[str, Any] | None = None,
        job_id: str | None = None,
        resume: Job | None = None,
        chunks_sent: int = 0,
        on_sent: Callable[[int], None] | None = None,
        read_deadline: float | None = None,
        on_canceled: Callable[[int], None] | None = None,
    ) -> Job:
        """A job whose rows arrive as they are read (files): counted as sent, sealed at the end.

        `resume` continues a job that an interrupted run started with the same rows: chunking is
        deterministic, so the first `chunks_sent` chunks are the ones already sent and are skipped.
        `on_sent(n)` records, after each send, that chunks below n are on the queue.

        With `read_deadline` (epoch seconds: when this reader is surely gone), the reader holds a
        lease on the job like a chunk's (decision 100), so a cancel waits for it: after each send the
        job is read again, and once it is canceled the read stops, `on_canceled(row)` runs (the
        last row sent: a file's line), and the job
        is sealed with the rows read so far and the lease given back, in one write. The cancel then
        answers with the total it will keep."""
        if resume is not None:
            job = resume
        else:
            job = self._new_job(
                tenant_id, kind, source, options, job_id, rows_total=0, chunks=0, sealed=False
            )
            self.store.create_job(job)
        held = lease(READER, read_deadline) if read_deadline is not None else None
        if job.status.terminal or (
            held is not None and not self.store.claim_chunk(tenant_id, job.job_id, held)
        ):
            # Ended (or canceled) before this read began: its total, if any, stays as it is.
            return self.store.get_job(tenant_id, job.job_id) or job
        state = {"rows": 0, "chunks": 0, "stopped": False, "last_row": 0}

        def counted() -> Iterable[tuple[int, tuple[list[JobRow], int]]]:
            chunks = enumerate(chunk_rows(rows))
            while not state["stopped"]:  # checked before the next chunk is read
                index, chunk = next(chunks, (-1, ([], 0)))
                if index < 0:
                    return
                state["rows"] += len(chunk[0])
                state["chunks"] = index + 1
                state["last_row"] = chunk[0][-1].row
                if index >= chunks_sent:
                    yield index, chunk

        def sent(below: int) -> None:
            if on_sent is not None:
                on_sent(below)
            if held is not None:
                latest = self.store.get_job(tenant_id, job.job_id)
                state["stopped"] = latest is None or latest.status.terminal

        self._send(job, counted(), sent)
        if state["stopped"] and on_canceled is not None:
            on_canceled(int(state["last_row"]))
        sealed = self.store.seal(tenant_id, job.job_id, state["rows"], state["chunks"], release=held)
        # Every chunk may have been counted before the seal: then nobody else will finish the job.
        from debtload.domain.jobs.worker import finish_if_complete

        finish_if_complete(self.store, self.publisher, sealed)
        return sealed

    def _new_job(
        self,
        tenant_id: str,
        kind: str,
        source: str,
        options: Mapping[str, Any] | None,
        job_id: str | None,
        *,
        rows_total: int,
        chunks: int,
        sealed: bool,
    ) -> Job:
        created = now_iso()
        return Job(
            tenant_id=tenant_id,
            job_id=job_id or str(uuid.uuid4()),
            kind=kind,
            source=source,
            status=JobStatus.QUEUED,
            rows_total=rows_total,
            chunks_total=chunks,
            sealed=sealed,
            options=dict(options or {}),
            created_at=created,
            updated_at=created,
        )

    def _send(
        self,
        job: Job,
        chunks: Iterable[tuple[int, tuple[list[JobRow], int]]],
        on_sent: Callable[[int], None] | None = None,
    ) -> None:
        pending: list[ChunkMessage] = []
        try:
            for index, (rows, size) in chunks:
                if size > MAX_INLINE_BYTES:
                    claim = self.claims.put_rows(job.tenant_id, job.job_id, index, rows)
                    message = ChunkMessage(job.tenant_id, job.job_id, index, len(rows), claim=claim)
                else:
                    message = ChunkMessage(job.tenant_id, job.job_id, index, len(rows), rows=tuple(rows))
                pending.append(message)
                if len(pending) == SEND_BATCH:
                    self.queue.send_chunks(pending)
                    if on_sent is not None:
                        on_sent(pending[-1].chunk + 1)
                    pending = []
            if pending:
                self.queue.send_chunks(pending)
                if on_sent is not None:
                    on_sent(pending[-1].chunk + 1)
        except Exception as error:
            reason = f"Could not queue the job's rows: {type(error).__name__}: {error}"
            failed = self.store.get_job(job.tenant_id, job.job_id) or job
            from debtload.domain.jobs.worker import fail_job

            fail_job(self.store, self.publisher, failed, reason)
            raise EnqueueFailed(reason) from error
