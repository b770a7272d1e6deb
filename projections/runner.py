"""Composition for the projection engine: which store, how to wait for new events."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import psycopg

from letopis.ledger import Ledger
from letopis.store.notifier import NOTIFY_CHANNEL
from projections.engine import Engine
from projections.storage import ProjectionStore
from projections.storage_postgres import PostgresProjectionStore
from projections.storage_sqlite import SQLiteProjectionStore


def open_projection_store(database_url: str, schema: str, readers: int = 0) -> ProjectionStore:
    """`readers`: a pool of that many connections for concurrent reads (PostgreSQL)."""
    if database_url.startswith(("postgresql://", "postgres://")):
        return PostgresProjectionStore(database_url, schema, readers)
    return SQLiteProjectionStore(database_url[len("sqlite:///"):])


class PostgresWaiter:
    """Wait for the appenders' NOTIFY (or the timeout, which doubles as a poll)."""

    def __init__(self, conninfo: str) -> None:
        self.conn: psycopg.Connection[Any] = psycopg.connect(conninfo, autocommit=True)
        self.conn.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def __call__(self, timeout: float) -> None:
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            break

    def close(self) -> None:
        self.conn.close()


def build_engine(ledger: Ledger, database_url: str, schema: str, *,
                 page_size: int = 1000) -> tuple[Engine, Callable[[], None]]:
    """An engine over the ledger's store; returns it with a function that closes it."""
    store = open_projection_store(database_url, schema)
    waiter: PostgresWaiter | None = None
    wait: Callable[[float], None] = time.sleep
    if isinstance(store, PostgresProjectionStore):
        waiter = PostgresWaiter(database_url)
        wait = waiter
    engine = Engine(ledger.recorder, ledger.mapper, store, page_size=page_size,
                    wait_for_events=wait, read_ahead=waiter is not None)

    def close() -> None:
        store.close()
        if waiter is not None:
            waiter.close()

    return engine, close
