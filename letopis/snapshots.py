"""Snapshots of long-lived aggregates (certificates, contracts, certificate groups): their
state at a version.

A snapshot is a cache, never the source of truth: `Ledger.load_many` rebuilds an aggregate from
its snapshot plus the events after it, which must give exactly the aggregate a full replay
gives (tests/properties/test_snapshots.py). Deleting every snapshot is always safe.

The state is written as compact positional JSON of plain values (no type tags, no envelope), so
reading one is a single `json.loads` and a few constructors. Each format has a versioned topic:
a snapshot whose topic this code does not know (an older format) is ignored and the stream
replayed in full. A codec refuses an aggregate with attributes it does not know, so a new
attribute cannot be silently dropped from snapshots: change the codec and its version with it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from domain.certificate import Certificate
from domain.certificate_group import CertificateGroup
from domain.certificate_values import CertificateKind, CertificateStatus, ContractFunds
from domain.contract import Contract, ContractStatus
from domain.funding_accounts import Account, AccountKind, Accounts, Transfer, TransferKind
from domain.money import Unit
from letopis.fast_transcoder import _cached, _uuid

_BASE = ("_id", "_version", "_created_on", "_modified_on", "_pending_events")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_loads = json.JSONDecoder().decode
_new = object.__new__
_set = object.__setattr__
_date = _cached(date.fromisoformat)
_datetime = _cached(datetime.fromisoformat)  # immutable; a command's streams share them


class SnapshotOutOfDate(Exception):
    """An aggregate has attributes its snapshot codec does not know: update the codec."""


def _require_fields(aggregate: Aggregate, fields: frozenset[str]) -> None:
    if aggregate.pending_events:
        raise ValueError(f"{aggregate.id} has pending events: save before taking a snapshot")
    unknown = set(vars(aggregate)) - fields
    if unknown:
        raise SnapshotOutOfDate(
            f"{type(aggregate).__name__} has {sorted(unknown)} that its snapshot codec does "
            "not write; update letopis/snapshots.py and its topic version")


def _base(aggregate: Aggregate, state: list[Any]) -> bytes:
    return _dumps([aggregate.created_on.isoformat(), aggregate.modified_on.isoformat(),
                   state]).encode()


def _shell(cls: type[Aggregate], stored: StoredEvent) -> tuple[Any, list[Any]]:
    created_on, modified_on, state = _loads(stored.state.decode())
    aggregate: Any = _new(cls)
    aggregate.__dict__.update(_id=stored.originator_id, _version=stored.originator_version,
                              _created_on=_datetime(created_on),
                              _modified_on=_datetime(modified_on),
                              _pending_events=[])
    return aggregate, state


# -- contracts --------------------------------------------------------------------------------

_CONTRACT_FIELDS = frozenset((*_BASE, "certificate_id", "programme_id", "provider_id",
                              "group_name", "first_month", "last_month", "price_per_month",
                              "certificate_share", "status"))


def _encode_contract(contract: Contract) -> bytes:
    _require_fields(contract, _CONTRACT_FIELDS)
    return _base(contract, [
        contract.certificate_id.hex, contract.programme_id.hex, contract.provider_id.hex,
        contract.group_name, contract.first_month.isoformat(), contract.last_month.isoformat(),
        contract.price_per_month, contract.certificate_share, contract.status.value])


def _decode_contract(stored: StoredEvent) -> Contract:
    contract, state = _shell(Contract, stored)
    (certificate, programme, provider, group_name, first_month, last_month, price, share,
     status) = state
    contract.__dict__.update(
        certificate_id=_uuid(certificate), programme_id=_uuid(programme),
        provider_id=_uuid(provider), group_name=group_name,
        first_month=_date(first_month), last_month=_date(last_month),
        price_per_month=price, certificate_share=share, status=ContractStatus(status))
    assert isinstance(contract, Contract)
    return contract


# -- certificate groups -----------------------------------------------------------------------

_GROUP_FIELDS = frozenset((*_BASE, "municipality", "year", "nominal", "unit",
                           "max_certificates", "max_nominal_sum", "certificate_ids",
                           "nominal_sum"))


def _encode_group(group: CertificateGroup) -> bytes:
    _require_fields(group, _GROUP_FIELDS)
    ids = group.certificate_ids
    text = b"".join([c.int.to_bytes(16, "big") for c in ids]).hex()  # 32 hex digits each
    _remember(text, frozenset(ids))
    return _base(group, [
        group.municipality, group.year, group.nominal, group.unit.value, group.max_certificates,
        group.max_nominal_sum, group.nominal_sum, text])


def _decode_group(stored: StoredEvent) -> CertificateGroup:
    group, state = _shell(CertificateGroup, stored)
    (municipality, year, nominal, unit, max_certificates, max_nominal_sum, nominal_sum,
     ids) = state
    group.__dict__.update(
        municipality=municipality, year=year, nominal=nominal, unit=Unit(unit),
        max_certificates=max_certificates, max_nominal_sum=max_nominal_sum,
        certificate_ids=set(_certificate_ids(ids)), nominal_sum=nominal_sum)
    assert isinstance(group, CertificateGroup)
    return group


# A group's id set grows with the region (a million UUIDs cost about a second to decode) and
# every admission reads it: the sets of the last few group snapshots written or read in this
# process, by their text. The text is all of the set, so a hit is exact; each aggregate gets
# its own copy.
_GROUP_IDS: dict[str, frozenset[UUID]] = {}
_GROUP_IDS_KEPT = 2
_GROUP_IDS_LOCK = Lock()


def _certificate_ids(text: str) -> frozenset[UUID]:
    found = _GROUP_IDS.get(text)
    if found is None:
        found = frozenset(_uuid(text[i:i + 32]) for i in range(0, len(text), 32))
        _remember(text, found)
    return found


def _remember(text: str, ids: frozenset[UUID]) -> None:
    with _GROUP_IDS_LOCK:
        while len(_GROUP_IDS) >= _GROUP_IDS_KEPT:
            del _GROUP_IDS[next(iter(_GROUP_IDS))]
        _GROUP_IDS[text] = ids


# -- certificates -----------------------------------------------------------------------------

_CERTIFICATE_FIELDS = frozenset((*_BASE, "number", "learner_id", "kind", "municipality",
                                 "status", "kind_since", "last_request_on", "units",
                                 "expired_years", "contracts", "accounts"))


def _transfer_row(transfer: Transfer) -> list[Any]:
    return [transfer.transfer_id.hex, transfer.kind.value, transfer.debit.kind.value,
            transfer.debit.key, transfer.credit.kind.value, transfer.credit.key,
            transfer.amount, transfer.reference]


# Reading many certificates is the claim run's hot path: enum members from their value maps,
# UUIDs from their hex without parsing, and value objects (frozen dataclasses without
# validation) built field by field, as letopis/fast_transcoder.py does.
_ACCOUNT_KINDS = AccountKind._value2member_map_
_TRANSFER_KINDS = TransferKind._value2member_map_


def _value_object(cls: type, fields: dict[str, Any]) -> Any:
    made: Any = _new(cls)
    _set(made, "__dict__", fields)
    return made


def _transfer(row: list[Any], account: Callable[[str, str], Account]) -> Transfer:
    transfer_id, kind, debit_kind, debit_key, credit_kind, credit_key, amount, reference = row
    made: Transfer = _value_object(Transfer, {
        "transfer_id": _uuid(transfer_id), "kind": _TRANSFER_KINDS[kind],
        "debit": account(debit_kind, debit_key), "credit": account(credit_kind, credit_key),
        "amount": amount, "reference": reference})
    return made


def _accounts() -> Callable[[str, str], Account]:
    """An `Account` maker that makes each account of one certificate once."""
    made: dict[tuple[str, str], Account] = {}

    def account(kind: str, key: str) -> Account:
        found = made.get((kind, key))
        if found is None:
            found = made[kind, key] = _value_object(
                Account, {"kind": _ACCOUNT_KINDS[kind], "key": key})
        return found

    return account


def _funds_row(contract_id: UUID, funds: ContractFunds) -> list[Any]:
    return [contract_id.hex, funds.year,
            [[m.isoformat(), a] for m, a in funds.schedule.items()],
            [[m.isoformat(), c.hex, a] for m, (c, a) in funds.advances.items()],
            [[m.isoformat(), c.hex, a, charged] for m, (c, a, charged) in funds.finals.items()],
            sorted(m.isoformat() for m in funds.settled)]


def _funds(row: list[Any]) -> tuple[UUID, ContractFunds]:
    contract_id, year, schedule, advances, finals, settled = row
    day = _date
    return _uuid(contract_id), ContractFunds(
        year=year, schedule={day(m): a for m, a in schedule},
        advances={day(m): (_uuid(c), a) for m, c, a in advances},
        finals={day(m): (_uuid(c), a, charged) for m, c, a, charged in finals},
        settled={day(m) for m in settled})


class _Transfers(Mapping[UUID, Transfer]):
    """A snapshot's applied transfers by id, each decoded only when asked for: restoring a
    certificate costs no transfer objects, and a charge asks only about its own id."""

    __slots__ = ("_account", "_made", "_rows")

    def __init__(self, rows: dict[str, list[Any]],
                 account: Callable[[str, str], Account]) -> None:
        self._rows = rows  # transfer id (hex) -> the rest of its row, in the order applied
        self._account = account
        self._made: dict[str, Transfer] = {}

    def __getitem__(self, transfer_id: UUID) -> Transfer:
        found = self.get(transfer_id)
        if not isinstance(found, Transfer):
            raise KeyError(transfer_id)
        return found

    def get(self, transfer_id: UUID, default: Any = None) -> Any:
        key = transfer_id.hex if type(transfer_id) is UUID else None
        row = self._rows.get(key) if key is not None else None
        if row is None:
            return default
        made = self._made.get(key)  # type: ignore[arg-type]
        if made is None:
            made = self._made[key] = _transfer([key, *row], self._account)  # type: ignore[index]
        return made

    def __contains__(self, transfer_id: object) -> bool:
        return type(transfer_id) is UUID and transfer_id.hex in self._rows

    def __iter__(self) -> Iterator[UUID]:
        return map(_uuid, self._rows)

    def __len__(self) -> int:
        return len(self._rows)


def _encode_certificate(certificate: Certificate) -> bytes:
    _require_fields(certificate, _CERTIFICATE_FIELDS)
    accounts = certificate.accounts
    state = _certificate_state(certificate)
    # Transfers as an object by id (the rest of each row positional): read back as the dict
    # `_Transfers` looks ids up in, with no per-transfer work at restore.
    state.append({row[0]: row[1:] for row in map(_transfer_row, accounts.transfers())})
    return _base(certificate, state)


def _certificate_state(certificate: Certificate) -> list[Any]:
    accounts = certificate.accounts
    return [
        certificate.number, certificate.learner_id.hex, certificate.kind.value,
        certificate.municipality, certificate.status.value, certificate.kind_since.isoformat(),
        certificate.last_request_on.isoformat() if certificate.last_request_on else None,
        [[year, unit.value] for year, unit in certificate.units.items()],
        sorted(certificate.expired_years),
        [_funds_row(c, f) for c, f in certificate.contracts.items()],
        [[a.kind.value, a.key, b] for a, b in accounts.balances().items()]]


def _decode_certificate_v1(stored: StoredEvent) -> Certificate:
    """The first format: transfers as a list of rows, all decoded at restore."""
    certificate, state = _shell(Certificate, stored)
    account = _accounts()
    transfers = (_transfer(row, account) for row in state[-1])
    state[-1] = {t.transfer_id: t for t in transfers}
    return _certificate(certificate, state, account)


def _decode_certificate(stored: StoredEvent) -> Certificate:
    certificate, state = _shell(Certificate, stored)
    account = _accounts()
    state[-1] = _Transfers(state[-1], account)
    return _certificate(certificate, state, account)


def _certificate(certificate: Any, state: list[Any],
                 account: Callable[[str, str], Account]) -> Certificate:
    (number, learner_id, kind, municipality, status, kind_since, last_request_on, units,
     expired_years, contracts, balances, transfers) = state
    certificate.__dict__.update(
        number=number, learner_id=_uuid(learner_id), kind=CertificateKind(kind),
        municipality=municipality, status=CertificateStatus(status),
        kind_since=_date(kind_since),
        last_request_on=_date(last_request_on) if last_request_on else None,
        units={year: Unit(unit) for year, unit in units},
        expired_years=set(expired_years),
        contracts=dict(_funds(row) for row in contracts),
        accounts=Accounts.restored({account(k, key): b for k, key, b in balances},
                                   transfers))
    assert isinstance(certificate, Certificate)
    return certificate


# -- registry ---------------------------------------------------------------------------------

Encoder = Callable[[Any], bytes]
Decoder = Callable[[StoredEvent], Aggregate]

CODECS: dict[type[Aggregate], tuple[str, Encoder, Decoder]] = {
    Certificate: ("letopis.snapshot/Certificate/2", _encode_certificate, _decode_certificate),
    Contract: ("letopis.snapshot/Contract/1", _encode_contract, _decode_contract),
    CertificateGroup: ("letopis.snapshot/CertificateGroup/1", _encode_group, _decode_group),
}
# Streams that grow with the region (every certificate funded by a group appends to it): the
# ledger snapshots them itself, right after a save that reaches a multiple of the interval, so
# a command reads at most that many events after the snapshot (`Ledger.load`).
AUTOMATIC: dict[type[Aggregate], int] = {CertificateGroup: 500}
# The event that starts a stream of each class with a codec: how the nightly job finds them.
STARTED_BY: dict[type[Aggregate], type] = {
    Certificate: Certificate.Issued,  # type: ignore[attr-defined]
    Contract: Contract.Requested,  # type: ignore[attr-defined]
}
_DECODERS: dict[str, Decoder] = {
    **{topic: decode for topic, _, decode in CODECS.values()},
    "letopis.snapshot/Certificate/1": _decode_certificate_v1,  # still read; no longer written
}


def take(aggregate: Aggregate) -> StoredEvent | None:
    """The snapshot of `aggregate` as stored, or None when its class has no codec."""
    codec = CODECS.get(type(aggregate))
    if codec is None:
        return None
    topic, encode, _ = codec
    return StoredEvent(originator_id=aggregate.id, originator_version=aggregate.version,
                       topic=topic, state=encode(aggregate))


def restore(stored: StoredEvent) -> Aggregate | None:
    """The aggregate a snapshot holds, or None for a topic (format) this code does not know."""
    decode = _DECODERS.get(stored.topic)
    return None if decode is None else decode(stored)
