"""`letopis import`: an imported store equals its source; re-import and bad files write nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from letopis.bootstrap import build_services
from letopis.bulk.dump import dump
from letopis.bulk.importer import import_file, open_target
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.settings import Settings
from letopis.store import LedgerRecorder, init_store, open_store
from tests.conftest import TEST_MASTER_KEY
from tests.pg import fresh_schema


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerRecorder, Path]]:
    """A small demo region in SQLite and its NDJSON dump."""
    tmp = tmp_path_factory.mktemp("bulk")
    url = f"sqlite:///{tmp / 'source.sqlite'}"
    init_store(url)
    clock = SettableClock()
    # With a master key: the demo's appeal statements are sealed (SealedText events).
    settings = Settings(database_url=url, master_key=TEST_MASTER_KEY.to_base64())
    services = build_services(settings, clock)
    DemoGenerator(services, clock, DemoPlan(learners=12, years=1, seed=3,
                                            weeks_of_marks=1)).run()
    path = tmp / "region.ndjson"
    with path.open("w") as out:
        dump(services.ledger.store, out)
    yield services.ledger.store, path
    services.close()


def _events(store: LedgerRecorder) -> list[tuple[Any, ...]]:
    return [(str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in store.select_notifications(1, 10**9)]


def _import(store: LedgerRecorder, url: str, schema: str, path: Path, batch: int = 100) -> Any:
    with open_target(store, url, schema) as target:
        return import_file(store, target, path, batch_size=batch)


def test_import_into_an_empty_store_equals_the_source(
        source: tuple[LedgerRecorder, Path], store: LedgerRecorder,
        store_url: tuple[str, str]) -> None:
    origin, path = source
    report = _import(store, *store_url, path)

    assert report.events == origin.count_events() > 300  # several batches
    assert report.batches > 1
    # Same events in the same global order (so per stream too), byte for byte.
    assert _events(store) == _events(origin)
    for line in path.read_text().splitlines()[:50]:
        command_id = json.loads(line)["command_id"]
        copied, first = store.command_outcome(command_id), origin.command_outcome(command_id)
        assert copied is not None
        assert first is not None
        assert (copied.streams, copied.data) == (first.streams, first.data)


def test_an_import_into_postgres_leaves_fresh_statistics(
        source: tuple[LedgerRecorder, Path]) -> None:
    with fresh_schema() as (url, schema):  # initialised
        store = open_store(url, schema)
        try:
            _import(store, url, schema, source[1])
        finally:
            store.close()
        with psycopg.connect(url) as conn:
            analyzed = dict(conn.execute(
                "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                "WHERE schemaname = %s AND relname IN ('events', 'commands')",
                (schema,)).fetchall())
    assert analyzed == {"events": True, "commands": True}


def test_reimport_writes_nothing(source: tuple[LedgerRecorder, Path], store: LedgerRecorder,
                                 store_url: tuple[str, str]) -> None:
    _, path = source
    first = _import(store, *store_url, path)
    before = _events(store)

    again = _import(store, *store_url, path)

    assert (again.events, again.batches, again.skipped_commands) == (0, 0, first.commands)
    assert _events(store) == before


def test_an_interrupted_import_resumes_by_running_it_again(
        source: tuple[LedgerRecorder, Path], store: LedgerRecorder,
        store_url: tuple[str, str], tmp_path: Path) -> None:
    origin, path = source
    lines = path.read_text().splitlines(keepends=True)
    half = len(lines) // 2
    while "command_result" not in json.loads(lines[half]):
        half += 1  # batches end between commands
    first = tmp_path / "first.ndjson"
    first.write_text("".join(lines[:half]))
    _import(store, *store_url, first)

    # Streams already in the store are loaded and continued from their head.
    report = _import(store, *store_url, path)

    assert report.events == len(lines) - half
    assert _events(store) == _events(origin)


def test_cli_import_shows_progress_and_succeeds(
        source: tuple[LedgerRecorder, Path], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from letopis.cli import run

    origin, path = source
    url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    init_store(url)
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)

    assert run(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert "writing" in out
    assert f"imported {origin.count_events()} events" in out
