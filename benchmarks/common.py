"""What every benchmark shares: timing, the floors, and result rows.

A floor is the physical minimum of what a benchmark measures, computed in the same run:
- the phone floor: our own phone validation (`debtload.validation.phone.normalize_phone`) on the
  benchmark's rows, no I/O; every row of a debt or customer import has a phone to check;
- plus, for a DynamoDB-bound benchmark, the round trips it must wait for one after another × the
  stub's latency: every single-item call, and each batched operation's calls (counted at the stub)
  divided by the batch concurrency, since those run side by side (decision 80).
Each benchmark states its own floor (`Result.floor_ms`, and how it was computed in `floor_note`);
`ratio_to_floor` is the median over it.
"""

from __future__ import annotations

import functools
import math
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

# The round trips a request may make beyond ceil(rows/25) (one BatchWriteItem per 25 items): its fixed
# reads and writes, which do not grow with the rows (rate limit, credits, job read, chunk marker, job
# status, outcomes, count transaction, job re-read).
ROUND_TRIP_CONSTANT = 8
BATCHED_OPERATIONS = ("BatchWriteItem", "BatchGetItem")


def round_trip_budget(rows: int, upserts: int = 0) -> int:
    """ceil(rows/25) writes, ceil(upserts/100) reads and the constant. An upsert by a natural key
    (a debt's internal_id) reads the stored version first, to keep its creation and to report it as
    updated; BatchGetItem reads 100 keys a call (decision 83)."""
    return math.ceil(rows / 25) + math.ceil(upserts / 100) + ROUND_TRIP_CONSTANT


def sequential_round_trips(calls: dict[str, int], concurrency: int) -> int:
    """The round trips a request waits for one after another: batched calls run `concurrency` at a
    time, every other call on its own."""
    return sum(
        math.ceil(count / concurrency) if operation in BATCHED_OPERATIONS else count
        for operation, count in calls.items()
    )


def batch_concurrency() -> int:
    """The template's DynamoDbBatchConcurrency, which the benchmarks' handlers run with."""
    from devstack.template import LocalStackTemplate

    return int(LocalStackTemplate().parameters["DynamoDbBatchConcurrency"])


@dataclass
class Result:
    name: str
    samples_ms: list[float]
    budget_ms: float | None = None
    rows: int | None = None
    floor_ms: float | None = None
    floor_note: str = ""  # how the floor was computed
    round_trips: int | None = None  # DynamoDB calls of one request, counted at the stub
    round_trip_budget: int | None = None
    peak_mb: float | None = None
    memory_budget_mb: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    def over_budget(self) -> list[str]:
        """What is over its budget: time, round trips, memory."""
        over = []
        if self.budget_ms is not None and self.median_ms > self.budget_ms:
            over.append("time")
        if self.round_trip_budget is not None and (self.round_trips or 0) > self.round_trip_budget:
            over.append("round trips")
        if self.memory_budget_mb is not None and (self.peak_mb or 0) > self.memory_budget_mb:
            over.append("memory")
        return over

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(median_ms=self.median_ms, min_ms=min(self.samples_ms), max_ms=max(self.samples_ms))
        data["ratio_to_floor"] = self.median_ms / self.floor_ms if self.floor_ms else None
        has_budget = any(
            b is not None for b in (self.budget_ms, self.round_trip_budget, self.memory_budget_mb)
        )
        over = self.over_budget()
        data["over_budget"] = over
        data["within_budget"] = not over if has_budget else None
        return data


def measure(action: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def french_phone_numbers(count: int, seed: int = 7) -> list[str]:
    """Mainland mobiles spaced as people type them, as in the benchmarks' debts and customers."""
    rng = random.Random(seed)
    return [
        f"06 {rng.randint(40, 89)} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"
        for _ in range(count)
    ]


def phone_floor_ms_per_row(numbers: list[str], repeat: int = 7) -> float:
    """Our phone validation alone (normalize_phone: parse, validity, E.164), no I/O, per row."""
    from debtload.validation.phone import normalize_phone

    def parse_all() -> None:
        for number in numbers:
            normalize_phone(number)

    return statistics.median(measure(parse_all, repeat)) / len(numbers)


@functools.cache
def phone_floor_per_row_ms() -> float:
    """Measured once per run, on 1,000 phones."""
    return phone_floor_ms_per_row(french_phone_numbers(1000))


def dynamodb_floor(
    rows: int, calls: dict[str, int], latency_ms: float, concurrency: int
) -> tuple[float, str]:
    """The floor of a DynamoDB-bound request: phone validation of its rows + the round trips it must
    wait for one after another × latency."""
    phones = phone_floor_per_row_ms() * rows
    sequential = sequential_round_trips(calls, concurrency)
    floor = phones + sequential * latency_ms
    note = (
        f"phones {phones:.1f} ms ({rows:,} × normalize_phone) + {sequential} round trips in a row "
        f"({sum(calls.values())} calls, batched ones {concurrency} at a time) × {latency_ms:g} ms"
    )
    return floor, note
