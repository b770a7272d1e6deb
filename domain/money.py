"""Money of personalised funding: exact integers in minor units, with an explicit unit.

A rouble amount is counted in kopecks; where a region sets the nominal in weekly hours
(since September 2023), the amount is counted in hundredths of an hour. Floats are refused
everywhere: 0.1 + 0.2 is not 0.3, and an auditor must be able to add up every kopeck.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from enum import Enum

from domain.errors import InvalidInput

Kopecks = int  # minor units of the amount's unit: kopecks, or hundredths of an hour

BASIS_POINTS = 10_000  # 100% as basis points: shares are integers too


class Unit(Enum):
    """The unit a nominal and a price are expressed in."""

    ROUBLES = "roubles"  # amounts in kopecks
    HOURS = "hours"  # weekly hours; amounts in hundredths of an hour


class MoneyMustBeInteger(InvalidInput):
    code = "money_must_be_integer"


class NegativeAmount(InvalidInput):
    code = "negative_amount"


class InvalidShare(InvalidInput):
    code = "invalid_share"


class InvalidMonth(InvalidInput):
    code = "invalid_month"


def require_amount(value: object, what: str, *, positive: bool = False) -> Kopecks:
    """`value` as an integer amount of minor units; floats, bools and strings are refused."""
    # bool is an int subclass: True kopecks is a bug, not an amount.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MoneyMustBeInteger(
            f"{what} must be an integer number of kopecks (or hundredths of an hour), "
            f"not {type(value).__name__} {value!r}"
        )
    if value < 0 or (positive and value == 0):
        raise NegativeAmount(f"{what} must be {'positive' if positive else 'non-negative'}, "
                             f"not {value}")
    return value


def kopecks_from_roubles(text: str) -> Kopecks:
    """Parse "1234.56" (or "1234,56") roubles into kopecks exactly; more decimals are refused."""
    try:
        roubles = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(f"{text!r} is not an amount of roubles") from None
    minor = roubles * 100
    if minor != minor.to_integral_value() or not roubles.is_finite():
        raise InvalidInput(f"{text!r} has more than two decimal places")
    return require_amount(int(minor), "amount")


def format_amount(amount: Kopecks, unit: Unit = Unit.ROUBLES) -> str:
    """123456 → "1234.56 roubles" (or hours): for messages and reports."""
    sign = "-" if amount < 0 else ""
    whole, part = divmod(abs(amount), 100)
    return f"{sign}{whole}.{part:02d} {unit.value}"


def share_of(amount: Kopecks, share_bp: int) -> Kopecks:
    """`share_bp` basis points of `amount`, rounded down to the kopeck (never pays too much)."""
    require_share(share_bp, "share")
    return amount * share_bp // BASIS_POINTS


def require_share(share_bp: object, what: str) -> int:
    """A share in basis points: an integer from 0 (nothing) to 10 000 (100%)."""
    if isinstance(share_bp, bool) or not isinstance(share_bp, int):
        raise MoneyMustBeInteger(f"{what} must be integer basis points, not {share_bp!r}")
    if not 0 <= share_bp <= BASIS_POINTS:
        raise InvalidShare(f"{what} must be between 0 and 10000 basis points, not {share_bp}")
    return share_bp


def require_month(month: date, what: str = "month") -> date:
    """Months are named by their first day."""
    if month.day != 1:
        raise InvalidMonth(f"{what} must be the first day of a month, not {month.isoformat()}")
    return month


def month_of(day: date) -> date:
    return day.replace(day=1)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def months_between(first: date, last: date) -> tuple[date, ...]:
    """Every month from `first` to `last` inclusive."""
    months: list[date] = []
    month = first
    while month <= last:
        months.append(month)
        month = next_month(month)
    return tuple(months)


def monday_to_friday(day: date) -> bool:
    """The fallback working-day rule when no production calendar is configured."""
    return day.weekday() < 5


def working_day(month: date, n: int,
                is_working_day: Callable[[date], bool] = monday_to_friday) -> date:
    """The n-th working day of `month` by `is_working_day` (e.g. a production calendar's)."""
    day, seen = month, 0
    while True:
        if is_working_day(day):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


VALUE_TYPES: tuple[type, ...] = (Unit,)
