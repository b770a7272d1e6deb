"""Certificate groups snapshotted by the ledger itself (letopis/snapshots.py `AUTOMATIC`), on
SQLite and PostgreSQL: a group read from its snapshot and the events after it is the group a
full replay gives, and it still enforces both limits and loses to a concurrent admission."""

from __future__ import annotations

from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate

from domain.certificate_group import AlreadyInGroup, CertificateGroup, GroupLimitReached
from domain.certificate_values import certificate_id
from domain.envelope import Meta
from letopis import snapshots
from letopis.ledger import ConcurrencyConflict, Ledger
from tests.funding_world import MUNICIPALITY, FundingWorld

GROUP = CertificateGroup.stream_id(MUNICIPALITY, 2026)


@pytest.fixture(autouse=True)
def every_three(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(snapshots.AUTOMATIC, CertificateGroup, 3)


def _world(ledger: Ledger, issued: int, max_certificates: int = 100) -> FundingWorld:
    world = FundingWorld(ledger).setup(max_certificates=max_certificates)
    for n in range(1, issued + 1):
        world.issue(f"{n:010d}")
    return world


def _replayed(ledger: Ledger) -> CertificateGroup:
    group = ledger.repository.get(GROUP)  # every event, no snapshot
    assert isinstance(group, CertificateGroup)
    return group


@pytest.mark.parametrize("issued", [0, 2, 3, 4, 7])
def test_a_group_from_its_snapshot_equals_a_full_replay(ledger: Ledger, issued: int) -> None:
    _world(ledger, issued)
    snapshot, after = ledger.store.select_from_snapshots([GROUP])[GROUP]
    version = 1 + issued  # Established, then one CertificateAdmitted per certificate
    if version < 3:
        assert snapshot is None
    else:
        assert snapshot is not None
        assert snapshot.originator_version == version // 3 * 3
        assert len(after) == version % 3
    group = ledger.load(CertificateGroup, GROUP, "group")
    assert group.version == version
    assert vars(group) == vars(_replayed(ledger))
    assert len(group.certificate_ids) == group.nominal_sum // group.nominal == issued


def test_a_group_from_its_snapshot_still_enforces_its_limits(ledger: Ledger) -> None:
    world = _world(ledger, 5, max_certificates=5)
    group = ledger.load(CertificateGroup, GROUP, "group")
    meta = world.ledger.meta(world.ctx())
    with pytest.raises(AlreadyInGroup):
        group.admit(certificate_id=certificate_id("0000000001"), meta=meta)
    with pytest.raises(GroupLimitReached):
        group.admit(certificate_id=UUID(int=6), meta=meta)
    before = ledger.store.count_events()
    with pytest.raises(GroupLimitReached):
        world.issue("0000000006")
    assert ledger.store.count_events() == before + 1  # the learner only


def test_a_group_from_its_snapshot_loses_to_a_concurrent_admission(ledger: Ledger) -> None:
    world = _world(ledger, 2)
    stale = ledger.load(CertificateGroup, GROUP, "group")
    world.issue("0000000003")  # version 4: a snapshot at 3
    assert ledger.store.select_from_snapshots([GROUP])[GROUP][0] is not None

    def admit(meta: Meta) -> list[Aggregate]:
        stale.admit(certificate_id=UUID(int=4), meta=meta)
        return [stale]

    before = ledger.store.count_events()
    with pytest.raises(ConcurrencyConflict):
        ledger.execute(world.ctx(), "admit", {}, admit)
    assert ledger.store.count_events() == before
    assert vars(ledger.load(CertificateGroup, GROUP, "group")) == vars(_replayed(ledger))


def test_a_group_snapshot_of_an_unknown_format_means_a_full_replay(ledger: Ledger) -> None:
    _world(ledger, 4)
    snapshot, _ = ledger.store.select_from_snapshots([GROUP])[GROUP]
    assert snapshot is not None
    ledger.store.put_snapshots([type(snapshot)(
        originator_id=GROUP, originator_version=snapshot.originator_version + 1,
        topic="letopis.snapshot/CertificateGroup/0", state=b"[]")])
    assert vars(ledger.load(CertificateGroup, GROUP, "group")) == vars(_replayed(ledger))


def test_a_snapshot_that_cannot_be_stored_does_not_fail_the_command(
        ledger: Ledger, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(rows: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(ledger.store, "put_snapshots", broken)
    _world(ledger, 4)  # version 3 would have had a snapshot
    assert ledger.store.select_from_snapshots([GROUP])[GROUP][0] is None
    assert vars(ledger.load(CertificateGroup, GROUP, "group")) == vars(_replayed(ledger))
