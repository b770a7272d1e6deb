"""Sealing and `letopis verify` on PostgreSQL, against a raw read of the same rows in the same run:

    python -m bench.verify --events 1000000 --append-events 4000 --writers 4

  raw read         the events, through the same server-side binary cursor verify uses
  raw read+seals   events and seal rows side by side (everything verify reads), no hashing
  seal             `replay.seal.seal` from nothing (checkpoint every 10,000)
  verify           `replay.verify.verify`: every digest, the chain, every checkpoint's root

Then the append path with and without a sealer running beside it (bench.append's letopis
writers, `--writers` processes; the sealer seals whatever is certified, every 50 ms).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
from datetime import UTC, datetime

import psycopg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.audit_data import generate
from letopis.store import open_store
from replay.audit_store import open_audit
from replay.seal import seal
from replay.verify import verify

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def clock() -> datetime:
    return datetime.now(tz=UTC)


def raw_read(url: str, schema: str, with_seals: bool) -> float:
    started, count = time.perf_counter(), 0
    with open_audit(url, schema).snapshot() as snapshot:
        if with_seals:
            seals = snapshot.seals()
            for _ in snapshot.events():
                next(seals, None)
                count += 1
        else:
            for _ in snapshot.events():
                count += 1
    return count / (time.perf_counter() - started)


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
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'.encode())
    return sorted(plain)[len(plain) // 2], sorted(sealed)[len(sealed) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description="audit seal/verify benchmark")
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--append-events", type=int, default=4000)
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--schema", default="bench_audit")
    args = parser.parse_args()
    seconds = generate(args.url, args.schema, args.events)
    print(f"generated {args.events} events in {seconds:.0f} s (PostgreSQL at {args.url})")
    key = Ed25519PrivateKey.generate()
    sealed, checkpoints = seal_rate(args.url, args.schema, key)
    raw = raw_read(args.url, args.schema, with_seals=False)
    raw_both = raw_read(args.url, args.schema, with_seals=True)
    verified, checked = verify_rate(args.url, args.schema, key)
    print(f"{'step':<40}{'events/s':>12}")
    for name, rate in (("raw read (events)", raw), ("raw read (events + seal rows)", raw_both),
                       (f"seal ({checkpoints} checkpoints signed)", sealed),
                       (f"verify ({checked} checkpoints checked)", verified)):
        print(f"{name:<40}{rate:>12,.0f}")
    print(f"verify / raw read of events = {verified / raw:.2f}x; "
          f"verify / raw read of events + seals = {verified / raw_both:.2f}x")
    if args.append_events:
        plain, with_sealer = append_overhead(args.url, f"{args.schema}_append",
                                             args.append_events, args.writers, args.repeat)
        print(f"append, {args.writers} writers, {args.append_events} single-event commands, "
              f"median of {args.repeat}: {plain:,.0f} ev/s alone, {with_sealer:,.0f} ev/s with "
              f"a sealer running: overhead {(1 - with_sealer / plain) * 100:.1f}%")
    with psycopg.connect(args.url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE'.encode())


if __name__ == "__main__":
    main()
