"""The eventsourcing library's own recorder test cases, run against our recorders."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from eventsourcing.tests.persistence import (
    ApplicationRecorderTestCase,
    NonInterleavingNotificationIDsBaseCase,
)

from letopis.store.base import LedgerRecorder
from letopis.store.postgres import PostgresRecorder, create_schema
from letopis.store.sqlite import SQLiteRecorder
from tests.pg import drop_schema, new_schema_name, require_postgres


class _PostgresMixin:
    def setUp(self) -> None:
        self.url = require_postgres()
        self.schema = new_schema_name()
        create_schema(self.url, self.schema)
        self.recorders: list[LedgerRecorder] = []

    def tearDown(self) -> None:
        for recorder in self.recorders:
            recorder.close()
        drop_schema(self.url, self.schema)

    def create_recorder(self) -> PostgresRecorder:
        recorder = PostgresRecorder(self.url, schema=self.schema, pool_size=4)
        self.recorders.append(recorder)
        return recorder


class _SQLiteMixin:
    def setUp(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.recorders: list[LedgerRecorder] = []
        self.threads_before = set(threading.enumerate())

    def tearDown(self) -> None:
        # The library's concurrency test leaves reader threads running; closing the store
        # under them crashes SQLite, so wait for them first.
        for thread in set(threading.enumerate()) - self.threads_before:
            thread.join(timeout=30)
        for recorder in self.recorders:
            recorder.close()
        self.tmp.cleanup()

    def create_recorder(self) -> SQLiteRecorder:
        recorder = SQLiteRecorder(str(Path(self.tmp.name) / "store.sqlite"))
        recorder.create_table()
        self.recorders.append(recorder)
        return recorder


class TestPostgresApplicationRecorder(
    _PostgresMixin, ApplicationRecorderTestCase[PostgresRecorder]
):
    def test_concurrent_throughput(self) -> None:
        # A throughput print-out, not a conformance check; `make bench` measures it properly.
        pass

    def test_performance(self) -> None:
        pass


class TestPostgresNonInterleaving(_PostgresMixin, NonInterleavingNotificationIDsBaseCase):
    insert_num = 200


class TestSQLiteApplicationRecorder(_SQLiteMixin, ApplicationRecorderTestCase[SQLiteRecorder]):
    def test_concurrent_throughput(self) -> None:
        pass

    def test_performance(self) -> None:
        pass


class TestSQLiteNonInterleaving(_SQLiteMixin, NonInterleavingNotificationIDsBaseCase):
    insert_num = 200
