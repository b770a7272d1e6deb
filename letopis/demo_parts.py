"""The synthetic region's Parquet parts, written by several processes, the same whatever their
number.

A learner's year (registration or promotion, enrolment, marks, leaving) reads no other
learner's streams, only the organisations. So after the organisations (the prologue, written
here) the learner years are cut into chunks of `CHUNK_LEARNERS` learners, in the order the
single-process generator issues them (year by year, learner by learner); each chunk is
written to parts of its own (`part-<chunk>-<n>.parquet`) by whichever worker process takes
it, and the other domains' content (the epilogue) goes to the last parts, written here while
the workers run. Parts are read in name order, so the file is the single-process file row
for row, and its parts are the same whatever the number of workers: the chunks do not
depend on it (tests/integration/test_demo_parts.py).

What a chunk needs from the commands before it: the command count (the simulated clock is
`commands % 3600` seconds past the hour), computed from the plan without running anything
(`learner_year_commands`; each worker's count is checked against it), and, for a learner's
later years and for the epilogue's first learners, the learner streams: those learner years
are replayed with their marks counted, not written (`FileDemoGenerator.silent`).
"""

from __future__ import annotations

import multiprocessing
import random
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from letopis.bulk.files import ParquetWriter
from letopis.demo import EXTENSION_LEARNERS, FIRST_YEAR, SUBJECTS, DemoPlan, lessons
from letopis.demo_files import FileDemoGenerator, FilesReport, open_generator

CHUNK_LEARNERS = 1_000  # learners of one year per chunk: ~360k rows at 34 weeks x 2 lessons


class NullWriter:
    """A `RowWriter` that drops every row (replayed learner years)."""

    rows = 0

    def write(self, command_id: str, result: str | None, stream_id: UUID, version: int,
              topic: str, state: bytes) -> None:
        """Drop a row."""

    def write_text(self, command_id: str, result: str | None, stream_id: str, version: int,
                   topic: str, state: str) -> None:
        """Drop a row."""

    def close(self) -> None:
        """Nothing to finish."""


def learner_year_commands(plan: DemoPlan, n: int, year_index: int) -> int:
    """Commands `DemoGenerator._learner_year` issues for learner `n` in year `year_index`."""
    grade = random.Random(f"{plan.seed}/{n}").randint(1, 11) + year_index  # its first draw
    if year_index > 0 and grade > 11:
        return 0
    days = len(lessons(FIRST_YEAR + year_index, plan))
    marks = len(SUBJECTS) * (days + 1) if days else 0
    return (2 if year_index == 0 else 1) + marks + (1 if grade == 11 else 0)


@dataclass(frozen=True)
class Chunk:
    number: int  # its parts' prefix: part-<number>
    year_index: int
    first: int  # learners first..stop-1
    stop: int
    before: int  # commands issued before it
    commands: int  # commands it issues
    earlier: tuple[int, ...]  # commands before the same learners in each earlier year


def plan_chunks(plan: DemoPlan, prologue: int) -> list[Chunk]:
    """The learner-year chunks in order, after `prologue` commands."""
    chunks: list[Chunk] = []
    before = prologue
    starts: dict[int, list[int]] = {}  # first learner -> commands before it, per year
    for year_index in range(plan.years):
        for first in range(0, plan.learners, CHUNK_LEARNERS):
            stop = min(first + CHUNK_LEARNERS, plan.learners)
            count = sum(learner_year_commands(plan, n, year_index) for n in range(first, stop))
            earlier = tuple(starts.setdefault(first, []))
            chunks.append(Chunk(len(chunks) + 1, year_index, first, stop, before, count,
                                earlier))
            starts[first].append(before)
            before += count
    return chunks


