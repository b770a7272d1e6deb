"""Regional production calendar (производственный календарь) and working-day arithmetic.

The calendar is data, passed into the domain: days off that fall on weekdays (public holidays,
days off moved by a government resolution) and weekend days made working by such a transfer.
Every year it covers is named; arithmetic that leaves the covered years is refused rather than
guessed, because a wrong deadline is worse than none.

Text format (one fact per line, `#` starts a comment):

    region Российская Федерация
    year 2026
    off 2026-01-09   # перенос с 3 января
    work 2027-02-20  # рабочая суббота
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from domain.errors import InvalidInput, RuleViolated


class CalendarNotCovered(RuleViolated):
    code = "calendar_not_covered"


class InvalidCalendar(InvalidInput):
    code = "invalid_calendar"


@dataclass(frozen=True)
class ProductionCalendar:
    """Which days are working days in one region, for the years it covers."""

    region: str
    years: frozenset[int]
    days_off: frozenset[date]  # non-working weekdays: holidays and transferred days off
    working_weekends: frozenset[date]  # Saturdays and Sundays made working by a transfer

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def _require_covered(self, day: date) -> None:
        if not self.covers(day):
            covered = ", ".join(str(y) for y in sorted(self.years)) or "none"
            raise CalendarNotCovered(
                f"the production calendar of {self.region} does not cover {day.isoformat()} "
                f"(covered years: {covered}); load the calendar for {day.year}"
            )

    def is_working_day(self, day: date) -> bool:
        self._require_covered(day)
        if day in self.working_weekends:
            return True
        return day.weekday() < 5 and day not in self.days_off

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        return self.add_working_days(day, 1)

    def working_day_on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` ("within N working days following `day`")."""
        if count < 1:
            raise InvalidInput(f"working-day count must be at least 1, not {count}")
        current = day
        while count:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: 1 if `end` is the next working day after `start`."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_working_day(current)
        return count


def parse_calendar(text: str) -> ProductionCalendar:
    """Read a calendar in the text format above; errors name the line."""
    region = ""
    years: set[int] = set()
    off: set[date] = set()
    work: set[date] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        keyword, _, value = line.partition(" ")
        value = value.strip()
        if keyword == "region" and value:
            region = value
        elif keyword == "year" and value.isdigit() and len(value) == 4:
            years.add(int(value))
        elif keyword in ("off", "work"):
            day = _parse_day(value, number)
            if day.year not in years:
                raise InvalidCalendar(f"line {number}: {day.isoformat()} is outside the "
                                      "years declared above it (`year YYYY`)")
            if keyword == "off" and day.weekday() >= 5:
                raise InvalidCalendar(f"line {number}: {day.isoformat()} is a weekend day "
                                      "already; list only weekdays as `off`")
            if keyword == "work" and day.weekday() < 5:
                raise InvalidCalendar(f"line {number}: {day.isoformat()} is a weekday; "
                                      "only a Saturday or Sunday can be made `work`")
            (off if keyword == "off" else work).add(day)
        else:
            raise InvalidCalendar(f"line {number}: expected `region NAME`, `year YYYY`, "
                                  f"`off YYYY-MM-DD` or `work YYYY-MM-DD`, got {raw.strip()!r}")
    if not region:
        raise InvalidCalendar("the calendar must name its region (`region NAME`)")
    if not years:
        raise InvalidCalendar("the calendar must declare at least one year (`year YYYY`)")
    return ProductionCalendar(region=region, years=frozenset(years), days_off=frozenset(off),
                              working_weekends=frozenset(work))


def _parse_day(value: str, number: int) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidCalendar(f"line {number}: {value!r} is not a date (YYYY-MM-DD)") from None
