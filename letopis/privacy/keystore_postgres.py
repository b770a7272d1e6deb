"""The key store on PostgreSQL: schema `<store schema>_keys`, on its own URL if configured."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from uuid import UUID

import psycopg
from eventsourcing.persistence import OperationalError
from psycopg import errors as pg_errors
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from letopis.privacy.keys import WrappedKey
from letopis.privacy.keystore import AccessRecord, KeyStore
from letopis.store import StoreNotInitialised

# One advisory-lock key for creating the key store, so two `db init` runs never race.
KEYSTORE_LOCK_KEY = 0x4C45544B  # "LETK"


class PostgresKeyStore(KeyStore):
    """A small pool of its own, opened on first use (a process that never touches personal
    data never connects to the key store)."""

    def __init__(self, conninfo: str, schema: str, pool_size: int = 2) -> None:
        self.conninfo = conninfo
        self.schema = schema
        self.pool_size = pool_size
        self._s = f'"{schema}"'
        self._pool: ConnectionPool[psycopg.Connection[TupleRow]] | None = None
        self._lock = threading.Lock()

    def _connections(self) -> ConnectionPool[psycopg.Connection[TupleRow]]:
        with self._lock:
            if self._pool is None:
                self._pool = ConnectionPool(
                    self.conninfo, min_size=1, max_size=self.pool_size, open=False,
                    kwargs={"connect_timeout": 5}, name=f"letopis-{self.schema}")
                try:
                    self._pool.open(wait=True, timeout=10)
                except PoolTimeout:
                    self._pool.close()
                    self._pool = None
                    raise OperationalError(f"the key store ({self.schema}) did not answer "
                                           "within 10 s; is the server running?") from None
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Connection[TupleRow]]:
        try:
            with self._connections().connection() as conn, conn.transaction():
                yield conn
        except (pg_errors.UndefinedTable, pg_errors.InvalidSchemaName):
            raise StoreNotInitialised(f"no key store in schema {self.schema}: run "
                                      "`letopis db init`") from None

    def create(self) -> None:
        s = self._s
        with self._tx() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (KEYSTORE_LOCK_KEY,))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s}".encode())
            conn.execute(f"CREATE TABLE IF NOT EXISTS {s}.data_keys (learner_id uuid PRIMARY KEY, "
                         f"key_id text NOT NULL, wrapped bytea NOT NULL, "
                         f"created_at timestamptz NOT NULL DEFAULT clock_timestamp())".encode())
            conn.execute(f"CREATE TABLE IF NOT EXISTS {s}.access_log (id bigserial PRIMARY KEY, "
                         f"learner_id uuid NOT NULL, actor text NOT NULL, purpose text NOT NULL, "
                         f"read_at timestamptz NOT NULL)".encode())
            conn.execute(f"CREATE INDEX IF NOT EXISTS access_log_learner "
                         f"ON {s}.access_log (learner_id)".encode())

    def get(self, learner_id: UUID) -> WrappedKey | None:
        with self._tx() as conn:
            row = conn.execute(f"SELECT key_id, wrapped FROM {self._s}.data_keys "
                               f"WHERE learner_id = %s".encode(), (learner_id,)).fetchone()
        return None if row is None else WrappedKey(learner_id, row[0], bytes(row[1]))

    def add(self, key: WrappedKey) -> WrappedKey:
        with self._tx() as conn:
            conn.execute(f"INSERT INTO {self._s}.data_keys (learner_id, key_id, wrapped) "
                         f"VALUES (%s, %s, %s) ON CONFLICT (learner_id) DO NOTHING".encode(),
                         (key.learner_id, key.key_id, key.wrapped))
            row = conn.execute(f"SELECT key_id, wrapped FROM {self._s}.data_keys "
                               f"WHERE learner_id = %s".encode(), (key.learner_id,)).fetchone()
        assert row is not None
        return WrappedKey(key.learner_id, row[0], bytes(row[1]))

    def delete(self, learner_id: UUID) -> bool:
        with self._tx() as conn:
            cursor = conn.execute(f"DELETE FROM {self._s}.data_keys WHERE learner_id = %s"
                                  .encode(), (learner_id,))
        return cursor.rowcount > 0

    def wrapped_keys(self) -> list[WrappedKey]:
        with self._tx() as conn:
            rows = conn.execute(f"SELECT learner_id, key_id, wrapped FROM {self._s}.data_keys "
                                f"ORDER BY learner_id".encode()).fetchall()
        return [WrappedKey(r[0], r[1], bytes(r[2])) for r in rows]

    def replace(self, keys: Sequence[WrappedKey]) -> None:
        with self._tx() as conn, conn.cursor() as cursor:
            cursor.executemany(f"UPDATE {self._s}.data_keys SET key_id = %s, wrapped = %s "
                               f"WHERE learner_id = %s".encode(),
                               [(k.key_id, k.wrapped, k.learner_id) for k in keys])

    def log_access(self, record: AccessRecord) -> None:
        with self._tx() as conn:
            conn.execute(f"INSERT INTO {self._s}.access_log (learner_id, actor, purpose, read_at) "
                         f"VALUES (%s, %s, %s, %s)".encode(),
                         (record.learner_id, record.actor, record.purpose, record.read_at))

    def access_log(self, learner_id: UUID | None = None) -> list[AccessRecord]:
        sql = f"SELECT learner_id, actor, purpose, read_at FROM {self._s}.access_log"
        params: tuple[UUID, ...] = ()
        if learner_id is not None:
            sql += " WHERE learner_id = %s"
            params = (learner_id,)
        with self._tx() as conn:
            rows = conn.execute((sql + " ORDER BY id").encode(), params).fetchall()
        return [AccessRecord(r[0], r[1], r[2], r[3]) for r in rows]
