"""The nightly snapshot job: `Ledger.take_all_snapshots` and `letopis snapshots take`."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.certificate import Certificate
from domain.certificate_values import ChargeKind, certificate_id
from letopis.cli import run
from letopis.ledger import Ledger
from tests.funding_world import FundingWorld


def _world(ledger: Ledger) -> tuple[FundingWorld, list[UUID], list[UUID]]:
    world = FundingWorld(ledger).setup()
    numbers = [world.issue(f"{n:010d}") for n in (1, 2, 3)]
    contracts = [world.contract(number, f"c{number}") for number in numbers]
    return world, [certificate_id(n) for n in numbers], contracts


def test_every_certificate_and_contract_gets_a_snapshot_in_small_batches(ledger: Ledger) -> None:
    world, certificates, contracts = _world(ledger)
    assert ledger.take_all_snapshots(batch=2) == 6
    found = ledger.store.select_from_snapshots([*certificates, *contracts])
    assert all(snapshot is not None and events == [] for snapshot, events in found.values())
    world.claims.submit_many(world.ctx(date(2026, 9, 5), name="advance/09"),
                             [world.request(ChargeKind.ADVANCE, date(2026, 9, 1),
                                            [(c, 0) for c in contracts])])
    assert ledger.take_all_snapshots() == 6  # the charged certificates get newer ones
    found = ledger.store.select_from_snapshots(certificates)
    assert all(events == [] for _, events in found.values())
    for stream_id in certificates:
        assert vars(ledger.load_many([stream_id])[stream_id]) == vars(
            ledger.load(Certificate, stream_id, "certificate"))


def test_the_cli_takes_snapshots(cli_ledger: Ledger,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    _, certificates, contracts = _world(cli_ledger)
    assert run(["snapshots", "take"]) == 0
    out, err = capsys.readouterr()
    assert "snapshots taken: 6" in out
    assert err == ""
    found = cli_ledger.store.select_from_snapshots([*certificates, *contracts])
    assert all(snapshot is not None for snapshot, _ in found.values())
    assert run(["snapshots", "take", "--batch", "0"]) == 2
