"""`letopis db init` on PostgreSQL: creates the store in its schema, is safe to run twice, and
two concurrent runs on a fresh schema both succeed (an advisory lock serialises them)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from uuid import UUID

import psycopg
import pytest

from domain.envelope import Actor, Role
from letopis.cli import run
from letopis.clock import system_clock
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import PersonalDataService, open_keystore
from letopis.services.learners import LearnerService
from letopis.store import init_store, open_store
from tests.conftest import TEST_MASTER_KEY
from tests.pg import drop_schema, new_schema_name, require_postgres

TABLES = {"events", "commands", "personal_data", "seals", "seal_state", "checkpoints",
          "snapshots"}


@pytest.fixture
def schema() -> Iterator[tuple[str, str]]:
    """(URL, name) of a schema that does not exist yet; dropped afterwards."""
    url = require_postgres()
    name = new_schema_name()
    try:
        yield url, name
    finally:
        drop_schema(url, name)


def store_objects(url: str, schema: str) -> tuple[set[str], set[str], set[str]]:
    """Tables, sequences and functions in `schema`."""
    with psycopg.connect(url) as conn:
        tables = {r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,))}
        sequences = {r[0] for r in conn.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = %s",
            (schema,))}
        functions = {r[0] for r in conn.execute(
            "SELECT routine_name FROM information_schema.routines WHERE routine_schema = %s",
            (schema,))}
    return tables, sequences, functions


def test_db_init_twice_creates_the_store_and_keeps_its_data(
        schema: tuple[str, str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    url, name = schema
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", name)
    assert store_objects(url, name) == (set(), set(), set())

    assert run(["db", "init"]) == 0
    tables, sequences, functions = store_objects(url, name)
    assert tables == TABLES
    assert sequences == {"event_position"}
    assert functions == {"append_events"}

    store = open_store(url, name)
    try:
        ledger = Ledger(store, system_clock)
        keys = PersonalDataService(ledger, open_keystore(url, name), TEST_MASTER_KEY,
                                   system_clock)
        LearnerService(ledger, keys).register(
            CommandContext(actor=Actor("clerk", Role.REGISTRAR), command_id="c1",
                           effective_on=date(2026, 9, 1)),
            UUID(int=1), {"full_name": "Иванов Иван"})
        assert store.count_events() == 1

        assert run(["db", "init"]) == 0  # a second run changes nothing and loses nothing
        assert store_objects(url, name) == (tables, sequences, functions)
        assert store.count_events() == 1
        assert store.command_outcome("c1") is not None
        assert store.get_personal_data(UUID(int=1)) is not None
    finally:
        keys.keystore.close()
        store.close()
    out, err = capsys.readouterr()
    assert out.count("store ready") == 2
    assert err == ""


@pytest.mark.parametrize("writers", [2, 6])
def test_concurrent_init_store_calls_all_succeed(schema: tuple[str, str], writers: int) -> None:
    url, name = schema
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def init() -> None:
        try:
            start.wait(timeout=30)
            init_store(url, name)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=init) for _ in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert store_objects(url, name)[0] == TABLES
    store = open_store(url, name)
    try:
        assert store.count_events() == 0
    finally:
        store.close()
