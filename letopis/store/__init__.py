"""Event stores: PostgreSQL (production) and SQLite (embedded). Chosen by the database URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from letopis.store.base import CommandOutcome, DuplicateCommand, LedgerRecorder

__all__ = ["CommandOutcome", "DuplicateCommand", "LedgerRecorder", "StoreNotInitialised",
           "StoreUrlError",
           "init_store", "open_store"]


class StoreUrlError(ValueError):
    """The database URL names no store Letopis knows."""


class StoreNotInitialised(StoreUrlError):
    """The store exists in name only: `letopis db init` has not been run."""


def _sqlite_path(url: str) -> str:
    path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
    if not path:
        raise StoreUrlError(f"SQLite URL {url!r} must look like sqlite:///path/to/file.sqlite")
    return path


def _kind(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in ("postgresql", "postgres"):
        return "postgres"
    if scheme == "sqlite":
        return "sqlite"
    raise StoreUrlError(
        f"unsupported database URL {url!r}: use postgresql://… or sqlite:///path"
    )


def init_store(url: str, schema: str = "letopis", keystore_url: str | None = None) -> None:
    """Create the store's tables and its key store once (`letopis db init`); safe to run twice.

    The key store (wrapped personal-data keys, access log) lives apart: docs/privacy.md."""
    from letopis.privacy import init_keystore

    if _kind(url) == "postgres":
        from letopis.store.postgres import create_schema

        create_schema(url, schema)
        init_keystore(url, schema, keystore_url)
        return
    from letopis.store.sqlite import SQLiteRecorder

    path = _sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    recorder = SQLiteRecorder(path)
    recorder.create_table()
    recorder.close()
    if path != ":memory:":
        init_keystore(url)


def open_store(url: str, schema: str = "letopis", pool_size: int = 4) -> LedgerRecorder:
    """Open the store named by `url`. Nothing is created: run `letopis db init` first."""
    if _kind(url) == "postgres":
        from letopis.store.postgres import PostgresRecorder

        postgres = PostgresRecorder(url, schema=schema, pool_size=pool_size)
        if not postgres.initialised():
            postgres.close()
            raise StoreNotInitialised(f"no store in schema {schema!r}: run `letopis db init` "
                                      "first")
        return postgres
    from letopis.store.sqlite import SQLiteRecorder

    path = _sqlite_path(url)
    if path != ":memory:" and not Path(path).exists():
        raise StoreNotInitialised(f"no store at {path}: run `letopis db init` first")
    # SQLite serialises schema changes itself, so opening also adds tables a newer version has.
    recorder = SQLiteRecorder(path)
    recorder.create_table()
    return recorder
