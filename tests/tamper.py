"""What a database administrator with SQL access might do to the store, for the audit tests.

Every change goes straight to the tables with SQL, as an insider would, on SQLite (the
library's `events` table, rowid = position) or PostgreSQL (`<schema>.events`).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import StoredEvent

from letopis.clock import FixedClock
from letopis.store import init_store, open_store
from replay.audit_store import AuditStore, open_audit
from replay.merkle import chain_next, header_digest, leaf_hash, payload_digest
from replay.seal import SealReport, seal
from tests.pg import fresh_schema

KEY = Ed25519PrivateKey.generate()
NAMESPACE = UUID("6f1c1c52-51d4-4c1e-9a43-1d8e0b7f0a11")


@contextmanager
def fresh_store(kind: str) -> Iterator[tuple[str, str]]:
    """(url, schema) of a new initialised store; for hypothesis, which cannot use fixtures."""
    if kind == "postgres":
        with fresh_schema() as (url, schema):
            yield url, schema
        return
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'letopis.sqlite'}"
        init_store(url)
        yield url, "letopis"


def write_history(url: str, schema: str, streams: Sequence[int], seed: int = 0) -> int:
    """Append one event per entry of `streams` (the entry picks the stream); returns the count."""
    recorder = open_store(url, schema)
    versions: dict[int, int] = {}
    try:
        for index, stream in enumerate(streams):
            versions[stream] = versions.get(stream, 0) + 1
            state = f'{{"seed": {seed}, "n": {index}, "text": "событие {index}"}}'.encode()
            recorder.insert_events([StoredEvent(
                originator_id=uuid5(NAMESPACE, f"{seed}/{stream}"),
                originator_version=versions[stream], topic=f"test:Event{stream % 3}",
                state=state)])
    finally:
        recorder.close()
    return len(streams)


def seal_store(url: str, schema: str, every: int) -> SealReport:
    recorder = open_store(url, schema)
    audit = open_audit(url, schema)
    try:
        return seal(recorder, audit, KEY, FixedClock(datetime(2026, 11, 1, tzinfo=UTC)),
                    every=every)
    finally:
        audit.close()
        recorder.close()


class Tamper:
    """SQL changes to one store's tables."""

    def __init__(self, url: str, schema: str) -> None:
        self.postgres = url.startswith("postgres")
        self.url, self.schema = url, schema
        s = f'"{schema}".' if self.postgres else ""
        self.events, self.seals = f"{s}events", f"{s}seals"
        self.checkpoints, self.seal_state = f"{s}checkpoints", f"{s}seal_state"
        self.pos = "position" if self.postgres else "rowid"
        self.stream = "stream_id" if self.postgres else "originator_id"
        self.version = "version" if self.postgres else "originator_version"

    def sql(self, *statements: tuple[str, Sequence[Any]]) -> list[Any]:
        """Run statements in one transaction; the rows of the last."""
        rows: list[Any] = []
        if self.postgres:
            with psycopg.connect(self.url) as conn:
                for text, params in statements:
                    cur = conn.execute(text.replace("?", "%s").encode(), params)
                    rows = cur.fetchall() if cur.description else []
            return rows
        conn = sqlite3.connect(self.url[len("sqlite:///"):])
        with conn:
            for text, params in statements:
                rows = conn.execute(text, params).fetchall()
        conn.close()
        return rows

    def row(self, position: int) -> tuple[Any, ...]:
        (found,) = self.sql((f"SELECT {self.stream}, {self.version}, topic, state "
                             f"FROM {self.events} WHERE {self.pos} = ?", (position,)))
        return tuple(found)

    def flip_byte(self, position: int, offset: int) -> None:
        state = bytearray(self.row(position)[3])
        state[offset % len(state)] ^= 0x01
        self.sql((f"UPDATE {self.events} SET state = ? WHERE {self.pos} = ?",
                  (bytes(state), position)))

    def set_topic(self, position: int, topic: str) -> None:
        self.sql((f"UPDATE {self.events} SET topic = ? WHERE {self.pos} = ?", (topic, position)))

    def set_version(self, position: int, version: int) -> None:
        self.sql((f"UPDATE {self.events} SET {self.version} = ? WHERE {self.pos} = ?",
                  (version, position)))

    def set_stream(self, position: int) -> None:
        stream: Any = UUID(int=position) if self.postgres else UUID(int=position).hex
        self.sql((f"UPDATE {self.events} SET {self.stream} = ? WHERE {self.pos} = ?",
                  (stream, position)))

    def set_position(self, position: int, new: int) -> None:
        self.sql((f"UPDATE {self.events} SET {self.pos} = ? WHERE {self.pos} = ?",
                  (new, position)))

    def delete(self, position: int) -> None:
        self.sql((f"DELETE FROM {self.events} WHERE {self.pos} = ?", (position,)))

    def insert_shifted(self, position: int) -> None:
        """Put a forged event at `position`, moving it and every later event one up."""
        stream: Any = UUID(int=99) if self.postgres else UUID(int=99).hex
        columns = (f"({self.pos}, tx_id, {self.stream}, {self.version}, topic, state)"
                   if self.postgres else f"({self.pos}, {self.stream}, {self.version}, topic, "
                                         "state)")
        values = ("(?, pg_current_xact_id(), ?, 1, 'test:Forged', ?)" if self.postgres
                  else "(?, ?, 1, 'test:Forged', ?)")
        self.sql(
            (f"UPDATE {self.events} SET {self.pos} = -{self.pos} WHERE {self.pos} >= ?",
             (position,)),
            (f"UPDATE {self.events} SET {self.pos} = 1 - {self.pos} WHERE {self.pos} < 0", ()),
            (f"INSERT INTO {self.events} {columns} VALUES {values}",
             (position, stream, b'{"forged": true}')),
        )

    def swap(self, first: int, second: int) -> None:
        """Exchange the whole content (stream, version, topic, state) of two positions."""
        a, b = self.row(first), self.row(second)
        update = (f"UPDATE {self.events} SET {self.stream} = ?, {self.version} = ?, topic = ?, "
                  f"state = ? WHERE {self.pos} = ?")
        self.sql((update, (a[0], -1, a[2], a[3], second)), (update, (*b, first)),
                 (update, (*a, second)))

    def truncate_after(self, position: int, *, seals_too: bool) -> None:
        statements = [(f"DELETE FROM {self.events} WHERE {self.pos} > ?", (position,))]
        if seals_too:
            statements += [
                (f"DELETE FROM {self.seals} WHERE position > ?", (position,)),
                (f"DELETE FROM {self.checkpoints} WHERE last_position > ?", (position,)),
                (f"DELETE FROM {self.seal_state}", ()),
            ]
        self.sql(*statements)

    def shift_digest_byte(self, position: int) -> None:
        """Move the last byte of the header digest sealed at `position` to the front of the next
        seal row's: every byte is still there, in order, but two digests are 31 and 33 bytes."""
        (row,) = self.sql((f"SELECT leaf_index, header_digest FROM {self.seals} "
                           "WHERE position = ?", (position,)))
        leaf_index, header = row[0], bytes(row[1])
        (following,) = self.sql((f"SELECT header_digest FROM {self.seals} WHERE leaf_index = ?",
                                 (leaf_index + 1,)))
        update = f"UPDATE {self.seals} SET header_digest = ? WHERE leaf_index = ?"
        self.sql((update, (header[:-1], leaf_index)),
                 (update, (header[-1:] + bytes(following[0]), leaf_index + 1)))

    def forge_seals(self, position: int) -> None:
        """Change the event at `position` and rewrite its seal row and every later chain."""
        self.flip_byte(position, 0)
        rows = self.sql((f"SELECT leaf_index, position, header_digest, payload_digest FROM "
                         f"{self.seals} ORDER BY leaf_index", ()))
        chain = bytes(32)
        updates = []
        for leaf_index, pos, header, payload in rows:
            header, payload = bytes(header), bytes(payload)
            if pos == position:
                payload = payload_digest(bytes(self.row(position)[3]))
            chain = chain_next(chain, leaf_hash(header, payload))
            if pos >= position:
                updates.append((f"UPDATE {self.seals} SET payload_digest = ?, chain = ? "
                                "WHERE leaf_index = ?", (payload, chain, leaf_index)))
        self.sql(*updates)


def audit_of(url: str, schema: str) -> AuditStore:
    return open_audit(url, schema)


__all__ = ["KEY", "Tamper", "audit_of", "fresh_store", "header_digest", "seal_store",
           "write_history"]
