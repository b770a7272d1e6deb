"""Wake live followers after appends without putting NOTIFY in the append transaction.

NOTIFY inside a transaction takes a database-wide lock at commit and so serialises every
writer. Instead, appends only `poke()` this notifier; its own thread sends one NOTIFY for any
number of pokes, at most every `interval` seconds. Followers also poll, so a lost wake-up
costs latency, never an event.
"""

from __future__ import annotations

import threading
from typing import Any

from psycopg_pool import ConnectionPool

NOTIFY_CHANNEL = "letopis_events"


class Notifier:
    def __init__(self, pool: ConnectionPool[Any], interval: float = 0.01) -> None:
        self.pool = pool
        self.interval = interval
        self._poked = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def poke(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="letopis-notify",
                                                    daemon=True)
                    self._thread.start()
        self._poked.set()

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._poked.wait(timeout=0.5):
                continue
            self._poked.clear()
            try:
                with self.pool.connection() as conn:
                    conn.execute(f"NOTIFY {NOTIFY_CHANNEL}")
            except Exception:  # noqa: S110 - a lost wake-up only delays followers
                pass
            self._stopping.wait(self.interval)

    def stop(self) -> None:
        self._stopping.set()
        self._poked.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
