"""The financial registry built and rebuilt over the claim bench's region, with same-run baselines.

Part of `python -m bench.claims` (its last lines): the catch-up from position 0 and the swap
timed apart, against a raw `SELECT` of the same events and the eventsourcing library's
`ProjectionRunner` on the region's first events (projections issue).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from letopis.ledger import Ledger
from projections.base import Projection
from projections.engine import Engine


def financial_registry_catch_up(ledger: Ledger, url: str, schema: str,
                                library_events: int) -> None:
    """The financial registry built from position 0 over everything above (projections issue):
    its first build (live) if it has none, then a rebuild beside it (aside), with the baselines
    of bench.projections measured on the same events in the same run."""
    from bench.projections import library_mapper, library_runner, raw_select
    from projections.financial_registry import FINANCIAL_REGISTRY
    from projections.runner import build_engine

    raw = raw_select(url, schema, None)
    print(f"  raw select {raw:,.0f} events/s; select+decode: library transcoder "
          f"{raw_select(url, schema, library_mapper(ledger)):,.0f}, Letopis transcoder "
          f"{raw_select(url, schema, ledger.mapper):,.0f} events/s")
    library = library_runner(url, schema, library_events) if library_events else 0.0
    if library:
        print(f"  eventsourcing ProjectionRunner (first {library_events} events) "
              f"{library:,.0f} events/s")
    engine, close = build_engine(ledger, url, schema)
    try:
        first = engine.store.state(FINANCIAL_REGISTRY.name) is None
        if first:  # the first build is live: logged, readers follow it as it fills
            _timed_rebuild(engine, FINANCIAL_REGISTRY, raw, library, "first build (live)")
        # a rebuild beside the live generation: built aside, unlogged until the swap
        _timed_rebuild(engine, FINANCIAL_REGISTRY, raw, library, "rebuild (aside)")
    finally:
        close()


def _timed_rebuild(engine: Engine, projection: Projection, raw: float, library: float,
                   label: str) -> None:
    swap: list[float] = [0.0, 0.0]  # (wall, CPU) of the swap at the end of the rebuild
    durable: list[float] = [0.0, 0.0]  # and of making an aside generation durable before it
    activate, make_durable = engine.store.activate, engine.store.make_durable

    def timed(step: Callable[[Projection, int], None], into: list[float]
              ) -> Callable[[Projection, int], None]:
        def run(projection: Projection, generation: int) -> None:
            started, cpu = time.perf_counter(), time.process_time()
            step(projection, generation)
            into[:] = [time.perf_counter() - started, time.process_time() - cpu]
        return run

    engine.store.activate = timed(activate, swap)  # type: ignore[method-assign]
    engine.store.make_durable = timed(make_durable, durable)  # type: ignore[method-assign]
    try:
        started, cpu = time.perf_counter(), time.process_time()
        processed = engine.rebuild(projection)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        engine.store.activate = activate  # type: ignore[method-assign]
        engine.store.make_durable = make_durable  # type: ignore[method-assign]
    rate = processed / elapsed
    swap_wall, swap_cpu = swap[0] + durable[0], swap[1] + durable[1]
    catch_up = processed / max(1e-9, elapsed - swap_wall)
    per_event = (cpu - swap_cpu) / max(1, processed) * 1e6
    print(f"financial_registry {label}: {processed} events in {elapsed:.2f} s = "
          f"{rate:,.0f} events/s ({rate / raw:.2f}x raw select); client CPU "
          f"{cpu / max(1, processed) * 1e6:.1f} us/event (every thread of this process)")
    print(f"  of which the catch-up {elapsed - swap_wall:.2f} s = {catch_up:,.0f} events/s, "
          f"client CPU {per_event:.1f} us/event; then made durable {durable[0]:.2f} s, the "
          f"swap (activate: the change feed's difference against the previous generation) "
          f"{swap[0]:.2f} s")
    if library:
        print(f"  = {rate / library:.1f}x the eventsourcing ProjectionRunner, "
              f"its catch-up {catch_up / library:.1f}x")
