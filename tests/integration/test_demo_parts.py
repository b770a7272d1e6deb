"""`letopis demo generate --out DIR --workers N`: the same parts, row for row, whatever N, and
the rows of the single-process file (itself equal to the command path's store,
tests/integration/test_demo_files.py)."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from letopis.bulk.files import read_lines
from letopis.bulk.format import Line
from letopis.demo import DemoPlan
from letopis.demo_files import generate_files
from letopis.demo_parts import learner_year_commands, plan_chunks

# Two years (promotions, leavings after grade 11), two lessons a week, a period mark per subject.
PLAN = DemoPlan(learners=14, years=2, seed=5, weeks_of_marks=2, lessons_per_week=2)


def _parts(directory: Path) -> dict[str, list[Line]]:
    return {part.name: list(read_lines(part)) for part in sorted(directory.glob("*.parquet"))}


def _rows(lines: list[Line]) -> list[tuple[object, ...]]:
    """Without the row numbers (each part counts from 1)."""
    return [(ln.command_id, ln.command_result, ln.stream_id, ln.version, ln.topic, ln.state)
            for ln in lines]


def test_the_parts_are_the_same_whatever_the_number_of_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Chunks of 4 learners (several per year, the last one short); the other domains' content
    # for the first 6 learners, so the last process replays part of a chunk.
    monkeypatch.setattr("letopis.demo_parts.CHUNK_LEARNERS", 4)
    monkeypatch.setattr("letopis.demo_parts.EXTENSION_LEARNERS", 6)
    monkeypatch.setattr("letopis.demo.EXTENSION_LEARNERS", 6)
    single = generate_files(PLAN, tmp_path / "region.ndjson", "ndjson")
    expected = _rows(list(read_lines(tmp_path / "region.ndjson")))

    found = {}
    for workers in (1, 2, 3):
        out = tmp_path / f"workers-{workers}"
        report = generate_files(PLAN, out, "parquet", workers=workers)
        assert (report.commands, report.events) == (single.commands, single.events)
        found[workers] = {name: _rows(lines) for name, lines in _parts(out).items()}

    # prologue, 4 chunks a year for 2 years, epilogue: one part each
    assert len(found[1]) == 10
    assert found[1] == found[2] == found[3]
    assert [row for part in found[2].values() for row in part] == expected


def test_the_planned_command_counts_are_the_ones_the_generator_issues() -> None:
    chunks = plan_chunks(PLAN, prologue=3)
    assert chunks[0].before == 3
    for previous, chunk in pairwise(chunks):
        assert chunk.before == previous.before + previous.commands
    # A learner leaving after grade 11 issues one command more that year, none the next.
    counts = {learner_year_commands(PLAN, n, 0) for n in range(PLAN.learners)}
    marks = 5 * (PLAN.weeks_of_marks * PLAN.lessons_per_week + 1)
    assert counts <= {2 + marks, 3 + marks}
    assert any(learner_year_commands(PLAN, n, 1) == 0 for n in range(PLAN.learners))
