"""Shared pieces of the `financial_registry` read model: the funding event classes, and
double-entry postings over plain JSON account maps.

Accounts are named as `domain.funding_accounts.Account` prints them (`"free:2026"`,
`"reserve:<contract id>"`); a balance is credits minus debits in minor units (kopecks, or
hundredths of an hour), exactly as `Accounts.post` keeps them, zero balances included.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from domain.certificate import Certificate
from domain.certificate_group import CertificateGroup
from domain.claim import Claim
from domain.contract import Contract
from domain.payment import Payment
from projections.base import Row

# @event-generated classes are invisible to mypy; look them up once, by their stable names.
CertIssued: type[Any] = getattr(Certificate, "Issued")  # noqa: B009
CertKindChanged: type[Any] = getattr(Certificate, "KindChanged")  # noqa: B009
CertSuspended: type[Any] = getattr(Certificate, "Suspended")  # noqa: B009
CertResumed: type[Any] = getattr(Certificate, "Resumed")  # noqa: B009
CertClosed: type[Any] = getattr(Certificate, "Closed")  # noqa: B009
NominalCredited: type[Any] = getattr(Certificate, "NominalCredited")  # noqa: B009
YearExpired: type[Any] = getattr(Certificate, "YearExpired")  # noqa: B009
ContractReserved: type[Any] = getattr(Certificate, "ContractReserved")  # noqa: B009
ReserveReleased: type[Any] = getattr(Certificate, "ReserveReleased")  # noqa: B009
MonthCharged: type[Any] = getattr(Certificate, "MonthCharged")  # noqa: B009
MonthSettled: type[Any] = getattr(Certificate, "MonthSettled")  # noqa: B009
ChargeReversed: type[Any] = getattr(Certificate, "ChargeReversed")  # noqa: B009

GroupEstablished: type[Any] = getattr(CertificateGroup, "Established")  # noqa: B009
GroupAdmitted: type[Any] = getattr(CertificateGroup, "CertificateAdmitted")  # noqa: B009

ContractRequested: type[Any] = getattr(Contract, "Requested")  # noqa: B009
ContractConfirmed: type[Any] = getattr(Contract, "Confirmed")  # noqa: B009
ContractActivated: type[Any] = getattr(Contract, "Activated")  # noqa: B009
ContractRefused: type[Any] = getattr(Contract, "Refused")  # noqa: B009
ContractTerminated: type[Any] = getattr(Contract, "Terminated")  # noqa: B009

ClaimOpened: type[Any] = getattr(Claim, "Opened")  # noqa: B009
ClaimSubmitted: type[Any] = getattr(Claim, "Submitted")  # noqa: B009
ClaimApproved: type[Any] = getattr(Claim, "Approved")  # noqa: B009
ClaimRejected: type[Any] = getattr(Claim, "Rejected")  # noqa: B009
ClaimPaid: type[Any] = getattr(Claim, "PaymentRecorded")  # noqa: B009

PaymentRecorded: type[Any] = getattr(Payment, "Recorded")  # noqa: B009

CERTIFICATE_EVENTS: tuple[type[Any], ...] = (
    CertIssued, CertKindChanged, CertSuspended, CertResumed, CertClosed, NominalCredited,
    YearExpired, ContractReserved, ReserveReleased, MonthCharged, MonthSettled, ChargeReversed)
# Certificate events about one contract: they carry `contract_id`.
CONTRACT_MONEY_EVENTS: tuple[type[Any], ...] = (
    ContractReserved, ReserveReleased, MonthCharged, MonthSettled, ChargeReversed)
CONTRACT_EVENTS: tuple[type[Any], ...] = (
    ContractRequested, ContractConfirmed, ContractActivated, ContractRefused, ContractTerminated)
CLAIM_EVENTS: tuple[type[Any], ...] = (
    ClaimOpened, ClaimSubmitted, ClaimApproved, ClaimRejected, ClaimPaid)

# The same classes as sets, for the key functions that run twice per event and per fold (an
# event's class is exactly its topic's: the mapper never builds subclasses).
CERTIFICATE_TYPES = frozenset(CERTIFICATE_EVENTS)
CONTRACT_MONEY_TYPES = frozenset(CONTRACT_MONEY_EVENTS)
CONTRACT_TYPES = frozenset(CONTRACT_EVENTS)
CLAIM_TYPES = frozenset(CLAIM_EVENTS)
GROUP_TYPES = frozenset((GroupEstablished, GroupAdmitted))

# Account kinds keyed by a year (the others are keyed by a contract or a claim id).
YEAR_KINDS = ("nominal", "free", "expired")


def transfers_of(event: Any) -> tuple[Any, ...]:
    """The transfers an event posts, in order (`transfer` may be None, `transfers` empty)."""
    many = getattr(event, "transfers", None)
    if many is not None:
        return tuple(many)
    one = getattr(event, "transfer", None)
    return () if one is None else (one,)


def post(accounts: Row, transfers: tuple[Any, ...]) -> Row:
    """A new account map with `transfers` posted."""
    new = dict(accounts)
    for transfer in transfers:
        amount = transfer.amount
        debit, credit = transfer.debit, transfer.credit
        name = f"{debit.kind.value}:{debit.key}"  # as `Account.__str__` names it
        new[name] = new.get(name, 0) - amount
        name = f"{credit.kind.value}:{credit.key}"
        new[name] = new.get(name, 0) + amount
    return new


def moved(transfers: tuple[Any, ...], key: str) -> dict[str, int]:
    """Net movement by account kind of the accounts keyed `key` (a contract id)."""
    sums: dict[str, int] = {}
    for transfer in transfers:
        amount = transfer.amount
        account = transfer.debit
        if account.key == key:
            kind = account.kind.value
            sums[kind] = sums.get(kind, 0) - amount
        account = transfer.credit
        if account.key == key:
            kind = account.kind.value
            sums[kind] = sums.get(kind, 0) + amount
    return sums


_IDS: dict[int, str] = {}  # str(UUID) of the ids a page repeats (every fold keys by them)


def sid(value: Any) -> str:
    """`str(value)` of a UUID, cached (the hex formatting costs more than the lookup). Keyed
    by the UUID's int: hashing a UUID itself runs Python code (`UUID.__hash__`, `__eq__`)."""
    try:
        number = value.int
    except AttributeError:
        return str(value)
    text = _IDS.get(number)
    if text is None:
        if len(_IDS) >= 100_000:
            _IDS.clear()
        text = _IDS[number] = str(value)
    return text


