"""PostgreSQL for tests: a fresh schema per test, skip without a server unless CI=true."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def test_database_url() -> str:
    return os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL)


_reachable: dict[str, bool] = {}


def require_postgres() -> str:
    """The test database URL; skip (or fail under CI=true) if PostgreSQL is not answering."""
    url = test_database_url()
    if url not in _reachable:
        try:
            with psycopg.connect(url, connect_timeout=3) as conn:
                conn.execute("SELECT 1")
            _reachable[url] = True
        except psycopg.OperationalError:
            _reachable[url] = False
    if not _reachable[url]:
        reason = f"PostgreSQL not reachable at {url} (set LETOPIS_TEST_DATABASE_URL)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires the PostgreSQL tests to run")
        pytest.skip(reason)
    return url


def new_schema_name() -> str:
    return f"t_{uuid.uuid4().hex[:12]}"


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'.encode())
        # The key store lives beside the store, in its own schema (docs/privacy.md).
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_keys" CASCADE'.encode())
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}_proj" CASCADE'.encode())


@contextmanager
def fresh_schema() -> Iterator[tuple[str, str]]:
    """A new, initialised store schema; dropped afterwards."""
    from letopis.store import init_store

    url = require_postgres()
    schema = new_schema_name()
    init_store(url, schema)
    try:
        yield url, schema
    finally:
        drop_schema(url, schema)
