"""`letopis demo generate --out`: the file generator writes exactly what the command path stores,
and its Parquet parts import (through the full check) into a store equal to the command path's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from letopis.bootstrap import build_services
from letopis.bulk.dump import dump
from letopis.bulk.importer import import_file, open_target
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.demo_files import generate_files
from letopis.settings import Settings
from letopis.store import LedgerRecorder, init_store

# Two years (promotions, leavings after grade 11), two lessons a week, a period mark per subject.
PLAN = DemoPlan(learners=14, years=2, seed=5, weeks_of_marks=2, lessons_per_week=2)


@pytest.fixture(scope="module")
def command_path(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LedgerRecorder,
                                                                              Path]]:
    """The plan run through the services into SQLite (no master key), and its dump."""
    tmp = tmp_path_factory.mktemp("demo-files")
    url = f"sqlite:///{tmp / 'commands.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    DemoGenerator(services, clock, PLAN).run()
    path = tmp / "commands.ndjson"
    with path.open("w") as out:
        dump(services.ledger.store, out)
    yield services.ledger.store, path
    services.close()


def _rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _events(store: LedgerRecorder) -> list[tuple[Any, ...]]:
    return [(str(n.originator_id), n.originator_version, n.topic, n.state)
            for n in store.select_notifications(1, 10**9)]


def test_the_ndjson_file_equals_the_command_path_dump_row_for_row(
        command_path: tuple[LedgerRecorder, Path], tmp_path: Path) -> None:
    _, dumped = command_path
    out = tmp_path / "region.ndjson"

    report = generate_files(PLAN, out, "ndjson")

    expected, written = _rows(dumped), _rows(out)
    topics = {row["topic"] for row in expected}
    assert "domain.gradebook:Gradebook.MarkRecorded" in topics
    assert "domain.learner:Learner.Left" in topics  # leavings after grade 11
    assert "domain.learner:Learner.TransferredWithin" in topics  # yearly promotions
    assert report.events == len(written) == len(expected)
    # Same command ids, results, streams, versions, topics and state bytes, in the same order.
    assert written == expected


def test_the_parquet_parts_import_into_a_store_equal_to_the_command_path(
        command_path: tuple[LedgerRecorder, Path], store: LedgerRecorder,
        store_url: tuple[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    origin, _ = command_path
    monkeypatch.setattr("letopis.bulk.files.PART_ROWS", 700)  # several parts
    out = tmp_path / "region"
    report = generate_files(PLAN, out, "parquet")
    assert report.parts > 1
    assert len(list(out.glob("part-*.parquet"))) == report.parts

    with open_target(store, *store_url) as target:
        imported = import_file(store, target, out, batch_size=500)

    assert imported.events == report.events == origin.count_events()
    assert _events(store) == _events(origin)


def test_a_command_id_repeated_across_parquet_parts_is_refused(
        store: LedgerRecorder, store_url: tuple[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from letopis.bulk.files import ParquetWriter
    from letopis.bulk.format import ImportRefused

    rows = _rows(_ndjson(tmp_path))
    # The first command again at the end, under its own id: a second group of that id.
    first = rows[0]
    repeated = [*rows, {**first, "stream_id": "6f0a8a57-0000-4000-8000-000000000001"}]
    out = tmp_path / "repeated"
    writer = ParquetWriter(out, part_rows=400)
    for row in repeated:
        writer.write_text(row["command_id"], row.get("command_result"), row["stream_id"],
                          row["version"], row["topic"], row["state"])
    writer.close()

    with pytest.raises(ImportRefused, match=f"line {len(repeated)}: .* appears twice in the "
                       "file \\(first at line 1\\)"), open_target(store, *store_url) as target:
        import_file(store, target, out, batch_size=500)
    assert store.count_events() == 0


def _ndjson(tmp_path: Path) -> Path:
    out = tmp_path / "region.ndjson"
    generate_files(DemoPlan(learners=3, years=1, seed=2, weeks_of_marks=1), out, "ndjson")
    return out


def test_the_cli_writes_parquet_parts_and_imports_them_with_progress(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from letopis.cli import run
    from letopis.store import open_store

    out = tmp_path / "region"
    assert run(["demo", "generate", "--learners", "3", "--weeks", "2", "--lessons", "2",
                "--seed", "4", "--out", str(out)]) == 0
    written = capsys.readouterr().out
    assert "demo region written to" in written
    assert list(out.glob("part-*.parquet"))
    # A second run into the same directory is refused rather than mixing two regions.
    assert run(["demo", "generate", "--learners", "3", "--out", str(out)]) != 0
    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    init_store(url)
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)

    assert run(["import", str(out)]) == 0

    imported = capsys.readouterr().out
    assert "writing" in imported
    store = open_store(url)
    try:
        events = store.count_events()
    finally:
        store.close()
    assert f"imported {events} events" in imported
    assert events > 100
