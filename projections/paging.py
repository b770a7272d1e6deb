"""One page of a catch-up: the reader of pages (PageReader), its rows in memory (PageRows), the
prefetch probe, and the ordered writer of pages (PageWrites)."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from projections.base import Row
from projections.storage import Changes, ProjectionStore

# Rows kept in memory from one page to the next. While a catch-up from position 0 carries every
# row it wrote, it neither plans nor reads the store; past the limit it goes back to both.
# 1,000,000 holds the financial registry of a million events (~270,000 rows: 37,500 events/s
# against 31,700 at the former 200,000; docs/benchmarks.md) and bounds the memory.
CARRY_LIMIT = 1_000_000
# A catch-up allocates millions of short-lived dicts (decoded events, rows). With the default
# young-generation threshold (700) the collector runs so often that survivors pile into the old
# generation and full collections rescan the carried rows again and again: ~40% of the CPU of a
# `digital_profile` rebuild. During a catch-up the young threshold is raised instead.
RELAXED_GC_THRESHOLDS = (50_000, 20)

_gc_lock = threading.Lock()
_gc_users = 0
_gc_saved: tuple[int, int, int] | None = None


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect less often while at least one catch-up runs in this process (thread-safe; the
    previous thresholds come back when the last one ends)."""
    global _gc_users, _gc_saved  # one setting per process, counted
    with _gc_lock:
        if _gc_users == 0:
            _gc_saved = gc.get_threshold()
            young, middle, old = _gc_saved
            gc.set_threshold(max(young, RELAXED_GC_THRESHOLDS[0]),
                             max(middle, RELAXED_GC_THRESHOLDS[1]), old)
        _gc_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_users -= 1
            if _gc_users == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None
                gc.unfreeze()  # what `settle_survivors` set aside is collectable again


def settle_survivors() -> None:
    """After a page: what survived it (the rows carried to the next page, the decoders' caches)
    leaves the collector's young generation until the catch-up ends (`gc.freeze`). Every page's
    rows are new objects that live on; each young collection rescanned all of them (~7% of a
    `financial_registry` rebuild). Only cycles wait: reference counting still frees the rest."""
    gc.freeze()


# The page writer and reader threads mostly wait on PostgreSQL; each time a reply arrives they
# need the GIL back from the folding thread, which by default hands it over only every 5 ms, and
# a page takes a dozen round trips: the writer fell behind and the fold waited for it (1.2 s of
# a 4 s `financial_registry` rebuild). During a catch-up the interval is shortened instead.
QUICK_SWITCH_INTERVAL = 0.0005

_switch_users = 0
_switch_saved: float | None = None


@contextmanager
def quick_handoff() -> Iterator[None]:
    """Hand the GIL to waiting threads more often while at least one catch-up runs in this
    process (thread-safe; the previous interval comes back when the last one ends)."""
    global _switch_users, _switch_saved  # one setting per process, counted
    with _gc_lock:
        if _switch_users == 0:
            _switch_saved = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_saved, QUICK_SWITCH_INTERVAL))
        _switch_users += 1
    try:
        yield
    finally:
        with _gc_lock:
            _switch_users -= 1
            if _switch_users == 0 and _switch_saved is not None:
                sys.setswitchinterval(_switch_saved)
                _switch_saved = None


class KeyProbe:
    """Rows for the prefetch pass: answers from what is loaded, remembers what was asked."""

    def __init__(self, cache: PageRows) -> None:
        self.cache = cache
        self.asked: set[tuple[str, str]] = set()
        self.reads = 0  # every read: a key computed without any is final for the whole page
        self.misses = 0  # reads of rows not loaded yet: the key computed from them may change

    def get(self, table: str, key: str) -> Row | None:
        self.reads += 1
        if (table, key) in self.cache.loaded:
            return self.cache.loaded[(table, key)]
        self.asked.add((table, key))
        self.misses += 1
        return None


