"""A recorder that writes each appended command to an import file instead of a database.

The file generator (letopis/demo_files.py) runs the ordinary services over a `Ledger` whose
recorder is a `SinkRecorder`: every command's guards run and its events are encoded by the
ledger's own mapper, then written as import rows (docs/import.md). The recorder keeps the
streams the generator still reads (learners, organisations, exams...) in memory; gradebooks,
the bulk of a region, never reach it: the generator writes marks straight to the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn
from uuid import UUID

from eventsourcing.persistence import Notification, StoredEvent

from letopis.bulk.files import RowWriter
from letopis.store.base import CommandOutcome, LedgerRecorder


class SinkRecorder(LedgerRecorder):
    def __init__(self, writer: RowWriter) -> None:
        self.writer = writer
        self.position = 0
        self.streams: dict[UUID, list[StoredEvent]] = {}
        self.notifications: list[Notification] = []

    def insert_events(self, stored_events: Sequence[StoredEvent],
                      **kwargs: Any) -> Sequence[int] | None:
        command_id: str = kwargs["command_id"]
        result: str | None = kwargs["command_result"]
        positions = []
        for stored in stored_events:
            stream_id = UUID(str(stored.originator_id))
            self.writer.write(command_id, result, stream_id, stored.originator_version,
                              stored.topic, stored.state)
            result = None  # only a command's first row carries its result
            self.position += 1
            positions.append(self.position)
            self.streams.setdefault(stream_id, []).append(stored)
            self.notifications.append(Notification(
                id=self.position, originator_id=stream_id,
                originator_version=stored.originator_version, topic=stored.topic,
                state=stored.state))
        return positions

    def skip(self, events: int) -> None:
        """Count events the generator wrote to the file itself (global positions)."""
        self.position += events

    def select_events(self, originator_id: UUID | str, *, gt: int | None = None,
                      lte: int | None = None, desc: bool = False,
                      limit: int | None = None) -> Sequence[StoredEvent]:
        events = [e for e in self.streams.get(UUID(str(originator_id)), [])
                  if (gt is None or e.originator_version > gt)
                  and (lte is None or e.originator_version <= lte)]
        if desc:
            events.reverse()
        return events[:limit] if limit is not None else events

    def select_streams(self, stream_ids: Sequence[UUID]) -> dict[UUID, list[StoredEvent]]:
        # Ordered by stream id as the SQLite and PostgreSQL stores return them: services that
        # load many aggregates save them (and so order a command's events) in this order.
        return {stream_id: list(self.streams[stream_id]) for stream_id in sorted(set(stream_ids))
                if stream_id in self.streams}

    def select_notifications(self, start: int | None, limit: int, stop: int | None = None,
                             topics: Sequence[str] = (), *,
                             inclusive_of_start: bool = True) -> Sequence[Notification]:
        low = (start or 0) + (0 if inclusive_of_start else 1)
        found = [n for n in self.notifications
                 if n.id >= low and (stop is None or n.id <= stop)
                 and (not topics or n.topic in topics)]
        return found[:limit]

    def max_notification_id(self) -> int | None:
        return self.position or None

    def subscribe(self, gt: int | None = None, topics: Sequence[str] = ()) -> NoReturn:
        raise NotImplementedError("a file has no subscribers")

    def command_outcome(self, command_id: str) -> CommandOutcome | None:  # noqa: ARG002
        return None  # the generator never repeats a command id

    def put_personal_data(self, learner_id: UUID, data: bytes) -> None:
        raise NotImplementedError("the file generator keeps no personal data")

    def get_personal_data(self, learner_id: UUID) -> bytes | None:  # noqa: ARG002
        return None

    def delete_personal_data(self, learner_id: UUID) -> bool:  # noqa: ARG002
        return False

    def count_events(self) -> int:
        return self.position

    def close(self) -> None:
        self.writer.close()
