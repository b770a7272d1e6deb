"""The `letopis` command line, run in-process against a temporary SQLite store.

Exit codes: 0 success, 2 usage (bad input or settings), 3 refused, 4 store unavailable. An
error is always one line on stderr starting with "letopis:", never a traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from letopis.cli import EXIT_REFUSED, EXIT_UNAVAILABLE, EXIT_USAGE, run
from letopis.store import open_store
from tests.pg import drop_schema, new_schema_name, require_postgres

REPO = Path(__file__).resolve().parents[2]
DEMO = ["demo", "generate", "--learners", "5", "--years", "1", "--seed", "3", "--weeks", "1"]


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'store' / 'letopis.sqlite'}"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.delenv("LETOPIS_DATABASE_SCHEMA", raising=False)
    return url


def count_events(url: str) -> int:
    store = open_store(url)
    try:
        return store.count_events()
    finally:
        store.close()


def one_error_line(err: str) -> str:
    """The single error line on stderr; fails on a traceback or any other output."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("letopis:")
    return lines[0]


def test_db_init_twice(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "init"]) == 0
    assert run(["db", "init"]) == 0
    out, err = capsys.readouterr()
    assert out.count("store ready") == 2
    assert err == ""
    assert Path(sqlite_url.removeprefix("sqlite:///")).is_file()
    assert count_events(sqlite_url) == 0


def test_demo_generate_is_idempotent_and_show_prints_history(
        sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "init"]) == 0
    assert run(DEMO) == 0
    out, _ = capsys.readouterr()
    loaded = re.search(r"demo region loaded: (\d+) commands, (\d+) events", out)
    assert loaded is not None, out
    events = count_events(sqlite_url)
    assert events == int(loaded.group(2)) > 0

    assert run(DEMO) == 0
    out, err = capsys.readouterr()
    assert "already loaded" in out
    assert err == ""
    assert count_events(sqlite_url) == events

    assert run(["demo", "show", "--seed", "3"]) == 0
    out, _ = capsys.readouterr()
    assert "Learner.Registered" in out
    assert "Learner.Enrolled" in out
    assert "Gradebook" not in out  # the learner stream only


def test_history_of_a_malformed_id(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "init"]) == 0
    capsys.readouterr()
    assert run(["history", "learner", "not-a-uuid"]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert "not-a-uuid" in one_error_line(err)
    assert out == ""


def test_history_of_an_unknown_stream(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db", "init"]) == 0
    capsys.readouterr()
    missing = uuid.uuid4()
    code = run(["history", "learner", str(missing)])
    assert code != 0
    assert code == EXIT_REFUSED
    _, err = capsys.readouterr()
    assert str(missing) in one_error_line(err)


@pytest.mark.parametrize(
    "command", [["db", "init"], DEMO, ["history", "learner", str(uuid.UUID(int=1))]])
def test_unsupported_database_url(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], command: list[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", "mysql://x")
    assert run(command) == EXIT_USAGE
    out, err = capsys.readouterr()
    line = one_error_line(err)
    assert "unsupported database URL" in line
    assert "mysql://x" in line
    assert "postgresql://" in line  # says what would work
    assert "store ready" not in out


def test_invalid_schema_setting(sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", "Robert'); DROP TABLE")
    assert run(["db", "init"]) == EXIT_USAGE
    _, err = capsys.readouterr()
    assert "LETOPIS_DATABASE_SCHEMA" in one_error_line(err)


def test_unreachable_postgres(monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LETOPIS_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/test")
    assert run(["db", "init"]) == EXIT_UNAVAILABLE
    out, err = capsys.readouterr()
    assert "store unavailable" in one_error_line(err)
    assert out == ""


def test_unopenable_sqlite_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{blocker / 'letopis.sqlite'}")
    assert run(["db", "init"]) == EXIT_UNAVAILABLE
    _, err = capsys.readouterr()
    assert "store unavailable" in one_error_line(err)


def test_reading_a_store_that_was_never_initialised(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "letopis.sqlite"
    monkeypatch.setenv("LETOPIS_DATABASE_URL", f"sqlite:///{path}")
    assert run(["history", "learner", str(uuid.UUID(int=1))]) == EXIT_USAGE
    _, err = capsys.readouterr()
    assert "letopis db init" in one_error_line(err)
    assert not path.exists()  # a read never creates a store


@pytest.mark.parametrize("argv", [["import", "{path}"], ["projections", "status"],
                                  ["history", "learner", str(uuid.UUID(int=1))],
                                  ["serve", "--port", "1"]])
def test_postgres_schema_that_was_never_initialised(
        argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url = require_postgres()
    schema = new_schema_name()
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
    source = tmp_path / "events.ndjson"
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", "unused")
    assert run([*DEMO, "--out", str(source), "--format", "ndjson"]) == 0
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
    capsys.readouterr()
    try:
        assert run([a.replace("{path}", str(source)) for a in argv]) == EXIT_USAGE
        _, err = capsys.readouterr()
        assert "letopis db init" in one_error_line(err)
    finally:
        drop_schema(url, schema)


def test_console_script_db_init(tmp_path: Path) -> None:
    script = shutil.which("letopis")
    argv = [script] if script else [sys.executable, "-c", "from letopis.cli import main; main()"]
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    env = {**os.environ, "LETOPIS_DATABASE_URL": url,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    env.pop("LETOPIS_DATABASE_SCHEMA", None)
    done = subprocess.run([*argv, "db", "init"], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "store ready" in done.stdout
    assert (tmp_path / "letopis.sqlite").is_file()
    # And an error from the real process: one line, the usage exit code.
    bad = subprocess.run([*argv, "history", "learner", "not-a-uuid"], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120, check=False)
    assert bad.returncode == EXIT_USAGE
    one_error_line(bad.stderr)
