"""The classification of a generated region with every class and every tier is pinned: the
reconciliation was rewritten for speed (docs/benchmarks.md) and must keep giving exactly the
rows it gave before. The digests below were taken from the code before that rewrite; a change
to them is a change of behaviour, to be made deliberately."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest

from letopis.reconciliation.matching import MatchOptions
from letopis.reconciliation.registry import load_from_parquet
from letopis.reconciliation.service import ReconcileOptions, reconcile
from letopis.reconciliation.statement import StatementOptions
from tests.reconcile_region import awkward_copy, write_region

LINES = 3_000

VARIANTS = {
    "plain": MatchOptions(),
    "awkward": MatchOptions(),
    "period": MatchOptions(period=date(2026, 3, 1), municipality="M3"),
    "as_of": MatchOptions(as_of=date(2026, 6, 1), due_days=3),
}

# variant → (count, kopecks) per class, md5 of the Parquet rows in file order
PINNED: dict[str, tuple[dict[str, tuple[int, int]], str]] = {
    "as_of": ({"matched": (2332, 10712316038), "partially_paid": (148, 672837900),
               "overpaid": (178, 824715328), "duplicate": (90, 415951311),
               "wrong_provider": (78, 358538136), "no_claim": (118, 123755839),
               "amount_mismatch": (30, 140758777), "unparseable": (26, 102063835),
               "unpaid_past_due": (83, 372751654)}, "ef725fa11d67c196e211de7c02854ff4"),
    "awkward": ({"matched": (2332, 10712316038), "partially_paid": (148, 672837900),
                 "overpaid": (178, 824715328), "duplicate": (90, 415951311),
                 "wrong_provider": (78, 358538136), "no_claim": (118, 123755839),
                 "amount_mismatch": (30, 140758777), "unparseable": (27, 102063835),
                 "unpaid_past_due": (218, 1002755223)}, "2a01653e6a79c17a52727bc29061d803"),
    "period": ({"matched": (28, 129167633), "partially_paid": (1, 1043067),
                "overpaid": (1, 5036243), "duplicate": (90, 415951311),
                "wrong_provider": (0, 0), "no_claim": (2853, 12697296197),
                "amount_mismatch": (1, 378878), "unparseable": (26, 102063835),
                "unpaid_past_due": (4, 20828219)}, "280017c28de3f7fd43dc4cf73aef4420"),
    "plain": ({"matched": (2332, 10712316038), "partially_paid": (148, 672837900),
               "overpaid": (178, 824715328), "duplicate": (90, 415951311),
               "wrong_provider": (78, 358538136), "no_claim": (118, 123755839),
               "amount_mismatch": (30, 140758777), "unparseable": (26, 102063835),
               "unpaid_past_due": (218, 1002755223)}, "7d45deab6611c0332a70ba0d133551ea"),
}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("region")
    write_region(directory, LINES)
    return directory


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_every_row_of_the_report_is_as_pinned(region: Path, tmp_path: Path,
                                              variant: str) -> None:
    statement = region / "statement.csv"
    data = awkward_copy(statement) if variant == "awkward" else statement.read_bytes()
    out = tmp_path / "report"
    report = reconcile(lambda con, _: load_from_parquet(con, region), data, "statement.csv",
                       ReconcileOptions(StatementOptions(lenient=True), VARIANTS[variant], out,
                                        xlsx=False, collect_lines=True))

    classes = {c.name: (c.count, c.amount) for c in report.totals.classes}
    con = duckdb.connect()
    rows = con.execute(f"SELECT * FROM read_parquet('{out}/reconciliation.parquet')").fetchall()
    digest = hashlib.md5(repr(rows).encode(), usedforsecurity=False).hexdigest()
    assert (classes, digest) == PINNED[variant]
    assert [tuple(line.values()) for line in report.lines] == rows
    csv_rows = con.execute(f"SELECT count(*) FROM read_csv('{out}/reconciliation.csv')")
    assert csv_rows.fetchall() == [(len(rows),)]
    con.close()
