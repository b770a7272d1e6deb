"""`letopis snapshots take`: the nightly job that snapshots certificates and contracts.

Snapshots are a cache (letopis/snapshots.py): taking them is always safe, at any time and
while commands run; a stream changed since its last snapshot gets a newer one, one unchanged
keeps it. Without them the claim run reads every certificate from its first event.
"""

from __future__ import annotations

import argparse
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


def _take(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bootstrap import build_services

    if args.batch < 1:
        from letopis.cli import CliError

        raise CliError("--batch must be at least 1")
    services = build_services(settings)
    try:
        started = time.perf_counter()
        taken = services.ledger.take_all_snapshots(args.batch)
    finally:
        services.close()
    print(f"snapshots taken: {taken} in {time.perf_counter() - started:.1f} s")
    return 0