class _Session:
    """One process's file generator: the organisations issued, the learner streams kept only
    for the chunk at hand."""

    def __init__(self, plan: DemoPlan, prologue: ParquetWriter | None = None) -> None:
        self.stack = ExitStack()
        self.generator: FileDemoGenerator = self.stack.enter_context(
            open_generator(plan, prologue or NullWriter()))
        self.schools: list[UUID] = self.generator._organisations()
        self.generator.use(NullWriter())
        self.organisations = dict(self.generator.sink.streams)

    def replay(self, chunk: Chunk, first: int, stop: int) -> None:
        """Learners first..stop-1 of `chunk`'s range, every year up to `chunk`'s included,
        issued again without writing them: their streams for the commands that follow."""
        g, sink = self.generator, self.generator.sink
        position, notifications = sink.position, len(sink.notifications)
        g.use(NullWriter())
        g.silent = True
        try:
            for year_index, before in enumerate((*chunk.earlier, chunk.before)):
                g.commands = before + sum(learner_year_commands(g.plan, n, year_index)
                                          for n in range(chunk.first, first))
                for n in range(first, stop):
                    g._learner_year(n, FIRST_YEAR + year_index, year_index,
                                    self.schools)
        finally:
            g.silent = False
            sink.position = position  # what the replay appended is not part of the file
            del sink.notifications[notifications:]

    def write(self, chunk: Chunk, out: Path) -> tuple[int, int, int]:
        """Write `chunk` to its parts; returns (commands, rows, parts)."""
        g, sink = self.generator, self.generator.sink
        sink.streams = dict(self.organisations)  # memory: one chunk's learners at a time
        sink.notifications.clear()
        if chunk.earlier:
            self.replay(Chunk(chunk.number, chunk.year_index - 1, chunk.first, chunk.stop,
                              chunk.earlier[-1], 0, chunk.earlier[:-1]),
                          chunk.first, chunk.stop)
        writer = ParquetWriter(out, prefix=f"part-{chunk.number:06d}")
        g.use(writer)
        g.commands = chunk.before
        for n in range(chunk.first, chunk.stop):
            g._learner_year(n, FIRST_YEAR + chunk.year_index, chunk.year_index,
                            self.schools)
        writer.close()
        g.use(NullWriter())
        return g.commands - chunk.before, writer.rows, writer.parts

    def close(self) -> None:
        self.stack.close()


_SESSIONS: dict[DemoPlan, _Session] = {}  # per worker process, kept across its chunks


def _write_chunk(task: tuple[DemoPlan, Path, Chunk]) -> tuple[int, int, int]:
    plan, out, chunk = task
    session = _SESSIONS.get(plan)
    if session is None:
        session = _SESSIONS[plan] = _Session(plan)
    return session.write(chunk, out)


def generate_parts(plan: DemoPlan, out: Path, workers: int) -> FilesReport:
    """Write the region of `plan` to Parquet parts in `out` with `workers` processes."""
    prologue = ParquetWriter(out, prefix="part-000000")
    main = _Session(plan, prologue)
    try:
        prologue.close()
        chunks = plan_chunks(plan, main.generator.commands)
        tasks = [(plan, out, chunk) for chunk in chunks]
        pool = None
        written: list[tuple[int, int, int]] | None = None
        if workers > 1 and len(chunks) > 1:
            # spawn: the workers start clean (no DuckDB threads inherited from this process)
            pool = multiprocessing.get_context("spawn").Pool(min(workers, len(chunks)))
            pending = pool.map_async(_write_chunk, tasks, chunksize=1)
        try:
            if pool is None:
                written = [_write_chunk(task) for task in tasks]
            rows, parts = _epilogue(main, plan, chunks, out)
            if pool is not None:
                written = pending.get()
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
            for session in _SESSIONS.values():
                session.close()
            _SESSIONS.clear()
    finally:
        main.close()
    assert written is not None
    for chunk, (commands, _rows, _parts) in zip(chunks, written, strict=True):
        if commands != chunk.commands:  # learner_year_commands no longer follows the demo
            raise RuntimeError(f"chunk {chunk.number} issued {commands} commands, "
                               f"{chunk.commands} planned")
    return FilesReport(main.generator.commands,
                       prologue.rows + sum(w[1] for w in written) + rows,
                       prologue.parts + sum(w[2] for w in written) + parts)


def _epilogue(main: _Session, plan: DemoPlan, chunks: list[Chunk],
              out: Path) -> tuple[int, int]:
    """The other domains' content and the marker, after every chunk: their first learners'
    streams replayed, the command count carried on. Returns (rows, parts)."""
    g = main.generator
    for chunk in chunks:
        if chunk.year_index == plan.years - 1 and chunk.first < EXTENSION_LEARNERS:
            main.replay(chunk, chunk.first, min(chunk.stop, EXTENSION_LEARNERS))
    g.commands = chunks[-1].before + chunks[-1].commands if chunks else g.commands
    writer = ParquetWriter(out, prefix=f"part-{len(chunks) + 1:06d}")
    g.use(writer)
    g.finish(main.schools)
    writer.close()
    return writer.rows, writer.parts
