"""Reconciliation benchmark: a statement of N payment lines against a registry of N claims.

Synthetic data is generated straight into files (claims.parquet, payments.parquet, a UTF-8 CSV
statement with `;` and decimal comma), not through the ledger. Timed: the whole reconciliation
as the CLI runs it (parse → registry → match → totals → reconciliation.parquet + .csv; the
XLSX workbook is left out, see docs/benchmarks.md). The floor, in the same run: a bare DuckDB
hash join of the same two tables, (a) already in memory, (b) read from the same files.

    python -m bench.reconcile --lines 1000000 --claims 1000000
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from letopis.reconciliation.matching import MatchOptions, match
from letopis.reconciliation.registry import load_from_parquet
from letopis.reconciliation.report import totals, write_files
from letopis.reconciliation.statement import StatementOptions, load_statement

T = TypeVar("T")

CLAIMS_SQL = """
COPY (
    WITH ids AS (SELECT i, md5('claim' || i) AS h FROM range({claims}) t(i))
    SELECT substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-'
               || substr(h, 17, 4) || '-' || substr(h, 21, 12) AS claim_id,
           CASE WHEN i % 2 = 0 THEN 'advance' ELSE 'final' END AS kind,
           'payer-' || (i % 40) AS payer_id, printf('56%08d', i % 40) AS payer_inn,
           'УО ' || (i % 40) AS payer_name,
           'provider-' || (i % 1000) AS provider_id, printf('77%08d', i % 1000) AS provider_inn,
           'ДДТ ' || (i % 1000) AS provider_name, 'M' || (i % 40) AS municipality,
           make_date(2026, CAST(1 + i % 12 AS INTEGER), 1) AS month, 'approved' AS status,
           100000 + hash(i) % 10000000 AS approved, 0 AS paid,
           make_date(2026, CAST(1 + i % 12 AS INTEGER), 5) AS approved_on
    FROM ids) TO '{dir}/claims.parquet' (FORMAT parquet)"""

PAYMENTS_SQL = """
COPY (SELECT 'p' AS payment_id, 'c' AS claim_id, '0' AS number, DATE '2026-01-01' AS dated,
             '5600000000' AS payer_inn, 1 AS amount LIMIT 0)
TO '{dir}/payments.parquet' (FORMAT parquet)"""

# Line i pays claim i: 70% by reference, 10% by INN + amount + month, 5% partially, 5% over,
# 3% duplicates of the previous order, 3% no claim, 2% wrong provider, 2% a wrong amount.
STATEMENT_SQL = """
COPY (
    WITH l AS (SELECT i, i % 100 AS k,
                      CASE WHEN i % 100 BETWEEN 90 AND 92 THEN i - (i % 100 - 89) ELSE i END
                          AS base
               FROM range({lines}) t(i)),
    c AS (SELECT l.*, (SELECT 1) AS one, md5('claim' || base) AS h,
                 100000 + hash(base) % 10000000 AS approved,
                 printf('77%08d', base % 1000) AS provider_inn,
                 printf('56%08d', base % 40) AS payer_inn,
                 printf('%02d.2026', 1 + base % 12) AS month_text
          FROM l)
    SELECT base AS "Номер платёжного поручения", '20.12.2026' AS "Дата",
           CASE WHEN k BETWEEN 80 AND 84 THEN approved - 1000
                WHEN k BETWEEN 85 AND 89 OR k BETWEEN 90 AND 92 THEN approved + 1000
                WHEN k BETWEEN 93 AND 95 THEN 12345
                WHEN k >= 98 THEN approved + 7 ELSE approved END AS kopecks,
           payer_inn AS "ИНН плательщика",
           CASE WHEN k BETWEEN 93 AND 95 THEN '9900000000'
                WHEN k BETWEEN 96 AND 97 THEN '9911111111' ELSE provider_inn END
               AS "ИНН/счёт получателя",
           CASE WHEN k BETWEEN 70 AND 79 OR k >= 98 THEN 'ПФДО за ' || month_text
                WHEN k BETWEEN 93 AND 95 THEN 'Возврат средств'
                ELSE 'Оплата по заявке ' || upper(substr(h, 1, 8) || '-' || substr(h, 9, 4))
                     || ' за ' || month_text END AS "Назначение платежа"
    FROM c)
