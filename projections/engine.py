"""The projection engine: catch up in pages, exactly once; follow live; rebuild and swap.

For each page of the global stream: fold every event through the projection's folds in memory
(rows come from a page cache that reads through to the store in batches), then write the page's
changed rows and the new tracking position in one transaction. A crash anywhere leaves the store
at the end of the last committed page; the next run resumes there and ends identical.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import ApplicationRecorder, Mapper, Notification

from projections.base import AnyEvent, Fold, Projection, Row, keys_of
from projections.paging import (
    KeyProbe,
    PageReader,
    PageRows,
    PageWrites,
    quick_handoff,
    relaxed_gc,
    settle_survivors,
)
from projections.raw import RawReader
from projections.storage import GenerationRetired, ProjectionStore
from projections.verify import VerifyReport, verify

log = logging.getLogger("letopis.projections")


_ABSENT: Any = object()  # a row not in a page's memory (None is a row known not to exist)


def _row_position(row: Sequence[Any]) -> int:
    position: int = row[1]  # a row of `select_event_rows`
    return position


class ProjectionFailed(Exception):
    """A fold raised on an event: the projection stops at that position, loudly."""

    def __init__(self, name: str, position: int, error: BaseException) -> None:
        super().__init__(f"projection {name} failed at position {position}: "
                         f"{type(error).__name__}: {error}")
        self.name = name
        self.position = position


@dataclass
class Engine:
    """Runs projections over the ledger's recorder into a projection store."""

    recorder: ApplicationRecorder
    mapper: Mapper[UUID]
    store: ProjectionStore
    page_size: int = 1000
    wait_for_events: Callable[[float], None] = time.sleep
    read_ahead: bool = False  # select the next page while folding one (a thread-safe recorder)
    _raw: RawReader = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._raw = RawReader(self.mapper)  # for projections that fold raw events

    def _page(self, after: int, stop: int | None = None) -> Sequence[Notification]:
        return self.recorder.select_notifications(after, self.page_size, stop=stop,
                                                  inclusive_of_start=False)

    def catch_up(self, projection: Projection, generation: int | None = None,
                 max_pages: int | None = None, stop: int | None = None) -> int:
        """Process every available event; returns how many. Raises ProjectionFailed."""
        live = generation is None
        if generation is None:
            generation = self.active_generation(projection)
        state = self.store.state(projection.name, generation)
        if state is None and live:
            return 0  # swapped out by a rebuild just now: the next catch-up follows the new one
        assert state is not None
        with relaxed_gc(), quick_handoff():
            return self._catch_up_pages(projection, generation, state.position, live=live,
                                        max_pages=max_pages, stop=stop)

    def _catch_up_pages(self, projection: Projection, generation: int, position: int, *,
                        live: bool, max_pages: int | None, stop: int | None) -> int:
        pages = 0
        # A raw projection over a recorder that gives its selected rows reads those: no
        # `Notification` is made per event (letopis/store/postgres.py `select_event_rows`).
        rows_of = getattr(self.recorder, "select_event_rows", None) if projection.raw else None
        if rows_of is not None:
            size = self.page_size
            reader = PageReader(lambda after: rows_of(after, size, stop), ahead=self.read_ahead,
                                last=_row_position)
        else:
            reader = PageReader(lambda after: self._page(after, stop), ahead=self.read_ahead)
        writes = PageWrites(self.store)
        carried: dict[tuple[str, str], Row | None] = {}
        # From position 0 the generation has no row (rows commit with their position): while
        # every row written is carried, a row not carried does not exist.
        complete = position == 0
        topics = projection.topics
        try:
            while max_pages is None or pages < max_pages:
                notifications = reader.page(position)
                if not notifications:
                    break
                events: list[tuple[int, AnyEvent]]
                # `projection.reads(n.topic)`, inline
                if rows_of is not None:
                    events = self._raw.read_rows(notifications, topics)  # type: ignore[assignment]
                elif projection.raw:
                    read = self._raw.read
                    events = [(n.id, read(n, n.id)) for n in notifications
                              if not topics or n.topic.startswith(topics)]
                else:
                    decode = self.mapper.to_domain_event
                    events = [(n.id, decode(n)) for n in notifications
                              if not topics or n.topic.startswith(topics)]
                rows = self._fold_page(projection, generation, events, carried, writes,
                                       complete)
                position = reader.last(notifications[-1])
                writes.submit(projection.name, generation, rows.changes, position,
                              len(notifications))  # positions passed, folded or not
                carried = rows.carried()
                complete = complete and rows.carries_all()
                settle_survivors()
                pages += 1
            writes.settle()
        except GenerationRetired:
            if not live:
                raise
            # a rebuild swapped in a new generation: the next catch-up follows it
        finally:
            reader.close()
            writes.close()
        return writes.written

    def _fold_page(self, projection: Projection, generation: int,
                   events: list[tuple[int, AnyEvent]], carried: dict[tuple[str, str], Row | None],
                   writes: PageWrites, complete: bool) -> PageRows:
        rows = PageRows(self.store, projection.name, generation, carried, complete=complete)
        # A generation held whole in memory (`complete`) has nothing to prefetch: no planning
        # pass, every key function runs once, in the real pass.
        plans = None if complete else self._plan_page(projection, rows, events)
        loaded, get, changes = rows.loaded, rows.get, rows.changes
        folds_for, raw = projection.folds_for, projection.raw
        unplanned: dict[Any, list[tuple[Fold[Any], tuple[str, ...] | None]]] = {}
        plan: list[tuple[Fold[Any], tuple[str, ...] | None]] | None
        position = 0
        try:
            for index, (position, event) in enumerate(events):
                if plans is not None:
                    plan = plans[index]
                else:  # every fold of the event's class (`folds_of`), key functions run below
                    kind = event.topic if raw else type(event)  # type: ignore[union-attr]
                    plan = unplanned.get(kind)
                    if plan is None:
                        plan = unplanned[kind] = [(fold, None) for fold in folds_for(kind)]
                for fold, planned in plan:
                    key = fold.key(event, rows) if planned is None else planned
                    if key is None:
                        continue
                    keys = (key,) if isinstance(key, str) else key  # `keys_of`, inline
                    if not keys:
                        continue
                    table, apply = fold.table, fold.apply
                    written = changes.get(table)
                    if written is None:
                        written = changes[table] = {}
                    for one in keys:
                        cached = (table, one)
                        row = loaded.get(cached, _ABSENT)
                        if row is _ABSENT:  # `complete`: a row not carried does not exist
                            row = None if complete else get(table, one)
                        row = apply(row, event)
                        loaded[cached] = row
                        written[one] = (row, position)
        except GenerationRetired:
            raise  # not the fold's fault: the catch-up moves to the new generation
        except Exception as error:
            writes.settle()  # the previous page commits first: the failure is recorded after it
            self.store.mark_failed(projection.name, generation, position,
                                   f"{type(error).__name__}: {error}")
            log.error("projection %s failed at position %s: %s", projection.name, position,
                      error)
            raise ProjectionFailed(projection.name, position, error) from error
        return rows

    @staticmethod
    def _plan_page(projection: Projection, rows: PageRows, events: list[tuple[int, AnyEvent]]
                   ) -> list[list[tuple[Fold[Any], tuple[str, ...] | None]]]:
        """Prefetch the page's rows and plan, per event, the folds that touch it.

        A key function that read no row is a function of the event alone: its keys are final
        (folds without keys drop out of the plan). One that read rows is evaluated again in the
        real pass, against the rows as they stand at its event. Prefetch runs in rounds: keys
        that depend on other rows become known once those are loaded; only key functions that
        asked for a row not yet loaded are evaluated again.
        """
        plans: list[list[tuple[Fold[Any], tuple[str, ...] | None]]] = []
        pending: list[tuple[AnyEvent, Fold[Any]]] = []
        probe = KeyProbe(rows)
        wanted: set[tuple[str, str]] = set()
        for _, event in events:
            plan: list[tuple[Fold[Any], tuple[str, ...] | None]] = []
            for fold in projection.folds_of(event):
                reads, misses = probe.reads, probe.misses
                try:
                    keys = keys_of(fold.key(event, probe))
                except Exception:  # the real pass evaluates it again and reports the error
                    plan.append((fold, None))
                    continue
                for key in keys:
                    wanted.add((fold.table, key))
                if probe.reads == reads:
                    if keys:
                        plan.append((fold, keys))
                    continue
                plan.append((fold, None))
                if probe.misses > misses:
                    pending.append((event, fold))
            plans.append(plan)
        rows.prefetch(wanted | probe.asked)
        for _ in range(2):
            if not pending:
                break
            probe = KeyProbe(rows)
            wanted = set()
            unresolved = []
            for event, fold in pending:
                misses = probe.misses
                try:
                    keys = keys_of(fold.key(event, probe))
                except Exception:  # noqa: S112 - the real pass reports errors
                    continue
                wanted.update((fold.table, k) for k in keys)
                if probe.misses > misses:
                    unresolved.append((event, fold))
            rows.prefetch(wanted | probe.asked)
            pending = unresolved
        return plans

    def active_generation(self, projection: Projection) -> int:
        state = self.store.state(projection.name)
        if state is None:
            self.store.ensure(projection, projection.version, active=True)
            return projection.version
        return state.generation

    def rebuild(self, projection: Projection) -> int:
        """Build a new generation from position 0 beside the live one, then swap atomically."""
        live = self.store.state(projection.name)
        generation = (live.generation + 1) if live else projection.version
        self.store.ensure(projection, generation, active=live is None)
        processed = self.catch_up(projection, generation)
        # Made durable before the swap (a rewrite of every table, seconds at a million events),
        # so the swap's transaction stays short; the pages after it are logged as they commit.
        self.store.make_durable(projection, generation)
        # Final catch-up right before the swap keeps the gap to the head minimal; the swap
        # itself is one transaction, so readers see the old or the new model, never a mix.
        processed += self.catch_up(projection, generation)
        self.store.activate(projection, generation)
        return processed

    def verify(self, projection: Projection) -> VerifyReport:
        """Rebuild into a scratch generation up to the live position and compare every row
        (projections/verify.py)."""
        return verify(self, projection)

    def follow(self, projections: Sequence[Projection], *, stop: Callable[[], bool],
               idle_wait: float = 0.2) -> None:
        """Catch up, then keep following new events until `stop()`; failed ones stay stopped."""
        failed: set[str] = set()
        while not stop():
            busy = False
            for projection in projections:
                if projection.name in failed:
                    continue
                try:
                    busy = self.catch_up(projection) > 0 or busy
                except ProjectionFailed:
                    failed.add(projection.name)
            if not busy:
                self.wait_for_events(idle_wait)
