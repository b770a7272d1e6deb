"""The check pass over Parquet parts in several processes, one contiguous range of parts each.

Each worker checks its range exactly as the single-process check does (the same `Checker`,
its own connection to the store) and spools its new commands for the write pass, which
writes the ranges' spools in order: the file order, so positions follow the file as before.
A command that continues from one part into the next belongs to the range it starts in.

What a range cannot know is what the ranges before it hold. So a worker after the first
notes each stream's first (line, version) in its range; a stream whose first version there
does not continue the store's head is taken as continuing an earlier range: its versions are
counted on, its events left for the full replay after the pass. Then the importer:
1. stitches: in file order, every stream's first version in a range must continue its last
   version in the ranges before (else the store's head): the version check of the single
   pass, across ranges (a version 1 again in a later range, a gap between two ranges);
2. refuses at the earliest line any range or the stitching refused;
3. replays in full the streams some range deferred (fast path left, or continued), reading
   only their rows (letopis/bulk/files.py `stream_lines`), with the mark guards.
Nothing is written before all of it passed (docs/import.md).
"""

from __future__ import annotations

import multiprocessing
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import dropwhile, pairwise, takewhile
from pathlib import Path
from uuid import UUID

from letopis.bulk.checks import Checked, Checker, version_refusal
from letopis.bulk.files import Advance, parquet_lines_from, part_rows, stream_lines
from letopis.bulk.format import ImportRefused
from letopis.bulk.pg_copy import Spool
from letopis.bulk.postgres import PostgresTarget
from letopis.bulk.reader import groups_of
from letopis.bulk.target import Group
from letopis.clock import system_clock
from letopis.ledger import Ledger


@dataclass(frozen=True)
class Range:
    index: int
    parts: list[Path]  # every part of the file
    first: int  # parts[first:stop] are this range's
    stop: int
    before: int  # rows of the file before parts[first]
    last_row: int  # the file's row number of the range's last row
    skip_command: str | None  # the command the range before ends with (it checks it whole)


@dataclass
class RangeChecked:
    checked: Checked
    refused: tuple[int, str] | None  # (line, reason)
    firsts: dict[int, tuple[int, int]]  # stream -> (line, version) of its first event here
    lasts: dict[int, int]  # stream -> its last version here
    continued: dict[int, int]  # stream -> its head in the store
    deferred: set[int] = field(default_factory=set)


def plan_ranges(parts: list[Path], workers: int) -> list[Range]:
    """At most `workers` ranges of consecutive parts, of about the same number of rows."""
    import duckdb

    rows = part_rows(parts)
    total = sum(rows)
    cuts = [0]
    at = 0
    for i, count in enumerate(rows[:-1]):
        at += count
        if at >= total * len(cuts) / workers and len(cuts) < workers:
            cuts.append(i + 1)
    cuts.append(len(parts))
    ranges = []
    with duckdb.connect() as con:
        for index, (first, stop) in enumerate(pairwise(cuts)):
            skip = None
            before = [i for i in range(first) if rows[i]]
            if before:  # the command the last rows before the range belong to
                found = con.execute("SELECT command_id FROM read_parquet(?, file_row_number = "
                                    "true) ORDER BY file_row_number DESC LIMIT 1",
                                    [str(parts[before[-1]])]).fetchone()
                skip = found[0] if found else None
            ranges.append(Range(index, parts, first, stop, sum(rows[:first]),
                                sum(rows[:stop]), skip))
    return ranges


def _range_groups(task: Range) -> Iterator[Group]:
    """The groups that start in the range's parts (the last one read on into the next part)."""
    lines = parquet_lines_from(task.parts, task.first, task.before)
    if task.skip_command is not None:
        lines = dropwhile(lambda line: line.command_id == task.skip_command, lines)
    return takewhile(lambda group: group.lines[0].number <= task.last_row, groups_of(lines))


def check_range(task: tuple[str, str, Path, Range]) -> RangeChecked:
    """A worker: check one range against the store, spooling its new commands at `spool`."""
    from letopis.store import open_store

    url, schema, spool, the_range = task
    store = open_store(url, schema, 1)
    target = PostgresTarget(url, schema, Spool(spool))
    try:
        checker = Checker(Ledger(store, system_clock), target, track_ids=False,
                          continues=the_range.index > 0)
        refused = None
        try:
            checker.check(_range_groups(the_range))
        except ImportRefused as error:
            refused = (error.line, error.reason)
        seen = checker.firsts.keys() if checker.continues else checker.heads.keys()
        return RangeChecked(checker.result, refused, checker.firsts,
                            {key: checker.heads[key] for key in seen}, checker.continued,
                            checker.deferred)
    finally:
        target.close()
        store.close()


def check_parallel(ledger: Ledger, target: PostgresTarget, parts: list[Path], workers: int,
                   advance: Advance | None = None) -> Checked:
    """The check pass in `workers` processes; `target` then writes their spools in order."""
    ranges = plan_ranges(parts, workers)
    spools = Path(tempfile.mkdtemp(prefix="letopis-import-"))
    tasks = [(target.conninfo, target.schema, spools / f"range-{r.index}", r) for r in ranges]
    try:
        # spawn: the workers start clean (no DuckDB threads or connections inherited)
        with multiprocessing.get_context("spawn").Pool(len(ranges)) as pool:
            results = []
            for the_range, result in zip(ranges, pool.imap(check_range, tasks), strict=True):
                results.append(result)
                if advance is not None:
                    advance(sum(p.stat().st_size for p in parts[the_range.first:the_range.stop]))
        for spool in target.spools:
            spool.close()
        target.spools = [Spool(path) for _, _, path, _ in tasks]
    finally:
        for path in spools.iterdir():  # still open in the spools: gone when they are closed
            path.unlink()
        spools.rmdir()
    refusals = [r.refused for r in results if r.refused is not None] + _stitch(results)
    if refusals:
        line, reason = min(refusals)
        raise ImportRefused(line, reason)
    checked = _merge([r.checked for r in results])
    checker = Checker(ledger, target, track_ids=False)
    checker.result = checked
    checker.deferred = set().union(*(r.deferred for r in results))
    store_heads: dict[int, int] = {}
    for r in results:
        store_heads.update(r.continued)
    checker.replay_deferred(stream_lines(parts, [UUID(int=key) for key in checker.deferred]),
                            store_heads)
    return checked


def _stitch(results: list[RangeChecked]) -> list[tuple[int, str]]:
    """The version check across ranges: each range's first version of a stream continues the
    ranges before it, or the store's head."""
    refusals = []
    lasts: dict[int, int] = {}
    for result in results:
        for key, (line, version) in result.firsts.items():
            head = lasts.get(key, result.continued.get(key))
            if head is not None and version != head + 1:
                refusals.append((line, version_refusal(UUID(int=key), version, head)))
        lasts.update(result.lasts)
    return refusals


def _merge(parts: list[Checked]) -> Checked:
    merged = Checked()
    for checked in parts:
        merged.skip |= checked.skip
        merged.new_commands += checked.new_commands
        merged.new_events += checked.new_events
        merged.streams += checked.streams
        merged.fast_marks += checked.fast_marks
    return merged