TO '{dir}/raw.csv' (FORMAT csv, HEADER, DELIMITER ';')"""


def _timed(label: str, timings: dict[str, float], action: Callable[[], T]) -> T:
    started = time.perf_counter()
    result = action()
    timings[label] = time.perf_counter() - started
    return result


def generate(directory: Path, lines: int, claims: int) -> Path:
    con = duckdb.connect()
    con.execute(CLAIMS_SQL.format(claims=claims, dir=directory))
    con.execute(PAYMENTS_SQL.format(dir=directory))
    con.execute(STATEMENT_SQL.format(lines=lines, dir=directory))
    # Amounts as finance writes them: roubles with a decimal comma.
    statement = directory / "statement.csv"
    con.execute(f"""COPY (SELECT * EXCLUDE (kopecks), printf('%d,%02d', kopecks // 100,
                                 kopecks % 100) AS "Сумма"
                          FROM read_csv('{directory}/raw.csv', delim=';', header=true,
                                        all_varchar=false))
                    TO '{statement}' (FORMAT csv, HEADER, DELIMITER ';')""")
    con.close()
    return statement


def run(lines: int, claims: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-reconcile-"))
    try:
        started = time.perf_counter()
        statement = generate(directory, lines, claims)
        print(f"generated {lines:,} lines and {claims:,} claims in "
              f"{time.perf_counter() - started:.1f} s (not timed)")
        timings: dict[str, float] = {}
        load_before = os.getloadavg()[0]
        con = duckdb.connect()
        work = directory / "work"
        work.mkdir()
        total_start, cpu_start = time.perf_counter(), time.process_time()
        _timed("parse statement", timings, lambda: load_statement(
            con, statement.read_bytes(), str(statement), StatementOptions(), work))
        _timed("load registry", timings, lambda: load_from_parquet(con, directory))
        _timed("match", timings, lambda: match(con, MatchOptions()))
        result = _timed("totals + balance check", timings, lambda: totals(con))
        _timed("write parquet + csv", timings, lambda: write_files(
            con, result, directory / "out", xlsx=False))
        total = time.perf_counter() - total_start
        cpu = time.process_time() - cpu_start
        floor_memory = _floor(con)
        con.close()
        floor_files = _floor_from_files(directory, statement)
        for label, seconds in timings.items():
            print(f"  {label:<24}{seconds:8.2f} s")
        print(f"reconciliation total      {total:8.2f} s  (target < 10 s); CPU time of this "
              f"process {cpu:.2f} s (all threads)")
        print(f"floor (a) bare join in memory     {floor_memory:6.2f} s  "
              f"→ total is {total / floor_memory:.0f}×")
        print(f"floor (b) read files + bare join  {floor_files:6.2f} s  "
              f"→ total is {total / floor_files:.1f}×")
        print(f"load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after "
              f"on {os.cpu_count()} cores")
        for c in result.classes:
            print(f"  {c.name:<18}{c.count:>10,}")
    finally:
        shutil.rmtree(directory, ignore_errors=True)


_JOIN = ("SELECT count(*) FROM {statement} s JOIN {claims} c "
         "ON c.provider_inn = s.payee_inn AND c.approved = s.amount")


def _floor(con: duckdb.DuckDBPyConnection) -> float:
    """The same join the second matching tier does, with nothing else around it."""
    started = time.perf_counter()
    con.execute(_JOIN.format(statement="statement", claims="claims")).fetchall()
    return time.perf_counter() - started


def _floor_from_files(directory: Path, statement: Path) -> float:
    con = duckdb.connect()
    started = time.perf_counter()
    source = (f"(SELECT \"ИНН/счёт получателя\" AS payee_inn, CAST(CAST(replace(\"Сумма\", "
              f"',', '.') AS DECIMAL(18, 2)) * 100 AS BIGINT) AS amount FROM read_csv("
              f"'{statement}', delim=';', header=true, all_varchar=true))")
    con.execute(_JOIN.format(statement=source,
                             claims=f"read_parquet('{directory}/claims.parquet')")).fetchall()
    seconds = time.perf_counter() - started
    con.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    run(args.lines, args.claims)


if __name__ == "__main__":
    main()
