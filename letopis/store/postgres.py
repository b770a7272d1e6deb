"""PostgreSQL event store: one `events` table, one global order, no table lock on append.

Appends run one server-side function in autocommit mode: one round trip, one transaction.
Positions come from a sequence, so concurrent writers commit in parallel (group commit); a
reader never skips a position that commits late because it only takes positions that are
*certified* final (see `certified_prefix` and docs/architecture.md).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import psycopg
from eventsourcing.persistence import (
    IntegrityError,
    Notification,
    OperationalError,
    StoredEvent,
    Subscription,
)
from psycopg import errors as pg_errors
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool, PoolTimeout

from letopis.store.base import CommandOutcome, DuplicateCommand, LedgerRecorder, certified_prefix
from letopis.store.notifier import Notifier
from letopis.store.postgres_schema import SCHEMA_LOCK_KEY, schema_ddl
from letopis.store.postgres_snapshots import PostgresSnapshots


def create_schema(conninfo: str, schema: str) -> None:
    """Create the store's schema once; serialised by an advisory lock, safe to run twice."""
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        for statement in schema_ddl(schema):
            conn.execute(statement.encode())


def _notification(row: TupleRow) -> Notification:
    """`Notification(id=…, …)` of a selected row, without the frozen dataclass's `__init__`
    (five `object.__setattr__` calls: a projection catch-up builds one per event, on the thread
    that competes for the GIL with the folds)."""
    made: Notification = _new(Notification)
    _set(made, "__dict__", {"id": row[1], "originator_id": row[2], "originator_version": row[3],
                            "topic": row[4], "state": bytes(row[5])})
    return made


_new, _set = object.__new__, object.__setattr__


