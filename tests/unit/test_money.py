"""Money: integers only, exact parsing, shares rounded down, months and working days."""

from __future__ import annotations

from datetime import date

import pytest

from domain.errors import InvalidInput
from domain.money import (
    InvalidMonth,
    InvalidShare,
    MoneyMustBeInteger,
    NegativeAmount,
    format_amount,
    kopecks_from_roubles,
    months_between,
    require_amount,
    require_month,
    share_of,
    working_day,
)


@pytest.mark.parametrize("value", [100.0, 0.1, "100", True, None])
def test_non_integer_money_is_refused(value: object) -> None:
    with pytest.raises(MoneyMustBeInteger):
        require_amount(value, "amount")


def test_negative_and_zero_amounts() -> None:
    assert require_amount(0, "amount") == 0
    with pytest.raises(NegativeAmount):
        require_amount(-1, "amount")
    with pytest.raises(NegativeAmount):
        require_amount(0, "amount", positive=True)


def test_roubles_parse_exactly() -> None:
    assert kopecks_from_roubles("1234.56") == 123_456
    assert kopecks_from_roubles("0,10") == 10
    assert kopecks_from_roubles("7") == 700
    with pytest.raises(InvalidInput, match="two decimal"):
        kopecks_from_roubles("1.005")
    with pytest.raises(InvalidInput):
        kopecks_from_roubles("много")


def test_format_amount() -> None:
    assert format_amount(123_456) == "1234.56 roubles"
    assert format_amount(-5) == "-0.05 roubles"


def test_shares_round_down_to_the_kopeck() -> None:
    assert share_of(400_000, 8_000) == 320_000
    assert share_of(333, 5_000) == 166
    with pytest.raises(InvalidShare):
        share_of(100, 10_001)
    with pytest.raises(MoneyMustBeInteger):
        share_of(100, 0.8)  # type: ignore[arg-type]


def test_months() -> None:
    assert months_between(date(2026, 11, 1), date(2027, 2, 1)) == (
        date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1))
    with pytest.raises(InvalidMonth):
        require_month(date(2026, 9, 2))


def test_working_day_skips_weekends() -> None:
    assert working_day(date(2026, 8, 1), 2) == date(2026, 8, 4)  # Sat 1st, Mon 3rd, Tue 4th
    assert working_day(date(2026, 9, 1), 2) == date(2026, 9, 2)
