"""Date parsing, French business days and TARGET2 days."""

from __future__ import annotations

from datetime import date

import pytest

from debtload.validation.dates import (
    add_target2_business_days,
    holiday_subdivision,
    next_business_day,
    parse_flexible_date,
    parse_iso_date,
    target2_roll_forward,
)


@pytest.mark.parametrize(
    ("raw", "expected"), [("2025-03-31", date(2025, 3, 31)), (" 2024-02-29 ", date(2024, 2, 29))]
)
def test_iso_dates(raw: str, expected: date) -> None:
    assert parse_iso_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "2025-02-29",
        "2025-13-01",
        "25-03-31",
        "2025/03/31",
        "31/03/2025",
        "2025-3-31",
        "2025-03-31T00:00",
        "",
        None,
        20250331,
    ],
)
def test_iso_dates_are_strict(raw: object) -> None:
    assert parse_iso_date(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2025-03-31", date(2025, 3, 31)), ("31/03/2025", date(2025, 3, 31)), ("1/4/2025", date(2025, 4, 1))],
)
def test_flexible_dates_accept_french_order(raw: str, expected: date) -> None:
    assert parse_flexible_date(raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2025", "03/31/2025", "31-03-2025", "31/03/25", "", None])
def test_flexible_dates_still_reject_nonsense(raw: object) -> None:
    assert parse_flexible_date(raw) is None


def test_next_business_day_skips_the_weekend() -> None:
    assert next_business_day(date(2025, 3, 7)) == date(2025, 3, 10)  # Friday -> Monday
    assert next_business_day(date(2025, 3, 10)) == date(2025, 3, 11)  # strictly after


def test_next_business_day_skips_french_public_holidays() -> None:
    assert next_business_day(date(2025, 7, 13)) == date(2025, 7, 15)  # Sunday, then 14 July
    assert next_business_day(date(2025, 4, 30)) == date(2025, 5, 2)  # 1 May


def test_overseas_departments_have_their_own_holidays() -> None:
    # Réunion: abolition of slavery on 20 December, a Friday in 2024.
    assert next_business_day(date(2024, 12, 19)) == date(2024, 12, 20)
    assert next_business_day(date(2024, 12, 19), subdiv="RE") == date(2024, 12, 23)


@pytest.mark.parametrize(
    ("iso", "code"), [("GP", "971"), ("MQ", "972"), ("GF", "973"), ("RE", "974"), ("YT", "976")]
)
def test_iso_regions_map_to_holiday_subdivisions(iso: str, code: str) -> None:
    assert holiday_subdivision(iso) == code


def test_french_guiana_uses_its_iso_code() -> None:
    # holidays knows Guyane as 973 or "GY", not as the ISO "GF" that phonenumbers returns.
    assert next_business_day(date(2025, 6, 9), subdiv="GF") == date(2025, 6, 11)  # 10 June abolition day


def test_mainland_and_none_use_the_national_calendar() -> None:
    assert holiday_subdivision("FR") is None
    assert holiday_subdivision(None) is None


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown French subdivision 'XX'"):
        next_business_day(date(2025, 1, 1), subdiv="XX")


def test_excluded_weekdays_and_dates() -> None:
    friday = date(2025, 3, 7)
    assert next_business_day(friday, excluded_weekdays=frozenset({0})) == date(2025, 3, 11)
    assert next_business_day(friday, excluded_dates=frozenset({date(2025, 3, 10)})) == date(2025, 3, 11)


def test_excluding_every_weekday_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError, match="Every weekday is excluded"):
        next_business_day(date(2025, 1, 1), excluded_weekdays=frozenset(range(5)))


def test_next_business_day_crosses_the_year() -> None:
    assert next_business_day(date(2025, 12, 31)) == date(2026, 1, 2)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 3, 10), date(2025, 3, 10)),  # business day: unchanged
        (date(2025, 3, 8), date(2025, 3, 10)),  # Saturday
        (date(2025, 4, 18), date(2025, 4, 22)),  # Good Friday, weekend, Easter Monday
        (date(2025, 12, 25), date(2025, 12, 29)),  # 25, 26 Dec, weekend
        (date(2025, 1, 1), date(2025, 1, 2)),
    ],
)
def test_target2_roll_forward(day: date, expected: date) -> None:
    assert target2_roll_forward(day) == expected


@pytest.mark.parametrize("day", [date(2025, 7, 14), date(2025, 5, 8), date(2025, 11, 11), date(2025, 8, 15)])
def test_french_holidays_are_target2_business_days(day: date) -> None:
    assert target2_roll_forward(day) == day


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2025, 3, 10), 1, date(2025, 3, 11)),
        (date(2025, 3, 7), 1, date(2025, 3, 10)),
        (date(2025, 3, 8), 1, date(2025, 3, 10)),  # from Saturday
        (date(2025, 4, 17), 2, date(2025, 4, 23)),  # over Easter
        (date(2025, 3, 10), 5, date(2025, 3, 17)),
        (date(2025, 3, 8), 0, date(2025, 3, 10)),
        (date(2025, 4, 22), -1, date(2025, 4, 17)),  # backwards over Easter
    ],
)
def test_add_target2_business_days(day: date, n: int, expected: date) -> None:
    assert add_target2_business_days(day, n) == expected
