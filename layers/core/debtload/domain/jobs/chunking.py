"""Cuts rows into queue messages: hundreds of rows each, every message under the SQS size limit.

A chunk whose rows would not fit in one message travels as a claim-check: the rows go to S3 and the
message carries only their location.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from debtload.domain.jobs.model import JobRow

MAX_ROWS_PER_CHUNK = 500
# SQS accepts 256 KiB per message; the envelope and JSON escaping need some room.
TARGET_CHUNK_BYTES = 200_000
MAX_INLINE_BYTES = 240_000


def row_size(row: JobRow) -> int:
    return len(json.dumps(row.data, separators=(",", ":"), default=str)) + 16


def chunk_rows(
    rows: Iterable[JobRow], max_rows: int = MAX_ROWS_PER_CHUNK
) -> Iterator[tuple[list[JobRow], int]]:
    """Yields (rows, approximate JSON size) groups, never more than max_rows nor TARGET_CHUNK_BYTES
    unless a single row is larger than that (then it goes alone, as a claim-check)."""
    current: list[JobRow] = []
    size = 0
    for row in rows:
        this = row_size(row)
        if current and (len(current) >= max_rows or size + this > TARGET_CHUNK_BYTES):
            yield current, size
            current, size = [], 0
        current.append(row)
        size += this
    if current:
        yield current, size
