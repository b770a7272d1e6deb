"""`letopis snapshots take`: the nightly job that snapshots certificates and contracts;
`letopis snapshots verify`: every snapshot compared with its stream's events.

Snapshots are a cache (letopis/snapshots.py): taking them is always safe, at any time and
while commands run; a stream changed since its last snapshot gets a newer one, one unchanged
keeps it. Without them the claim run reads every certificate from its first event.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from typing import Any

from letopis.settings import Settings

SettingsFactory = Callable[[], Settings]


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `snapshots take` to the `letopis` command line."""
    snapshots = sub.add_parser("snapshots", help="snapshots of long-lived streams (a cache)")
    commands = snapshots.add_subparsers(dest="snapshots", required=True)
    take = commands.add_parser("take", help="snapshot every certificate and contract at its "
                                            "current version (safe to run at any time)")
    take.add_argument("--batch", type=int, default=2_000, help="streams read per query")
    take.set_defaults(func=lambda args: _take(args, settings()))
    verify = commands.add_parser("verify", help="compare every snapshot with a replay of its "
                                                "stream's events (snapshots are not sealed)")
    verify.add_argument("--batch", type=int, default=1_000, help="snapshots read per query")
    verify.add_argument("--delete", action="store_true",
                        help="delete the snapshots that differ (their streams are then read "
                             "from their events)")
    verify.set_defaults(func=lambda args: _verify(args, settings()))


def _take(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bootstrap import build_services

    _require_batch(args.batch)
    services = build_services(settings)
    try:
        started = time.perf_counter()
        taken = services.ledger.take_all_snapshots(args.batch)
    finally:
        services.close()
    print(f"snapshots taken: {taken} in {time.perf_counter() - started:.1f} s")
    return 0


# Exit status when a snapshot differs from its events (as `letopis verify` on tampering).
EXIT_DIFFERS = 5


def _verify(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bootstrap import build_services
    from letopis.snapshot_check import check_snapshots

    _require_batch(args.batch)
    services = build_services(settings)
    try:
        started = time.perf_counter()
        report = check_snapshots(services.ledger, args.batch)
        deleted = (services.ledger.store.delete_snapshots(report.differing)
                   if args.delete and report.differing else 0)
    finally:
        services.close()
    print(f"snapshots checked: {report.checked} in {time.perf_counter() - started:.1f} s"
          + (f" ({report.unread} in a format no longer read, ignored)" if report.unread else ""))
    if not report.differing:
        print("every snapshot matches its stream's events")
        return 0
    shown = ", ".join(str(i) for i in report.differing[:10])
    more = f" and {len(report.differing) - 10} more" if len(report.differing) > 10 else ""
    print(f"letopis: {len(report.differing)} snapshot(s) differ from their events: "
          f"{shown}{more}", file=sys.stderr)
    if deleted:
        print(f"deleted {deleted} differing snapshot(s): those streams are read from their "
              "events")
        return EXIT_DIFFERS  # still a finding: something wrote a false state
    print("run `letopis snapshots verify --delete` to drop them (a cache: always safe)",
          file=sys.stderr)
    return EXIT_DIFFERS


def _require_batch(batch: int) -> None:
    if batch < 1:
        from letopis.cli import CliError

        raise CliError("--batch must be at least 1")
