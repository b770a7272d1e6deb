"""Totals per class, the balance check, and the report files (written atomically)."""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb

from letopis.reconciliation.matching import CLASSES, LINE_CLASSES

LABELS = {
    "matched": "matched", "partially_paid": "partially paid", "overpaid": "overpaid",
    "duplicate": "duplicate payment", "wrong_provider": "payment to the wrong provider",
    "no_claim": "payment with no claim", "amount_mismatch": "amount mismatch",
    "unparseable": "unparseable line",
    "unpaid_past_due": "approved claim unpaid past its due date",
}
# Columns of the files, in order (the service columns for --apply stay internal).
COLUMNS = ("class", "line_no", "number", "dated", "amount", "payer_inn", "payee_inn",
           "payee_account", "purpose", "claim_id", "claim_reference", "claim_kind",
           "claim_month", "claim_provider_inn", "claim_due", "matched_by", "weak", "recorded",
           "reason")


class UnbalancedReconciliation(AssertionError):
    """The classes do not add up to the statement: a bug, never a user's error."""


@dataclass(frozen=True)
class ClassTotal:
    name: str
    label: str
    count: int
    amount: int  # kopecks


@dataclass(frozen=True)
class Totals:
    statement_lines: int
    statement_amount: int  # kopecks; an unparseable line counts with what could be read of it
    classes: tuple[ClassTotal, ...]
    weak: int  # matched lines that were matched by amount alone

    def of(self, name: str) -> ClassTotal:
        return next(c for c in self.classes if c.name == name)


def totals(con: duckdb.DuckDBPyConnection) -> Totals:
    """Counts and sums per class; raises UnbalancedReconciliation unless the line classes add
    up to the statement exactly (count and kopecks)."""
    rows = dict(((name, (int(count), int(amount))) for name, count, amount in con.execute(
        "SELECT class, count(*), coalesce(sum(amount), 0) FROM reconciliation GROUP BY class"
    ).fetchall()))
    classes = tuple(ClassTotal(name, LABELS[name], *rows.get(name, (0, 0))) for name in CLASSES)
    found = con.execute("SELECT count(*), coalesce(sum(amount), 0) FROM statement").fetchone()
    assert found is not None
    lines, amount = int(found[0]), int(found[1])
    line_count = sum(c.count for c in classes if c.name in LINE_CLASSES)
    line_amount = sum(c.amount for c in classes if c.name in LINE_CLASSES)
    if (line_count, line_amount) != (lines, amount):
        raise UnbalancedReconciliation(
            f"statement {lines} lines / {amount} kopecks, classes {line_count} / {line_amount}")
    weak = con.execute("SELECT count(*) FROM reconciliation WHERE weak").fetchone()
    return Totals(lines, amount, classes, int(weak[0]) if weak else 0)


def write_files(con: duckdb.DuckDBPyConnection, result: Totals, out: Path, *,
                xlsx: bool = True) -> None:
    """reconciliation.parquet, reconciliation.csv and reconciliation.xlsx in `out`, all or
    nothing: they are written to a sibling temporary directory renamed into place at the end.
    `out` must not exist or be an empty directory."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(f"{out} already exists and is not an empty directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        _write_machine_files(con, staging)
        if xlsx:
            _write_xlsx(con, result, staging / "reconciliation.xlsx")
        if out.exists():
            out.rmdir()
        os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _write_machine_files(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """reconciliation.parquet and .csv at the same time, one DuckDB thread each: an ordered
    COPY gains nothing from a second thread (CSV even loses), two COPYs side by side use both
    cores. `reconciliation` is stored in report order (see matching.py); scans keep it."""
    rows = f"(SELECT {', '.join(COLUMNS)} FROM reconciliation)"
    copies = [f"COPY {rows} TO '{str(staging / name).replace(chr(39), chr(39) * 2)}' ({options})"
              for name, options in (("reconciliation.parquet", "FORMAT parquet"),
                                    ("reconciliation.csv", "FORMAT csv, HEADER"))]
    setting = con.execute("SELECT current_setting('threads')").fetchone()
    con.execute("SET threads = 1")
    try:
        with ThreadPoolExecutor(len(copies)) as pool:
            for done in [pool.submit(_copy, con.cursor(), copy) for copy in copies]:
                done.result()
    finally:
        con.execute(f"SET threads = {int(setting[0]) if setting else 1}")


def _copy(cursor: duckdb.DuckDBPyConnection, statement: str) -> None:
    try:
        cursor.execute(statement)
    finally:
        cursor.close()


def _write_xlsx(con: duckdb.DuckDBPyConnection, result: Totals, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    summary = book.create_sheet("summary")
    summary.append(["class", "description", "count", "amount (roubles)"])
    for total in result.classes:
        summary.append([total.name, total.label, total.count, _roubles(total.amount)])
    summary.append(["statement", "all lines of the statement", result.statement_lines,
                    _roubles(result.statement_amount)])
    for name in CLASSES:
        sheet = book.create_sheet(name)
        sheet.append(list(COLUMNS))
        cursor = con.execute(f"SELECT {', '.join(COLUMNS)} FROM reconciliation WHERE class = ?",
                             [name])
        while batch := cursor.fetchmany(10_000):
            for row in batch:
                cells = list(row)
                for index in (4, 14):  # amount, claim_due: kopecks → roubles for people
                    cells[index] = None if cells[index] is None else _roubles(cells[index])
                sheet.append(cells)
    book.save(path)


def _roubles(kopecks: int) -> Decimal:
    """Exact roubles: a number in the workbook, never a float."""
    return Decimal(kopecks).scaleb(-2)
