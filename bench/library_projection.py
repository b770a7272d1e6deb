"""The eventsourcing library's ProjectionRunner as a baseline: count events per stream, one
transaction per event (its documented way), over a copy of our events in its own tables."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Tracking
from eventsourcing.postgres import PostgresTrackingRecorder
from eventsourcing.projection import Projection, ProjectionRunner

from bench.schemas import drop_schema
from letopis.catalogue import VALUE_TYPES
from letopis.transcodings import DateAsISO, register_value_types


class LetopisBench(Application[UUID]):
    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())
        register_value_types(transcoder, VALUE_TYPES)


class StreamCountsView(PostgresTrackingRecorder):
    def count(self, stream_id: UUID, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as curs:
            curs.execute(
                f'INSERT INTO "{self.datastore.schema}".stream_counts (stream_id, n) '
                "VALUES (%s, 1) ON CONFLICT (stream_id) DO UPDATE SET n = stream_counts.n + 1",
                (stream_id,))
            self._insert_tracking(curs, tracking)


class StreamCounts(Projection[StreamCountsView]):
    name = "streamcounts"

    @singledispatchmethod
    def process_event(self, event: DomainEventProtocol[Any], tracking: Tracking) -> None:
        self.view.count(event.originator_id, tracking)


def run_library_projection(url: str, source_schema: str, events: int) -> float:
    parts = urlsplit(url)
    schema = f"{source_schema}_lib"
    with psycopg.connect(url, autocommit=True) as conn:
        drop_schema(conn, schema)
        conn.execute(f'CREATE SCHEMA "{schema}"'.encode())
        conn.execute(f'CREATE TABLE "{schema}".stream_counts (stream_id uuid PRIMARY KEY, '
                     "n bigint)".encode())
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres", "POSTGRES_DBNAME": parts.path.lstrip("/"),
        "POSTGRES_HOST": parts.hostname or "127.0.0.1", "POSTGRES_PORT": str(parts.port or 5432),
        "POSTGRES_USER": parts.username or "postgres", "POSTGRES_PASSWORD": parts.password or "",
        "POSTGRES_SCHEMA": schema, "CREATE_TABLE": "y",
    }
    with ProjectionRunner(application_class=LetopisBench, projection_class=StreamCounts,
                          view_class=StreamCountsView, env=env) as runner:
        with psycopg.connect(url, autocommit=True) as conn:
            # Copy after the runner subscribed; its catch-up then processes every row.
            started = time.perf_counter()
            conn.execute(
                f'INSERT INTO "{schema}".letopisbench_events '
                "(originator_id, originator_version, topic, state) "
                f'SELECT stream_id, version, topic, state FROM "{source_schema}".events '
                "ORDER BY position LIMIT %s".encode(), (events,))
            conn.execute("NOTIFY letopisbench_events")
        last = runner.app.recorder.max_notification_id()
        runner.wait(last, timeout=3600)
        elapsed = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        total = conn.execute(f'SELECT sum(n) FROM "{schema}".stream_counts'.encode()).fetchone()
        drop_schema(conn, schema)
    assert total is not None
    assert int(total[0]) == events, total
    return events / elapsed
