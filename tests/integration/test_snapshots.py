"""Snapshots of certificates and contracts (letopis/snapshots.py), on SQLite and PostgreSQL.

An aggregate read from its snapshot and the events after it is the aggregate a full replay
gives; a snapshot never replaces a newer one; a snapshot of an unknown format is ignored; and
an aggregate read from a snapshot still loses to a concurrent change of its stream.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.certificate import Certificate
from domain.certificate_values import ChargeKind, certificate_id
from domain.contract import Contract, ContractNotFound
from letopis import snapshots
from letopis.ledger import ConcurrencyConflict, Ledger
from letopis.store import LedgerRecorder
from tests.funding_world import FundingWorld

SEPTEMBER, OCTOBER = date(2026, 9, 1), date(2026, 10, 1)


def _world(ledger: Ledger) -> tuple[FundingWorld, list[UUID], list[UUID]]:
    world = FundingWorld(ledger).setup()
    numbers = [world.issue(f"{n:010d}") for n in (1, 2)]
    contracts = [world.contract(number, f"c{number}") for number in numbers]
    return world, [certificate_id(n) for n in numbers], contracts


def _advance(world: FundingWorld, month: date, contracts: list[UUID], name: str) -> None:
    world.claims.submit_many(world.ctx(date(month.year, month.month, 5), name=name),
                             [world.request(ChargeKind.ADVANCE, month,
                                            [(c, 0) for c in contracts])])


def test_snapshot_plus_later_events_equals_a_full_replay(ledger: Ledger) -> None:
    world, certificates, contracts = _world(ledger)
    assert ledger.take_snapshots([*certificates, *contracts, world.claim_id(
        ChargeKind.ADVANCE, SEPTEMBER)]) == 4  # the claim does not exist: nothing for it
    _advance(world, SEPTEMBER, contracts, "advance/09")
    found = ledger.store.select_from_snapshots([*certificates, *contracts])
    assert all(snapshot is not None for snapshot, _ in found.values())
    assert [len(found[c][1]) for c in certificates] == [1, 1]  # MonthCharged after it
    many = ledger.load_many([*certificates, *contracts])
    for stream_id, cls in [*((c, Certificate) for c in certificates),
                           *((c, Contract) for c in contracts)]:
        one = ledger.load(cls, stream_id, "aggregate")
        assert type(many[stream_id]) is cls
        assert vars(many[stream_id]) == vars(one)


def test_a_snapshot_never_replaces_a_newer_one(ledger: Ledger, store: LedgerRecorder) -> None:
    world, certificates, contracts = _world(ledger)
    older = snapshots.take(ledger.load_many(certificates[:1])[certificates[0]])
    _advance(world, SEPTEMBER, contracts, "advance/09")
    ledger.take_snapshots(certificates)
    assert older is not None
    store.put_snapshots([older])
    snapshot, after = store.select_from_snapshots(certificates[:1])[certificates[0]]
    assert snapshot is not None
    assert snapshot.originator_version == older.originator_version + 1
    assert after == []


def test_a_snapshot_of_an_unknown_format_is_ignored(ledger: Ledger, store: LedgerRecorder) -> None:
    _, certificates, _ = _world(ledger)
    full = ledger.load(Certificate, certificates[0], "certificate")
    store.put_snapshots([StoredEvent(originator_id=certificates[0], originator_version=1,
                                     topic="letopis.snapshot/Certificate/0", state=b"[]")])
    assert vars(ledger.load_many(certificates[:1])[certificates[0]]) == vars(full)


def test_a_certificate_read_from_its_snapshot_still_detects_a_concurrent_change(
        ledger: Ledger) -> None:
    world, certificates, contracts = _world(ledger)
    ledger.take_snapshots([*certificates, *contracts])
    stale = ledger.load_many([*certificates, *contracts])
    _advance(world, SEPTEMBER, contracts[:1], "advance/09/first")
    before = ledger.store.count_events()
    with pytest.raises(ConcurrencyConflict):
        world.claims.submit_many(
            world.ctx(date(2026, 10, 5), name="advance/10"),
            [world.request(ChargeKind.ADVANCE, OCTOBER, [(c, 0) for c in contracts])],
            preloaded=stale)
    assert ledger.store.count_events() == before


def test_a_claim_run_from_snapshots_is_idempotent(ledger: Ledger) -> None:
    world, certificates, contracts = _world(ledger)
    ledger.take_snapshots([*certificates, *contracts])
    request = [world.request(ChargeKind.ADVANCE, SEPTEMBER, [(c, 0) for c in contracts])]
    context = world.ctx(date(2026, 9, 5), name="advance/09")
    first = world.claims.submit_many(context, request,
                                     preloaded=ledger.load_many([*certificates, *contracts]))
    before = ledger.store.count_events()
    again = world.claims.submit_many(context, request,
                                     preloaded=ledger.load_many([*certificates, *contracts]))
    assert again == first
    assert ledger.store.count_events() == before
    charged = ledger.load(Certificate, certificates[0], "certificate")
    assert SEPTEMBER in charged.contracts[contracts[0]].advances


@pytest.mark.parametrize("which", ["unknown", "a certificate", "its own certificate"])
def test_a_claim_read_in_bulk_still_refuses_what_is_not_a_contract(
        ledger: Ledger, which: str) -> None:
    world, certificates, contracts = _world(ledger)
    ledger.take_snapshots([*certificates, *contracts])
    wrong = {"unknown": UUID(int=404), "a certificate": certificates[1],
             "its own certificate": certificates[0]}[which]
    before = ledger.store.count_events()
    with pytest.raises(ContractNotFound):
        _advance(world, SEPTEMBER, [contracts[0], wrong], "advance/09")
    assert ledger.store.count_events() == before


def _as_v1(stored: StoredEvent) -> StoredEvent:
    """The same snapshot in the first certificate format (transfers as a list of rows)."""
    import json

    created_on, modified_on, state = json.loads(stored.state)
    state[-1] = [[transfer_id, *row] for transfer_id, row in state[-1].items()]
    return StoredEvent(originator_id=stored.originator_id,
                       originator_version=stored.originator_version,
                       topic="letopis.snapshot/Certificate/1",
                       state=json.dumps([created_on, modified_on, state]).encode())


def test_a_certificate_snapshot_keeps_transfers_compact_and_still_reads_the_first_format(
        ledger: Ledger) -> None:
    _, certificates, _ = _world(ledger)
    certificate = ledger.load(Certificate, certificates[0], "certificate")
    stored = snapshots.take(certificate)
    assert stored is not None
    assert stored.topic == "letopis.snapshot/Certificate/2"
    for snapshot in (stored, _as_v1(stored)):
        restored = snapshots.restore(snapshot)
        assert isinstance(restored, Certificate)
        assert vars(restored) == vars(certificate)
        assert restored.accounts.transfers() == certificate.accounts.transfers()


def test_a_transfer_applied_before_the_snapshot_is_still_refused_after_it(
        ledger: Ledger) -> None:
    from domain.funding_accounts import TransferAlreadyApplied, TransferIdReused

    _, certificates, _ = _world(ledger)
    certificate = ledger.load(Certificate, certificates[0], "certificate")
    stored = snapshots.take(certificate)
    assert stored is not None
    restored = snapshots.restore(stored)
    assert isinstance(restored, Certificate)
    applied = certificate.accounts.transfers()
    assert applied
    for transfer in applied:
        assert restored.accounts.transfer(transfer.transfer_id) == transfer
        with pytest.raises(TransferAlreadyApplied):
            restored.check(transfer)
        other = type(transfer)(transfer.transfer_id, transfer.kind, transfer.debit,
                               transfer.credit, transfer.amount + 1, "another")
        with pytest.raises(TransferIdReused):
            restored.check(other)


def test_streams_read_in_bulk_come_by_stream_id_on_either_store(ledger: Ledger) -> None:
    # Services save what they loaded in this order: a command then orders its events alike on
    # SQLite and PostgreSQL, whatever order the ids were asked in, with or without snapshots.
    _, certificates, contracts = _world(ledger)
    ledger.take_snapshots(certificates[:1])
    asked = [*reversed(contracts), *reversed(certificates)]
    assert list(ledger.store.select_from_snapshots(asked)) == sorted(asked, key=lambda i: i.int)
    assert list(ledger.load_many(asked)) == sorted(asked, key=lambda i: i.int)
