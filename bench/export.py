"""`letopis export --format parquet` on PostgreSQL, against copying the same rows out raw:

    python -m bench.export --events 1000000

  raw COPY to CSV     the sealed events joined with their seal rows, streamed to a file, in the
                      export's CSV dialect (0x1F between fields, 0x1E as quote: JSON goes
                      unquoted) — what the export reads, the ceiling
  raw COPY, binary    the same rows as `COPY … (FORMAT binary)` into Python, written nowhere
  export, server COPY `replay.export.export_parquet` as `letopis export` runs it here: the
                      server's backend COPYs straight into the named pipe DuckDB reads
                      (`--copy server`; the bench connects as a superuser to a local server),
                      DuckDB writes one Parquet file per stream, then the manifest
  export, client COPY the same with `--copy client`: COPY to STDOUT, each chunk handed on to
                      the pipe by psycopg (the way for a remote server or a plain role)

Each runs `--rounds` times, interleaved; each figure is the median of its rounds. `--keep`
leaves the generated, sealed schema in place; `--schema S --reuse` measures it again without
generating and sealing anew.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import duckdb
import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.audit_data import generate
from bench.schemas import DEFAULT_URL, drop_store
from letopis.store import open_store
from replay.audit_store import open_audit
from replay.export import export_parquet
from replay.export_events import postgres_events_csv
from replay.seal import seal


def raw_binary(url: str, schema: str, upto: int) -> None:
    s = f'"{schema}"'
    sql = (f"COPY (SELECT e.position, s.leaf_index, e.stream_id, e.version, e.topic, "
           f"e.committed_at, s.header_digest, s.payload_digest, e.state FROM {s}.events e "
           f"JOIN {s}.seals s ON s.position = e.position WHERE e.position <= {int(upto)} "
           f"ORDER BY e.position) TO STDOUT (FORMAT binary)")
    with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(sql.encode()) as copy:
        for _ in copy:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description="Parquet export benchmark")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schema", default="bench_export")
    parser.add_argument("--reuse", action="store_true",
                        help="export the schema as it is (generated and sealed before)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the generated and sealed schema (for later --reuse runs)")
    args = parser.parse_args()
    if not args.reuse:
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
    server, client = "export, server COPY", "export, client COPY"
    rates: dict[str, list[float]] = {"raw COPY to CSV": [], "raw COPY, binary": [],
                                     server: [], client: []}
    cpu: dict[str, list[float]] = {server: [], client: []}  # this process's CPU s per 1M
    try:
        for round_ in range(args.rounds):
            started = time.perf_counter()
            postgres_events_csv(args.url, args.schema, 0, args.events, directory / "raw.csv")
            rates["raw COPY to CSV"].append(args.events / (time.perf_counter() - started))
            (directory / "raw.csv").unlink()
            started = time.perf_counter()
            raw_binary(args.url, args.schema, args.events)
            rates["raw COPY, binary"].append(args.events / (time.perf_counter() - started))
            for name, copy in ((server, "server"), (client, "client")):
                out = directory / f"export-{round_}-{copy}"
                before = os.times()
                report = export_parquet(args.url, args.schema, out, copy=copy)
                after = os.times()
                rates[name].append(report.events / report.seconds)
                cpu[name].append((after.user + after.system - before.user - before.system)
                                 * 1e6 / report.events)
                if round_ < args.rounds - 1:
                    shutil.rmtree(out)
        ((rows, types),) = duckdb.sql(
            f"SELECT count(*), count(DISTINCT event_type) FROM read_parquet("
            f"'{out}/events/**/*.parquet', hive_partitioning = true)").fetchall()
        assert rows == args.events, rows
        size = sum(f.stat().st_size for f in out.rglob("*.parquet"))
        result = {name: median(values) for name, values in rates.items()}
        load = os.getloadavg()
        print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}; median of "
              f"{args.rounds} rounds")
        print(f"{'step':<36}{'events/s':>12}")
        for name, rate in result.items():
            print(f"{name:<36}{rate:>12,.0f}")
        for name in (server, client):
            print(f"{name}: {median(cpu[name]):.2f} s of this process's CPU per million events "
                  "(the server's backends not counted)")
            print(f"{name} / raw COPY to CSV = {result[name] / result['raw COPY to CSV']:.2f}x; "
                  f"/ raw COPY binary = {result[name] / result['raw COPY, binary']:.2f}x")
        print(f"server / client COPY = {result[server] / result[client]:.2f}x; {rows} rows, "
              f"{types} event types, {size / 1e6:.0f} MB of Parquet (one export)")
    finally:
        shutil.rmtree(directory, ignore_errors=True)
        if not args.reuse and not args.keep:
            with psycopg.connect(args.url, autocommit=True) as conn:
                drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
