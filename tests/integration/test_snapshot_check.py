"""`letopis snapshots verify`: every snapshot compared with a replay of its stream's events."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest
from eventsourcing.persistence import StoredEvent

from domain.certificate import Certificate
from domain.certificate_values import certificate_id
from letopis import snapshots
from letopis.cli import run
from letopis.ledger import Ledger
from letopis.snapshot_check import check_snapshots
from tests.funding_world import FundingWorld


def _world(ledger: Ledger) -> tuple[list[UUID], list[UUID]]:
    world = FundingWorld(ledger).setup()
    numbers = [world.issue(f"{n:010d}") for n in (1, 2, 3)]
    contracts = [world.contract(number, f"c{number}") for number in numbers]
    assert ledger.take_all_snapshots() == 6
    return [certificate_id(n) for n in numbers], contracts


def _replace_snapshot(ledger: Ledger, forged: StoredEvent) -> None:
    ledger.store.delete_snapshots([UUID(str(forged.originator_id))])
    ledger.store.put_snapshots([forged])


def _forged_certificate(ledger: Ledger, stream_id: UUID) -> StoredEvent:
    """The certificate's snapshot at its version, with a state its events never produced."""
    certificate = ledger.load(Certificate, stream_id, "certificate")
    certificate.municipality = "nowhere"
    forged = snapshots.take(certificate)
    assert forged is not None
    return forged


def test_snapshots_that_match_their_events_pass(ledger: Ledger) -> None:
    _world(ledger)
    report = check_snapshots(ledger, batch=4)  # pages of 4: the 6 snapshots in two pages
    assert (report.checked, report.unread, report.differing) == (6, 0, ())


def test_a_forged_undecodable_or_overreaching_snapshot_is_found(ledger: Ledger) -> None:
    certificates, contracts = _world(ledger)
    _replace_snapshot(ledger, _forged_certificate(ledger, certificates[0]))
    (garbage,) = ledger.store.select_from_snapshots([contracts[1]])[contracts[1]][0:1]
    assert garbage is not None
    _replace_snapshot(ledger, replace(garbage, state=b"[1,2"))
    # A snapshot at a version the stream never reached, of an otherwise true state.
    ahead = snapshots.take(ledger.load(Certificate, certificates[2], "certificate"))
    assert ahead is not None
    _replace_snapshot(ledger, replace(ahead, originator_version=ahead.originator_version + 5))
    report = check_snapshots(ledger, batch=2)
    assert report.checked == 6
    assert set(report.differing) == {certificates[0], contracts[1], certificates[2]}
    # The other snapshots are untouched and still match.
    assert ledger.store.delete_snapshots(report.differing) == 3
    assert check_snapshots(ledger).differing == ()
    assert check_snapshots(ledger).checked == 3


def test_a_snapshot_in_a_format_no_longer_read_is_counted_apart(ledger: Ledger) -> None:
    certificates, _ = _world(ledger)
    (snapshot,) = ledger.store.select_from_snapshots(certificates[:1])[certificates[0]][0:1]
    assert snapshot is not None
    _replace_snapshot(ledger, replace(snapshot, topic="letopis.snapshot/Certificate/0"))
    report = check_snapshots(ledger)
    assert (report.checked, report.unread, report.differing) == (5, 1, ())


def test_the_cli_reports_and_deletes_differing_snapshots(
        cli_ledger: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    certificates, _ = _world(cli_ledger)
    assert run(["snapshots", "verify"]) == 0
    assert "every snapshot matches" in capsys.readouterr().out
    _replace_snapshot(cli_ledger, _forged_certificate(cli_ledger, certificates[1]))
    assert run(["snapshots", "verify"]) == 5
    out, err = capsys.readouterr()
    assert "snapshots checked: 6" in out
    assert str(certificates[1]) in err
    assert "--delete" in err
    assert run(["snapshots", "verify", "--delete"]) == 5  # deleting does not hide the finding
    assert "deleted 1 differing snapshot" in capsys.readouterr().out
    assert run(["snapshots", "verify"]) == 0
    assert "snapshots checked: 5" in capsys.readouterr().out
    assert run(["snapshots", "verify", "--batch", "0"]) == 2
