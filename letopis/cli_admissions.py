"""`letopis admissions …`: an auditor's questions about the kindergarten queue.

`explain-round` replays an allocation round from its recorded snapshot and declared places,
says whether the replay reproduces the offers the round recorded, and prints why each
application got its place or did not. `letopis history allocation-round ID` shows the same
round's events with their envelopes.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from letopis.settings import Settings

SettingsFactory = Callable[[], Settings]


class AdmissionsArgumentError(ValueError):
    """A malformed argument (reported on one line, exit code 2)."""


def _round_id(args: argparse.Namespace) -> UUID:
    from domain.kindergarten_round import AllocationRound

    if args.round is not None:
        try:
            return UUID(args.round)
        except ValueError:
            raise AdmissionsArgumentError(f"{args.round!r} is not a UUID") from None
    if args.municipality is None or args.held_on is None:
        raise AdmissionsArgumentError("name the round: its id, or --municipality and --held-on")
    try:
        held_on = date.fromisoformat(args.held_on)
    except ValueError:
        raise AdmissionsArgumentError(f"{args.held_on!r} is not a date (YYYY-MM-DD)") from None
    return AllocationRound.stream_id(args.municipality, held_on)


def cmd_explain_round(args: argparse.Namespace, settings: Settings) -> int:
    from letopis.bootstrap import build_services
    from replay.history import plain

    round_id = _round_id(args)
    services = build_services(settings)
    try:
        found = services.kindergarten.round(round_id)
        allocation = found.replay()
        reproduced = allocation.offers == found.allocated_offers
    finally:
        services.close()
    if args.format == "json":
        print(json.dumps({"round_id": str(round_id), "municipality": found.municipality,
                          "held_on": found.held_on.isoformat(),
                          "places": plain(found.places), "reproduced": reproduced,
                          "decisions": [{**plain(d), "reason": d.reason}
                                        for d in allocation.decisions]},
                         ensure_ascii=False, indent=2))
    else:
        print(f"allocation round {round_id}: {found.municipality}, {found.held_on.isoformat()}, "
              f"places from {found.places_from.isoformat()}")
        for p in found.places:
            print(f"  declared: {p.organisation_id} age group {p.age_group}: {p.places}")
        print("replay reproduces the recorded offers: " + ("yes" if reproduced else "NO"))
        for decision in allocation.decisions:
            offer = decision.offer
            outcome = ("no place" if offer is None else
                       f"offered {offer.organisation_id} (choice {offer.preference_rank})")
            print(f"  {decision.position:>4}. application {decision.entry.application_id}: "
                  f"{outcome}")
            print(f"        {decision.reason}")
    return 0 if reproduced else 3


def register(sub: Any, settings: SettingsFactory) -> None:
    """Add `admissions` to the top-level parser; handlers get Settings lazily."""
    parser = sub.add_parser("admissions", help="kindergarten queue: explain allocation rounds")
    cmds = parser.add_subparsers(dest="admissions", required=True)
    explain = cmds.add_parser("explain-round", help="replay a round and explain each place")
    explain.add_argument("round", nargs="?", help="the round's stream id")
    explain.add_argument("--municipality")
    explain.add_argument("--held-on", metavar="DATE")
    explain.add_argument("--format", choices=("text", "json"), default="text")

    def run(args: argparse.Namespace) -> int:
        try:
            return cmd_explain_round(args, settings())
        except AdmissionsArgumentError as error:
            from letopis.cli import CliError

            raise CliError(str(error)) from None

    explain.set_defaults(func=run)
