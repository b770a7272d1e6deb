"""Production calendar: the shipped 2026 data, working-day arithmetic and the file format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.calendar import CalendarNotCovered, InvalidCalendar, parse_calendar
from domain.calendar_ru import RUSSIA
from domain.errors import InvalidInput
from letopis.calendars import load_calendar


def test_2026_has_247_working_days() -> None:
    # 1 January is off, so counting the days after it covers the whole year.
    assert RUSSIA.working_days_between(date(2026, 1, 1), date(2026, 12, 31)) == 247


@pytest.mark.parametrize(
    "day",
    [date(2026, 1, 9), date(2026, 2, 23), date(2026, 3, 9), date(2026, 5, 1), date(2026, 5, 11),
     date(2026, 6, 12), date(2026, 11, 4), date(2026, 12, 31), date(2026, 5, 9)],
)
def test_days_off_of_2026(day: date) -> None:
    assert not RUSSIA.is_working_day(day)


@pytest.mark.parametrize("day", [date(2026, 1, 12), date(2026, 5, 4), date(2026, 5, 8),
                                 date(2026, 12, 30), date(2027, 1, 11)])
def test_working_days_of_2026(day: date) -> None:
    assert RUSSIA.is_working_day(day)


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        # Thursday before the May holidays: 1 May off, weekend, then 4 and 5 May.
        (date(2026, 4, 30), 2, date(2026, 5, 5)),
        # Friday before the second May weekend: 9–10 weekend, 11 May off (moved from 9 May).
        (date(2026, 5, 8), 2, date(2026, 5, 13)),
        (date(2026, 5, 8), 4, date(2026, 5, 15)),
        # Thursday before Russia Day (Friday 12 June).
        (date(2026, 6, 11), 1, date(2026, 6, 15)),
        # New Year: 31 December 2026 is off by transfer; 2027 holidays run to 10 January.
        (date(2026, 12, 30), 1, date(2027, 1, 11)),
        (date(2026, 6, 1), 1, date(2026, 6, 2)),
    ],
)
def test_add_working_days_across_holidays(start: date, count: int, expected: date) -> None:
    assert RUSSIA.add_working_days(start, count) == expected


def test_next_working_day_skips_weekend_and_holiday() -> None:
    assert RUSSIA.next_working_day(date(2026, 2, 20)) == date(2026, 2, 24)
    assert RUSSIA.working_day_on_or_after(date(2026, 2, 24)) == date(2026, 2, 24)
    assert RUSSIA.working_day_on_or_after(date(2026, 2, 21)) == date(2026, 2, 24)


def test_arithmetic_outside_the_covered_years_is_refused() -> None:
    with pytest.raises(CalendarNotCovered, match="2028"):
        RUSSIA.add_working_days(date(2027, 12, 30), 2)
    with pytest.raises(CalendarNotCovered):
        RUSSIA.is_working_day(date(2025, 12, 31))


def test_count_must_be_positive() -> None:
    with pytest.raises(InvalidInput):
        RUSSIA.add_working_days(date(2026, 6, 1), 0)


REGION = """\
# Production calendar of a region with an extra regional holiday
region Республика Татарстан
year 2026
off 2026-08-31  # День Республики (regional holiday)
work 2026-08-29  # a working Saturday
"""


def test_a_region_loads_its_own_calendar(tmp_path: Path) -> None:
    path = tmp_path / "tatarstan-2026.txt"
    path.write_text(REGION, encoding="utf-8")
    calendar = load_calendar(path)
    assert calendar.region == "Республика Татарстан"
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.is_working_day(date(2026, 8, 29))
    assert calendar.add_working_days(date(2026, 8, 28), 1) == date(2026, 8, 29)
    assert calendar.add_working_days(date(2026, 8, 29), 1) == date(2026, 9, 1)


def test_default_calendar_is_russia() -> None:
    assert load_calendar() is RUSSIA


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("year 2026\noff 2026-01-01\n", "region"),
        ("region X\n", "at least one year"),
        ("region X\noff 2026-01-01\n", "outside the years"),
        ("region X\nyear 2026\noff 2026-01-03\n", "weekend day"),
        ("region X\nyear 2026\nwork 2026-01-05\n", "weekday"),
        ("region X\nyear 2026\noff 2026-13-01\n", "line 3"),
        ("region X\nyear 2026\nholiday 2026-01-01\n", "line 3"),
    ],
)
def test_malformed_calendars_name_the_problem(text: str, match: str) -> None:
    with pytest.raises(InvalidCalendar, match=match):
        parse_calendar(text)
