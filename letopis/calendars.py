"""Loading a region's production calendar from a file (the text format of `domain.calendar`)."""

from __future__ import annotations

from pathlib import Path

from domain.calendar import ProductionCalendar, parse_calendar
from domain.calendar_ru import RUSSIA


def load_calendar(path: Path | str | None = None) -> ProductionCalendar:
    """The calendar in `path`, or the shipped federal calendar of Russia when no path is given."""
    if path is None:
        return RUSSIA
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CalendarFileError(f"cannot read the production calendar {path}: "
                                f"{error.strerror or error}") from None
    return parse_calendar(text)


class CalendarFileError(ValueError):
    """LETOPIS_CALENDAR_FILE names a file that cannot be read."""
