"""The change feed: every row change of every active projection, in one global order.

The engine writes one log entry per row it upserts or deletes in an active generation, in the
same transaction as the rows and the tracking position (projections/storage.py); a rebuild logs
the difference between the old and the new generation when it swaps them. A portal that starts
at sequence 0 and applies every entry (upsert: replace the row, delete: remove it) holds exactly
the projections' tables. See docs/projections.md, "Change feed".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from projections.base import Row

if TYPE_CHECKING:
    from projections.storage import ProjectionStore

FEED_CHANNEL = "letopis_feed"  # PostgreSQL: NOTIFY after each page that logged changes
UPSERT = "upsert"
DELETE = "delete"


@dataclass(frozen=True)
class Change:
    """One row change: `row` is the new document for an upsert, None for a delete."""

    sequence: int
    projection: str
    table: str
    key: str
    op: str  # "upsert" | "delete"
    position: int  # the event that caused it (for a rebuild's deletions: the new generation's)
    row: Row | None


class ChangeFeed:
    """Reads the change log of a projection store; safe to share between threads."""

    def __init__(self, store: ProjectionStore, *, owns_store: bool = False) -> None:
        self.store = store
        self._owns_store = owns_store
        self._listener: _Listener | None = None
        conninfo = getattr(store, "conninfo", None)
        if isinstance(conninfo, str):
            self._listener = _Listener(conninfo)

    @classmethod
    def open(cls, database_url: str, schema: str) -> ChangeFeed:
        """A feed over its own connection to the store at `database_url`; `close()` it."""
        from projections.runner import open_projection_store

        return cls(open_projection_store(database_url, schema), owns_store=True)

    def read(self, after: int, limit: int,
             projections: Sequence[str] | None = None) -> list[Change]:
        """Up to `limit` changes with sequence > `after`, in sequence order."""
        if limit <= 0:
            return []
        return self.store.read_changes(after, limit,
                                       None if projections is None else list(projections))

    def head(self) -> int:
        """The highest committed sequence (0 while the log is empty)."""
        return self.store.feed_head()

    def wait(self, after: int, timeout: float) -> bool:
        """Wait until a change with sequence > `after` is committed; False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            seen = self._listener.seen() if self._listener is not None else 0
            if self.head() > after:
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self._listener is not None:
                # A wake-up lost between LISTEN and the head check costs at most a second.
                self._listener.wait_past(seen, min(remaining, 1.0))
            else:
                time.sleep(min(remaining, 0.05))

    def close(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        if self._owns_store:
            self.store.close()


class _Listener:
    """One LISTEN connection per feed, shared by every waiting thread through a condition."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo
        self._condition = threading.Condition()
        self._count = 0
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def seen(self) -> int:
        with self._condition:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="letopis-feed-listen",
                                                daemon=True)
                self._thread.start()
            return self._count

    def wait_past(self, seen: int, timeout: float) -> None:
        with self._condition:
            self._condition.wait_for(lambda: self._count != seen, timeout=timeout)

    def _run(self) -> None:
        import psycopg

        while not self._stopping.is_set():
            try:
                conn: psycopg.Connection[Any] = psycopg.connect(self.conninfo, autocommit=True)
            except psycopg.OperationalError:
                self._stopping.wait(1.0)  # waiters fall back to polling meanwhile
                continue
            try:
                conn.execute(f"LISTEN {FEED_CHANNEL}")
                while not self._stopping.is_set():
                    for _ in conn.notifies(timeout=0.5):
                        with self._condition:
                            self._count += 1
                            self._condition.notify_all()
            except psycopg.OperationalError:
                self._stopping.wait(1.0)
            finally:
                conn.close()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
