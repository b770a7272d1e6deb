"""The snapshot codec of certificates (letopis/snapshots.py): balances, contract funds and the
applied transfers, the transfers decoded only when a check asks for one."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from domain.certificate import Certificate
from domain.certificate_values import CertificateKind, CertificateStatus, ContractFunds
from domain.funding_accounts import Account, AccountKind, Accounts, Transfer, TransferKind
from domain.money import Unit
from letopis.fast_transcoder import _uuid
from letopis.snapshot_codec import (
    _BASE,
    _base,
    _date,
    _new,
    _require_fields,
    _set,
    _shell,
)

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
_KINDS = CertificateKind._value2member_map_
_STATUSES = CertificateStatus._value2member_map_
_UNITS = Unit._value2member_map_


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


def _account(kind: str, key: str) -> Account:
    made: Account = _value_object(Account, {"kind": _ACCOUNT_KINDS[kind], "key": key})
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
    return _certificate(certificate, state)


def _decode_certificate(stored: StoredEvent) -> Certificate:
    certificate, state = _shell(Certificate, stored)
    state[-1] = _Transfers(state[-1], _accounts())
    return _certificate(certificate, state)


def _certificate(certificate: Any, state: list[Any]) -> Certificate:
    (number, learner_id, kind, municipality, status, kind_since, last_request_on, units,
     expired_years, contracts, balances, transfers) = state
    certificate.__dict__.update(
        number=number, learner_id=_uuid(learner_id), kind=_KINDS[kind],
        municipality=municipality, status=_STATUSES[status],
        kind_since=_date(kind_since),
        last_request_on=_date(last_request_on) if last_request_on else None,
        units={year: _UNITS[unit] for year, unit in units},
        expired_years=set(expired_years),
        contracts=dict(_funds(row) for row in contracts),
        # Each balance's account made directly (a transfer, when decoded, makes its own
        # equal ones): the balances are read for every charge, the transfers seldom.
        accounts=Accounts.restored({_account(k, key): b for k, key, b in balances},
                                   transfers))
    assert isinstance(certificate, Certificate)
    return certificate
