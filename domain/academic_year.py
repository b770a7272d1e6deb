"""Academic years (учебный год) written as "2026/2027": two consecutive calendar years."""

from __future__ import annotations

import re
from datetime import date

from domain.errors import InvalidInput

_ACADEMIC_YEAR = re.compile(r"(\d{4})/(\d{4})")


class InvalidAcademicYear(InvalidInput):
    code = "invalid_academic_year"


def academic_year_start(academic_year: str) -> int:
    """The calendar year an academic year starts in; raises `InvalidAcademicYear` if malformed."""
    match = _ACADEMIC_YEAR.fullmatch(academic_year)
    if match is None:
        raise InvalidAcademicYear(
            f"academic year {academic_year!r} must be written as two years, e.g. '2026/2027'"
        )
    first, second = int(match.group(1)), int(match.group(2))
    if second != first + 1:
        raise InvalidAcademicYear(
            f"academic year {academic_year!r} must span two consecutive years, "
            f"e.g. '{first}/{first + 1}'"
        )
    return first


def validate_academic_year(academic_year: str) -> str:
    """Return the academic year unchanged if it is well-formed, else raise `InvalidAcademicYear`."""
    academic_year_start(academic_year)
    return academic_year


def next_academic_year(academic_year: str) -> str:
    """The academic year that follows the given one: '2026/2027' → '2027/2028'."""
    start = academic_year_start(academic_year) + 1
    return f"{start}/{start + 1}"


def academic_year_bounds(academic_year: str) -> tuple[date, date]:
    """First and last day of an academic year: 1 September to 31 August of the next year."""
    start = academic_year_start(academic_year)
    return date(start, 9, 1), date(start + 1, 8, 31)
