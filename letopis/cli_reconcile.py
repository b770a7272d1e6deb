"""`letopis reconcile`: a bank/treasury payment statement against the approved claims."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from domain.envelope import Actor, Role
from letopis.ledger import Ledger
from letopis.reconciliation.layout import ColumnMapping, StatementError
from letopis.reconciliation.matching import MatchOptions
from letopis.reconciliation.report import Totals
from letopis.reconciliation.service import ReconcileOptions, RegistryLoader, reconcile
from letopis.reconciliation.statement import ENCODINGS, StatementOptions
from letopis.settings import Settings

SettingsFactory = Callable[[], Settings]
EXIT_USAGE = 2  # as letopis.cli
RECONCILER = Actor(user_id="letopis-reconcile", role=Role.FINANCE)


class ReconcileUsage(ValueError):
    pass


def _month(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        year, month = text.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise ReconcileUsage(f"--period {text!r}: expected YYYY-MM, e.g. 2026-09") from None


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ReconcileUsage(f"--as-of {text!r}: expected YYYY-MM-DD") from None


def _options(args: argparse.Namespace) -> ReconcileOptions:
    out = Path(args.out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReconcileUsage(f"--out {out}: already exists and is not empty; nothing was "
                             "written")
    if args.due_days < 0:
        raise ReconcileUsage("--due-days must be at least 0")
    statement = StatementOptions(ColumnMapping.parse(args.columns), args.encoding,
                                 args.lenient)
    matching = MatchOptions(_month(args.period), args.municipality, args.due_days,
                            _day(args.as_of))
    return ReconcileOptions(statement, matching, out, xlsx=not args.no_xlsx,
                            collect_lines=False)


def cmd_reconcile(args: argparse.Namespace, settings_factory: SettingsFactory) -> int:
    try:
        options = _options(args)
        data = Path(args.payments).read_bytes()
    except (ReconcileUsage, StatementError) as error:
        print(f"letopis: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as error:
        print(f"letopis: cannot read {args.payments}: {error.strerror}", file=sys.stderr)
        return EXIT_USAGE
    from letopis.bootstrap import build_services

    services = build_services(settings_factory())
    try:
        registry = _registry(args, settings_factory(), services.ledger)
        try:
            report = reconcile(registry, data, args.payments, options)
        except StatementError as error:
            print(f"letopis: {error}", file=sys.stderr)
            return EXIT_USAGE
        print_summary(report.totals, report.claims)
        print(f"report written to {options.out}")
        if args.apply:
            from letopis.reconciliation.apply import apply_confirmed

            applied = apply_confirmed(services.funding_claims, report.confirmed, RECONCILER)
            print(f"--apply: {applied.recorded} payments recorded, {applied.already_present} "
                  f"already present, {len(applied.refused)} refused")
            for line_no, reason in applied.refused:
                print(f"  line {line_no}: refused ({reason})", file=sys.stderr)
            return 3 if applied.refused else 0
        return 0
    finally:
        services.close()


def _registry(args: argparse.Namespace, settings: Settings, ledger: Ledger) -> RegistryLoader:
    from letopis.reconciliation.registry import load_from_parquet, load_from_projections

    if args.registry is not None:
        directory = Path(args.registry)

        def from_parquet(con: duckdb.DuckDBPyConnection, _workdir: Path) -> int:
            return load_from_parquet(con, directory)

        return from_parquet

    def from_projections(con: duckdb.DuckDBPyConnection, workdir: Path) -> int:
        # Read models first catch up with the ledger, so the registry is current.
        from projections.registry import PROJECTIONS
        from projections.runner import build_engine

        engine, close = build_engine(ledger, settings.database_url, settings.database_schema)
        try:
            for name in ("organisation_registry", "financial_registry"):
                engine.catch_up(PROJECTIONS[name])
            return load_from_projections(con, engine.store, workdir)
        finally:
            close()

    return from_projections


def print_summary(result: Totals, claims: int) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Reconciliation: {result.statement_lines} statement lines, "
                        f"{claims} claims in the registry")
    table.add_column("class")
    table.add_column("lines / claims", justify="right")
    table.add_column("amount, roubles", justify="right")
    for total in result.classes:
        table.add_row(total.label, str(total.count), _roubles(total.amount))
    table.add_section()
    table.add_row("statement total", str(result.statement_lines),
                  _roubles(result.statement_amount))
    Console().print(table)
    if result.weak:
        print(f"of the matched lines, {result.weak} matched by amount alone (weak): check them; "
              "--apply does not record them")


def _roubles(kopecks: int) -> str:
    whole, part = divmod(abs(kopecks), 100)
    return f"{'-' if kopecks < 0 else ''}{whole:,}.{part:02d}".replace(",", " ")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser],
             settings_factory: SettingsFactory) -> None:
    """Add `reconcile` to the `letopis` command line."""
    parser = sub.add_parser("reconcile", help="match a payment statement against the approved "
                                              "claims (docs/reconciliation.md)")
    parser.add_argument("--payments", required=True, metavar="FILE",
                        help="statement: CSV (UTF-8 or Windows-1251, ';' or ',') or XLSX")
    parser.add_argument("--out", required=True, metavar="DIR",
                        help="new directory for reconciliation.xlsx, .parquet and .csv")
    parser.add_argument("--period", metavar="YYYY-MM", help="only claims of this month")
    parser.add_argument("--municipality", help="only claims of providers in this municipality")
    parser.add_argument("--columns", metavar="MAP",
                        help="field=header,... or a file of field=header lines "
                             "(fields: number, date, amount, payer_inn, payee_inn, "
                             "payee_account, purpose)")
    parser.add_argument("--encoding", choices=ENCODINGS, default="auto")
    parser.add_argument("--lenient", action="store_true",
                        help="classify a malformed line as unparseable instead of failing")
    parser.add_argument("--due-days", type=int, default=10,
                        help="a claim is due this many days after approval (default 10)")
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help="judge 'past due' on this day (default: the statement's last date)")
    parser.add_argument("--registry", metavar="DIR",
                        help="read claims.parquet and payments.parquet from DIR instead of "
                             "the projections")
    parser.add_argument("--no-xlsx", action="store_true",
                        help="skip the workbook (for very large statements)")
    parser.add_argument("--apply", action="store_true",
                        help="record confirmed matches as payments (idempotent)")
    parser.set_defaults(func=lambda args: cmd_reconcile(args, settings_factory))
