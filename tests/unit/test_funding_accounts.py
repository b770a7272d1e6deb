"""The double-entry core: routes, floors, transfer ids applied at most once, sum zero."""

from __future__ import annotations

from uuid import UUID

import pytest

from domain.funding_accounts import (
    Account,
    AccountKind,
    Accounts,
    ExceedsBalance,
    InvalidTransfer,
    Transfer,
    TransferAlreadyApplied,
    TransferIdReused,
    TransferKind,
)
from domain.money import MoneyMustBeInteger, NegativeAmount

NOMINAL = Account(AccountKind.NOMINAL, "2026")
FREE = Account(AccountKind.FREE, "2026")
RESERVE = Account(AccountKind.RESERVE, "c1")


def opening(amount: int = 1000, transfer_id: int = 1) -> Transfer:
    return Transfer(UUID(int=transfer_id), TransferKind.OPENING, NOMINAL, FREE, amount)


def test_a_transfer_moves_money_and_the_sum_stays_zero() -> None:
    accounts = Accounts()
    accounts.check(opening())
    accounts.post(opening())
    reserve = Transfer(UUID(int=2), TransferKind.RESERVE, FREE, RESERVE, 600)
    accounts.check(reserve)
    accounts.post(reserve)
    assert accounts.balances() == {NOMINAL: -1000, FREE: 400, RESERVE: 600}
    assert sum(accounts.balances().values()) == 0


def test_debits_must_not_exceed_credits() -> None:
    accounts = Accounts()
    accounts.post(opening(100))
    with pytest.raises(ExceedsBalance, match="exceeds the balance of free:2026"):
        accounts.check(Transfer(UUID(int=2), TransferKind.RESERVE, FREE, RESERVE, 101))


def test_floors_hold_across_a_batch_of_transfers() -> None:
    accounts = Accounts()
    accounts.post(opening(100))
    first = Transfer(UUID(int=2), TransferKind.RESERVE, FREE, RESERVE, 60)
    second = Transfer(UUID(int=3), TransferKind.RESERVE, FREE, RESERVE, 60)
    accounts.check(first)
    accounts.check(second)
    with pytest.raises(ExceedsBalance):
        accounts.check(first, second)


def test_a_transfer_id_is_applied_at_most_once() -> None:
    accounts = Accounts()
    accounts.post(opening())
    with pytest.raises(TransferAlreadyApplied):
        accounts.check(opening())
    with pytest.raises(TransferIdReused):
        accounts.check(opening(amount=5))
    with pytest.raises(TransferIdReused):
        Accounts().check(opening(transfer_id=9), opening(amount=5, transfer_id=9))


def test_money_moves_only_along_its_route() -> None:
    with pytest.raises(InvalidTransfer):
        Accounts().check(Transfer(UUID(int=1), TransferKind.OPENING, NOMINAL, RESERVE, 1))


@pytest.mark.parametrize(("amount", "error"), [(0, NegativeAmount), (-5, NegativeAmount),
                                               (1.5, MoneyMustBeInteger)])
def test_amounts_are_positive_integers(amount: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        Accounts().check(opening(amount))  # type: ignore[arg-type]
