"""The key store: learners' wrapped data keys and the access log, kept apart from the events.

Apart, because a backup holding both a learner's ciphertext and the key that opens it would
defeat destruction: restoring it would bring the data back. On PostgreSQL the key store is its
own schema `<store schema>_keys` (on `LETOPIS_KEYSTORE_URL`, by default the store's server), so it
can be dumped, backed up and retained on its own policy; on SQLite it is its own file next to
the store file (`letopis.sqlite` → `letopis.keys.sqlite`). docs/privacy.md has the reasoning.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from uuid import UUID

from letopis.privacy.keys import WrappedKey


@dataclass(frozen=True)
class AccessRecord:
    """One read of decrypted personal data: who, whose, why, when."""

    learner_id: UUID
    actor: str
    purpose: str
    read_at: datetime


class KeyStore(ABC):
    """Wrapped data keys by learner id, and the access log."""

    @abstractmethod
    def create(self) -> None:
        """Create the key store's tables; safe to run twice."""

    @abstractmethod
    def get(self, learner_id: UUID) -> WrappedKey | None: ...

    @abstractmethod
    def add(self, key: WrappedKey) -> WrappedKey:
        """Keep `key` unless the learner has one already; return the one kept."""

    @abstractmethod
    def delete(self, learner_id: UUID) -> bool:
        """Destroy the learner's data key; True if there was one."""

    @abstractmethod
    def wrapped_keys(self) -> list[WrappedKey]: ...

    @abstractmethod
    def replace(self, keys: Sequence[WrappedKey]) -> None:
        """Re-wrapped keys replace the stored ones, all in one transaction (rotation)."""

    @abstractmethod
    def log_access(self, record: AccessRecord) -> None: ...

    @abstractmethod
    def access_log(self, learner_id: UUID | None = None) -> list[AccessRecord]: ...

    @abstractmethod
    def close(self) -> None:
        """Release connections."""


def sqlite_keystore_path(store_path: str) -> str:
    """`var/letopis.sqlite` → `var/letopis.keys.sqlite`: a separate file beside the store."""
    path = Path(store_path)
    return str(path.with_name(f"{path.stem}.keys{path.suffix or '.sqlite'}"))


class SQLiteKeyStore(KeyStore):
    """Connects per call: opening a SQLite file costs microseconds."""

    def __init__(self, path: str) -> None:
        self.path = path

    def close(self) -> None:
        """Nothing is held between calls."""

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if "no such table" not in str(error):
                raise
            from letopis.store import StoreNotInitialised

            raise StoreNotInitialised(f"no key store at {self.path}: run `letopis db init`"
                                      ) from None
        finally:
            conn.close()

    def create(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        with self._tx() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS data_keys (learner_id TEXT PRIMARY KEY, "
                         "key_id TEXT NOT NULL, wrapped BLOB NOT NULL)")
            conn.execute("CREATE TABLE IF NOT EXISTS access_log (id INTEGER PRIMARY KEY, "
                         "learner_id TEXT NOT NULL, actor TEXT NOT NULL, purpose TEXT NOT NULL, "
                         "read_at TEXT NOT NULL)")

    def get(self, learner_id: UUID) -> WrappedKey | None:
        with self._tx() as conn:
            row = conn.execute("SELECT key_id, wrapped FROM data_keys WHERE learner_id = ?",
                               (learner_id.hex,)).fetchone()
        return None if row is None else WrappedKey(learner_id, row[0], bytes(row[1]))

    def add(self, key: WrappedKey) -> WrappedKey:
        with self._tx() as conn:
            conn.execute("INSERT OR IGNORE INTO data_keys (learner_id, key_id, wrapped) "
                         "VALUES (?, ?, ?)", (key.learner_id.hex, key.key_id, key.wrapped))
            row = conn.execute("SELECT key_id, wrapped FROM data_keys WHERE learner_id = ?",
                               (key.learner_id.hex,)).fetchone()
        return WrappedKey(key.learner_id, row[0], bytes(row[1]))

    def delete(self, learner_id: UUID) -> bool:
        with self._tx() as conn:
            deleted = conn.execute("DELETE FROM data_keys WHERE learner_id = ?",
                                   (learner_id.hex,)).rowcount
        return deleted > 0

    def wrapped_keys(self) -> list[WrappedKey]:
        with self._tx() as conn:
            rows = conn.execute("SELECT learner_id, key_id, wrapped FROM data_keys "
                                "ORDER BY learner_id").fetchall()
        return [WrappedKey(UUID(r[0]), r[1], bytes(r[2])) for r in rows]

    def replace(self, keys: Sequence[WrappedKey]) -> None:
        with self._tx() as conn:
            conn.executemany("UPDATE data_keys SET key_id = ?, wrapped = ? WHERE learner_id = ?",
                             [(k.key_id, k.wrapped, k.learner_id.hex) for k in keys])

    def log_access(self, record: AccessRecord) -> None:
        with self._tx() as conn:
            conn.execute("INSERT INTO access_log (learner_id, actor, purpose, read_at) "
                         "VALUES (?, ?, ?, ?)", (record.learner_id.hex, record.actor,
                                                 record.purpose, record.read_at.isoformat()))

    def access_log(self, learner_id: UUID | None = None) -> list[AccessRecord]:
        sql = "SELECT learner_id, actor, purpose, read_at FROM access_log"
        params: tuple[str, ...] = ()
        if learner_id is not None:
            sql += " WHERE learner_id = ?"
            params = (learner_id.hex,)
        with self._tx() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [AccessRecord(UUID(r[0]), r[1], r[2], datetime.fromisoformat(r[3])) for r in rows]
