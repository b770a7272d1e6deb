"""Sealing and `letopis verify` on PostgreSQL, against raw reads of the same rows in the same run:

    python -m bench.verify --events 1000000 --append-events 4000 --writers 4 --repeat 3

  COPY binary, bytes     `COPY (SELECT the events) TO STDOUT (FORMAT binary)` into Python, not
                         split into rows: what moving the bytes costs (a floor, not a reader)
  COPY binary, rows      the same, split into rows by psycopg (`Copy.rows`)
  cursor (old verify)    the server-side binary cursor verify read through before
  raw read (events)      verify's own event reader: (header, state) batches by keyset
                         (`replay.audit_postgres_read.event_batches`), no hashing
  raw read + seal rows   `Snapshot.batches`: events and seal rows side by side, everything
                         verify reads, no hashing
  seal                   `replay.seal.seal` from nothing (checkpoint every 10,000)
  verify                 `replay.verify.verify`: every digest, the chain, every checkpoint's root

The reads and verify run `--rounds` times, interleaved; each figure is the median of its
rounds. Ratios are to the fastest raw read of the events as rows. Then the append path with
and without a sealer running beside it (bench.append's letopis writers, `--writers`
processes; the sealer seals whatever is certified, every 50 ms).

`--keep` keeps the sealed schema and prints the signing key's file; `--reuse KEY_FILE` (with the
same `--schema`) measures the reads and verify again on it without generating or sealing.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from statistics import median

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.audit_data import generate
from bench.schemas import DEFAULT_URL, drop_store
from letopis.store import open_store
from replay.audit_postgres_read import HEADER, event_batches
from replay.audit_store import open_audit
from replay.keys import generate_keys, load_private_key
from replay.seal import seal
from replay.verify import BATCH, verify


def clock() -> datetime:
    return datetime.now(tz=UTC)


def _rate(read: Callable[[], int]) -> float:
    started = time.perf_counter()
    count = read()
    return count / (time.perf_counter() - started)


def copy_read(url: str, schema: str, rows: bool) -> float:
    query = (f'COPY (SELECT {HEADER}, state FROM "{schema}".events ORDER BY position) '
             "TO STDOUT (FORMAT binary)").encode()

    def read() -> int:
        count = 0
        with psycopg.connect(url) as conn, conn.cursor() as cur, cur.copy(query) as copy:
            if rows:
                copy.set_types(["bytea", "bytea"])
                for _ in copy.rows():
                    count += 1
            else:
                for _ in copy:
                    count += 1
        return count if rows else events

    with psycopg.connect(url) as conn:
        row = conn.execute(f'SELECT count(*) FROM "{schema}".events'.encode()).fetchone()
        events = int(row[0]) if row else 0

    return _rate(read)


def cursor_read(url: str, schema: str) -> float:
    def read() -> int:
        with open_audit(url, schema).snapshot() as snapshot:
            return sum(1 for _ in snapshot.events())

    return _rate(read)


def verify_read(url: str, schema: str, with_seals: bool) -> float:
    def read() -> int:
        count = 0
        with open_audit(url, schema).snapshot() as snapshot:
            if with_seals:
                batches = snapshot.batches(BATCH)
                for _, events in batches:
                    count += len(events or ())
                return count
            conn = snapshot.conn  # type: ignore[attr-defined]
            (snapshot_id,) = conn.execute("SELECT pg_export_snapshot()").fetchone()
            for events in event_batches(url, snapshot_id, f'"{schema}"', BATCH, 0):
                count += len(events)
        return count

    return _rate(read)


def seal_rate(url: str, schema: str, key: Ed25519PrivateKey) -> tuple[float, int]:
    recorder = open_store(url, schema, 1)
    audit = open_audit(url, schema)
    started = time.perf_counter()
    report = seal(recorder, audit, key, clock, every=10_000, batch=10_000)
    audit.close()
    recorder.close()
    return report.sealed / (time.perf_counter() - started), len(report.checkpoints)


def verify_rate(url: str, schema: str, key: Ed25519PrivateKey) -> tuple[float, int]:
    started = time.perf_counter()
    report = verify(open_audit(url, schema), key.public_key())
    elapsed = time.perf_counter() - started
    assert report.damage is None, report.damage
    return report.events / elapsed, report.checkpoints


def _sealer(url: str, schema: str, stop: mp.synchronize.Event) -> None:  # type: ignore[name-defined]
    key = Ed25519PrivateKey.generate()
    recorder = open_store(url, schema, 1)
    audit = open_audit(url, schema)
    while not stop.is_set():
        seal(recorder, audit, key, clock, every=10_000, checkpoint_at_end=False)
        stop.wait(0.05)
    audit.close()
    recorder.close()


def append_overhead(url: str, schema: str, events: int, writers: int,
                    repeat: int) -> tuple[float, float]:
    from bench.append import run, setup

    setup(url, schema)
    ctx = mp.get_context("spawn")
    plain, sealed = [], []
    for _ in range(repeat):
        plain.append(run("letopis", url, schema, events, writers))
        stop = ctx.Event()
        sealer = ctx.Process(target=_sealer, args=(url, schema, stop))
        sealer.start()
        sealed.append(run("letopis", url, schema, events, writers))
        stop.set()
        sealer.join()
    with psycopg.connect(url, autocommit=True) as conn:
        drop_store(conn, schema)
    return sorted(plain)[len(plain) // 2], sorted(sealed)[len(sealed) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description="audit seal/verify benchmark")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--append-events", type=int, default=4000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--schema", default="bench_audit")
    parser.add_argument("--keep", action="store_true", help="keep the sealed schema at the end")
    parser.add_argument("--reuse", metavar="KEY_FILE", help="verify the schema kept by an "
                        "earlier --keep run, whose signing key was written to KEY_FILE")
    args = parser.parse_args()
    if args.reuse:
        key = load_private_key(Path(args.reuse))
        sealed, checkpoints = float("nan"), 0
    else:
        seconds = generate(args.url, args.schema, args.events)
        print(f"generated {args.events} events in {seconds:.0f} s (PostgreSQL at {args.url})")
        key = Ed25519PrivateKey.generate()
        if args.keep:
            key_file, _ = generate_keys(Path(tempfile.mkdtemp(prefix="letopis-bench-key-")))
            key = load_private_key(key_file)
            print(f"signing key kept for --reuse: {key_file}")
        sealed, checkpoints = seal_rate(args.url, args.schema, key)
    url, schema = args.url, args.schema
    steps: dict[str, Callable[[], float]] = {
        "COPY binary, bytes only": lambda: copy_read(url, schema, rows=False),
        "COPY binary, rows": lambda: copy_read(url, schema, rows=True),
        "cursor (the old verify's read)": lambda: cursor_read(url, schema),
        "raw read (events)": lambda: verify_read(url, schema, with_seals=False),
        "raw read (events + seal rows)": lambda: verify_read(url, schema, with_seals=True),
    }
    rates: dict[str, list[float]] = {name: [] for name in [*steps, "verify"]}
    checked = 0
    for _ in range(args.rounds):
        for name, step in steps.items():
            rates[name].append(step())
        rate, checked = verify_rate(url, schema, key)
        rates["verify"].append(rate)
    result = {name: median(values) for name, values in rates.items()}
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} "
          f"{os.getloadavg()[2]:.1f}; median of {args.rounds} rounds")
    print(f"{'step':<44}{'events/s':>12}")
    for name, rate in result.items():
        label = f"verify ({checked} checkpoints checked)" if name == "verify" else name
        print(f"{label:<44}{rate:>12,.0f}")
    if not args.reuse:
        print(f"{'seal (' + str(checkpoints) + ' checkpoints signed)':<44}{sealed:>12,.0f}")
    raw = max(result["COPY binary, rows"], result["cursor (the old verify's read)"],
              result["raw read (events)"])
    print(f"verify / fastest raw read of the events as rows = {result['verify'] / raw:.2f}x; "
          f"verify / raw read of events + seal rows = "
          f"{result['verify'] / result['raw read (events + seal rows)']:.2f}x; "
          f"verify / COPY bytes only = {result['verify'] / result['COPY binary, bytes only']:.2f}x")
    if args.append_events:
        plain, with_sealer = append_overhead(args.url, f"{args.schema}_append",
                                             args.append_events, args.writers, args.repeat)
        print(f"append, {args.writers} writers, {args.append_events} single-event commands, "
              f"median of {args.repeat}: {plain:,.0f} ev/s alone, {with_sealer:,.0f} ev/s with "
              f"a sealer running: overhead {(1 - with_sealer / plain) * 100:.1f}%")
    if not args.keep and not args.reuse:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