def transfer_year(transfer: Any, event: Any) -> int:
    """The nominal year a transfer's money belongs to: from its year-keyed account, else from
    the contract-month the event is about (a contract stays within its nominal's year)."""
    for account in (transfer.debit, transfer.credit):
        if account.kind.value in YEAR_KINDS:
            return int(account.key)
    month: date | None = getattr(event, "month", None)
    if month is None:  # ContractReserved: its schedule's months
        month = event.schedule[0].month
    assert month is not None
    return month.year


_MONTH_NAMES: dict[date, str] = {}  # strftime is slow and a region has few distinct dates


def month_name(month: date) -> str:
    """A month as readers name it: "2026-09"."""
    name = _MONTH_NAMES.get(month)
    if name is None:
        if len(_MONTH_NAMES) >= 10_000:
            _MONTH_NAMES.clear()
        name = _MONTH_NAMES[month] = f"{month:%Y-%m}"
    return name


def escape(part: str) -> str:
    return part.replace("\\", "\\\\").replace("|", "\\|")


def pair_key(first: str, month: str) -> str:
    """`"{first}|{YYYY-MM}"`, a `|` or `\\` in `first` escaped (a municipality is free text)."""
    return f"{escape(first)}|{month}"


def effective_on(event: Any) -> str:
    return str(event.meta.effective_on.isoformat())


def recorded_at(event: Any) -> str:
    return str(event.meta.recorded_at.isoformat())
