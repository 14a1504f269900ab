"""What every benchmark shares: timing, the phone-parsing floor, and result rows."""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Result:
    name: str
    samples_ms: list[float]
    budget_ms: float | None = None
    rows: int | None = None
    max_ratio: float | None = None  # a budget as a multiple of the floor, checked with budget_ms
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples_ms)

    def as_dict(self, floor_ms_per_row: float | None) -> dict[str, Any]:
        data = asdict(self)
        data.update(median_ms=self.median_ms, min_ms=min(self.samples_ms), max_ms=max(self.samples_ms))
        if floor_ms_per_row and self.rows:
            data["floor_ms"] = floor_ms_per_row * self.rows
            data["ratio_to_floor"] = self.median_ms / data["floor_ms"]
        checks = []
        if self.budget_ms is not None:
            checks.append(self.median_ms <= self.budget_ms)
        if self.max_ratio is not None and "ratio_to_floor" in data:
            checks.append(data["ratio_to_floor"] <= self.max_ratio)
        data["within_budget"] = all(checks) if checks else None
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
    rng = random.Random(seed)
    prefixes = ["06", "07", "01", "02", "03", "04", "05", "09"]
    return [f"{rng.choice(prefixes)}{rng.randint(0, 99_999_999):08d}" for _ in range(count)]


def phone_floor_ms_per_row(numbers: list[str], repeat: int = 7) -> float:
    """phonenumbers.parse + is_valid_number alone: the floor every validating path is compared with."""
    import phonenumbers

    def parse_all() -> None:
        for number in numbers:
            phonenumbers.is_valid_number(phonenumbers.parse(number, "FR"))

    return statistics.median(measure(parse_all, repeat)) / len(numbers)
