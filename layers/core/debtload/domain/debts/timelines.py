"""Timelines (from the Batch Create Debts API): named collection workflows that debts attach to, and when
a debt starts one.

`next_day` starts on the next business day for the debtor: weekends, French public holidays (those
of the debtor's overseas department where it has its own, e.g. 20 December in Réunion) and the
timeline's own excluded weekdays and dates are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final, Protocol

from debtload.domain.errors import ValidationFailed
from debtload.validation.dates import holiday_subdivision, next_business_day, parse_iso_date

MAX_NAME_LENGTH: Final = 100
MAX_EXCLUDED_DATES: Final = 366
WEEKDAYS: Final = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Timeline:
    timeline_id: str
    name: str
    excluded_weekdays: frozenset[int]  # date.weekday() numbering: 0 is Monday
    excluded_dates: frozenset[date]
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.timeline_id,
            "name": self.name,
            "excluded_weekdays": [WEEKDAYS[d] for d in sorted(self.excluded_weekdays)],
            "excluded_dates": sorted(d.isoformat() for d in self.excluded_dates),
            "created_at": self.created_at,
        }


class TimelineStore(Protocol):
    def put_timeline(self, tenant_id: str, timeline: Timeline) -> None: ...

    def get_timelines(self, tenant_id: str, timeline_ids: Sequence[str]) -> dict[str, Timeline]:
        """The tenant's timelines among `timeline_ids`; ids of other tenants are simply absent."""
        ...

    def list_timelines(self, tenant_id: str) -> list[Timeline]: ...


def create_timeline(
    store: TimelineStore, tenant_id: str, body: Any, timeline_id: str, created_at: str, *, dry_run: bool
) -> Timeline:
    """The timeline `body` describes, stored unless a dry run; ValidationFailed when invalid."""
    timeline = parse_timeline(body, timeline_id, created_at)
    if not dry_run:
        store.put_timeline(tenant_id, timeline)
    return timeline


def list_timelines(store: TimelineStore, tenant_id: str) -> list[Timeline]:
    """The tenant's timelines, oldest first."""
    return sorted(store.list_timelines(tenant_id), key=lambda t: t.created_at)


def parse_timeline(body: Any, timeline_id: str, created_at: str) -> Timeline:
    """`{name, excluded_weekdays?: ["saturday", ...] | [5, ...], excluded_dates?: ["YYYY-MM-DD"]}`."""
    if not isinstance(body, Mapping):
        raise ValidationFailed("The request body must be a JSON object", {"body": "must be an object"})
    errors: dict[str, str] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "is required"
    elif len(name.strip()) > MAX_NAME_LENGTH:
        errors["name"] = f"must be at most {MAX_NAME_LENGTH} characters"
    weekdays: set[int] = set()
    raw_weekdays = body.get("excluded_weekdays") or []
    if not isinstance(raw_weekdays, list):
        errors["excluded_weekdays"] = "must be an array of weekday names"
    else:
        for i, raw in enumerate(raw_weekdays):
            day = _weekday(raw)
            if day is None:
                errors[f"excluded_weekdays[{i}]"] = f"{raw!r} is not a weekday (monday ... sunday, or 0-6)"
            else:
                weekdays.add(day)
        if set(range(5)) <= weekdays:
            errors["excluded_weekdays"] = "would exclude every working day"
    dates: set[date] = set()
    raw_dates = body.get("excluded_dates") or []
    if not isinstance(raw_dates, list) or len(raw_dates) > MAX_EXCLUDED_DATES:
        errors["excluded_dates"] = f"must be an array of at most {MAX_EXCLUDED_DATES} YYYY-MM-DD dates"
    else:
        for i, raw in enumerate(raw_dates):
            parsed = parse_iso_date(raw)
            if parsed is None:
                errors[f"excluded_dates[{i}]"] = f"{raw!r} is not a date in YYYY-MM-DD format"
            else:
                dates.add(parsed)
    if errors:
        raise ValidationFailed("The timeline is invalid", errors)
    assert isinstance(name, str)
    return Timeline(timeline_id, name.strip(), frozenset(weekdays), frozenset(dates), created_at)


def start_date(mode: str, today: date, timeline: Timeline, debtor_region: str | None) -> date:
    """The day a debt's timeline starts: today for `immediate`, else the next business day."""
    if mode != "next_day":
        return today
    return next_business_day(
        today,
        subdiv=_subdivision(debtor_region),
        excluded_weekdays=timeline.excluded_weekdays,
        excluded_dates=timeline.excluded_dates,
    )


def _subdivision(region: str | None) -> str | None:
    """The debtor's French subdivision for holidays; mainland (None) when the region is not one."""
    try:
        return holiday_subdivision(region)
    except ValueError:
        return None  # a foreign debtor is called on the French (mainland) calendar


def _weekday(raw: Any) -> int | None:
    if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 6:
        return raw
    if isinstance(raw, str) and raw.strip().lower() in WEEKDAYS:
        return WEEKDAYS.index(raw.strip().lower())
    return None
