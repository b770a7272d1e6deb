"""`letopis admissions …`: an auditor's questions about the kindergarten queue.

`queue` prints the queue of a municipality as the record stood at any recorded moment, with
each application's position at each kindergarten it asks for. `explain-round` replays an
allocation round from its recorded snapshot and declared places, says whether the replay
reproduces the offers the round recorded, and prints why each application got its place or did
not. `letopis history allocation-round ID` shows the same round's events with their envelopes.
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
    parser = sub.add_parser("admissions",
                            help="kindergarten queue: positions, explain allocation rounds")
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
    register_queue(cmds, settings)


def cmd_queue(args: argparse.Namespace, settings: Settings) -> int:
    """The queue of a municipality as recorded by --as-of: positions per kindergarten."""
    from letopis.bootstrap import build_services
    from replay.as_of import parse_as_of
    from replay.kindergarten_queue import positions_in, queue_as_of

    try:
        as_of = None if args.as_of is None else parse_as_of(args.as_of)
    except ValueError as error:
        raise AdmissionsArgumentError(str(error)) from None
    services = build_services(settings)
    try:
        queue = queue_as_of(services.ledger, args.municipality, as_of)
    finally:
        services.close()
    when = "now" if as_of is None else f"as recorded by {as_of.isoformat()}"
    print(f"kindergarten queue of {args.municipality}, {when}: {len(queue)} applications")
    for (organisation_id, age_group), entries in sorted(positions_in(queue).items()):
        if args.organisation is not None and organisation_id != args.organisation:
            continue
        print(f"  {organisation_id} age group {age_group}:")
        for position, entry in enumerate(entries, start=1):
            print(f"    {position:>4}. application {entry.application_id}: privilege "
                  f"{entry.privilege.value}, queue date {entry.applied_at.isoformat()}, "
                  f"wants from {entry.desired_start.isoformat()}")
    return 0


def register_queue(cmds: Any, settings: SettingsFactory) -> None:
    queue = cmds.add_parser("queue", help="queue positions per kindergarten, as of any moment")
    queue.add_argument("--municipality", required=True)
    queue.add_argument("--as-of", metavar="TIME", help="recorded time (ISO 8601; default now)")
    queue.add_argument("--organisation", help="only this kindergarten's queue")

    def run(args: argparse.Namespace) -> int:
        try:
            return cmd_queue(args, settings())
        except AdmissionsArgumentError as error:
            from letopis.cli import CliError

            raise CliError(str(error)) from None

    queue.set_defaults(func=run)
