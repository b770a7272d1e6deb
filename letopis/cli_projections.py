"""`letopis projections …`: run, follow, rebuild, inspect the read models."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from letopis.settings import Settings
from projections.base import Projection
from projections.engine import Engine, ProjectionFailed
from projections.registry import PROJECTIONS

SettingsFactory = Callable[[], Settings]


class UnknownProjection(ValueError):
    pass


def _pick(names: list[str]) -> list[Projection]:
    unknown = [n for n in names if n not in PROJECTIONS]
    if unknown:
        raise UnknownProjection(f"unknown projection {', '.join(unknown)}; known: "
                                f"{', '.join(sorted(PROJECTIONS))}")
    return [PROJECTIONS[n] for n in names] if names else list(PROJECTIONS.values())


@contextmanager
def _engine(settings: Settings) -> Iterator[Engine]:
    from letopis.bootstrap import build_services
    from projections.runner import build_engine

    services = build_services(settings)
    engine, close = build_engine(services.ledger, settings.database_url,
                                 settings.database_schema)
    try:
        yield engine
    finally:
        close()
        services.close()


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    projections = _pick(args.names)
    with _engine(settings) as engine:
        if args.follow:
            print(f"following {', '.join(p.name for p in projections)} (Ctrl-C stops)")
            try:
                engine.follow(projections, stop=lambda: False)
            except KeyboardInterrupt:
                return 0
        failures = 0
        for projection in projections:
            try:
                count = engine.catch_up(projection)
                print(f"{projection.name}: {count} events processed")
            except ProjectionFailed as error:
                print(f"letopis: {error}", file=sys.stderr)
                failures += 1
        return 3 if failures else 0


def cmd_rebuild(args: argparse.Namespace, settings: Settings) -> int:
    (projection,) = _pick([args.name])
    with _engine(settings) as engine:
        count = engine.rebuild(projection)
        state = engine.store.state(projection.name)
        generation = state.generation if state else "?"
        print(f"{projection.name}: rebuilt from position 0 ({count} events), "
              f"now serving generation {generation}")
    return 0


def cmd_status(_args: argparse.Namespace, settings: Settings) -> int:
    with _engine(settings) as engine:
        head = engine.recorder.max_notification_id() or 0
        states = {(s.name, s.generation): s for s in engine.store.states()}
        print(f"store head: {head}")
        print(f"{'projection':<24}{'gen':>4}  {'state':<9}{'position':>10}{'lag':>8}  error")
        for name in PROJECTIONS:
            rows = [s for (n, _), s in sorted(states.items()) if n == name]
            if not rows:
                print(f"{name:<24}{'-':>4}  {'never run':<9}{0:>10}{head:>8}")
            for s in rows:
                label = s.state if s.active or s.state == "failed" else "building"
                print(f"{name:<24}{s.generation:>4}  {label:<9}{s.position:>10}"
                      f"{head - s.position:>8}  {s.error or ''}")
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    (projection,) = _pick([args.name])
    with _engine(settings) as engine:
        if engine.store.state(projection.name) is None:
            raise UnknownProjection(f"{projection.name} has never run: "
                                    "run `letopis projections run` first")
        report = engine.verify(projection)
    if report.ok:
        print(f"{projection.name}: rebuilt up to position {report.position} and identical to "
              f"the live model (checksum {report.live_checksum[:16]})")
        return 0
    print(f"letopis: {projection.name} differs from a rebuild up to position "
          f"{report.position}: live {report.live_checksum[:16]} vs rebuilt "
          f"{report.rebuilt_checksum[:16]}; first differing keys: "
          f"{', '.join(report.differing_keys[:10])}", file=sys.stderr)
    return 3


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    (projection,) = _pick([args.name])
    if args.table not in projection.tables:
        raise UnknownProjection(f"{projection.name} has no table {args.table!r}; tables: "
                                f"{', '.join(projection.tables)}")
    with _engine(settings) as engine:
        row: Any = engine.store.read(projection.name, args.table, args.key)
    if row is None:
        print(f"letopis: no row {args.key!r} in {projection.name}.{args.table}", file=sys.stderr)
        return 3
    print(json.dumps(row, ensure_ascii=False, indent=2, sort_keys=True))
    return 0


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `projections` to the top-level parser; handlers get Settings lazily."""
    parser = sub.add_parser("projections", help="read models: run, rebuild, status")
    cmds = parser.add_subparsers(dest="projections", required=True)

    def bind(handler: Callable[[argparse.Namespace, Settings], int]) -> Callable[..., int]:
        return lambda args: handler(args, settings())

    run = cmds.add_parser("run", help="catch up (or --follow) the named projections (all)")
    run.add_argument("names", nargs="*")
    run.add_argument("--follow", action="store_true", help="keep following new events")
    run.set_defaults(func=bind(cmd_run))
    rebuild = cmds.add_parser("rebuild", help="rebuild from position 0 beside the live one")
    rebuild.add_argument("name")
    rebuild.set_defaults(func=bind(cmd_rebuild))
    cmds.add_parser("status", help="position, lag and state of each").set_defaults(
        func=bind(cmd_status))
    verify = cmds.add_parser("verify", help="rebuild into a scratch copy and compare")
    verify.add_argument("name")
    verify.set_defaults(func=bind(cmd_verify))
    show = cmds.add_parser("show", help="print one row of a read model")
    show.add_argument("name")
    show.add_argument("table")
    show.add_argument("key")
    show.set_defaults(func=bind(cmd_show))
