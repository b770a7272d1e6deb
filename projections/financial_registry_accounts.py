"""Shared pieces of the `financial_registry` read model: the funding event topics, readers of
the stored JSON the folds are given (raw events, projections/raw.py), and double-entry postings
over plain JSON account maps.

Accounts are named as `domain.funding_accounts.Account` prints them (`"free:2026"`,
`"reserve:<contract id>"`); a balance is credits minus debits in minor units (kopecks, or
hundredths of an hour), exactly as `Accounts.post` keeps them, zero balances included.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.certificate import Certificate
from domain.certificate_group import CertificateGroup
from domain.claim import Claim
from domain.contract import Contract
from domain.payment import Payment
from projections.base import Row
from projections.raw import RawEvent


def _topic(aggregate: type[Any], name: str) -> str:
    # @event-generated classes are invisible to mypy: looked up once, by their stable names.
    topic: str = get_topic(getattr(aggregate, name))
    return topic


# The folds read raw events (projections/raw.py): an event's class is named by its topic.
CertIssued = _topic(Certificate, "Issued")
CertKindChanged = _topic(Certificate, "KindChanged")
CertSuspended = _topic(Certificate, "Suspended")
CertResumed = _topic(Certificate, "Resumed")
CertClosed = _topic(Certificate, "Closed")
NominalCredited = _topic(Certificate, "NominalCredited")
YearExpired = _topic(Certificate, "YearExpired")
ContractReserved = _topic(Certificate, "ContractReserved")
ReserveReleased = _topic(Certificate, "ReserveReleased")
MonthCharged = _topic(Certificate, "MonthCharged")
MonthSettled = _topic(Certificate, "MonthSettled")
ChargeReversed = _topic(Certificate, "ChargeReversed")

GroupEstablished = _topic(CertificateGroup, "Established")
GroupAdmitted = _topic(CertificateGroup, "CertificateAdmitted")

ContractRequested = _topic(Contract, "Requested")
ContractConfirmed = _topic(Contract, "Confirmed")
ContractActivated = _topic(Contract, "Activated")
ContractRefused = _topic(Contract, "Refused")
ContractTerminated = _topic(Contract, "Terminated")

ClaimOpened = _topic(Claim, "Opened")
ClaimSubmitted = _topic(Claim, "Submitted")
ClaimApproved = _topic(Claim, "Approved")
ClaimRejected = _topic(Claim, "Rejected")
ClaimPaid = _topic(Claim, "PaymentRecorded")

PaymentRecorded = _topic(Payment, "Recorded")

CERTIFICATE_TYPES = frozenset((
    CertIssued, CertKindChanged, CertSuspended, CertResumed, CertClosed, NominalCredited,
    YearExpired, ContractReserved, ReserveReleased, MonthCharged, MonthSettled, ChargeReversed))
# Certificate events about one contract: they carry `contract_id`.
CONTRACT_MONEY_TYPES = frozenset((
    ContractReserved, ReserveReleased, MonthCharged, MonthSettled, ChargeReversed))
CONTRACT_TYPES = frozenset((
    ContractRequested, ContractConfirmed, ContractActivated, ContractRefused, ContractTerminated))
CLAIM_TYPES = frozenset((ClaimOpened, ClaimSubmitted, ClaimApproved, ClaimRejected, ClaimPaid))
GROUP_TYPES = frozenset((GroupEstablished, GroupAdmitted))

# Account kinds keyed by a year (the others are keyed by a contract or a claim id).
YEAR_KINDS = ("nominal", "free", "expired")


def transfers_of(event: RawEvent) -> list[Row]:
    """The transfers an event posts, in order (`transfer` may be None, `transfers` empty), as
    stored: `{"transfer_id", "kind", "debit", "credit", "amount", …}` with tagged values."""
    state = event.state
    many = state.get("transfers")
    if many is not None:
        return [t["_data_"] for t in many]
    one = state.get("transfer")
    return [] if one is None else [one["_data_"]]


def moves_money(event: RawEvent) -> bool:
    """Whether `transfers_of(event)` is not empty (without building it)."""
    many = event.state.get("transfers")
    return bool(many) if many is not None else event.state.get("transfer") is not None


def account_name(account: Row) -> str:
    """A stored `Account` as `Account.__str__` names it: "free:2026"."""
    data = account["_data_"]
    return f"{data['kind']['_data_']}:{data['key']}"


def post(accounts: Row, transfers: list[Row]) -> Row:
    """A new account map with `transfers` posted."""
    new = dict(accounts)
    for transfer in transfers:
        amount = transfer["amount"]
        name = account_name(transfer["debit"])
        new[name] = new.get(name, 0) - amount
        name = account_name(transfer["credit"])
        new[name] = new.get(name, 0) + amount
    return new


def post_touching(accounts: Row, transfers: list[Row], touched: set[str]) -> Row:
    """`post(accounts, transfers)`, adding to `touched` the key of every account posted to."""
    new = dict(accounts)
    for transfer in transfers:
        amount = transfer["amount"]
        account = transfer["debit"]["_data_"]
        key = account["key"]
        touched.add(key)
        name = f"{account['kind']['_data_']}:{key}"
        new[name] = new.get(name, 0) - amount
        account = transfer["credit"]["_data_"]
        key = account["key"]
        touched.add(key)
        name = f"{account['kind']['_data_']}:{key}"
        new[name] = new.get(name, 0) + amount
    return new


def moved(transfers: list[Row], key: str) -> dict[str, int]:
    """Net movement by account kind of the accounts keyed `key` (a contract id)."""
    sums: dict[str, int] = {}
    for transfer in transfers:
        amount = transfer["amount"]
        account = transfer["debit"]["_data_"]
        if account["key"] == key:
            kind = account["kind"]["_data_"]
            sums[kind] = sums.get(kind, 0) - amount
        account = transfer["credit"]["_data_"]
        if account["key"] == key:
            kind = account["kind"]["_data_"]
            sums[kind] = sums.get(kind, 0) + amount
    return sums


def value(tagged: Row | None) -> Any:
    """The stored value of a tagged one (an enum's value, a date's ISO text), None for None."""
    return None if tagged is None else tagged["_data_"]


_IDS: dict[Any, str] = {}  # str(UUID) of the ids a page repeats (every fold keys by them)


def sid(value: Any) -> str:
    """`str(value)` of a UUID, cached (the hex formatting costs more than the lookup). Keyed
    by the UUID's int: hashing a UUID itself runs Python code (`UUID.__hash__`, `__eq__`)."""
    try:
        number = value.int
    except AttributeError:
        return str(value)
    text = _IDS.get(number)
    return _remember(number, str(value)) if text is None else text


