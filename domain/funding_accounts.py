"""The double-entry model of personalised funding (after TigerBeetle's accounts and transfers).

Every movement of money is a `Transfer` of a positive integer amount from a debit account to a
credit account. An account's balance is credits minus debits, so the balances of all accounts
always sum to zero. Each account kind has a floor, checked before a transfer is accepted:

- sources (the year's nominal, parents' money) may only go negative: credits must not exceed
  debits;
- everything else (free balance, contract reserves, spent, expired, co-payment) may only hold
  money: debits must not exceed credits (TigerBeetle's `debits_must_not_exceed_credits`).

Transfer ids are supplied by the caller. An id is applied at most once: the same transfer again
is refused as already applied, another transfer under a used id as a reused id.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, RuleViolated
from domain.money import Kopecks, format_amount, require_amount


class AccountKind(Enum):
    NOMINAL = "nominal"  # source: the year's nominal credited to the certificate (key: year)
    FREE = "free"  # the certificate's free balance for a year (key: year)
    RESERVE = "reserve"  # a contract's reserve (key: contract id)
    SPENT = "spent"  # claimed by providers on a contract (key: contract id)
    EXPIRED = "expired"  # unused at year end, never paid out (key: year)
    PARENTS = "parents"  # source: the parents' own money (key: contract id)
    COPAYMENT = "copayment"  # what the parents pay under a contract (key: contract id)
    CLAIMED = "claimed"  # source: a claim's amount, charged to certificates (key: claim id)
    PAYABLE = "payable"  # claims payable: approved, not yet paid (key: claim id)
    PAID = "paid"  # paid to the provider by payment orders (key: claim id)

    @property
    def is_source(self) -> bool:
        """Sources may only go negative; every other account may only hold money."""
        return self in _SOURCES

    # Members are singletons compared by identity, so the identity hash agrees with equality;
    # Enum's own hashes the name in Python, and accounts (kind, key) are dict keys of every
    # balance lookup.
    __hash__ = object.__hash__


_SOURCES = frozenset((AccountKind.NOMINAL, AccountKind.PARENTS, AccountKind.CLAIMED))


@dataclass(frozen=True)
class Account:
    kind: AccountKind
    key: str  # a year ("2026") or a contract id

    def __str__(self) -> str:
        return f"{self.kind.value}:{self.key}"


class TransferKind(Enum):
    OPENING = "opening"  # nominal → free: the yearly nominal, an explicit opening entry
    RESERVE = "reserve"  # free → reserve: a contract is requested
    RELEASE = "release"  # reserve → free: refusal, termination, shortfall of a month
    CHARGE = "charge"  # reserve → spent: a claim line (advance or final)
    REVERSAL = "reversal"  # spent → reserve: a claim was rejected
    RECOVERY = "recovery"  # spent → free: an advance above the month's actual amount
    EXPIRY = "expiry"  # free → expired: year end, or closure
    COPAYMENT = "copayment"  # parents → copayment: the parents' share of a contract
    APPROVAL = "approval"  # claimed → payable: the authorised organisation approved a claim
    PAYMENT = "payment"  # payable → paid: a payment order against an approved claim

    __hash__ = object.__hash__  # singletons compared by identity, as `AccountKind` above


# Which accounts each kind of transfer may move money between: a wrong pair is a bug.
ROUTES: dict[TransferKind, tuple[AccountKind, AccountKind]] = {
    TransferKind.OPENING: (AccountKind.NOMINAL, AccountKind.FREE),
    TransferKind.RESERVE: (AccountKind.FREE, AccountKind.RESERVE),
    TransferKind.RELEASE: (AccountKind.RESERVE, AccountKind.FREE),
    TransferKind.CHARGE: (AccountKind.RESERVE, AccountKind.SPENT),
    TransferKind.REVERSAL: (AccountKind.SPENT, AccountKind.RESERVE),
    TransferKind.RECOVERY: (AccountKind.SPENT, AccountKind.FREE),
    TransferKind.EXPIRY: (AccountKind.FREE, AccountKind.EXPIRED),
    TransferKind.COPAYMENT: (AccountKind.PARENTS, AccountKind.COPAYMENT),
    TransferKind.APPROVAL: (AccountKind.CLAIMED, AccountKind.PAYABLE),
    TransferKind.PAYMENT: (AccountKind.PAYABLE, AccountKind.PAID),
}


@dataclass(frozen=True)
class Transfer:
    transfer_id: UUID
    kind: TransferKind
    debit: Account
    credit: Account
    amount: Kopecks
    reference: str = ""  # e.g. "2026-09 advance": for people, not for rules


class ExceedsBalance(RuleViolated):
    """A transfer would take an account below its floor (TigerBeetle: exceeds_credits)."""

    code = "exceeds_balance"


class TransferAlreadyApplied(RuleViolated):
    code = "transfer_already_applied"


class TransferIdReused(RuleViolated):
    code = "transfer_id_reused"


class InvalidTransfer(InvalidInput):
    code = "invalid_transfer"


class Accounts:
    """Balances and applied transfer ids of one aggregate's accounts; `check` before `post`.

    Accounts restored from a snapshot keep the transfers applied before it in `earlier`, a
    read-only mapping that may decode a transfer only when it is asked for (a charge asks
    only whether its own id was applied)."""

    def __init__(self) -> None:
        self._balances: dict[Account, Kopecks] = {}
        self._earlier: Mapping[UUID, Transfer] = {}  # never changed
        self._applied: dict[UUID, Transfer] = {}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Accounts):
            return NotImplemented
        return (self._balances, self._all()) == (other._balances, other._all())

    __hash__ = None  # type: ignore[assignment]  # mutable: equal by value, never a key

    def _all(self) -> dict[UUID, Transfer]:
        return {**self._earlier, **self._applied} if self._earlier else self._applied

    def balance(self, account: Account) -> Kopecks:
        return self._balances.get(account, 0)

    def balances(self) -> dict[Account, Kopecks]:
        """Every account that has moved, with its balance (a copy)."""
        return dict(self._balances)

    def total(self, kind: AccountKind) -> Kopecks:
        return sum(b for a, b in self._balances.items() if a.kind is kind)

    def transfers(self) -> list[Transfer]:
        """Every applied transfer, in the order applied."""
        return list(self._all().values())

    @classmethod
    def restored(cls, balances: dict[Account, Kopecks],
                 transfers: Mapping[UUID, Transfer]) -> Accounts:
        """Accounts as `balances()` and `transfers()` described them (from a snapshot):
        `transfers` by id, in the order applied; it is read, never changed."""
        accounts = cls()
        accounts._balances = dict(balances)
        accounts._earlier = transfers
        return accounts

    def transfer(self, transfer_id: UUID) -> Transfer | None:
        found = self._applied.get(transfer_id)
        return found if found is not None or not self._earlier \
            else self._earlier.get(transfer_id)

    def check(self, *transfers: Transfer) -> None:
        """Raise unless all `transfers`, applied in order, keep every account above its floor."""
        balances = self._balances
        scratch: dict[Account, Kopecks] = {}  # the balances these transfers changed so far
        seen: set[UUID] = set()
        for transfer in transfers:
            self._check_one(transfer, seen)
            seen.add(transfer.transfer_id)
            # One lookup per account while nothing is in scratch (a single transfer): an
            # account's hash and equality are Python code, and a charge checks one transfer.
            debit_account, credit_account = transfer.debit, transfer.credit
            debit_before = scratch[debit_account] if scratch and debit_account in scratch \
                else balances.get(debit_account, 0)
            debit = debit_before - transfer.amount
            credit = (scratch[credit_account] if scratch and credit_account in scratch
                      else balances.get(credit_account, 0)) + transfer.amount
            if not transfer.debit.kind.is_source and debit < 0:
                raise ExceedsBalance(
                    f"{transfer.kind.value} of {format_amount(transfer.amount)} exceeds the "
                    f"balance of {transfer.debit} ({format_amount(debit_before)})"
                )
            if transfer.credit.kind.is_source and credit > 0:
                raise ExceedsBalance(f"{transfer.credit} cannot be credited above zero")
            scratch[transfer.debit], scratch[transfer.credit] = debit, credit

    def _check_one(self, transfer: Transfer, seen: set[UUID]) -> None:
        require_amount(transfer.amount, f"{transfer.kind.value} amount", positive=True)
        if ROUTES[transfer.kind] != (transfer.debit.kind, transfer.credit.kind):
            raise InvalidTransfer(
                f"a {transfer.kind.value} transfer cannot move money from {transfer.debit} "
                f"to {transfer.credit}"
            )
        applied = self.transfer(transfer.transfer_id)
        if applied == transfer:
            raise TransferAlreadyApplied(f"transfer {transfer.transfer_id} was already applied")
        if applied is not None or transfer.transfer_id in seen:
            raise TransferIdReused(
                f"transfer id {transfer.transfer_id} already names a different transfer"
            )

    def post(self, *transfers: Transfer) -> None:
        """Apply checked transfers. Never raises: it also runs when events are replayed."""
        for transfer in transfers:
            self._applied[transfer.transfer_id] = transfer
            self._balances[transfer.debit] = self.balance(transfer.debit) - transfer.amount
            self._balances[transfer.credit] = self.balance(transfer.credit) + transfer.amount


VALUE_TYPES: tuple[type, ...] = (AccountKind, Account, TransferKind, Transfer)
