"""Whatever the statement, every line gets exactly one class and the classes add up to the
statement, in count and in kopecks."""

from __future__ import annotations

from pathlib import Path

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from letopis.reconciliation.matching import LINE_CLASSES
from letopis.reconciliation.service import ReconcileOptions, reconcile
from letopis.reconciliation.statement import StatementOptions

PROVIDERS = ("7707083893", "7728168971")
CLAIMS = [(f"{i:08x}-aaaa-5bbb-8ccc-{i:012x}", PROVIDERS[i % 2], 9 + i % 3, 100_000 * (i + 1))
          for i in range(6)]  # (id, provider INN, month, approved kopecks)


def registry(con: duckdb.DuckDBPyConnection, _workdir: Path) -> int:
    con.execute("""CREATE OR REPLACE TEMP TABLE claims (claim_id VARCHAR, kind VARCHAR,
        payer_id VARCHAR, payer_inn VARCHAR, payer_name VARCHAR, provider_id VARCHAR,
        provider_inn VARCHAR, provider_name VARCHAR, municipality VARCHAR, month DATE,
        status VARCHAR, approved BIGINT, paid BIGINT, approved_on DATE)""")
    for claim_id, inn, month, approved in CLAIMS:
        con.execute("INSERT INTO claims VALUES (?, 'advance', 'p', '7707083893', 'P', 'q', ?, "
                    "'Q', 'Орск', make_date(2026, ?, 1), 'approved', ?, 0, "
                    "make_date(2026, ?, 3))", [claim_id, inn, month, approved, month])
    con.execute("""CREATE OR REPLACE TEMP TABLE payments (payment_id VARCHAR,
        claim_id VARCHAR, number VARCHAR, dated DATE, payer_inn VARCHAR, amount BIGINT)""")
    return len(CLAIMS)


line = st.tuples(
    st.integers(1, 4),  # order number: small, so duplicates happen
    st.sampled_from(["20.12.2026", "2026-12-21", "31.02.2026"]),
    st.one_of(st.sampled_from([c[3] for c in CLAIMS]), st.integers(1, 10**9)),
    st.sampled_from([*PROVIDERS, "5600000019"]),
    st.sampled_from(["", *(c[0][:13].upper() for c in CLAIMS), "за 10.2026", "за 2026-11"]),
    st.booleans(),  # a malformed amount
)


@settings(max_examples=15)  # each example is a whole DuckDB reconciliation
@given(st.lists(line, min_size=1, max_size=12))
def test_every_line_has_one_class_and_the_totals_balance(
        lines: list[tuple[int, str, int, str, str, bool]]) -> None:
    text = ["Номер;Дата;Сумма;ИНН плательщика;ИНН получателя;Назначение платежа"]
    for number, day, amount, payee, purpose, broken in lines:
        shown = "1,2,3" if broken else f"{amount // 100},{amount % 100:02d}"
        text.append(f"{number};{day};{shown};7707083893;{payee};ПФДО {purpose}")
    report = reconcile(registry, "\n".join(text).encode("cp1251"), "s.csv",
                       ReconcileOptions(statement=StatementOptions(lenient=True)))
    rows = [r for r in report.lines if r["line_no"] is not None]
    assert sorted(r["line_no"] for r in rows) == list(range(2, len(lines) + 2))
    assert all(r["class"] in LINE_CLASSES for r in rows)
    readable = sum(a for _, d, a, _, _, broken in lines if not broken)
    assert report.totals.statement_amount == readable
    assert sum(c.amount for c in report.totals.classes if c.name in LINE_CLASSES) == readable
    assert sum(c.count for c in report.totals.classes if c.name in LINE_CLASSES) == len(lines)
