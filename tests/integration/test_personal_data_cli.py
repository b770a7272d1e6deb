"""`letopis personal-data …`: the act on disk, one-line errors, rotation, export, access log."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from uuid import UUID

import psycopg
import pytest

from letopis.bootstrap import build_services
from letopis.cli import EXIT_REFUSED, run
from letopis.privacy import keystore_schema
from letopis.privacy.keystore import sqlite_keystore_path
from letopis.settings import Settings
from tests.privacy_world import Region, ctx, dump, leaked

LEARNER, UNKNOWN = UUID(int=100), UUID(int=999)
PERSONAL = {"full_name": "Кузнецова Мария Петровна", "snils": "112-233-445 95",
            "birth_date": "2015-03-14", "address": "г. Оренбург, ул. Пушкинская, д. 7"}
BASIS = "act № 12 of 2026-10-01"


@pytest.fixture
def configured(store_url: tuple[str, str], tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """Environment for a store with one learner; returns the master key file."""
    url, schema = store_url
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)
    key_file = tmp_path / "master.key"
    assert run(["personal-data", "generate-master-key", "--out", str(key_file)]) == 0
    monkeypatch.setenv("LETOPIS_MASTER_KEY_FILE", str(key_file))
    services = build_services(Settings())
    try:
        region = Region(services.ledger, services.personal_data)
        region.register(LEARNER, PERSONAL)
        region.enrol(LEARNER, UUID(int=1001))
    finally:
        services.close()
    return key_file


def one_line_error(capsys: pytest.CaptureFixture[str], *words: str) -> None:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    for word in words:
        assert word in err


def destroy_args(learner: UUID, out: Path) -> list[str]:
    return ["personal-data", "destroy", str(learner), "--basis", BASIS, "--actor", "dpo-1",
            "--out", str(out)]


def test_generated_master_key_is_private_and_never_overwritten(
        configured: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stat.S_IMODE(configured.stat().st_mode) == 0o600
    capsys.readouterr()
    before = configured.read_bytes()
    assert run(["personal-data", "generate-master-key", "--out", str(configured)]) == 3
    one_line_error(capsys, "never overwritten")
    assert configured.read_bytes() == before


def test_destroy_writes_the_act_and_a_second_run_is_refused(
        configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        store_url: tuple[str, str]) -> None:
    out = tmp_path / "act"
    assert run(destroy_args(LEARNER, out)) == 0
    printed = capsys.readouterr().out
    assert "destroyed the personal data" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"destruction-{LEARNER}-event-log.json", f"destruction-{LEARNER}.json",
                     f"destruction-{LEARNER}.xlsx"]
    for path in out.iterdir():
        assert leaked(path.read_bytes(), PERSONAL) == []
    assert leaked(dump(*store_url), PERSONAL) == []
    assert run(destroy_args(LEARNER, out)) == EXIT_REFUSED
    one_line_error(capsys, "personal_data_already_destroyed")
    assert run(["personal-data", "export", str(LEARNER), "--actor", "dpo-1"]) == 0
    exported = capsys.readouterr().out
    assert json.loads(exported)["personal_data"]["status"] == "destroyed"
    assert leaked(exported.encode(), PERSONAL) == []


@pytest.mark.parametrize(("argv_learner", "words"), [
    (str(UNKNOWN), ("not_found", "not in the ledger")),
    ("not-a-uuid", ("invalid_input", "not a learner id")),
])
def test_destroy_bad_learner_is_one_line(configured: Path, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str], argv_learner: str,
                                         words: tuple[str, ...]) -> None:
    capsys.readouterr()
    args = destroy_args(LEARNER, tmp_path / "act")
    args[2] = argv_learner
    assert run(args) == EXIT_REFUSED
    one_line_error(capsys, *words)
    assert not (tmp_path / "act").exists()


def test_wrong_or_missing_master_key_is_one_line(
        configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other.key"
    assert run(["personal-data", "generate-master-key", "--out", str(other)]) == 0
    capsys.readouterr()
    monkeypatch.setenv("LETOPIS_MASTER_KEY_FILE", str(other))
    assert run(destroy_args(LEARNER, tmp_path / "act")) == EXIT_REFUSED
    one_line_error(capsys, "wrong_master_key")
    monkeypatch.setenv("LETOPIS_MASTER_KEY_FILE", str(tmp_path / "missing.key"))
    assert run(destroy_args(LEARNER, tmp_path / "act")) == EXIT_REFUSED
    one_line_error(capsys, "master_key_invalid", "no master key file")
    monkeypatch.delenv("LETOPIS_MASTER_KEY_FILE")
    assert run(destroy_args(LEARNER, tmp_path / "act")) == EXIT_REFUSED
    one_line_error(capsys, "master_key_missing")
    monkeypatch.setenv("LETOPIS_MASTER_KEY_FILE", str(configured))
    assert run(["personal-data", "read", str(LEARNER), "--actor", "inspector-7",
                "--purpose", "check"]) == 0
    assert json.loads(capsys.readouterr().out)["record"] == PERSONAL


def test_rotation_then_reads_with_the_new_key_are_logged(
        configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    new_key = tmp_path / "new.key"
    assert run(["personal-data", "generate-master-key", "--out", str(new_key)]) == 0
    assert run(["personal-data", "rotate-master", "--new-key-file", str(new_key)]) == 0
    assert "re-wrapped 1 data keys" in capsys.readouterr().out
    monkeypatch.setenv("LETOPIS_MASTER_KEY_FILE", str(new_key))
    assert run(["personal-data", "export", str(LEARNER), "--actor", "dpo-1"]) == 0
    assert json.loads(capsys.readouterr().out)["personal_data"]["record"] == PERSONAL
    assert run(["personal-data", "access-log", "--learner", str(LEARNER)]) == 0
    log = capsys.readouterr().out.splitlines()
    assert len(log) == 1
    assert "dpo-1" in log[0]
    assert "data subject export" in log[0]


def test_a_missing_key_store_says_run_db_init(
        configured: Path, store_url: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    url, schema = store_url
    if url.startswith("sqlite:///"):
        Path(sqlite_keystore_path(url[len("sqlite:///"):])).unlink()
    else:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{keystore_schema(schema)}" CASCADE'.encode())
    capsys.readouterr()
    assert run(["personal-data", "access-log"]) == 2
    one_line_error(capsys, "no key store", "letopis db init")
    assert run(["db", "init"]) == 0
    assert run(["personal-data", "access-log"]) == 0


def test_texts_reveals_the_sealed_free_texts_with_a_logged_read_then_destroyed(
        configured: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    reason = "Кузнецова Мария Петровна зачислена не в тот класс"
    services = build_services(Settings())
    try:
        Region(services.ledger, services.personal_data).learners.cancel(
            ctx("cancel"), LEARNER, cancelled_version=2, reason=reason)
    finally:
        services.close()
    capsys.readouterr()
    texts = ["personal-data", "texts", str(LEARNER), "--actor", "inspector-7",
             "--purpose", "complaint check"]
    assert run(texts) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(t["event_type"], t["field"], t["text"]) for t in shown] == [
        ("Learner.EntryCancelled", "Learner.EntryCancelled.reason", reason)]
    assert run(["personal-data", "access-log", "--learner", str(LEARNER)]) == 0
    assert "inspector-7  complaint check" in capsys.readouterr().out
    assert run(["history", "learner", str(LEARNER)]) == 0
    assert "Кузнецова" not in capsys.readouterr().out
    assert run(destroy_args(LEARNER, tmp_path / "act")) == 0
    capsys.readouterr()
    assert run(texts) == 0
    assert [t["text"] for t in json.loads(capsys.readouterr().out)] == [
        "personal data destroyed"]
