"""Cheap, realistic events for the audit benchmarks, generated inside PostgreSQL.

One real `Gradebook.MarkRecorded` event is encoded by the ledger's mapper; its stored JSON is
the template, and `generate_series` writes N copies with distinct ids, streams and versions
(40 marks per gradebook stream), as fast as the server can insert.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from uuid import NAMESPACE_URL, uuid5

import psycopg

from bench.schemas import drop_store
from letopis.store import init_store

MARK_ID = "0" * 32


def template_state() -> tuple[str, str]:
    """(topic, stored JSON) of one real mark event, its mark id replaced by zeros."""
    from domain.envelope import Actor, BasisDocument, Meta, Role
    from domain.gradebook import Gradebook
    from domain.gradebook_values import MarkKind, MarkValue, Scale
    from letopis.ledger import Ledger
    from letopis.store.sqlite import SQLiteRecorder

    meta = Meta(recorded_at=datetime(2026, 9, 8, 9, tzinfo=UTC), effective_on=date(2026, 9, 8),
                actor=Actor("teacher-bench", Role.TEACHER),
                command_id="bench", basis=BasisDocument("journal", "1", date(2026, 9, 8)))
    learner = uuid5(NAMESPACE_URL, "learner/bench")
    book = Gradebook.open(learner_id=learner, subject="Математика", academic_year="2026/2027",
                          meta=meta)
    book.record_mark(mark_id=uuid5(NAMESPACE_URL, "mark"), kind=MarkKind.CURRENT,
                     value=MarkValue(Scale.FIVE_POINT, "5"), lesson_on=date(2026, 9, 8),
                     work_kind="lesson", period=None, meta=meta)
    recorder = SQLiteRecorder(":memory:")
    stored = Ledger(recorder, lambda: meta.recorded_at).mapper.to_stored_event(
        book.collect_events()[-1])
    recorder.close()
    text = stored.state.decode().replace(uuid5(NAMESPACE_URL, "mark").hex, MARK_ID)
    return stored.topic, text


def generate(url: str, schema: str, events: int) -> float:
    """A fresh schema holding `events` events; returns the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        drop_store(conn, schema)
    init_store(url, schema)
    topic, state = template_state()
    s = f'"{schema}"'
    with psycopg.connect(url, autocommit=True) as conn:
        for start in range(1, events + 1, 200_000):
            stop = min(start + 199_999, events)
            conn.execute(
                f"INSERT INTO {s}.events (position, tx_id, stream_id, version, topic, state) "
                f"SELECT g, pg_current_xact_id(), md5('stream' || ((g - 1) / 40))::uuid, "
                f"(g - 1) %% 40 + 1, %s, convert_to(replace(%s, %s, md5(g::text)), 'UTF8') "
                f"FROM generate_series(%s::bigint, %s::bigint) AS g".encode(),
                (topic, state, MARK_ID, start, stop))
        conn.execute(f"SELECT setval('{schema}.event_position', %s)".encode(), (events,))
        conn.execute(f"VACUUM ANALYZE {s}.events".encode())
    return time.perf_counter() - started