class PostgresRecorder(PostgresSnapshots, LedgerRecorder):
    """ApplicationRecorder over `<schema>.events`, with command outcomes and personal data."""

    def __init__(self, conninfo: str, *, schema: str = "letopis", pool_size: int = 4,
                 notify: bool = True, connect_timeout: float = 10.0) -> None:
        self.schema = schema
        self.notify = notify
        self.pool: ConnectionPool[psycopg.Connection[TupleRow]] = ConnectionPool(
            conninfo, min_size=1, max_size=pool_size, open=False,
            kwargs={"autocommit": True, "connect_timeout": 5}, name=f"letopis-{schema}",
        )
        try:
            self.pool.open(wait=True, timeout=connect_timeout)
        except PoolTimeout:
            self.pool.close()
            raise OperationalError(
                f"PostgreSQL did not answer within {connect_timeout:g} s "
                f"(schema {schema!r}); is the server running?"
            ) from None
        s = f'"{schema}"'
        # Arrays go in binary (%b): dumping them as text costs ~10x the client CPU.
        self._append = (f"SELECT * FROM {s}.append_events(%b::uuid[], %b::bigint[], "
                        f"%b::text[], %b::bytea[], %s, %s)").encode()
        self._select_events = (
            f"SELECT stream_id, version, topic, state FROM {s}.events WHERE stream_id = %s"
        )
        self._select_streams = (
            f"SELECT stream_id, version, topic, state FROM {s}.events "
            f"WHERE stream_id = ANY(%b::uuid[]) ORDER BY stream_id, version"
        ).encode()
        # One statement, one snapshot: the certified bound and the page agree.
        self._certified_cte = (
            f"WITH snap AS MATERIALIZED (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin), "
            f"cert AS (SELECT max(position) AS m FROM {s}.events "
            f"WHERE tx_id < (SELECT xmin FROM snap)) "
        )
        self._events = f"{s}.events"
        self._snapshot_sql(s)
        self._s = s
        self._notifier = Notifier(self.pool) if notify else None

    # -- writing -----------------------------------------------------------------------------

    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if not stored_events:
            return []
        command_id: str | None = kwargs.get("command_id")
        command_result: str | None = kwargs.get("command_result")
        params = (
            [e.originator_id for e in stored_events],
            [e.originator_version for e in stored_events],
            [e.topic for e in stored_events],
            [e.state for e in stored_events],
            command_id,
            command_result if command_id is not None else None,
        )
        try:
            with self.pool.connection() as conn:
                try:
                    rows = conn.execute(self._append, params, prepare=True).fetchall()
                except BaseException:
                    # The append may have failed while holding the allocation lock (a
                    # session lock): closing the session is what guarantees its release.
                    conn.close()
                    raise
        except pg_errors.UniqueViolation as error:
            constraint = error.diag.constraint_name or ""
            if constraint.startswith("commands"):
                raise DuplicateCommand(str(error)) from error
            raise IntegrityError(str(error)) from error
        except psycopg.OperationalError as error:
            raise OperationalError(str(error)) from error
        if self._notifier is not None:
            self._notifier.poke()
        return [int(row[0]) for row in rows]

    # -- reading one stream ---------------------------------------------------------------------

    def select_events(
        self,
        originator_id: UUID | str,
        *,
        gt: int | None = None,
        lte: int | None = None,
        desc: bool = False,
        limit: int | None = None,
    ) -> Sequence[StoredEvent]:
        sql = self._select_events
        params: list[Any] = [originator_id]
        if gt is not None:
            sql += " AND version > %s"
            params.append(gt)
        if lte is not None:
            sql += " AND version <= %s"
            params.append(lte)
        sql += " ORDER BY version DESC" if desc else " ORDER BY version ASC"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        with self.pool.connection() as conn:
            rows = conn.execute(sql.encode(), params, prepare=True).fetchall()
        return [StoredEvent(originator_id=r[0], originator_version=r[1], topic=r[2],
                            state=bytes(r[3])) for r in rows]

    def select_streams(self, stream_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        found: dict[UUID, list[StoredEvent]] = {}
        if not stream_ids:
            return found
        with self.pool.connection() as conn:
            rows = conn.execute(self._select_streams, (list(stream_ids),),
                                prepare=True).fetchall()
        for stream_id, version, topic, state in rows:
            found.setdefault(stream_id, []).append(
                StoredEvent(originator_id=stream_id, originator_version=version, topic=topic,
                            state=bytes(state)))
        return found

    # -- reading the global sequence ------------------------------------------------------------

    def select_notifications(
        self,
        start: int | None,
        limit: int,
        stop: int | None = None,
        topics: Sequence[str] = (),
        *,
        inclusive_of_start: bool = True,
    ) -> Sequence[Notification]:
        after = 0 if start is None else (start - 1 if inclusive_of_start else start)
        wanted = set(topics)
        result: list[Notification] = []
        while True:
            page = self._certified_page(after, limit, stop)
            for n in page:
                if not wanted or n.topic in wanted:
                    result.append(n)
                    if len(result) == limit:
                        return result
            # With a topic filter a full page may hold no match: keep reading until the
            # certified part is exhausted, so an empty answer always means "nothing yet".
            if not wanted or len(page) < limit:
                return result
            after = page[-1].id

    def _certified_page(self, after: int, limit: int, stop: int | None) -> list[Notification]:
        return [_notification(r) for r in self.select_event_rows(after, limit, stop)]

    def select_event_rows(self, after: int, limit: int, stop: int | None = None
                          ) -> Sequence[TupleRow]:
        """The certified rows after position `after` (at most `limit`, up to `stop`), as selected:
        `(certified, position, stream_id, version, topic, state)`. What `select_notifications`
        makes its notifications of; a raw projection catch-up reads these (projections/raw.py)."""
        sql = (
            self._certified_cte
            + f"SELECT (SELECT m FROM cert), position, stream_id, version, topic, state "
            f"FROM {self._events} WHERE position > %s"
        )
        params: list[Any] = [after]
        if stop is not None:
            sql += " AND position <= %s"
            params.append(stop)
        sql += " ORDER BY position LIMIT %s"
        params.append(limit)
        with self.pool.connection() as conn:
            # Binary results: the state arrives as raw bytes instead of hex text to decode
            # (half of the reading thread's CPU per event) and ids as 16 bytes.
            rows = conn.execute(sql.encode(), params, prepare=True, binary=True).fetchall()
        certified = rows[0][0] if rows else None
        if certified is not None and rows[-1][1] <= certified:
            return rows  # all certified (`certified_prefix` would take every row)
        return certified_prefix([(r[1], r) for r in rows], after, certified)

    def max_notification_id(self) -> int | None:
        """The highest position a follower can read now (every lower one is final)."""
        sql = (
            self._certified_cte
            + f"SELECT (SELECT m FROM cert), ARRAY(SELECT position FROM {self._events} "
            f"WHERE position > coalesce((SELECT m FROM cert), 0) ORDER BY position)"
        )
        with self.pool.connection() as conn:
            row = conn.execute(sql.encode(), prepare=True).fetchone()
        assert row is not None
        certified: int | None = row[0]
        tail: list[int] = row[1]
        head = certified
        for position in tail:
            if position == (head or 0) + 1:
                head = position
            else:
                break
        return head

    def subscribe(
        self, gt: int | None = None, topics: Sequence[str] = ()
    ) -> Subscription[Any]:
        raise NotImplementedError("live subscriptions arrive with the projections engine")

    # -- commands and personal data -------------------------------------------------------------

    def command_outcome(self, command_id: str) -> CommandOutcome | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                f"SELECT result, positions FROM {self._s}.commands WHERE command_id = %s"
                .encode(),
                (command_id,),
            ).fetchone()
        if row is None:
            return None
        stored = json.loads(row[0])
        stored["positions"] = list(row[1])
        return CommandOutcome.from_stored(command_id, stored)

    def put_personal_data(self, learner_id: UUID, data: bytes) -> None:
        with self.pool.connection() as conn:
            conn.execute(
                f"INSERT INTO {self._s}.personal_data (learner_id, data) VALUES (%s, %s) "
                f"ON CONFLICT (learner_id) DO UPDATE SET data = EXCLUDED.data, "
                f"updated_at = clock_timestamp()".encode(),
                (learner_id, data),
            )

    def get_personal_data(self, learner_id: UUID) -> bytes | None:
        with self.pool.connection() as conn:
            row = conn.execute(
                f"SELECT data FROM {self._s}.personal_data WHERE learner_id = %s".encode(),
                (learner_id,),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def delete_personal_data(self, learner_id: UUID) -> bool:
        with self.pool.connection() as conn:
            cursor = conn.execute(
                f"DELETE FROM {self._s}.personal_data WHERE learner_id = %s".encode(),
                (learner_id,))
        return cursor.rowcount > 0

    def initialised(self) -> bool:
        """Whether `letopis db init` created this schema's event table."""
        with self.pool.connection() as conn:
            row = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                               (f'"{self.schema}".events',)).fetchone()
        return bool(row and row[0])

    def count_events(self) -> int:
        with self.pool.connection() as conn:
            row = conn.execute(f"SELECT count(*) FROM {self._events}".encode()).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.stop()
        self.pool.close()
