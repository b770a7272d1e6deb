"""A follower reading while an import runs (beside ordinary appends) sees every event once, in
order (PostgreSQL: import batches take positions under the append lock, like `append_events`)."""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

from eventsourcing.persistence import StoredEvent

from letopis.bootstrap import build_services
from letopis.bulk.dump import dump
from letopis.bulk.importer import import_file, open_target
from letopis.demo import DemoGenerator, DemoPlan, SettableClock
from letopis.settings import Settings
from letopis.store import init_store
from letopis.store.postgres import PostgresRecorder
from tests.pg import fresh_schema

PATIENCE_SECONDS = 120.0  # bound only; see tests/integration/test_global_order.py


def _region(tmp_path: Path) -> Path:
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    init_store(url)
    clock = SettableClock()
    services = build_services(Settings(database_url=url), clock)
    DemoGenerator(services, clock, DemoPlan(learners=8, years=1, seed=11,
                                            weeks_of_marks=1)).run()
    path = tmp_path / "region.ndjson"
    with path.open("w") as out:
        dump(services.ledger.store, out)
    services.close()
    return path


def test_follower_sees_imported_and_concurrent_events_once_in_order(tmp_path: Path) -> None:
    path = _region(tmp_path)
    with fresh_schema() as (url, schema):
        store = PostgresRecorder(url, schema=schema)
        writer = PostgresRecorder(url, schema=schema, notify=False)
        follower = PostgresRecorder(url, schema=schema, notify=False)
        errors: list[BaseException] = []
        others = [uuid.uuid4() for _ in range(4)]
        appended = 0

        def run_import() -> None:
            try:
                with open_target(store, url, schema) as target:
                    import_file(store, target, path, batch_size=25)
            except BaseException as error:
                errors.append(error)

        seen: list[tuple[int, str, int]] = []
        finished = threading.Event()
        total: list[int] = []

        def follow() -> None:  # reads from the start, while the import runs
            deadline = time.monotonic() + PATIENCE_SECONDS
            while time.monotonic() < deadline:
                if finished.is_set() and len(seen) >= total[0]:
                    return
                after = seen[-1][0] if seen else 0
                page = follower.select_notifications(after, 50, inclusive_of_start=False)
                seen.extend((n.id, str(n.originator_id), n.originator_version) for n in page)
                if not page:
                    time.sleep(0.01)

        reader = threading.Thread(target=follow)
        importer = threading.Thread(target=run_import)
        reader.start()
        importer.start()
        while importer.is_alive() or appended < 40:  # ordinary appends interleave
            stream = others[appended % len(others)]
            version = appended // len(others) + 1
            writer.insert_events([StoredEvent(stream, version, "concurrent", b"{}")])
            appended += 1
        importer.join()
        total.append(store.count_events())
        finished.set()
        reader.join()
        assert errors == []
        for recorder in (store, writer, follower):
            recorder.close()

    total_events = total[0]
    positions = [p for p, _, _ in seen]
    assert positions == sorted(set(positions))  # strictly increasing: once, in order
    keys = [(s, v) for _, s, v in seen]
    assert len(keys) == len(set(keys)) == total_events
    imported = [(s, v) for s, v in keys if uuid.UUID(s) not in others]
    lines = path.read_text().splitlines()
    assert len(imported) == len(lines)
    # The global order of the file is kept: imported events come in file order.
    from letopis.bulk.format import parse_line

    assert imported == [(str(ln.stream_id), ln.version)
                        for ln in (parse_line(i, t) for i, t in enumerate(lines, 1))]
