"""`letopis` command line. Errors print one clear line and exit non-zero; never a traceback."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError
from psycopg import errors as pg_errors
from pydantic import ValidationError

from domain.errors import DomainError
from letopis.calendars import CalendarFileError
from letopis.cli_projections import UnknownProjection
from letopis.settings import Settings
from letopis.store import StoreUrlError, init_store

if TYPE_CHECKING:
    from letopis.demo import DemoPlan

EXIT_USAGE = 2
EXIT_REFUSED = 3
EXIT_UNAVAILABLE = 4
EXIT_INTERNAL = 70


class CliError(Exception):
    def __init__(self, message: str, code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.code = code


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        raise CliError(f"invalid setting LETOPIS_{str(first['loc'][0]).upper()}: "
                       f"{first['msg']}") from None


def cmd_db_init(_args: argparse.Namespace) -> None:
    settings = _settings()
    init_store(settings.database_url, settings.database_schema, settings.keystore_url)
    print(f"store ready: {_redact(settings.database_url)}")


def cmd_demo_generate(args: argparse.Namespace) -> None:
    from letopis.bootstrap import build_services
    from letopis.demo import DemoGenerator, DemoPlan, SettableClock

    if args.learners < 1 or args.years < 1 or args.weeks < 0 or args.lessons < 1:
        raise CliError("--learners, --years and --lessons must be at least 1, --weeks at least 0")
    plan = DemoPlan(args.learners, args.years, args.seed, args.weeks, args.lessons)
    if args.out is not None:
        _demo_files(plan, args.out, args.format, args.workers)
        return
    clock = SettableClock()
    services = build_services(_settings(), clock)
    try:
        generator = DemoGenerator(services, clock, plan)
        if generator.already_loaded():
            print(f"demo region (seed {args.seed}) already loaded: nothing to do")
            return
        commands = generator.run()
        print(f"demo region loaded: {commands} commands, "
              f"{services.ledger.store.count_events()} events in the store")
    finally:
        services.close()


def cmd_history(args: argparse.Namespace) -> None:
    from letopis.bootstrap import build_services
    from replay.render import render_json, render_text
    from replay.report import build_report

    stream_id, as_of, effective_on = _history_arguments(args)
    services = build_services(_settings())
    try:
        report = build_report(services.ledger, args.kind, stream_id, as_of=as_of,
                              effective_on=effective_on)
        print(render_json(report) if args.format == "json" else render_text(report))
    finally:
        services.close()


def _history_arguments(args: argparse.Namespace) -> tuple[UUID, datetime | None, date | None]:
    """Stream id, --as-of and --effective-on, checked before the store is opened."""
    from replay.as_of import parse_as_of, parse_effective_on
    from replay.report import IN_FORCE_KINDS

    if args.kind == "certificate":
        from domain.certificate_values import InvalidCertificateNumber, certificate_id

        try:
            stream_id = certificate_id(args.id)
        except InvalidCertificateNumber as error:
            raise CliError(error.message) from None
    else:
        try:
            stream_id = UUID(args.id)
        except ValueError:
            raise CliError(f"{args.id!r} is not a UUID") from None
    as_of_text: str | None = getattr(args, "as_of", None)
    effective_text: str | None = getattr(args, "effective_on", None)
    try:
        as_of = None if as_of_text is None else parse_as_of(as_of_text)
        effective_on = None if effective_text is None else parse_effective_on(effective_text)
    except ValueError as error:
        raise CliError(str(error)) from None
    if effective_on is not None and args.kind not in IN_FORCE_KINDS:
        raise CliError(f"--effective-on answers for a learner or an organisation, "
                       f"not a {args.kind}")
    return stream_id, as_of, effective_on


def _demo_files(plan: DemoPlan, out: str, file_format: str, workers: int | None) -> None:
    import time

    from letopis.demo_files import generate_files

    path = Path(out)
    if path.exists() and (path.is_file() or any(path.iterdir())):
        raise CliError(f"{out} exists and is not empty: choose a new --out")
    started = time.perf_counter()
    if workers is not None and workers < 1:
        raise CliError("--workers must be at least 1")
    report = generate_files(plan, path, file_format, workers or os.cpu_count() or 1)
    seconds = time.perf_counter() - started
    print(f"demo region written to {out} ({file_format}): {report.commands} commands, "
          f"{report.events} events in {seconds:.1f} s ({report.events / seconds:,.0f} events/s)")


def cmd_demo_show(args: argparse.Namespace) -> None:
    from letopis.demo import DemoPlan

    args.id = str(DemoPlan(1, 1, args.seed).uuid("learner", args.learner))
    args.kind = "learner"
    print(f"history of demo learner #{args.learner} ({args.id}):")
    cmd_history(args)
    if args.format == "text":
        _print_demo_marks(UUID(args.id))


def _print_demo_marks(learner_id: UUID) -> None:
    from letopis.bootstrap import build_services
    from letopis.demo import FIRST_YEAR, SUBJECTS

    services = build_services(_settings())
    try:
        year = f"{FIRST_YEAR}/{FIRST_YEAR + 1}"
        print(f"\nmarks {year}:")
        for subject in SUBJECTS:
            try:
                book = services.marks.gradebook(learner_id, subject, year)
            except DomainError:
                continue
            values = " ".join(m.value.value for m in book.marks)
            print(f"  {subject:<22} {values}")
    finally:
        services.close()


def cmd_docs_events(args: argparse.Namespace) -> None:
    from letopis.catalogue import render_markdown

    Path(args.out).write_text(render_markdown(), encoding="utf-8")
    print(f"wrote {args.out}")


def _redact(url: str) -> str:
    if "@" in url and ":" in url.split("@")[0].split("//")[-1]:
        scheme, rest = url.split("//", 1)
        return f"{scheme}//***@{rest.split('@', 1)[1]}"
    return url


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="letopis", description="Letopis ledger")
    sub = parser.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db", help="store administration").add_subparsers(dest="db", required=True)
    db.add_parser("init", help="create the store schema (safe to run twice)").set_defaults(
        func=cmd_db_init)

    demo = sub.add_parser("demo", help="synthetic region").add_subparsers(dest="demo",
                                                                          required=True)
    gen = demo.add_parser("generate", help="load a deterministic demo region (idempotent)")
    gen.add_argument("--learners", type=int, default=200)
    gen.add_argument("--years", type=int, default=1)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--weeks", type=int, default=8, help="weeks of current marks per term")
    gen.add_argument("--lessons", type=int, default=1,
                     help="lessons (current marks) per subject per week")
    gen.add_argument("--out", default=None, help="write import files here instead of a store "
                     "(a directory for parquet, a file for ndjson; see docs/import.md)")
    gen.add_argument("--format", choices=("parquet", "ndjson"), default="parquet")
    gen.add_argument("--workers", type=int, default=None,
                     help="processes writing the Parquet parts (default: one per CPU; "
                     "the same parts whatever their number)")
    gen.set_defaults(func=cmd_demo_generate)
    show = demo.add_parser("show", help="print a demo learner's history")
    show.add_argument("--seed", type=int, default=7)
    show.add_argument("--learner", type=int, default=0)
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(func=cmd_demo_show)

    history = sub.add_parser("history", help="full history of a stream, as of any moment")
    from replay.report import KINDS

    history.add_argument("kind", choices=tuple(KINDS))
    history.add_argument("id", help="a UUID; for a certificate its 10-digit number")
    history.add_argument("--as-of", metavar="TIME",
                         help="show the record as it stood at this recorded time (ISO 8601, "
                              "e.g. 2026-10-10T23:59:59Z; no offset means UTC)")
    history.add_argument("--effective-on", metavar="DATE",
                         help="also say what was in force on this business date (YYYY-MM-DD) "
                              "according to that record: a learner's placement, an "
                              "organisation's details")
    history.add_argument("--format", choices=("text", "json"), default="text")
    history.set_defaults(func=cmd_history)

    docs = sub.add_parser("docs", help="generated documentation").add_subparsers(
        dest="docs", required=True)
    events = docs.add_parser("events", help="write the events catalogue")
    events.add_argument("--out", default="docs/events.md")
    events.set_defaults(func=cmd_docs_events)
    from letopis.cli_projections import register as register_projections

    register_projections(sub, _settings)
    from letopis.cli_admissions import register as register_admissions

    register_admissions(sub, _settings)
    from letopis.cli_privacy import register as register_personal_data

    register_personal_data(sub, _settings)
    from letopis.cli_reconcile import register as register_reconcile

    register_reconcile(sub, _settings)
    from letopis.cli_audit import register as register_audit

    register_audit(sub, _settings)
    from letopis.cli_api import register as register_api

    register_api(sub, _settings)
    from letopis.cli_import import register as register_import

    register_import(sub, _settings)
    from letopis.cli_snapshots import register as register_snapshots

    register_snapshots(sub, _settings)
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    # The pool logs each failed connection attempt; the user gets one clear line instead.
    logging.getLogger("psycopg.pool").setLevel(logging.CRITICAL)
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int | None] = args.func
    try:
        code = func(args)
        if code:
            return code
    except CalendarFileError as error:
        print(f"letopis: {error}", file=sys.stderr)
        return EXIT_USAGE
    except UnknownProjection as error:
        print(f"letopis: {error}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as error:
        print(f"letopis: {error}", file=sys.stderr)
        return error.code
    except DomainError as error:
        print(f"letopis: refused ({error.code}): {error.message}", file=sys.stderr)
        return EXIT_REFUSED
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error of ours, and nothing to report.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except StoreUrlError as error:
        print(f"letopis: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (pg_errors.UndefinedTable, pg_errors.UndefinedFunction,
            pg_errors.InvalidSchemaName) as error:
        # The schema named by LETOPIS_DATABASE_SCHEMA was never initialised (or only partly).
        first = str(error).strip().splitlines()[0]
        print(f"letopis: the store is not initialised in this database and schema: run "
              f"`letopis db init` ({first})", file=sys.stderr)
        return EXIT_USAGE
    except (psycopg.OperationalError, InterfaceError, OperationalError, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"letopis: store unavailable: {first}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except Exception as error:
        print(f"letopis: internal error ({type(error).__name__}); nothing more was written "
              "than the commands reported before it", file=sys.stderr)
        return EXIT_INTERNAL
    return 0


def main() -> None:
    sys.exit(run())
