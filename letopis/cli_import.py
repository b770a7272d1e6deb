"""`letopis import FILE|DIR` and `letopis dump-events --out FILE`: bulk history in and out."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from letopis.settings import Settings

SettingsFactory = Callable[[], Settings]
EXIT_USAGE = 2  # as in letopis.cli
EXIT_REFUSED = 3


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bulk.files import input_parts
    from letopis.bulk.format import ImportRefused
    from letopis.bulk.importer import import_file, open_target
    from letopis.store import open_store

    path = Path(args.file)
    if not (path.is_file() or (path.is_dir() and input_parts(path))):
        print(f"letopis: import: no file {path}", file=sys.stderr)
        return EXIT_USAGE
    if args.batch < 1 or (args.workers is not None and args.workers < 1):
        print("letopis: import: --batch and --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    store = open_store(settings.database_url, settings.database_schema, 1)
    try:
        with open_target(store, settings.database_url, settings.database_schema) as target, \
                _progress(path, quiet=args.quiet) as progress:
            report = import_file(store, target, path, batch_size=args.batch,
                                 progress=progress, workers=args.workers or os.cpu_count() or 1)
    except ImportRefused as error:
        print(f"letopis: import refused, nothing written: {error}", file=sys.stderr)
        return EXIT_REFUSED
    finally:
        store.close()
    print(f"imported {report.events} events in {report.commands} commands "
          f"({report.batches} batches); {report.skipped_commands} commands already recorded, "
          "skipped")
    return 0


@contextmanager
def _progress(path: Path, *, quiet: bool) -> Iterator[Any]:
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from letopis.bulk.files import input_size
    from letopis.bulk.importer import Progress as Callbacks

    if quiet:
        yield Callbacks()
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
                   TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                   TextColumn("ETA"), TimeRemainingColumn(), transient=False,
                   console=None)
    # Two phases: checking reads the file (bytes), writing counts events.
    size = input_size(path)
    checking = bar.add_task("checking", total=size, rate="")
    writing: list[Any] = []

    lines = [0]

    def checked(n: int) -> None:
        bar.advance(checking, n)
        lines[0] += 1
        if lines[0] % 1000 == 0:
            speed = bar.tasks[checking].speed
            bar.update(checking, rate=f"{speed / 1e6:,.1f} MB/s" if speed else "")

    def start(total: int) -> None:
        bar.update(checking, completed=size)
        writing.append(bar.add_task("writing ", total=max(total, 1),
                                    completed=0 if total else 1, rate=""))

    def written(n: int) -> None:
        task = writing[0]
        bar.advance(task, n)
        speed = bar.tasks[task].speed
        bar.update(task, rate=f"{speed:,.0f} events/s" if speed else "")

    with bar:
        yield Callbacks(checked=checked, start_writing=start, written=written)


def cmd_dump(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bulk.dump import dump
    from letopis.store import open_store

    store = open_store(settings.database_url, settings.database_schema, 1)
    try:
        with Path(args.out).open("w", encoding="utf-8") as out:
            count = dump(store, out)
    finally:
        store.close()
    print(f"wrote {count} events to {args.out}")
    return 0


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `import` and `dump-events` to the top-level parser."""
    imp = sub.add_parser("import", help="append stored events in bulk from NDJSON or a "
                         "directory of Parquet parts (see docs/import.md)")
    imp.add_argument("file")
    imp.add_argument("--batch", type=int, default=50_000, help="events per transaction")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.add_argument("--workers", type=int, default=None,
                     help="processes checking Parquet parts (default: one per CPU)")
    imp.set_defaults(func=lambda args: cmd_import(args, settings()))
    dump = sub.add_parser("dump-events", help="write every stored event as import NDJSON")
    dump.add_argument("--out", required=True)
    dump.set_defaults(func=lambda args: cmd_dump(args, settings()))
