"""`letopis import`: check the whole file, then write it in batches (nothing before the check).

The check pass stages each new command with the target (a spool file); the write pass
streams the spool, so the file is read once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from letopis.bulk.checks import Checker
from letopis.bulk.files import input_parts, read_lines, stream_lines
from letopis.bulk.groups import refuse_repeated_commands
from letopis.bulk.reader import read_groups
from letopis.bulk.target import Target
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import LedgerRecorder

DEFAULT_BATCH = 50_000


@dataclass(frozen=True)
class Progress:
    """Callbacks for a progress display: bytes checked, then events written."""

    checked: Callable[[int], None] | None = None
    start_writing: Callable[[int], None] | None = None
    written: Callable[[int], None] | None = None


@dataclass(frozen=True)
class ImportReport:
    commands: int
    events: int
    skipped_commands: int
    batches: int
    fast_marks: int = 0  # marks checked on the fast path (letopis/bulk/marks.py)
    deferred_streams: int = 0  # gradebooks that left it and were replayed in full


@contextmanager
def open_target(store: LedgerRecorder, url: str, schema: str) -> Iterator[Target]:
    from letopis.store.sqlite import SQLiteRecorder

    target: Target
    if isinstance(store, SQLiteRecorder):
        from letopis.bulk.sqlite import SQLiteTarget

        target = SQLiteTarget(store)
    else:
        from letopis.bulk.postgres import PostgresTarget

        target = PostgresTarget(url, schema)
    try:
        yield target
    finally:
        target.close()


def import_file(store: LedgerRecorder, target: Target, path: Path, *,
                batch_size: int = DEFAULT_BATCH, progress: Progress = Progress(),
                workers: int = 1) -> ImportReport:
    """Import `path` into the store; raises ImportRefused (nothing written) on a bad file.
    Parquet parts into PostgreSQL are checked by up to `workers` processes (spawned: the
    caller's main module must be importable without side effects)."""
    parts = input_parts(path)
    parquet = all(part.suffix == ".parquet" for part in parts)
    if parquet:  # out of core: the file's command ids would not fit in memory at scale
        refuse_repeated_commands(parts)
    ledger = Ledger(store, system_clock)
    from letopis.bulk.postgres import PostgresTarget

    if parquet and workers > 1 and len(parts) > 1 and isinstance(target, PostgresTarget):
        from letopis.bulk.parallel import check_parallel

        checked = check_parallel(ledger, target, parts, workers, progress.checked)
    else:
        checker = Checker(ledger, target, track_ids=not parquet)
        checked = checker.check(read_groups(path, progress.checked))
        checker.replay_deferred(stream_lines(parts, [UUID(int=key) for key in checker.deferred])
                                if parquet and checker.deferred else read_lines(path), {})
    if progress.start_writing is not None:
        progress.start_writing(checked.new_events)
    batches = target.flush(batch_size, progress.written)
    return ImportReport(checked.new_commands, checked.new_events, len(checked.skip), batches,
                        checked.fast_marks, checked.deferred_streams)
