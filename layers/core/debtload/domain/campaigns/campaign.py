"""Campaigns: a named calling campaign whose service type decides the fields its customer
records need, and the rules its calls follow (call window, expensive destinations)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any, Final, Literal, Protocol, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from debtload.domain.errors import NotFound, ValidationFailed

ServiceType = Literal["debt_collection", "lead_generation"]
SERVICE_TYPES: Final[tuple[ServiceType, ...]] = ("debt_collection", "lead_generation")
DAY_NAMES: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_TIMEZONE: Final = "Europe/Paris"
MAX_NAME: Final = 200
_HHMM: Final = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_REGION: Final = re.compile(r"[A-Z]{2}")
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class CallWindow:
    """Local hours (start inclusive, end exclusive) and weekdays in which a campaign may call."""

    start: time
    end: time
    timezone: str = DEFAULT_TIMEZONE
    days: frozenset[int] = frozenset(range(7))  # date.weekday(): 0 is Monday

    def allows(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        if local.weekday() not in self.days:
            return False
        now = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # a window across midnight, e.g. 22:00-02:00

    def describe(self) -> str:
        days = ",".join(DAY_NAMES[d] for d in sorted(self.days))
        return f"{self.start:%H:%M}-{self.end:%H:%M} {self.timezone} ({days})"

    def to_json(self) -> dict[str, Any]:
        return {
            "start": f"{self.start:%H:%M}",
            "end": f"{self.end:%H:%M}",
            "timezone": self.timezone,
            "days": [DAY_NAMES[d] for d in sorted(self.days)],
        }


@dataclass(frozen=True, slots=True)
class Campaign:
    campaign_id: str
    name: str
    service_type: ServiceType
    language: str | None
    call_window: CallWindow | None
    accept_expensive_destination: bool
    default_country: str
    created_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.campaign_id,
            "name": self.name,
            "service_type": self.service_type,
            "language": self.language,
            "call_window": self.call_window.to_json() if self.call_window else None,
            "accept_expensive_destination": self.accept_expensive_destination,
            "default_country": self.default_country,
            "created_at": self.created_at,
        }


class CampaignStore(Protocol):
    def put_campaign(self, tenant_id: str, campaign: Campaign) -> None: ...

    def get_campaign(self, tenant_id: str, campaign_id: str) -> Campaign | None: ...


def parse_call_window(raw: Any) -> tuple[CallWindow | None, dict[str, str]]:
    """`{start: "09:00", end: "20:00", timezone?: IANA name, days?: ["mon", ...]}` or null."""
    if raw is None:
        return None, {}
    if not isinstance(raw, Mapping):
        return None, {"call_window": "must be an object {start, end, timezone?, days?}"}
    errors: dict[str, str] = {}
    bounds: list[time] = []
    for field in ("start", "end"):
        value = raw.get(field)
        match = _HHMM.fullmatch(value) if isinstance(value, str) else None
        if match is None:
            errors[f"call_window.{field}"] = "must be a time HH:MM (24-hour clock)"
        else:
            bounds.append(time(int(match.group(1)), int(match.group(2))))
    timezone = raw.get("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        errors["call_window.timezone"] = (
            f"unknown time zone {timezone!r} (use an IANA name such as Europe/Paris)"
        )
    days_raw = raw.get("days", list(DAY_NAMES))
    days: set[int] = set()
    if not isinstance(days_raw, list) or not days_raw:
        errors["call_window.days"] = f"must be a non-empty list of {', '.join(DAY_NAMES)}"
    else:
        for day in days_raw:
            if day not in DAY_NAMES:
                errors["call_window.days"] = f"unknown day {day!r}; use {', '.join(DAY_NAMES)}"
            else:
                days.add(DAY_NAMES.index(day))
    if len(bounds) == 2 and bounds[0] == bounds[1]:
        errors["call_window"] = "start and end must differ"
    unknown = set(raw) - {"start", "end", "timezone", "days"}
    if unknown:
        errors["call_window"] = f"unknown fields: {', '.join(sorted(unknown))}"
    if errors:
        return None, errors
    return CallWindow(bounds[0], bounds[1], str(timezone), frozenset(days)), {}


def parse_campaign(body: Any, campaign_id: str, created_at: str) -> Campaign:
    """POST /campaigns `{name, service_type, language?, call_window?, accept_expensive_destination?,
    default_country?}`; every problem is reported at once, by field."""
    if not isinstance(body, Mapping):
        raise ValidationFailed("The request body must be a JSON object", {"body": "must be an object"})
    errors: dict[str, str] = {}
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "is required and must be a non-empty string"
    elif len(name) > MAX_NAME:
        errors["name"] = f"must be at most {MAX_NAME} characters"
    service_type = body.get("service_type")
    if service_type not in SERVICE_TYPES:
        errors["service_type"] = f"must be one of {', '.join(SERVICE_TYPES)}"
    language = body.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE.fullmatch(language)):
        errors["language"] = "must be a language code such as fr, en or hi-IN"
    window, window_errors = parse_call_window(body.get("call_window"))
    errors.update(window_errors)
    accept = body.get("accept_expensive_destination", False)
    if not isinstance(accept, bool):
        errors["accept_expensive_destination"] = "must be true or false"
    country = body.get("default_country", "FR")
    if not isinstance(country, str) or not _REGION.fullmatch(country.upper()):
        errors["default_country"] = "must be an ISO 3166 alpha-2 country code such as FR"
    unknown = set(body) - {
        "name",
        "service_type",
        "language",
        "call_window",
        "accept_expensive_destination",
        "default_country",
    }
    for field in sorted(unknown):
        errors[field] = "unknown field"
    if errors:
        raise ValidationFailed("The campaign is invalid", errors)
    return Campaign(
        campaign_id=campaign_id,
        name=str(name).strip(),
        service_type=cast(ServiceType, service_type),
        language=language,
        call_window=window,
        accept_expensive_destination=bool(accept),
        default_country=str(country).upper(),
        created_at=created_at,
    )


def create_campaign(
    store: CampaignStore, tenant_id: str, body: Any, campaign_id: str, created_at: str, *, dry_run: bool
) -> Campaign:
    campaign = parse_campaign(body, campaign_id, created_at)
    if not dry_run:
        store.put_campaign(tenant_id, campaign)
    return campaign


def get_campaign(store: CampaignStore, tenant_id: str, campaign_id: str) -> Campaign:
    """Another tenant's campaign is simply not in this tenant's partition: 404 either way."""
    campaign = store.get_campaign(tenant_id, campaign_id)
    if campaign is None:
        raise NotFound(f"Campaign {campaign_id} not found", {"campaignId": campaign_id})
    return campaign
