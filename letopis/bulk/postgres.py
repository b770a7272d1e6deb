"""PostgreSQL bulk writes: binary COPY, positions taken under the append lock, one NOTIFY.

Each batch is one transaction that starts by taking, under `ALLOCATION_LOCK_KEY` (the lock
`append_events` uses), its transaction id and the positions of all its events, then releases
the lock and COPYs. So among writers id order = position order still holds and a follower's
certified-gap reading (docs/architecture.md) sees every imported event once, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

import psycopg

from letopis.bulk.format import strip_positions
from letopis.bulk.pg_copy import Spool, command_rows
from letopis.bulk.target import Group, digest
from letopis.store.notifier import NOTIFY_CHANNEL
from letopis.store.postgres_schema import ALLOCATION_LOCK_KEY


class PostgresTarget:
    def __init__(self, conninfo: str, schema: str, spool: Spool | None = None) -> None:
        self.conninfo, self.schema = conninfo, schema
        self.conn = psycopg.connect(conninfo, autocommit=True)
        self.spool = spool or Spool()
        self.spools = [self.spool]  # written in this order (check workers: one per range)
        s = f'"{schema}"'
        self._s = s
        self._take = (
            f"SELECT pg_current_xact_id()::text, "  # noqa: S608 - schema from Settings, quoted
            f"ARRAY(SELECT nextval('{s}.event_position') "
            f"FROM generate_series(1, %s))"
        ).encode()
        self._copy_events = (
            f"COPY {s}.events (position, tx_id, stream_id, version, topic, state) "
            f"FROM STDIN (FORMAT BINARY)"
        ).encode()
        self._copy_commands = (
            f"COPY {s}.commands (command_id, result, positions) FROM STDIN (FORMAT BINARY)"
        ).encode()

    def heads(self, stream_ids: Sequence[UUID]) -> dict[UUID, int]:
        rows = self.conn.execute(
            f"SELECT stream_id, max(version) FROM {self._s}.events "  # noqa: S608
            f"WHERE stream_id = ANY(%s) GROUP BY stream_id".encode(), (list(stream_ids),),
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def recorded(self, command_ids: Sequence[str]) -> dict[str, str]:
        # The ids as one text cut by the server: psycopg adapts a list of 2,000 strings in
        # Python (~8 µs an id); U+001F never occurs in a Letopis command id (else: the list).
        joined = "\x1f".join(command_ids)
        many = "string_to_array(%s, E'\\x1f')" if joined.count("\x1f") == len(command_ids) - 1 \
            else "%s"
        rows = self.conn.execute(
            f"SELECT c.command_id, c.result, e.stream_id, e.version, e.topic, e.state "  # noqa: S608
            f"FROM {self._s}.commands c "
            f"CROSS JOIN LATERAL unnest(c.positions) WITH ORDINALITY AS p(position, n) "
            f"JOIN {self._s}.events e ON e.position = p.position "
            f"WHERE c.command_id = ANY({many}) ORDER BY c.command_id, p.n".encode(),
            (joined if many != "%s" else list(command_ids),),
        ).fetchall()
        found: dict[str, tuple[str, list[tuple[UUID, int, str, bytes]]]] = {}
        for command_id, result, stream_id, version, topic, state in rows:
            entry = found.setdefault(command_id, (strip_positions(result), []))
            entry[1].append((stream_id, int(version), topic, bytes(state)))
        return {cid: digest(result, events) for cid, (result, events) in found.items()}

    def stage(self, group: Group) -> None:
        self.spool.add(group)

    def flush(self, batch_size: int, written: Callable[[int], None] | None) -> int:
        batches = 0
        for spool in self.spools:
            for batch in spool.batches(batch_size):
                count = sum(n for n, _ in batch)
                self._write(spool, batch, count)
                batches += 1
                if written is not None:
                    written(count)
        if batches:
            # Fresh statistics for the rows just loaded (PostgreSQL's advice after a bulk
            # load): without them the first commands reading them, a claim run right after an
            # import say, cost the server twice the CPU (docs/import.md). A sample: seconds.
            self.conn.execute(f"ANALYZE {self._s}.events, {self._s}.commands".encode())
        return batches

    def _write(self, spool: Spool, batch: list[tuple[int, bytes]], count: int) -> None:
        conn = self.conn
        try:
            with conn.transaction():
                # Take the id and the positions together, first thing in the transaction,
                # under the append lock; never hold the lock over the COPY or the commit.
                conn.execute(b"SELECT pg_advisory_lock(%s)", (ALLOCATION_LOCK_KEY,))
                row = conn.execute(self._take, (count,)).fetchone()
                conn.execute(b"SELECT pg_advisory_unlock(%s)", (ALLOCATION_LOCK_KEY,))
                assert row is not None
                tx_id = int(row[0])
                positions: list[int] = row[1]
                cur = conn.cursor()
                with cur.copy(self._copy_events) as copy:
                    for chunk in spool.event_rows(count, positions, tx_id):
                        copy.write(chunk)
                with cur.copy(self._copy_commands) as copy:
                    copy.write(command_rows(batch, positions))
        except BaseException:
            # A failure may leave the session lock held: closing the session releases it.
            conn.close()
            raise
        conn.execute(f"NOTIFY {NOTIFY_CHANNEL}".encode())

    def close(self) -> None:
        for spool in self.spools:
            spool.close()
        self.conn.close()
