"""SQLite bulk writes: the library recorder's insert, many commands per transaction.

SQLite serialises writers, so rowids (positions) commit in order; no lock is needed.
"""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Callable, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from letopis.bulk.format import strip_positions
from letopis.bulk.target import Group, digest
from letopis.store.sqlite import SQLiteRecorder


class SQLiteTarget:
    def __init__(self, recorder: SQLiteRecorder) -> None:
        self.recorder = recorder
        self.spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()

    def heads(self, stream_ids: Sequence[UUID]) -> dict[UUID, int]:
        heads: dict[UUID, int] = {}
        for stream_id in stream_ids:
            last = self.recorder.select_events(stream_id, desc=True, limit=1)
            if last:
                heads[stream_id] = last[0].originator_version
        return heads

    def recorded(self, command_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        rows: list[tuple[str, str]] = []
        for at in range(0, len(command_ids), 500):
            chunk = list(command_ids[at:at + 500])
            marks = ", ".join("?" * len(chunk))
            with self.recorder.datastore.transaction(commit=False) as c:
                c.execute(f"SELECT command_id, result FROM commands "  # noqa: S608 - marks only
                          f"WHERE command_id IN ({marks})", chunk)
                rows += [(r[0], r[1]) for r in c.fetchall()]
        for command_id, result in rows:
            positions: list[int] = json.loads(result).get("positions", [])
            events = []
            for position in positions:
                (n,) = self.recorder.select_notifications(position, 1, stop=position)
                events.append((UUID(str(n.originator_id)), n.originator_version, n.topic,
                               n.state))
            found[command_id] = digest(strip_positions(result), events)
        return found

    def stage(self, group: Group) -> None:
        pickle.dump(group, self.spool)

    def flush(self, batch_size: int, written: Callable[[int], None] | None) -> int:
        self.spool.seek(0)
        batch: list[Group] = []
        batches = 0
        count = 0
        while True:
            try:
                group: Group | None = pickle.load(self.spool)  # noqa: S301 - our own spool
            except EOFError:
                group = None
            if group is not None:
                batch.append(group)
                count += len(group.lines)
            if batch and (group is None or count >= batch_size):
                self._write(batch)
                batches += 1
                if written is not None:
                    written(count)
                batch, count = [], 0
            if group is None:
                return batches

    def _write(self, groups: Sequence[Group]) -> None:
        with self.recorder.datastore.transaction(commit=True) as c:
            for group in groups:
                events = [StoredEvent(originator_id=line.stream_id,
                                      originator_version=line.version, topic=line.topic,
                                      state=line.state) for line in group.lines]
                self.recorder._insert_events(c, events, command_id=group.command_id,
                                             command_result=group.result)

    def close(self) -> None:
        self.spool.close()
