"""Live follow: after catching up, a new event reaches the projection quickly (LISTEN/NOTIFY on
PostgreSQL, polling on SQLite), and `projections` CLI commands behave."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from uuid import UUID

import pytest

from letopis.cli import EXIT_USAGE, run
from letopis.ledger import Ledger
from letopis.services.organisations import OrganisationService
from projections.organisation_registry import ORGANISATION_REGISTRY
from projections.runner import build_engine
from tests.integration.test_projection_engine import BASE, ctx


def test_follow_picks_up_new_events_within_a_second(ledger: Ledger,
                                                    store_url: tuple[str, str]) -> None:
    url, schema = store_url
    engine, close = build_engine(ledger, url, schema)
    stop = threading.Event()
    engine.active_generation(ORGANISATION_REGISTRY)
    follower = threading.Thread(
        target=engine.follow, args=([ORGANISATION_REGISTRY],),
        kwargs={"stop": stop.is_set, "idle_wait": 0.2}, daemon=True)
    follower.start()
    try:
        time.sleep(0.3)  # the follower is idle, waiting
        outcome = OrganisationService(ledger).register(ctx("live"), UUID(int=9), BASE)
        started = time.monotonic()
        reader, close_reader = build_engine(ledger, url, schema)
        try:
            assert reader.store.wait_for("organisation_registry", outcome.positions[-1], 5.0)
        finally:
            close_reader()
        assert time.monotonic() - started < 1.0
    finally:
        stop.set()
        follower.join(timeout=5)
        close()


def test_projections_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{tmp_path / 'letopis.sqlite'}")
    assert run(["db", "init"]) == 0
    assert run(["demo", "generate", "--learners", "3", "--seed", "2", "--weeks", "1"]) == 0
    capsys.readouterr()
    assert run(["projections", "run"]) == 0
    assert "organisation_registry:" in capsys.readouterr().out
    assert run(["projections", "status"]) == 0
    status = capsys.readouterr().out
    assert "running" in status
    assert run(["projections", "rebuild", "organisation_registry"]) == 0
    assert "generation 2" in capsys.readouterr().out
    assert run(["projections", "rebuild", "no_such"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("letopis: unknown projection no_such")
    assert "Traceback" not in err
