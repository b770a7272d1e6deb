"""`letopis demo generate --out DIR`: the demo region streamed to import files, no database.

The same plan gives the same stored events as `letopis demo generate` into a store (same
command ids, topics, versions, state bytes, command results), in the same global order:
- every command but marks runs through the ordinary services, over a `Ledger` whose recorder
  writes to the file (letopis/demo_sink.py), so its guards and encoding are the real ones;
- marks, the bulk of the region, are written from templates cut from the real mapper's
  output (letopis/demo_marks.py), with `Gradebook.Opened` encoded by the mapper itself.
Memory stays bounded by what the services read back (learners, organisations and the other
domains' streams), never by the marks; files are written in Parquet parts of a million rows.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from uuid import NAMESPACE_URL, UUID

from eventsourcing.persistence import StoredEvent

from domain.envelope import Actor, Meta, Role
from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind
from letopis.bootstrap import Services, compose
from letopis.bulk.files import RowWriter, open_writer
from letopis.calendars import load_calendar
from letopis.demo import SUBJECTS, DemoGenerator, DemoPlan, SettableClock, lessons
from letopis.demo_marks import (
    MARK_TOPIC,
    MarkTemplates,
    mark_result,
    payload_text,
    state_text,
)
from letopis.demo_sink import SinkRecorder
from letopis.ledger import Ledger
from letopis.privacy import PersonalDataService, open_keystore


@dataclass(frozen=True)
class FilesReport:
    commands: int
    events: int
    parts: int


class FileDemoGenerator(DemoGenerator):
    """The demo generator with marks written straight to the file."""

    def __init__(self, services: Services, clock: SettableClock, plan: DemoPlan,
                 sink: SinkRecorder) -> None:
        super().__init__(services, clock, plan)
        self.sink = sink
        self.writer: RowWriter = sink.writer
        self.templates = MarkTemplates(services.ledger)
        self.to_stored = services.ledger.mapper.to_stored_event
        # Replaying learner years only for the streams they leave (letopis/demo_parts.py):
        # marks are counted, not written (no command reads a gradebook back).
        self.silent = False

    def use(self, writer: RowWriter) -> None:
        """Write what follows to `writer`."""
        self.writer = self.sink.writer = writer

    def _stamp(self, on: date, hour: int) -> str:
        """What `_ctx` would set the clock to, as the stored ISO text; counts the command."""
        seconds = self.commands % 3600
        self.commands += 1
        self.clock.now = datetime.combine(on, time(hour), tzinfo=UTC) + timedelta(
            seconds=seconds)
        return f"{on.isoformat()}T{hour:02d}:{seconds // 60:02d}:{seconds % 60:02d}+00:00"

    def _marks(self, n: int, learner_id: UUID, start: int, rng: random.Random) -> None:
        year = f"{start}/{start + 1}"
        user = f"teacher-{n % 17}"
        ability = rng.choice((3, 4, 4, 5))
        days = lessons(start, self.plan)
        plan, write = self.plan, self.writer.write_text
        current_state = self.templates.state[MarkKind.CURRENT]
        current_payload = self.templates.payload[MarkKind.CURRENT]
        learner = str(learner_id)
        if self.silent:
            self.commands += len(SUBJECTS) * (len(days) + 1) if days else 0
            return
        for subject in SUBJECTS:
            if not days:
                continue
            stream_id = Gradebook.stream_id(learner_id, subject, year)
            stream = str(stream_id)
            prefix = plan.command_id("mark", n, subject, start) + "/"
            state_prefix, payload_prefix = state_text(prefix), payload_text(subject)
            mark_name = "/".join(str(p) for p in (plan.seed, "mark", n, subject,
                                                               start, ""))
            values = []
            version = 1
            for week, lesson_on in enumerate(days):
                value = str(max(2, min(5, ability + rng.choice((-1, 0, 0, 1)))))
                values.append(int(value))
                on = lesson_on.isoformat()
                stamp = self._stamp(lesson_on, 12)
                mark_hex, mark = _uuid5(f"{mark_name}{week}")
                command_id = f"{prefix}{week}"
                payload = current_payload.format(
                    ts=stamp, mark_hex=mark_hex, mark=mark, lesson=on, effective=on,
                    learner=learner, value=value, user=user, command_id="",
                    subject=payload_prefix, year=year)
                result = mark_result(stream, version + 1, payload)
                if version == 1:  # the first mark opens the gradebook, in the same command
                    opened = self._opened(learner_id, subject, year, lesson_on, user,
                                          command_id)
                    write(command_id, result, stream, 1, opened.topic, opened.state.decode())
                    result_or_none: str | None = None
                else:
                    result_or_none = result
                version += 1
                write(command_id, result_or_none, stream, version, MARK_TOPIC,
                      current_state.format(ts=stamp, mark_hex=mark_hex, lesson=on,
                                           effective=on, value=value, user=user,
                                           command_id=state_prefix + str(week),
                                           source="demo"))
                self.sink.skip(version if version == 2 else 1)
            quarter = str(int(sum(values) / len(values) + 0.5))  # half up, as the demo
            self._quarter(n, learner_id, subject, start, year, stream, version, quarter, user)

    def _quarter(self, n: int, learner_id: UUID, subject: str, start: int, year: str,
                 stream: str, version: int, value: str, user: str) -> None:
        end = date(start, 10, 31)
        stamp = self._stamp(end, 14)
        mark = self.plan.uuid("quarter", n, subject, start)
        command_id = self.plan.command_id("quarter", n, subject, start)
        fields = {"ts": stamp, "mark_hex": mark.hex, "mark": str(mark),
                  "effective": end.isoformat(), "learner": str(learner_id), "value": value,
                  "user": user, "year": year, "source": "demo"}
        payload = self.templates.payload[MarkKind.PERIOD].format(
            **fields, lesson="", command_id="", subject=payload_text(subject))
        state = self.templates.state[MarkKind.PERIOD].format(
            **fields, lesson="", command_id=state_text(command_id), subject="")
        self.writer.write_text(command_id, mark_result(stream, version + 1, payload), stream,
                               version + 1, MARK_TOPIC, state)
        self.sink.skip(1)

    def _opened(self, learner_id: UUID, subject: str, year: str, on: date, user: str,
                command_id: str) -> StoredEvent:
        meta = Meta(recorded_at=self.clock.now, effective_on=on,
                    actor=Actor(user_id=user, role=Role.TEACHER), command_id=command_id,
                    basis=None, correlation_id=None, causation_id=None, source_system="demo")
        book = Gradebook.open(learner_id=learner_id, subject=subject, academic_year=year,
                              meta=meta)
        (event,) = book.collect_events()
        return self.to_stored(event)


_DEMO_PREFIX = NAMESPACE_URL.bytes + b"letopis-demo/"


def _uuid5(name: str) -> tuple[str, str]:
    """`DemoPlan.uuid` (uuid5 in the URL namespace) as hex and as text, without UUID objects:
    the same bits as the standard library's uuid5 (tested by the file equivalence test)."""
    digest = bytearray(hashlib.sha1(_DEMO_PREFIX + name.encode(), usedforsecurity=False)
                       .digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return h, f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def generate_files(plan: DemoPlan, out: Path, file_format: str = "parquet",
                   workers: int = 1) -> FilesReport:
    """Write the region of `plan` to `out`: Parquet parts by `workers` processes (the same
    parts whatever their number, letopis/demo_parts.py), or one NDJSON file from this
    process. Workers are spawned: the caller's main module must be importable without
    side effects (`if __name__ == "__main__"`)."""
    if file_format == "parquet":
        from letopis.demo_parts import generate_parts

        return generate_parts(plan, out, workers)
    writer = open_writer(out, file_format)
    try:
        with open_generator(plan, writer) as generator:
            commands = generator.run()
    finally:
        writer.close()
    return FilesReport(commands, writer.rows, 1)


@contextmanager
def open_generator(plan: DemoPlan, writer: RowWriter) -> Iterator[FileDemoGenerator]:
    """The file generator of `plan`, writing to `writer` (not closed here)."""
    sink = SinkRecorder(writer)
    clock = SettableClock()
    ledger = Ledger(sink, clock)
    with tempfile.TemporaryDirectory() as tmp:
        # No master key: like a store without one, the region keeps no personal data.
        keystore = open_keystore(f"sqlite:///{tmp}/unused.sqlite")
        try:
            services = compose(ledger, load_calendar(None),
                               PersonalDataService(ledger, keystore, None, clock))
            yield FileDemoGenerator(services, clock, plan, sink)
        finally:
            keystore.close()
