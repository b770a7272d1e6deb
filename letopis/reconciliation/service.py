"""The reconciliation as one call: statement + registry → classified lines, totals, files.

`reconcile(...)` is what both the CLI and the API (finance uploads a statement) call. Bad
input raises `StatementError` before anything is written; nothing is recorded in the ledger
here (see `apply.py` for `--apply`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from letopis.reconciliation.matching import MatchOptions, match
from letopis.reconciliation.report import COLUMNS, Totals, totals, write_files
from letopis.reconciliation.statement import StatementInfo, StatementOptions, load_statement

# Loads `claims` and `payments` into the connection (see registry.py); gets a scratch dir.
RegistryLoader = Callable[[duckdb.DuckDBPyConnection, Path], int]


@dataclass(frozen=True)
class ReconcileOptions:
    statement: StatementOptions = field(default_factory=StatementOptions)
    matching: MatchOptions = field(default_factory=MatchOptions)
    out: Path | None = None  # write the report files here (atomically)
    xlsx: bool = True
    collect_lines: bool = True  # return every row in the Report (the CLI reads the files)


@dataclass(frozen=True)
class ConfirmedPayment:
    """A line matched in full, not weakly: what `--apply` records."""

    line_no: int
    number: str
    dated: date
    amount: int
    payer_inn: str
    payee_account: str | None
    purpose: str
    claim_id: str
    payer_id: str
    payer_name: str
    claim_payer_inn: str
    provider_id: str
    provider_name: str
    provider_inn: str
    recorded: bool  # the ledger already holds this payment order


@dataclass(frozen=True)
class Report:
    statement: StatementInfo
    claims: int
    totals: Totals
    lines: tuple[dict[str, Any], ...]  # every row of the report, COLUMNS as keys
    confirmed: tuple[ConfirmedPayment, ...]


@contextmanager
def _scratch() -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    workdir = Path(tempfile.mkdtemp(prefix="letopis-reconcile-"))
    con = duckdb.connect()
    try:
        yield con, workdir
    finally:
        con.close()
        shutil.rmtree(workdir, ignore_errors=True)


def reconcile(registry: RegistryLoader, data: bytes, source: str,
              options: ReconcileOptions) -> Report:
    """Reconcile a statement (its bytes; `source` names it in messages) against a registry."""
    with _scratch() as (con, workdir):
        info = load_statement(con, data, source, options.statement, workdir)
        claims = registry(con, workdir)
        match(con, options.matching)
        result = totals(con)
        if options.out is not None:
            write_files(con, result, options.out, xlsx=options.xlsx)
        lines: tuple[dict[str, Any], ...] = ()
        if options.collect_lines:
            cursor = con.execute(f"SELECT {', '.join(COLUMNS)} FROM reconciliation "
                                 "ORDER BY line_no NULLS LAST, claim_id")
            lines = tuple(dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall())
        confirmed = tuple(ConfirmedPayment(*row) for row in con.execute(
            "SELECT r.line_no, r.number, r.dated, r.amount, r.payer_inn, r.payee_account, "
            "r.purpose, r.claim_id, c.payer_id, c.payer_name, c.payer_inn, c.provider_id, "
            "c.provider_name, c.provider_inn, r.recorded "
            "FROM reconciliation r JOIN claims c USING (claim_id) "
            "WHERE r.class = 'matched' AND NOT r.weak ORDER BY r.line_no").fetchall())
        return Report(info, claims, result, lines, confirmed)
