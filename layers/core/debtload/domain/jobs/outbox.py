"""The outbox: every event is written in the same transaction as the state change it announces, then
published. A publish that fails or never runs (a crash, SQS down, a failure path) leaves the entry
unsent, and the scheduled sweep publishes it.

Publishing is idempotent: an entry has one event id, delivery looks the event up by that id and skips
one already settled, and an entry is marked sent only if it still exists.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from debtload.domain.jobs.model import OutboxEvent
from debtload.domain.jobs.ports import EventPublisher

log = logging.getLogger(__name__)

# An entry younger than this may still be published by the code that wrote it.
SWEEP_MIN_AGE = timedelta(minutes=1)
SWEEP_MAX_EVENTS = 1000


class Outbox(Protocol):
    def unsent(self, written_before: str, limit: int) -> list[OutboxEvent]:
        """Entries never marked sent, oldest first, written before the given ISO time."""
        ...

    def mark_sent(self, event: OutboxEvent) -> None: ...


@dataclass(frozen=True, slots=True)
class SentMarkingPublisher:
    """Publishes, then marks the entry sent so that the sweep leaves it alone."""

    publisher: EventPublisher
    outbox: Outbox

    def publish(self, event: OutboxEvent) -> None:
        self.publisher.publish(event)
        try:
            self.outbox.mark_sent(event)
        except Exception:  # published already: at worst the sweep publishes it again, deduped downstream
            log.exception("outbox entry %s published but not marked sent", event.event_id)


def sweep_outbox(
    outbox: Outbox, publisher: EventPublisher, now: datetime, limit: int = SWEEP_MAX_EVENTS
) -> dict[str, int]:
    """Publishes every entry older than SWEEP_MIN_AGE that was never sent; one failure stops nothing."""
    cutoff = (now - SWEEP_MIN_AGE).isoformat(timespec="milliseconds")
    published = failed = 0
    for event in outbox.unsent(cutoff, limit):
        try:
            publisher.publish(event)
            outbox.mark_sent(event)
        except Exception:
            failed += 1
            log.exception("outbox entry %s of %s not published", event.event_id, event.tenant_id)
        else:
            published += 1
    return {"published": published, "failed": failed}
