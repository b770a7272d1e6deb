"""Decoding stored events: the library's JSONTranscoder against the ledger's FastJSONTranscoder,
on the same rows of an existing store, in CPU time of this process (robust on a busy machine):

    python -m bench.projections --keep ...    # leaves the store bench_proj
    python -m bench.decode --schema bench_proj --events 100000 --drop

Runs alternate between the two decoders (`--repeat` each) and the median of each is reported.
Both must produce equal events (checked on every row of the last run). `--drop` drops the store
(and its companion schemas) afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from uuid import UUID

import psycopg
from eventsourcing.persistence import Mapper, StoredEvent

from bench.projections import DEFAULT_URL, library_mapper
from bench.schemas import drop_store
from letopis.clock import system_clock
from letopis.ledger import Ledger
from letopis.store import open_store


def rate(mapper: Mapper[UUID], rows: Sequence[StoredEvent]) -> tuple[float, list[object]]:
    to_domain_event = mapper.to_domain_event
    started = time.process_time()
    events = [to_domain_event(row) for row in rows]
    return len(rows) / (time.process_time() - started), events


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("LETOPIS_TEST_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--schema", default="bench_proj")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--drop", action="store_true",
                        help="drop the store and its companion schemas afterwards")
    args = parser.parse_args(argv)
    store = open_store(args.url, args.schema)
    ledger = Ledger(store, system_clock)
    with psycopg.connect(args.url) as conn:
        rows = [StoredEvent(r[0], r[1], r[2], bytes(r[3])) for r in conn.execute(
            f'SELECT stream_id, version, topic, state FROM "{args.schema}".events '
            "ORDER BY position LIMIT %s".encode(), (args.events,)).fetchall()]
    library, fast = library_mapper(ledger), ledger.mapper
    rates: dict[str, list[float]] = {"library JSONTranscoder": [], "Letopis FastJSONTranscoder": []}
    for _ in range(args.repeat):
        slow_rate, slow_events = rate(library, rows)
        fast_rate, fast_events = rate(fast, rows)
        rates["library JSONTranscoder"].append(slow_rate)
        rates["Letopis FastJSONTranscoder"].append(fast_rate)
    assert [vars(e) for e in slow_events] == [vars(e) for e in fast_events]
    store.close()
    print(f"{len(rows)} events of {args.schema}, CPU time, median of {args.repeat}")
    medians = {name: statistics.median(values) for name, values in rates.items()}
    for name, value in medians.items():
        print(f"  {name:<28}{value:>12,.0f} events/s")
    ratio = medians["Letopis FastJSONTranscoder"] / medians["library JSONTranscoder"]
    print(f"  ratio {ratio:.2f}x")
    if args.drop:
        with psycopg.connect(args.url, autocommit=True) as conn:
            drop_store(conn, args.schema)


if __name__ == "__main__":
    main()
