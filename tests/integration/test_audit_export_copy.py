"""`letopis export --copy server|client|auto`: where PostgreSQL's COPY runs, and that a failure
on either end of the pipe never leaves the other waiting."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from uuid import uuid4

import duckdb
import psycopg
import pytest
from eventsourcing.persistence import StoredEvent

import replay.export as export_module
from letopis.cli import run
from letopis.cli_audit import EXIT_USAGE
from letopis.store import open_store
from replay.export import ExportError, export_parquet
from tests.pg import fresh_schema
from tests.tamper import seal_store, write_history

EVENTS = "read_parquet('{}/events/**/*.parquet')"
ODD = ['{"a": "x,y", "b": "\\u001f\\u001e"}', '{\n  "c": "\\"q\\""\n}',
       '{"d":\r\n 1, "e": "\\r\\n"}', '[1,\t2, ",\\""]']


@pytest.fixture
def pg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str, Path]]:
    """A sealed PostgreSQL store: 8 plain events and 4 with awkward payloads."""
    with fresh_schema() as (url, schema):
        monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
        monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
        write_history(url, schema, [0, 1, 2, 0, 1, 2, 3, 4])
        _insert(url, schema, ODD)
        seal_store(url, schema, every=5)
        yield url, schema, tmp_path


def _insert(url: str, schema: str, states: list[str]) -> None:
    recorder = open_store(url, schema)
    try:
        recorder.insert_events([StoredEvent(originator_id=uuid4(), originator_version=1,
                                            topic="test:Odd", state=state.encode())
                                for state in states])
    finally:
        recorder.close()


def _rows(out: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(f"SELECT * FROM {EVENTS.format(out)} ORDER BY position").fetchall()


def _outcome(action: Callable[[], object]) -> BaseException | None:
    """Run `action` on a thread; its error. A hang fails the test instead of stalling it."""
    failure: list[BaseException] = []

    def target() -> None:
        try:
            action()
        except BaseException as error:
            failure.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the export hung on its pipe"
    return failure[0] if failure else None


def _copies_running(url: str, schema: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                           "AND starts_with(query, 'COPY') AND strpos(query, %s) > 0",
                           (f'"{schema}".events',)).fetchone()
    return int(row[0]) if row else -1


def test_server_and_client_copy_export_the_same_rows(
        pg: tuple[str, str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    _, _, tmp_path = pg
    for copy in ("server", "client"):
        assert run(["export", "--out", str(tmp_path / copy), "--copy", copy]) == 0
        assert "exported 12 events (positions 1..12)" in (output := capsys.readouterr().out)
        assert f"({copy} COPY)" in output
    server, client = _rows(tmp_path / "server"), _rows(tmp_path / "client")
    assert server == client
    assert [row[0] for row in server] == list(range(1, 13))
    assert [row[10] for row in server[8:]] == ODD  # the payloads, byte for byte


def test_auto_copies_on_the_server_when_it_can(pg: tuple[str, str, Path]) -> None:
    url, schema, tmp_path = pg  # the tests connect as a superuser to a server on this host
    assert export_parquet(url, schema, tmp_path / "out").copy == "server"


def test_a_role_that_may_not_write_server_files_copies_through_the_client(
        pg: tuple[str, str, Path]) -> None:
    url, schema, tmp_path = pg
    role = f"letopis_plain_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{role}" LOGIN'.encode())
        conn.execute(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'.encode())
        conn.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'.encode())
        # The export opens the read models' store, which makes its schema if missing.
        conn.execute(f'GRANT CREATE ON DATABASE "{conn.info.dbname}" TO "{role}"'.encode())
    parts = urlsplit(url)
    plain_url = parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}").geturl()
    try:
        report = export_parquet(plain_url, schema, tmp_path / "auto")
        assert report.copy == "client"
        assert len(_rows(tmp_path / "auto")) == 12
        with pytest.raises(ExportError, match="may not write server files"):
            export_parquet(plain_url, schema, tmp_path / "server", copy="server")
        assert not (tmp_path / "server").exists()
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_proj" CASCADE'.encode())
            conn.execute(f'DROP OWNED BY "{role}"'.encode())
            conn.execute(f'DROP ROLE "{role}"'.encode())


def test_copy_server_needs_postgresql(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite'}")
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    assert run(["db", "init"]) == 0
    write_history(f"sqlite:///{tmp_path / 'store.sqlite'}", "letopis", [0, 1])
    seal_store(f"sqlite:///{tmp_path / 'store.sqlite'}", "letopis", every=5)
    assert run(["export", "--out", str(tmp_path / "out"), "--copy", "server"]) == EXIT_USAGE
    assert "--copy server needs PostgreSQL" in capsys.readouterr().err


def test_a_server_that_fails_before_opening_the_pipe_does_not_hang_the_export(
        pg: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema, tmp_path = pg
    real = export_module.postgres_events_csv_on_server

    def elsewhere(conninfo: str, schema_: str, after: int, upto: int, out: Path) -> int:
        # DuckDB waits in `open` for a writer; the server fails to open its file.
        return real(conninfo, schema_, after, upto, out.parent / "missing" / out.name)

    monkeypatch.setattr(export_module, "postgres_events_csv_on_server", elsewhere)
    out = tmp_path / "out"
    error = _outcome(lambda: export_parquet(url, schema, out, copy="server"))
    assert isinstance(error, psycopg.Error)
    assert list(out.rglob("*.parquet")) == []
    assert _copies_running(url, schema) == 0


def test_a_reader_that_fails_does_not_leave_the_server_writing(
        pg: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema, tmp_path = pg
    # More than the pipe holds (1 MB), so the server's COPY is still writing when DuckDB fails.
    _insert(url, schema, ['{"filler": "' + "x" * 4000 + f'", "n": {n}}}' for n in range(800)])
    seal_store(url, schema, every=1000)

    def broken(*args: object) -> int:
        raise RuntimeError("DuckDB failed before reading")

    monkeypatch.setattr(export_module, "_events_to_parquet", broken)
    out = tmp_path / "out"
    error = _outcome(lambda: export_parquet(url, schema, out, copy="server"))
    assert isinstance(error, RuntimeError)
    assert list(out.rglob("*.parquet")) == []
    assert _copies_running(url, schema) == 0


def test_a_server_copy_that_fails_after_writing_leaves_no_partial_export(
        pg: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema, tmp_path = pg
    real = export_module.postgres_events_csv_on_server

    def broken(*args: Any) -> int:
        real(*args)  # the whole CSV went through the pipe, and then the store failed
        raise ConnectionError("the server closed the connection")

    monkeypatch.setattr(export_module, "postgres_events_csv_on_server", broken)
    out = tmp_path / "out"
    error = _outcome(lambda: export_parquet(url, schema, out, copy="server"))
    assert isinstance(error, ConnectionError)
    assert list(out.rglob("*.parquet")) == []
    assert [p.name for p in out.iterdir()] == []
