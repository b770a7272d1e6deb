"""The check pass in several processes (letopis/bulk/parallel.py) imports what the single
process imports, and refuses what it refuses, naming the same line, with nothing written:
across the ranges' boundaries too (a stream continued in a later range, a command split
between two parts, a version 1 again or a gap in a later range, a bad mark in a gradebook
whose marks are split between ranges)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from letopis.bulk.files import ParquetWriter
from letopis.bulk.format import ImportRefused
from letopis.bulk.importer import ImportReport, import_file, open_target
from letopis.demo import DemoPlan
from letopis.demo_files import generate_files
from letopis.store import open_store
from tests.pg import fresh_schema

Row = dict[str, Any]
MARK = "domain.gradebook:Gradebook.MarkRecorded"
# Two years: the second year's promotions and the other domains' content continue the
# learner streams of the first ranges.
PLAN = DemoPlan(learners=8, years=2, seed=3, weeks_of_marks=2, lessons_per_week=2)


@pytest.fixture(scope="module")
def rows(tmp_path_factory: pytest.TempPathFactory) -> list[Row]:
    out = tmp_path_factory.mktemp("parallel") / "region.ndjson"
    generate_files(PLAN, out, "ndjson")
    return [json.loads(line) for line in out.read_text().splitlines()]


def _parts(directory: Path, rows: list[Row], part_rows: int = 101) -> Path:
    """Parts of an odd size: commands of several rows are cut between two parts."""
    writer = ParquetWriter(directory, part_rows=part_rows)
    for row in rows:
        writer.write_text(row["command_id"], row.get("command_result"), row["stream_id"],
                          row["version"], row["topic"], row["state"])
    writer.close()
    return directory


def _import(path: Path, workers: int) -> tuple[ImportReport, list[tuple[Any, ...]]]:
    with fresh_schema() as (url, schema):
        store = open_store(url, schema)
        try:
            with open_target(store, url, schema) as target:
                report = import_file(store, target, path, batch_size=300, workers=workers)
            events = [(str(n.originator_id), n.originator_version, n.topic, n.state)
                      for n in store.select_notifications(1, 10**9)]
        finally:
            store.close()
    return report, events


def _refusal(url: str, schema: str, path: Path, workers: int) -> str | None:
    store = open_store(url, schema)
    try:
        with open_target(store, url, schema) as target:
            import_file(store, target, path, batch_size=10, workers=workers)
    except ImportRefused as refused:
        assert store.count_events() == 0
        return str(refused)
    finally:
        store.close()
    return None


def test_the_parallel_check_imports_what_the_single_one_imports(rows: list[Row],
                                                                 tmp_path: Path) -> None:
    path = _parts(tmp_path / "region", rows)
    single, expected = _import(path, workers=1)

    for workers in (2, 3):
        report, events = _import(path, workers)
        assert (report.commands, report.events) == (single.commands, single.events)
        # Learners and gradebooks continued in later ranges: replayed in full after the pass.
        assert report.deferred_streams > 0
        assert report.fast_marks <= single.fast_marks
        assert events == expected
    assert len(expected) == len(rows)


def _drop_command(at: int) -> Callable[[list[Row]], list[Row]]:
    def change(rows: list[Row]) -> list[Row]:
        command = rows[at]["command_id"]
        return [row for row in rows if row["command_id"] != command]
    return change


def _again_at_the_end(at: int) -> Callable[[list[Row]], list[Row]]:
    """The event of line `at` again as a command of its own, at the end of the file."""
    def change(rows: list[Row]) -> list[Row]:
        row = rows[at]
        result = json.dumps({"data": {}, "streams": {row["stream_id"]: row["version"]}})
        return [*rows, {**row, "command_id": "again", "command_result": result}]
    return change


def _state(at: int, old: str, new: str) -> Callable[[list[Row]], list[Row]]:
    """`old` replaced by `new` in the state of line `at`."""
    def change(rows: list[Row]) -> list[Row]:
        assert old in rows[at]["state"]
        return [*rows[:at], {**rows[at], "state": rows[at]["state"].replace(old, new, 1)},
                *rows[at + 1:]]
    return change


def _mark_id(rows: list[Row], at: int) -> str:
    return str(json.loads(rows[at]["state"])["mark_id"]["_data_"])


def _changes(rows: list[Row], boundaries: list[int]) -> Iterator[
        tuple[str, Callable[[list[Row]], list[Row]]]]:
    """Changes next to each boundary between two ranges (`b`: the first row of a range)."""
    marks = [i for i, row in enumerate(rows) if row["topic"] == MARK]
    for b in boundaries:
        yield f"drop {b - 1}", _drop_command(b - 1)
        yield f"drop {b}", _drop_command(b)
        yield f"again {b - 2}", _again_at_the_end(b - 2)
        after = [i for i in marks if i >= b]
        if after:
            yield f"value {after[0]}", _state(after[0], '"value":"', '"value":"7')
        # A gradebook with marks on both sides: a mark after the boundary reuses the id of
        # one before it.
        split = [(i, j) for i in marks if i < b for j in marks if j >= b
                 and rows[i]["stream_id"] == rows[j]["stream_id"]]
        if split:
            i, j = split[-1]
            yield f"reused id {i} {j}", _state(j, _mark_id(rows, j), _mark_id(rows, i))


def test_the_parallel_check_refuses_what_the_single_one_refuses_at_the_same_line(
        rows: list[Row], tmp_path: Path) -> None:
    from letopis.bulk.files import input_parts
    from letopis.bulk.parallel import plan_ranges

    ranges = plan_ranges(input_parts(_parts(tmp_path / "region", rows)), 3)
    assert len(ranges) == 3
    refused = 0
    for name, change in _changes(rows, [r.before for r in ranges[1:]]):
        path = _parts(tmp_path / name.replace(" ", "-"), change(rows))
        with fresh_schema() as (url, schema):  # a refusal leaves it empty
            single = _refusal(url, schema, path, workers=1)
            if single is None:  # the change left a valid file (e.g. a stream's last event)
                _import(path, workers=3)  # and the parallel check admits it as well
                continue
            assert _refusal(url, schema, path, workers=3) == single, name
            refused += 1
    assert refused >= 6


def test_a_gradebook_off_the_fast_path_is_replayed_from_its_rows_with_one_or_more_workers(
        rows: list[Row], tmp_path: Path) -> None:
    # A mark with an escaped character in its state (not one of the two shapes): its gradebook
    # is replayed in full after the pass, reading only its rows from the parts.
    marks = [i for i, row in enumerate(rows) if row["topic"] == MARK]
    stream = rows[marks[len(marks) // 2]]["stream_id"]
    book = [i for i in marks if rows[i]["stream_id"] == stream]
    escaped = _state(book[0], '"source_system":"demo"', '"source_system":"demo\\u0020"')(rows)
    valid = _parts(tmp_path / "escaped", escaped)
    reused = _parts(tmp_path / "reused", _state(book[-1], _mark_id(rows, book[-1]),
                                                 _mark_id(rows, book[0]))(escaped))

    single, expected = _import(valid, workers=1)
    report, events = _import(valid, workers=3)
    assert single.deferred_streams >= 1
    assert report.deferred_streams >= single.deferred_streams
    assert events == expected
    with fresh_schema() as (url, schema):
        refused = _refusal(url, schema, reused, workers=1)
        assert refused is not None
        assert f"line {book[-1] + 1}: mark refused in gradebook {stream}: mark id" in refused
        assert _refusal(url, schema, reused, workers=3) == refused
