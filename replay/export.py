"""`letopis export --format parquet`: sealed events and the read models, for DuckDB and friends.

Layout of DIR:

    events/batch=<from>-<to>/part-<n>.parquet   the events after position <from> up to <to>,
                                                one row each, in position order within a file
    projections/<projection>/<table>.parquet    current read models (key, doc)
    manifest-<from>-<to>.json, manifest.json    what was exported, under which signed checkpoint

Only sealed events are exported, up to the latest checkpoint: everything in an export can be
checked offline against that checkpoint (docs/audit.md, Export). `--from-position P` exports
positions after P, so exports add up: run it with the `to_position` of the previous manifest;
each run adds its own `batch=` directory (the same range exported again replaces it).
Exports made before (letopis-export/v1) were partitioned by event type and month; an export
into such a directory is refused (docs/audit.md, Export).
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from replay.audit_store import open_audit
from replay.checkpoint import Checkpoint
from replay.export_copy import CopyMode, ServerCopyUnavailable, server_copy
from replay.export_events import (
    COLUMNS,
    DELIMITER,
    QUOTE,
    make_pipe,
    postgres_events_csv,
    postgres_events_csv_on_server,
    sqlite_events_csv,
    stream_events,
)

FORMAT = "letopis-export/v2"
_CSV_TYPES = {"position": "BIGINT", "leaf_index": "BIGINT", "stream_id": "VARCHAR",
              "version": "BIGINT", "topic": "VARCHAR", "committed_at": "TIMESTAMPTZ",
              "header_digest": "VARCHAR", "payload_digest": "VARCHAR", "payload": "VARCHAR"}
# The recorded time. Every Letopis command gives its events `timestamp = meta.recorded_at` (the
# envelope's; tests/integration/test_audit_export.py checks every event of the demo region), and
# the library writes `timestamp` first: so it is cut from the payload's first bytes, without
# parsing ~1 KB of JSON (~0.35 s of CPU per million events). Any other payload: the envelope's
# recorded_at parsed, else the library's timestamp.
_TIMESTAMP_FIRST = '{"timestamp":{"_type_":"datetime_iso","_data_":"'
RECORDED_AT = (
    f"(CASE WHEN starts_with(payload, '{_TIMESTAMP_FIRST}') "
    f"THEN substr(payload, {len(_TIMESTAMP_FIRST) + 1}, "
    f"strpos(substr(payload, {len(_TIMESTAMP_FIRST) + 1}, 40), '\"') - 1) "
    "ELSE coalesce(json_extract_string(payload, '$.meta._data_.recorded_at._data_'), "
    "json_extract_string(payload, '$.timestamp._data_')) END)::TIMESTAMPTZ")
_STREAM_ID = ("CASE WHEN length(stream_id) = 32 THEN substr(stream_id, 1, 8) || '-' || "
              "substr(stream_id, 9, 4) || '-' || substr(stream_id, 13, 4) || '-' || "
              "substr(stream_id, 17, 4) || '-' || substr(stream_id, 21) ELSE stream_id END")


class ExportError(ValueError):
    """An export that cannot be made (nothing sealed, a bad position)."""


@dataclass(frozen=True)
class ExportReport:
    events: int
    from_position: int
    to_position: int
    checkpoint: Checkpoint
    seconds: float
    manifest: Path
    copy: str  # how the events left the store: "server", "client" (PostgreSQL), "sqlite"


def _latest_checkpoint(url: str, schema: str) -> Checkpoint:
    with open_audit(url, schema).snapshot() as snapshot:
        checkpoints = snapshot.checkpoints()
    if not checkpoints:
        raise ExportError("nothing sealed yet: run `letopis seal` first (an export carries the "
                          "checkpoint it was made under)")
    return checkpoints[-1]


# Parquet options for the event files. No dictionary pages (the payload, ~1 KB of distinct JSON
# per event, is the bulk of the file and never repeats: trying a dictionary for it, and the
# Bloom filters written for dictionary columns, cost a third of the writing) — docs/benchmarks.md.
_PARQUET = "FORMAT parquet, DICTIONARY_SIZE_LIMIT 0, WRITE_BLOOM_FILTER false"
# PostgreSQL: this many COPY streams, each a range of positions on its own connection, read by
# its own DuckDB cursor, side by side (each a file per partition).
PARTS = 2


def _events_to_parquet(con: duckdb.DuckDBPyConnection, source: Path, target: Path) -> int:
    """One pass: read the CSV, derive type, recorded time and month, write one Parquet file."""
    columns = "{" + ", ".join(f"'{c}': '{_CSV_TYPES[c]}'" for c in COLUMNS) + "}"
    # The CSV is in position order and DuckDB keeps insertion order: no sort needed. One file,
    # not partitioned by type and month: DuckDB's partitioned writer costs as much CPU as the
    # rest of the export together (docs/benchmarks.md, Fourth pass).
    row = con.execute(
        f"COPY (SELECT position, leaf_index, {_STREAM_ID} AS stream_id, version, topic, "
        f"split_part(topic, ':', 2) AS event_type, recorded_at, committed_at, header_digest, "
        f"payload_digest, payload, strftime(recorded_at AT TIME ZONE 'UTC', '%Y-%m') AS month "
        f"FROM (SELECT *, {RECORDED_AT} AS recorded_at FROM read_csv('{source}', "
        f"header = false, columns = {columns}, delim = '{DELIMITER}', quote = '{QUOTE}', "
        f"escape = '{QUOTE}', new_line = '\\n', auto_detect = false, "
        f"max_line_size = 100000000))) TO '{target}' ({_PARQUET})").fetchone()
    return int(row[0]) if row else 0


def _ranges(after: int, upto: int, parts: int) -> list[tuple[int, int]]:
    """(after, upto] cut into at most `parts` consecutive ranges of positions."""
    bounds = sorted({after + (upto - after) * i // parts for i in range(parts + 1)})
    return list(itertools.pairwise(bounds))


def _writer(url: str, schema: str, after: int, upto: int, how: str) -> Callable[[Path], int]:
    """What writes positions (after, upto] as CSV into a path: see `ExportReport.copy`."""
    if how == "server":
        return lambda path: postgres_events_csv_on_server(url, schema, after, upto, path)
    if how == "client":
        return lambda path: postgres_events_csv(url, schema, after, upto, path)
    return lambda path: sqlite_events_csv(url[len("sqlite:///"):], after, upto, path)


def _export_part(con: duckdb.DuckDBPyConnection, write: Callable[[Path], int], target: Path,
                 source: Path, shared: bool) -> int:
    """What `write` writes into the Parquet file `target`; the number of events."""
    cursor = con.cursor()  # its own DuckDB connection: parts run at the same time
    try:
        cursor.execute("SET TimeZone = 'UTC'")
        if hasattr(os, "mkfifo"):
            make_pipe(source, shared=shared)
        written, events = stream_events(
            write, lambda path: _events_to_parquet(cursor, path, target), source)
    finally:
        cursor.close()
    if written != events:
        raise ExportError(f"{written} events were read from the store but {events} "
                          "reached the Parquet files")
    return events


def _export_events(con: duckdb.DuckDBPyConnection, url: str, schema: str, after: int,
                   upto: int, out: Path, scratch: Path, how: str) -> int:
    """Stream the sealed events into Parquet files, moved to `out/events/batch=after-upto`
    only when all of them were written (a failure half-way leaves no partial export)."""
    if after >= upto:
        return 0
    parts = PARTS if how in ("server", "client") else 1
    staging = out / f".export-{uuid.uuid4().hex}"
    replaced = out / f".replaced-{uuid.uuid4().hex}"
    batch = out / "events" / f"batch={after}-{upto}"
    counts: list[int] = []
    failures: list[BaseException] = []

    def part(index: int, start: int, end: int) -> None:
        try:
            counts.append(_export_part(con, _writer(url, schema, start, end, how),
                                       staging / f"part-{index}.parquet",
                                       scratch / f"events-{index}", how == "server"))
        except BaseException as error:  # re-raised below, after every part has stopped
            failures.append(error)

    try:
        staging.mkdir()
        threads = [threading.Thread(target=part, args=(index, start, end),
                                    name=f"letopis-export-part-{index}", daemon=True)
                   for index, (start, end) in enumerate(_ranges(after, upto, parts))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]
        batch.parent.mkdir(exist_ok=True)
        if batch.exists():  # the same range exported again: the new files replace the old
            batch.rename(replaced)
        staging.rename(batch)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(replaced, ignore_errors=True)
    return sum(counts)


def _projections_to_parquet(con: duckdb.DuckDBPyConnection, url: str, schema: str,
                            target: Path, scratch: Path) -> dict[str, Any]:
    from projections.registry import PROJECTIONS
    from projections.runner import open_projection_store

    store = open_projection_store(url, schema)
    exported: dict[str, Any] = {}
    try:
        for state in store.states():
            if not state.active:
                continue
            projection = PROJECTIONS.get(state.name)
            if projection is None:
                continue
            tables: dict[str, int] = {}
            for table in projection.tables:
                rows = store.scan(state.name, table)
                source = scratch / f"{state.name}.{table}.csv"
                with source.open("w", encoding="utf-8", newline="") as file:
                    csv.writer(file).writerows(
                        (key, json.dumps(doc, ensure_ascii=False, sort_keys=True))
                        for key, doc in rows)
                (target / state.name).mkdir(parents=True, exist_ok=True)
                select = ("SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS doc WHERE false"
                          if not rows else
                          f"SELECT * FROM read_csv('{source}', header = false, columns = "
                          f"{{'key': 'VARCHAR', 'doc': 'VARCHAR'}}, quote = '\"', "
                          f"escape = '\"', max_line_size = 100000000)")
                con.execute(f"COPY ({select}) TO '{target / state.name / table}.parquet' "
                            "(FORMAT parquet)")
                tables[table] = len(rows)
            exported[state.name] = {"generation": state.generation,
                                    "position": state.position, "tables": tables}
    finally:
        store.close()
    return exported


def _refuse_earlier_layout(out: Path) -> None:
    events = out / "events"
    if events.is_dir() and any(p.name.startswith("event_type=") for p in events.iterdir()):
        raise ExportError(f"{out} holds an export in the earlier layout (letopis-export/v1, "
                          "partitioned by event type and month): export into a new directory")


def _how(url: str, scratch: Path, copy: CopyMode) -> str:
    """"server", "client" (PostgreSQL) or "sqlite": see replay.export_copy."""
    if not url.startswith(("postgresql://", "postgres://")):
        if copy == "server":
            raise ExportError("--copy server needs PostgreSQL")
        return "sqlite"
    try:
        return "server" if server_copy(url, scratch, copy) else "client"
    except ServerCopyUnavailable as error:
        raise ExportError(f"--copy server is not possible here: {error}") from error


def export_parquet(url: str, schema: str, out: Path, from_position: int = 0,
                   copy: CopyMode = "auto") -> ExportReport:
    """Export sealed events after `from_position` and the read models into `out`."""
    if from_position < 0:
        raise ExportError("--from-position must be 0 or more")
    started = time.perf_counter()
    checkpoint = _latest_checkpoint(url, schema)
    if from_position > checkpoint.last_position:
        raise ExportError(f"--from-position {from_position} is after the last sealed position "
                          f"{checkpoint.last_position}")
    _refuse_earlier_layout(out)
    with tempfile.TemporaryDirectory(prefix="letopis-export-") as directory:
        scratch = Path(directory)
        how = _how(url, scratch, copy)
        out.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(config={"threads": 1})  # one thread per part: see PARTS
        try:
            con.execute("SET TimeZone = 'UTC'")
            events = _export_events(con, url, schema, from_position, checkpoint.last_position,
                                    out, scratch, how)
            projections = _projections_to_parquet(con, url, schema, out / "projections",
                                                  scratch)
        finally:
            con.close()
    manifest = {
        "format": FORMAT, "from_position": from_position,
        "to_position": checkpoint.last_position, "events": events,
        "exported_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
        "checkpoint": checkpoint.to_json(), "projections": projections,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    path = out / f"manifest-{from_position}-{checkpoint.last_position}.json"
    path.write_text(text, encoding="utf-8")
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return ExportReport(events, from_position, checkpoint.last_position, checkpoint,
                        time.perf_counter() - started, path, how)