def uid(tagged: Row) -> str:
    """`str(UUID)` of a stored UUID (`{"_type_": "uuid_hex", "_data_": hex}`), cached."""
    hex_text = tagged["_data_"]
    text = _IDS.get(hex_text)
    return _remember(hex_text, dashed(hex_text)) if text is None else text


def _remember(key: int | str, text: str) -> str:
    """Keep `text` in the id cache (emptied when it reaches 100,000 ids) and return it."""
    if len(_IDS) >= 100_000:
        _IDS.clear()
    _IDS[key] = text
    return text


_HEX_DIGITS = frozenset("0123456789abcdef")


def dashed(hex_text: str) -> str:
    """`str(UUID(hex_text))`: 32 lowercase hex digits (`UUID.hex`, as stored) are sliced into the
    canonical form without building the UUID; anything else goes through `UUID`."""
    if len(hex_text) == 32 and _HEX_DIGITS.issuperset(hex_text):
        h = hex_text
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    return str(UUID(hex_text))


def transfer_year(transfer: Row, event: RawEvent) -> int:
    """The nominal year a transfer's money belongs to: from its year-keyed account, else from
    the contract-month the event is about (a contract stays within its nominal's year)."""
    for account in (transfer["debit"]["_data_"], transfer["credit"]["_data_"]):
        if account["kind"]["_data_"] in YEAR_KINDS:
            return int(account["key"])
    month = event.state.get("month")
    if month is None:  # ContractReserved: its schedule's months
        month = event.state["schedule"][0]["_data_"]["month"]
    return int(month["_data_"][:4])


def first_year(event: RawEvent) -> int:
    """The year of a `ContractReserved`'s first scheduled month."""
    return int(event.state["schedule"][0]["_data_"]["month"]["_data_"][:4])


def month_name(month: Row) -> str:
    """A stored month (a tagged ISO date) as readers name it: "2026-09"."""
    return str(month["_data_"][:7])


def escape(part: str) -> str:
    return part.replace("\\", "\\\\").replace("|", "\\|")


_PAIRS: dict[tuple[str, str], str] = {}  # a region has few municipality (provider) months


def pair_key(first: str, month: str) -> str:
    """`"{first}|{YYYY-MM}"`, a `|` or `\\` in `first` escaped (a municipality is free text)."""
    key = _PAIRS.get((first, month))
    if key is None:
        if len(_PAIRS) >= 100_000:
            _PAIRS.clear()
        key = _PAIRS[first, month] = f"{escape(first)}|{month}"
    return key


def meta(event: RawEvent) -> Row:
    """The event's envelope (`Meta`), as stored."""
    envelope: Row = event.state["meta"]["_data_"]
    return envelope


def effective_on(event: RawEvent) -> str:
    return str(meta(event)["effective_on"]["_data_"])


def recorded_at(event: RawEvent) -> str:
    return str(meta(event)["recorded_at"]["_data_"])
