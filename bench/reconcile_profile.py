"""Where the reconciliation spends its time: every `con.execute` of one run, timed.

The same data and stages as `bench.reconcile`; each SQL statement is listed with its wall
time, the CPU time of the process during it (all threads) and, from DuckDB's profiler, how
many threads were busy on average (`threads` ≈ 1 means the statement ran on one thread).
Under load, compare CPU times, not wall times.

    python -m bench.reconcile_profile --lines 1000000 --claims 1000000
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from bench.reconcile import generate
from letopis.reconciliation.matching import MatchOptions, match
from letopis.reconciliation.registry import load_from_parquet
from letopis.reconciliation.report import totals, write_files
from letopis.reconciliation.statement import StatementOptions, load_statement


class TimedConnection:
    """A DuckDB connection that records each statement it executes (duck-typed: the
    reconciliation only calls `execute`, `cursor` and the result methods)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, profile: Path) -> None:
        self.con, self.profile = con, profile
        self.log: list[tuple[float, float, float | None, str]] = []

    def execute(self, sql: str, *args: Any) -> duckdb.DuckDBPyConnection:
        profiled = sql.lstrip().startswith(("CREATE", "INSERT", "UPDATE"))
        if profiled:
            self.con.execute("PRAGMA enable_profiling = 'json'")
            self.con.execute(f"PRAGMA profiling_output = '{self.profile}'")
        cpu, wall = time.process_time(), time.perf_counter()
        result = self.con.execute(sql, *args)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        busy = None
        if profiled:
            self.con.execute("PRAGMA disable_profiling")
            query = json.loads(self.profile.read_text())["query"]
            busy = query["cpu_time"] / max(query["total_time"], 1e-9)
        self.log.append((wall, cpu, busy, " ".join(sql.split())[:70]))
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def run(lines: int, claims: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="bench-reconcile-profile-"))
    try:
        statement = generate(directory, lines, claims)
        (directory / "work").mkdir()
        con = TimedConnection(duckdb.connect(), directory / "profile.json")
        db: Any = con  # duck-typed stand-in for DuckDBPyConnection
        stages: list[tuple[str, Callable[[], object]]] = [
            ("parse statement", lambda: load_statement(
                db, statement.read_bytes(), str(statement), StatementOptions(),
                directory / "work")),
            ("load registry", lambda: load_from_parquet(db, directory)),
            ("match", lambda: match(db, MatchOptions())),
            ("totals", lambda: totals(db)),
        ]
        results: dict[str, object] = {}
        for label, action in [*stages, ("write parquet + csv", lambda: write_files(
                db, results["totals"], directory / "out", xlsx=False))]:  # type: ignore[arg-type]
            first = len(con.log)
            cpu, wall = time.process_time(), time.perf_counter()
            results[label] = action()
            print(f"{label:<22}{time.perf_counter() - wall:7.2f} s wall "
                  f"{time.process_time() - cpu:6.2f} s CPU")
            for seconds, cpu_seconds, busy, text in con.log[first:]:
                if seconds >= 0.05:
                    threads = "" if busy is None else f"{busy:4.1f} threads"
                    print(f"    {seconds:6.2f} s {cpu_seconds:6.2f} s CPU {threads:>12}  {text}")
        con.con.close()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--claims", type=int, default=1_000_000)
    args = parser.parse_args()
    run(args.lines, args.claims)


if __name__ == "__main__":
    main()
