"""Routes SQS records to the job engine: JobQueue records are chunks, JobDeadLetterQueue records are
chunks that exhausted their retries. The scheduled event (every 5 minutes) sweeps the outbox.
Built by tasks/wiring.py (TaskDependencies.worker_task)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from debtload.domain.jobs.outbox import Outbox, sweep_outbox
from debtload.domain.jobs.ports import EventPublisher
from debtload.domain.jobs.worker import JobWorker

DEAD_CHUNK_REASON = (
    "Not processed: this row's chunk failed on every retry and was moved to the dead-letter queue"
)


def is_scheduled_event(event: Mapping[str, Any]) -> bool:
    """An EventBridge scheduled event, as opposed to a batch of SQS records."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


@dataclass(frozen=True, slots=True)
class WorkerTask:
    worker: JobWorker
    job_queue_name: str
    outbox: Outbox
    sender: EventPublisher  # the queue itself: the sweep marks what it sends

    def sweep_outbox(self) -> dict[str, int]:
        """Publishes the outbox entries that were never sent (failure paths, crashes, SQS down)."""
        return sweep_outbox(self.outbox, self.sender, datetime.now(UTC))

    def handle_record(self, record: Mapping[str, Any]) -> None:
        body = json.loads(record["body"])
        source_queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        if source_queue == self.job_queue_name:
            self.worker.handle_chunk(body)
        else:
            self.worker.handle_dead_chunk(body, DEAD_CHUNK_REASON)
