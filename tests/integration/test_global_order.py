"""A follower of the global position never misses an event that commits later with a lower
position, and never sees one twice (PostgreSQL: positions are allocated before commit)."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import time
import uuid
from collections.abc import Callable

import psycopg
from eventsourcing.persistence import IntegrityError, StoredEvent

from letopis.store.postgres import PostgresRecorder
from tests.pg import fresh_schema


def _append_in_open_transaction(url: str, schema: str) -> psycopg.Connection[tuple[object, ...]]:
    """Allocate a position and insert, but leave the transaction open."""
    conn = psycopg.connect(url)
    conn.execute(
        f'SELECT * FROM "{schema}".append_events(%s, %s, %s, %s, NULL, NULL)'.encode(),
        ([uuid.uuid4()], [1], ["slow"], [b"{}"]),
    ).fetchall()
    return conn


# A gap is passed once every transaction older than the row after it has ended, anywhere on the
# server (the snapshot's xmin): on a shared server another client's long transaction delays a
# follower for as long as it runs. That wait is bounded by the other client, not by this store,
# so these tests poll for the outcome (up to a generous bound) instead of expecting it at once.
PATIENCE_SECONDS = 120.0


def _positions_when(recorder: PostgresRecorder, after: int | None,
                    done: Callable[[list[int]], bool]) -> list[int]:
    """Poll `select_notifications` until `done(positions)` holds or patience runs out."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        start = after or 0
        positions = [n.id for n in recorder.select_notifications(start, 100,
                                                                 inclusive_of_start=False)]
        if done(positions) or time.monotonic() > deadline:
            return positions
        time.sleep(0.05)


def test_late_commit_with_lower_position_is_not_skipped() -> None:
    with fresh_schema() as (url, schema):
        recorder = PostgresRecorder(url, schema=schema, notify=False)
        slow = _append_in_open_transaction(url, schema)  # holds position 1, uncommitted
        try:
            recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "fast", b"{}")])  # position 2
            # Position 2 is committed and visible, but 1 may still commit: a follower waits.
            assert [n.id for n in recorder.select_notifications(None, 10)] == []
            assert recorder.max_notification_id() is None
            slow.commit()
            assert _positions_when(recorder, None, lambda ps: ps != []) == [1, 2]
            assert recorder.max_notification_id() == 2
        finally:
            slow.close()
            recorder.close()


def test_rolled_back_gap_is_passed_once_no_writer_can_fill_it() -> None:
    with fresh_schema() as (url, schema):
        recorder = PostgresRecorder(url, schema=schema, notify=False)
        slow = _append_in_open_transaction(url, schema)  # position 1
        try:
            recorder.insert_events([StoredEvent(uuid.uuid4(), 1, "fast", b"{}")])  # 2
            slow.rollback()
            assert _positions_when(recorder, None, lambda ps: ps != []) == [2]
            assert [n.id for n in recorder.select_notifications(2, 10,
                                                                inclusive_of_start=False)] == []
        finally:
            slow.close()
            recorder.close()


def _writer(url: str, schema: str, writer: int, commands: int) -> None:
    recorder = PostgresRecorder(url, schema=schema, pool_size=1, notify=False)
    shared = uuid.UUID(int=1)  # every writer also fights over one stream: conflicts roll back
    for i in range(commands):
        stream = uuid.uuid5(uuid.NAMESPACE_OID, f"{writer}")
        batch = [StoredEvent(stream, i * 3 + k + 1, f"w{writer}", b"{}") for k in range(1 + i % 3)]
        recorder.insert_events(batch)
        if i % 7 == 0:
            with contextlib.suppress(IntegrityError):  # lost race: the rollback leaves a gap
                recorder.insert_events([StoredEvent(shared, i // 7 + 1, "shared", b"{}")])
    recorder.close()


def test_concurrent_writers_and_a_follower_see_every_event_once_in_order() -> None:
    writers, commands = 4, 150
    with fresh_schema() as (url, schema):
        ctx = mp.get_context("spawn")
        procs = [ctx.Process(target=_writer, args=(url, schema, w, commands))
                 for w in range(writers)]
        for p in procs:
            p.start()
        follower = PostgresRecorder(url, schema=schema, notify=False)
        seen: list[int] = []

        def follow() -> list[int]:
            page = follower.select_notifications(seen[-1] if seen else 0, 500,
                                                 inclusive_of_start=False)
            seen.extend(n.id for n in page)
            return [n.id for n in page]

        try:
            while any(p.is_alive() for p in procs):
                follow()
            for p in procs:
                p.join()
                assert p.exitcode == 0
            with psycopg.connect(url) as conn:
                rows = conn.execute(
                    f'SELECT position FROM "{schema}".events ORDER BY position'.encode()
                ).fetchall()
            stored = [r[0] for r in rows]
            # Writers are done: the follower reaches the last position (see PATIENCE_SECONDS).
            deadline = time.monotonic() + PATIENCE_SECONDS
            while (not seen or seen[-1] < stored[-1]) and time.monotonic() < deadline:
                if not follow():
                    time.sleep(0.05)
            assert seen == stored  # none missed, none twice, global order
            assert len(stored) >= writers * commands
        finally:
            follower.close()