class PageRows:
    """The projection's rows during one page: loaded in batches, changed in memory (the engine
    writes `loaded` and `changes` itself, projections/engine.py `_fold_page`)."""

    def __init__(self, store: ProjectionStore, name: str, generation: int,
                 carried: dict[tuple[str, str], Row | None] | None = None, *,
                 complete: bool = False) -> None:
        self.store = store
        self.name = name
        self.generation = generation
        # Rows the previous page of the same catch-up loaded or wrote: its write may still be
        # committing, so rows it changed must come from here, never from the store.
        self.loaded: dict[tuple[str, str], Row | None] = carried if carried is not None else {}
        self.changes: Changes = {}
        # `loaded` holds every row the generation has (a catch-up from position 0 that carried
        # all its rows): a row not there does not exist, no need to ask the store.
        self.complete = complete

    def prefetch(self, wanted: set[tuple[str, str]]) -> None:
        by_table: dict[str, list[str]] = {}
        for table, key in wanted:
            if (table, key) not in self.loaded:
                if self.complete:
                    self.loaded[(table, key)] = None
                    continue
                by_table.setdefault(table, []).append(key)
        for table, keys in by_table.items():
            found = self.store.load(self.name, self.generation, table, keys)
            for key in keys:
                self.loaded[(table, key)] = found.get(key)

    def get(self, table: str, key: str) -> Row | None:
        cached = (table, key)
        if cached not in self.loaded:
            self.prefetch({cached})
        return self.loaded[cached]

    def carried(self) -> dict[tuple[str, str], Row | None]:
        """What the next page starts from: every row seen, or, past CARRY_LIMIT, only the rows
        this page changed (those the next page must not read from the store)."""
        if self.carries_all():
            return self.loaded
        return {(table, key): row for table, rows in self.changes.items()
                for key, (row, _) in rows.items()}

    def carries_all(self) -> bool:
        return len(self.loaded) <= CARRY_LIMIT


class PageWrites:
    """Writes a catch-up's pages in order. With a store that allows it (`concurrent_writes`),
    a page commits in a background thread while the next one is read and folded: at most one
    page is in flight, and its rows are carried to the next page (PageRows), so nothing reads a
    row whose write is not committed yet. Each page is still one transaction."""

    def __init__(self, store: ProjectionStore) -> None:
        self.store = store
        self.pool = (ThreadPoolExecutor(1, thread_name_prefix="projection-writer")
                     if store.concurrent_writes else None)
        self.pending: Future[None] | None = None
        self.in_flight = 0
        self.written = 0  # positions passed by committed pages

    def submit(self, name: str, generation: int, changes: Changes, position: int,
               passed: int) -> None:
        self.settle()
        if self.pool is None:
            self.store.write_page(name, generation, changes, position)
            self.written += passed
            return
        # `self.store.write_page` is looked up now: a replaced method (tests) is the one used.
        self.pending = self.pool.submit(self.store.write_page, name, generation, changes,
                                        position)
        self.in_flight = passed

    def settle(self) -> None:
        """Wait for the page in flight; its error (GenerationRetired, a crash) is raised here."""
        if self.pending is not None:
            pending, self.pending = self.pending, None
            pending.result()
            self.written += self.in_flight

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True)


class PageReader:
    """Reads pages of the stream; with `ahead`, the next page is selected in a background thread
    while this one is folded (reading events never depends on the projection's rows)."""

    def __init__(self, read: Callable[[int], Sequence[Any]], *, ahead: bool,
                 last: Callable[[Any], int] = lambda notification: notification.id) -> None:
        self.read = read
        self.last = last  # the position of an item of a page
        self.pool = (ThreadPoolExecutor(1, thread_name_prefix="projection-reader")
                     if ahead else None)
        self.next: tuple[int, Future[Sequence[Any]]] | None = None

    def page(self, after: int) -> Sequence[Any]:
        """The page after position `after`; starts reading the one after it."""
        ahead, self.next = self.next, None
        page = ahead[1].result() if ahead is not None and ahead[0] == after else self.read(after)
        if self.pool is not None and page:
            last = self.last(page[-1])
            self.next = (last, self.pool.submit(self.read, last))
        return page

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
