from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from debtload.domain.campaigns import campaign as campaigns
from debtload.domain.campaigns.campaign import CallWindow
from debtload.domain.errors import NotFound, ValidationFailed
from tests.fakes.campaigns import MemoryCampaigns


def test_a_campaign_is_created_with_defaults_and_read_back_by_its_tenant_only() -> None:
    store = MemoryCampaigns()
    created = campaigns.create_campaign(
        store, "t1", {"name": " Relance mars ", "service_type": "debt_collection"}, "c1", "now", dry_run=False
    )
    assert created.to_json() == {
        "id": "c1",
        "name": "Relance mars",
        "service_type": "debt_collection",
        "language": None,
        "call_window": None,
        "accept_expensive_destination": False,
        "default_country": "FR",
        "created_at": "now",
    }
    assert campaigns.get_campaign(store, "t1", "c1") == created
    with pytest.raises(NotFound):
        campaigns.get_campaign(store, "t2", "c1")


def test_dry_run_writes_nothing() -> None:
    store = MemoryCampaigns()
    campaigns.create_campaign(
        store, "t1", {"name": "x", "service_type": "lead_generation"}, "c1", "", dry_run=True
    )
    assert store.items == {}


def test_every_invalid_field_is_reported_at_once() -> None:
    with pytest.raises(ValidationFailed) as raised:
        campaigns.parse_campaign(
            {
                "name": "",
                "service_type": "cold_calling",
                "language": "French!",
                "call_window": {
                    "start": "9h",
                    "end": "25:00",
                    "timezone": "Mars/Olympus",
                    "days": ["sunday"],
                },
                "accept_expensive_destination": "yes",
                "default_country": "France",
                "colour": "red",
            },
            "c1",
            "",
        )
    assert set(raised.value.details) == {
        "name",
        "service_type",
        "language",
        "call_window.start",
        "call_window.end",
        "call_window.timezone",
        "call_window.days",
        "accept_expensive_destination",
        "default_country",
        "colour",
    }
    assert "debt_collection, lead_generation" in raised.value.details["service_type"]


def test_call_window_in_the_campaign_time_zone() -> None:
    window, errors = campaigns.parse_call_window(
        {
            "start": "09:00",
            "end": "20:00",
            "timezone": "Europe/Paris",
            "days": ["mon", "tue", "wed", "thu", "fri"],
        }
    )
    assert errors == {} and window is not None
    assert window.allows(datetime(2026, 3, 4, 7, 59, tzinfo=UTC)) is False  # 08:59 in Paris
    assert window.allows(datetime(2026, 3, 4, 8, 0, tzinfo=UTC)) is True  # 09:00
    assert window.allows(datetime(2026, 3, 4, 19, 0, tzinfo=UTC)) is False  # 20:00: end is exclusive
    assert window.allows(datetime(2026, 3, 7, 10, 0, tzinfo=UTC)) is False  # a Saturday
    assert window.describe() == "09:00-20:00 Europe/Paris (mon,tue,wed,thu,fri)"


def test_a_window_may_cross_midnight() -> None:
    window = CallWindow(time(22, 0), time(2, 0), "UTC")
    assert window.allows(datetime(2026, 3, 4, 23, 0, tzinfo=UTC))
    assert window.allows(datetime(2026, 3, 4, 1, 0, tzinfo=UTC))
    assert not window.allows(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
