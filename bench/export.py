"""`letopis export --format parquet` on PostgreSQL, against copying the same rows out raw:

    python -m bench.export --events 1000000

  raw COPY to CSV    the sealed events joined with their seal rows, streamed to a file (what
                     the export reads; the ceiling)
  export             `replay.export.export_parquet`: that, then DuckDB writing Parquet
                     partitioned by event type and month, and the manifest
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.audit_data import generate
from letopis.store import open_store
from replay.audit_store import open_audit
from replay.export import export_parquet
from replay.export_events import postgres_events_csv
from replay.seal import seal

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def main() -> None:
    parser = argparse.ArgumentParser(description="Parquet export benchmark")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--schema", default="bench_export")
    args = parser.parse_args()
    seconds = generate(args.url, args.schema, args.events)
    print(f"generated {args.events} events in {seconds:.0f} s (PostgreSQL at {args.url})")
    recorder = open_store(args.url, args.schema, 1)
    audit = open_audit(args.url, args.schema)
    started = time.perf_counter()
    seal(recorder, audit, Ed25519PrivateKey.generate(), lambda: datetime.now(tz=UTC),
         every=100_000, batch=10_000)
    print(f"sealed in {time.perf_counter() - started:.0f} s")
    audit.close()
    recorder.close()
    directory = Path(tempfile.mkdtemp(prefix="letopis-bench-export-"))
    try:
        started = time.perf_counter()
        postgres_events_csv(args.url, args.schema, 0, args.events, directory / "raw.csv")
        raw = args.events / (time.perf_counter() - started)
        report = export_parquet(args.url, args.schema, directory / "export")
        rate = report.events / report.seconds
        ((rows, types),) = duckdb.sql(
            f"SELECT count(*), count(DISTINCT event_type) FROM read_parquet("
            f"'{directory}/export/events/**/*.parquet', hive_partitioning = true)").fetchall()
        assert rows == args.events, rows
        size = sum(f.stat().st_size for f in (directory / "export").rglob("*.parquet"))
        print(f"{'step':<36}{'events/s':>12}")
        print(f"{'raw COPY to CSV':<36}{raw:>12,.0f}")
        print(f"{'export (CSV + DuckDB Parquet)':<36}{rate:>12,.0f}")
        print(f"export / raw COPY = {rate / raw:.2f}x; {rows} rows, {types} event types, "
              f"{size / 1e6:.0f} MB of Parquet")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'.encode())


if __name__ == "__main__":
    main()
