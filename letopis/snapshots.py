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

from collections.abc import Callable
from threading import Lock
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent

from domain.certificate import Certificate
from domain.certificate_group import CertificateGroup
from domain.contract import Contract, ContractStatus
from domain.money import Unit
from letopis.fast_transcoder import _uuid
from letopis.snapshot_certificate import (
    _decode_certificate,
    _decode_certificate_v1,
    _encode_certificate,
)
from letopis.snapshot_codec import (
    _BASE,
    SnapshotOutOfDate,
    _base,
    _date,
    _require_fields,
    _shell,
)

__all__ = ["AUTOMATIC", "CODECS", "STARTED_BY", "SnapshotOutOfDate", "restore", "take"]

# -- contracts --------------------------------------------------------------------------------

_CONTRACT_FIELDS = frozenset((*_BASE, "certificate_id", "programme_id", "provider_id",
                              "group_name", "first_month", "last_month", "price_per_month",
                              "certificate_share", "status"))


_CONTRACT_STATUSES = ContractStatus._value2member_map_


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
        price_per_month=price, certificate_share=share, status=_CONTRACT_STATUSES[status])
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
