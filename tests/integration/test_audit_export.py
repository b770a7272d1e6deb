"""`letopis export --format parquet`: sealed events and read models, readable by DuckDB."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from uuid import uuid4

import duckdb
import pytest
from eventsourcing.persistence import StoredEvent

from letopis.cli import run
from letopis.cli_audit import EXIT_USAGE
from letopis.store import open_store
from replay.export import RECORDED_AT
from tests.integration.test_replay_audit import build_audit_example
from tests.tamper import seal_store, write_history

EVENTS = "read_parquet('{}/events/**/*.parquet', hive_partitioning = true)"


@pytest.fixture
def env(store_url: tuple[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> tuple[str, str, Path]:
    url, schema = store_url
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
    write_history(url, schema, [0, 1, 2, 0, 1, 2, 3, 4])
    return url, schema, tmp_path


def test_events_and_manifest_read_back_in_duckdb(env: tuple[str, str, Path],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    url, schema, tmp_path = env
    seal_store(url, schema, every=5)
    write_history(url, schema, [7], seed=1)  # not sealed: not exported
    out = tmp_path / "export"
    assert run(["export", "--format", "parquet", "--out", str(out)]) == 0
    assert "exported 8 events (positions 1..8)" in capsys.readouterr().out
    rows = duckdb.sql(f"SELECT position, leaf_index, version, topic, event_type, month, "
                      f"payload, payload_digest, recorded_at FROM {EVENTS.format(out)} "
                      f"ORDER BY position").fetchall()
    assert [r[0] for r in rows] == list(range(1, 9))
    assert [r[1] for r in rows] == list(range(8))
    assert rows[0][3:5] == ("test:Event0", "Event0")
    assert rows[0][8] is None  # these payloads carry no envelope: no recorded time
    for row in rows:
        assert hashlib.sha256(row[6].encode()).hexdigest() == row[7]
    manifest = json.loads((out / "manifest.json").read_text())
    assert (manifest["from_position"], manifest["to_position"], manifest["events"]) == (0, 8, 8)
    assert manifest["checkpoint"]["tree_size"] == 8


def test_an_export_is_incremental(env: tuple[str, str, Path],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    url, schema, tmp_path = env
    seal_store(url, schema, every=100)
    out = tmp_path / "export"
    assert run(["export", "--out", str(out)]) == 0
    write_history(url, schema, [5, 6, 5], seed=2)
    seal_store(url, schema, every=100)
    assert run(["export", "--out", str(out), "--from-position", "8"]) == 0
    capsys.readouterr()
    positions = duckdb.sql(f"SELECT position FROM {EVENTS.format(out)} ORDER BY 1").fetchall()
    assert [p for (p,) in positions] == list(range(1, 12))
    assert json.loads((out / "manifest-8-11.json").read_text())["events"] == 3
    assert sorted(p.name for p in (out / "events").iterdir()) == ["batch=0-8", "batch=8-11"]
    # The same range again replaces its batch: no event twice.
    assert run(["export", "--out", str(out), "--from-position", "8"]) == 0
    capsys.readouterr()
    positions = duckdb.sql(f"SELECT position FROM {EVENTS.format(out)} ORDER BY 1").fetchall()
    assert [p for (p,) in positions] == list(range(1, 12))
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_an_export_into_a_directory_of_the_earlier_layout_is_refused(
        env: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    url, schema, tmp_path = env
    seal_store(url, schema, every=100)
    earlier = tmp_path / "export" / "events" / "event_type=Event0" / "month=2026-09"
    earlier.mkdir(parents=True)
    assert run(["export", "--out", str(tmp_path / "export")]) == EXIT_USAGE
    assert "earlier layout (letopis-export/v1" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "export" / "events").iterdir()) == [
        "event_type=Event0"]


def test_nothing_sealed_is_refused_and_nothing_written(
        env: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    out = env[2] / "export"
    assert run(["export", "--out", str(out)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("letopis: nothing sealed yet")
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_ledger_events_carry_their_type_and_recorded_month(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'story.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    build_audit_example(url)
    seal_store(url, "letopis", every=100)
    assert run(["projections", "run"]) == 0
    out = tmp_path / "export"
    assert run(["export", "--out", str(out)]) == 0
    capsys.readouterr()
    enrolled = duckdb.sql(f"SELECT month, recorded_at::VARCHAR FROM {EVENTS.format(out)} "
                          "WHERE event_type = 'Learner.Enrolled' ORDER BY position").fetchall()
    assert enrolled == [("2026-09", "2026-09-05 10:15:00+00"),
                        ("2026-10", "2026-10-12 11:05:00+00")]
    to_position = json.loads((out / "manifest.json").read_text())["to_position"]
    assert [p.relative_to(out).as_posix() for p in out.rglob("events/**/*.parquet")] == [
        f"events/batch=0-{to_position}/part-0.parquet"]
    ((organisations,),) = duckdb.sql(
        f"SELECT count(*) FROM '{out}/projections/organisation_registry/*.parquet'").fetchall()
    assert organisations >= 1
    manifest = json.loads((out / "manifest.json").read_text())
    assert "organisation_registry" in manifest["projections"]
    assert manifest["format"] == "letopis-export/v2"


def test_recorded_at_is_the_envelopes_for_every_event_of_the_demo_region(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # The export cuts recorded_at from the payload's leading `timestamp` (replay/export.py):
    # that is the envelope's recorded_at only because every command sets them equal.
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    assert run(["demo", "generate", "--learners", "20", "--years", "1", "--seed", "3"]) == 0
    seal_store(url, "letopis", every=1000)
    out = tmp_path / "export"
    assert run(["export", "--out", str(out)]) == 0
    capsys.readouterr()
    rows = duckdb.sql(f"SELECT payload, recorded_at FROM {EVENTS.format(out)}").fetchall()
    assert len(rows) > 1000
    for payload, recorded_at in rows:
        envelope = json.loads(payload)["meta"]["_data_"]["recorded_at"]["_data_"]
        assert recorded_at == datetime.fromisoformat(envelope), payload


@pytest.mark.parametrize(("payload", "expected"), [
    ('{"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-01T08:00:00.250000+00:00"},'
     '"x":1}', "2026-09-01 08:00:00.25+00"),
    ('{"x":1,"meta":{"_type_":"letopis.Meta","_data_":{"recorded_at":{"_type_":"datetime_iso",'
     '"_data_":"2026-09-02T08:00:00+00:00"}}},"timestamp":{"_type_":"datetime_iso",'
     '"_data_":"2020-01-01T00:00:00+00:00"}}', "2026-09-02 08:00:00+00"),
    ('{"x":1,"timestamp":{"_type_":"datetime_iso","_data_":"2026-09-03T08:00:00+00:00"}}',
     "2026-09-03 08:00:00+00"),
    ('{"x":1}', None),
])
def test_recorded_at_from_the_leading_timestamp_else_the_envelope(
        payload: str, expected: str | None) -> None:
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    ((found,),) = con.execute(
        f"SELECT ({RECORDED_AT})::VARCHAR FROM (SELECT ? AS payload)", [payload]).fetchall()
    assert found == expected


def test_payloads_with_line_breaks_quotes_and_escapes_come_back_byte_for_byte(
        env: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # The export's CSV separates with 0x1F and quotes with 0x1E (never raw in JSON text, only
    # escaped); line breaks between tokens make a field quoted; commas and quotes do not.
    url, schema, tmp_path = env
    recorder = open_store(url, schema)
    states = ['{"a": "x,y", "b": "\\u001f\\u001e"}', '{\n  "c": "\\"q\\""\n}',
              '{"d":\r\n 1, "e": "\\r\\n"}', '[1,\t2, ",\\""]']
    try:
        recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=1,
                                            topic="test:Odd", state=state.encode())
                                for state in states])
    finally:
        recorder.close()
    seal_store(url, schema, every=100)
    out = tmp_path / "export"
    assert run(["export", "--out", str(out), "--from-position", "8"]) == 0
    capsys.readouterr()
    rows = duckdb.sql(f"SELECT payload, payload_digest FROM {EVENTS.format(out)} "
                      "ORDER BY position").fetchall()
    assert [payload for payload, _ in rows] == states
    assert all(hashlib.sha256(p.encode()).hexdigest() == digest for p, digest in rows)


def test_an_export_may_start_with_a_quoted_line_break(
        env: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    # DuckDB must not guess the CSV dialect from the first rows (a quoted CR LF there made it
    # give up): the dialect is given in full.
    url, schema, tmp_path = env
    states = ['{"d":\r\n 1}', '{"e":\n 2}', '{"f": 3}']
    recorder = open_store(url, schema)
    try:
        recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=1,
                                            topic="test:Odd", state=state.encode())
                                for state in states])
    finally:
        recorder.close()
    seal_store(url, schema, every=100)
    out = tmp_path / "export"
    assert run(["export", "--out", str(out), "--from-position", "8"]) == 0
    assert "exported 3 events" in capsys.readouterr().out
    rows = duckdb.sql(f"SELECT payload FROM {EVENTS.format(out)} ORDER BY position").fetchall()
    assert [payload for (payload,) in rows] == states


def test_a_failed_read_of_the_store_leaves_no_partial_export(
        env: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    # The client's COPY on PostgreSQL, csv.writer on SQLite (the server's COPY:
    # test_audit_export_copy.py).
    import replay.export as export_module

    url, schema, tmp_path = env
    seal_store(url, schema, every=100)
    writer = "postgres_events_csv" if url.startswith("postgres") else "sqlite_events_csv"
    real = getattr(export_module, writer)

    def broken(*args: object) -> int:
        real(*args)  # the whole CSV went through the pipe, and then the store failed
        raise ConnectionError("the server closed the connection")

    monkeypatch.setattr(export_module, writer, broken)
    out = tmp_path / "export"
    with pytest.raises(ConnectionError):
        export_module.export_parquet(url, schema, out, copy="client")
    assert list(out.rglob("*.parquet")) == []
    assert [p.name for p in out.iterdir()] == []
