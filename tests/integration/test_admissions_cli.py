"""`letopis admissions explain-round` and `letopis history allocation-round` in-process against a
temporary SQLite store: an auditor replays a round and reads why each place went where."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import FreePlaces, PrivilegeCategory, QueueTerms
from letopis.cli import EXIT_REFUSED, EXIT_USAGE, run
from letopis.clock import FixedClock
from letopis.ledger import Ledger
from letopis.services.kindergarten import KindergartenQueueService
from letopis.store import open_store
from tests.admissions_world import KG_1, KG_2, MUNICIPALITY, Commands, register_organisations
from tests.kindergarten_builders import CERTIFICATE, child

HELD_ON = date(2026, 6, 1)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    recorder = open_store(url, "letopis")
    ledger = Ledger(recorder, FixedClock(datetime(2026, 2, 1, 9, tzinfo=UTC)))
    register_organisations(ledger)
    service, ctx = KindergartenQueueService(ledger), Commands()
    for n, privilege in ((1, PrivilegeCategory.NONE), (2, PrivilegeCategory.SIBLING),
                         (3, PrivilegeCategory.NONE)):
        service.register(ctx(), child(n), QueueTerms(
            MUNICIPALITY, (KG_1, KG_2), date(2026, 9, 1), "3-4", privilege,
            None if privilege is PrivilegeCategory.NONE else CERTIFICATE))
        service.confirm(ctx(), child(n))
    service.open_round(ctx(HELD_ON), MUNICIPALITY, HELD_ON, date(2026, 9, 1),
                       (FreePlaces(KG_1, "3-4", 1), FreePlaces(KG_2, "3-4", 1)))
    service.allocate(ctx(HELD_ON), AllocationRound.stream_id(MUNICIPALITY, HELD_ON))
    recorder.close()
    return url


def test_explain_round_replays_and_gives_reasons(store: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["admissions", "explain-round", "--municipality", MUNICIPALITY,
                "--held-on", HELD_ON.isoformat()])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert "replay reproduces the recorded offers: yes" in out
    assert "position 1: privilege sibling" in out
    assert "taken by positions 1" in out
    assert "taken by positions 2" in out
    round_id = str(AllocationRound.stream_id(MUNICIPALITY, HELD_ON))
    assert run(["admissions", "explain-round", round_id, "--format", "json"]) == 0
    decisions = json.loads(capsys.readouterr().out)["decisions"]
    assert [d["offer"] is not None for d in decisions] == [True, True, False]
    assert run(["history", "allocation-round", round_id]) == 0
    out = capsys.readouterr().out
    assert "AllocationRound.Allocated" in out
    assert "AllocationRound.Opened" in out


def test_bad_round_arguments_are_one_line_errors(store: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["admissions", "explain-round", "not-a-uuid"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("letopis: 'not-a-uuid' is not a UUID")
    assert run(["admissions", "explain-round", "--municipality", "Орск",
                "--held-on", "2026-06-01"]) == EXIT_REFUSED
    err = capsys.readouterr().err
    assert err.startswith("letopis: refused (not_found)")
    assert len(err.strip().splitlines()) == 1


def test_queue_as_of_a_moment_before_and_after_the_round(
        store: str, capsys: pytest.CaptureFixture[str]) -> None:
    round_id = str(AllocationRound.stream_id(MUNICIPALITY, HELD_ON))
    assert run(["history", "allocation-round", round_id, "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)["events"]
    allocated_at = datetime.fromisoformat(entries[1]["recorded_at"])
    just_before = (allocated_at - timedelta(seconds=1)).isoformat()
    assert run(["admissions", "queue", "--municipality", MUNICIPALITY,
                "--as-of", just_before]) == 0
    before = capsys.readouterr().out
    assert "3 applications" in before
    assert f"{KG_1} age group 3-4:" in before
    assert "   1. application" in before
    assert "privilege sibling" in before.split("   1.")[1]
    assert run(["admissions", "queue", "--municipality", MUNICIPALITY]) == 0
    assert "1 applications" in capsys.readouterr().out  # two were offered places
    assert run(["admissions", "queue", "--municipality", MUNICIPALITY,
                "--as-of", "2026-02-01T08:00:00Z"]) == 0
    assert "0 applications" in capsys.readouterr().out
    assert run(["admissions", "queue", "--municipality", MUNICIPALITY,
                "--as-of", "yesterday"]) == EXIT_USAGE
    assert capsys.readouterr().err.startswith("letopis: ")
