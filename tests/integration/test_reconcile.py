"""Reconciliation of a statement against a generated region, on SQLite and PostgreSQL: one line
of each class, totals that balance, `--apply` that records once, bad input that writes
nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from letopis.cli import EXIT_USAGE, run
from letopis.ledger import Ledger
from letopis.reconciliation.layout import StatementError
from letopis.reconciliation.matching import CLASSES
from letopis.reconciliation.registry import load_from_projections
from letopis.reconciliation.service import ReconcileOptions, RegistryLoader, reconcile
from letopis.reconciliation.statement import StatementOptions
from projections.engine import Engine
from projections.registry import PROJECTIONS
from projections.runner import build_engine
from tests.funding_world import PAYEE_PARTY, PAYER_PARTY
from tests.reconcile_world import HEADER, STATEMENT_DAY, ReconcileWorld


@pytest.fixture
def engine(ledger: Ledger, store_url: tuple[str, str]) -> Iterator[Engine]:
    built, close = build_engine(ledger, *store_url)
    yield built
    close()


def registry(engine: Engine) -> RegistryLoader:
    def load(con: duckdb.DuckDBPyConnection, workdir: Path) -> int:
        for name in ("organisation_registry", "financial_registry"):
            engine.catch_up(PROJECTIONS[name])
        return load_from_projections(con, engine.store, workdir)

    return load


LENIENT = ReconcileOptions(statement=StatementOptions(lenient=True))


def test_one_line_of_each_class_and_the_totals_balance(ledger: Ledger, engine: Engine,
                                                       tmp_path: Path) -> None:
    world = ReconcileWorld(ledger)
    data = world.statement().encode("cp1251")
    out = tmp_path / "report"
    report = reconcile(registry(engine), data, "statement.csv",
                       ReconcileOptions(statement=StatementOptions(lenient=True), out=out))

    by_line = {row["line_no"]: row for row in report.lines if row["line_no"] is not None}
    assert {n: by_line[n]["class"] for n in by_line} == {
        2: "matched", 3: "partially_paid", 4: "overpaid", 5: "duplicate",
        6: "wrong_provider", 7: "no_claim", 8: "amount_mismatch", 9: "unparseable"}
    assert by_line[2]["claim_id"] == str(world.claims["A"])
    assert by_line[3]["claim_due"] == world.approved("B") == 240_000
    assert by_line[4]["claim_due"] == world.approved("C") == 640_000
    assert by_line[6]["claim_id"] == str(world.claims["D"])
    assert by_line[8]["claim_id"] == str(world.claims["E"])
    assert by_line[9]["reason"].startswith("column 'Сумма': malformed amount '12,3,4'")
    unpaid = [row for row in report.lines if row["class"] == "unpaid_past_due"]
    assert [row["claim_id"] for row in unpaid] == [str(world.claims["F"])]
    assert unpaid[0]["amount"] == world.approved("F")

    totals = report.totals
    assert all(totals.of(name).count == 1 for name in CLASSES)
    assert totals.statement_lines == 8
    assert totals.statement_amount == 960_000 * 2 + 100_000 + 700_000 + 160_000 + 12_345 \
        + 310_000
    assert sum(c.amount for c in totals.classes if c.name != "unpaid_past_due") \
        == totals.statement_amount
    assert [c.line_no for c in report.confirmed] == [2]
    assert sorted(p.name for p in out.iterdir()) == [
        "reconciliation.csv", "reconciliation.parquet", "reconciliation.xlsx"]
    from_parquet = duckdb.sql(f"SELECT class, count(*) FROM '{out}/reconciliation.parquet' "
                              "GROUP BY class").fetchall()
    assert dict(from_parquet) == dict.fromkeys(CLASSES, 1)


def test_other_tiers_match_by_inn_amount_period_and_weakly_by_amount(
        ledger: Ledger, engine: Engine) -> None:
    world = ReconcileWorld(ledger)
    payer, provider = PAYER_PARTY.inn, PAYEE_PARTY.inn
    statement = "\n".join([
        HEADER,
        f"11;{STATEMENT_DAY};9600.00;{payer};{provider};ПФДО аванс за 12.2026",
        f"12;{STATEMENT_DAY};6400.00;{payer};40601810200003000001;ПФДО",
        f"13;{STATEMENT_DAY};3200.00;{payer};{provider};ПФДО аванс за 2026-11",
    ])
    report = reconcile(registry(engine), statement.encode(), "s.csv", LENIENT)
    first, second, third = (row for row in report.lines if row["line_no"] is not None)
    assert (third["class"], third["matched_by"]) == ("matched", "inn_amount_period")
    assert third["claim_id"] == str(world.claims["E"])
    assert (first["class"], first["matched_by"], first["weak"]) == \
        ("matched", "inn_amount_period", False)
    assert first["claim_id"] == str(world.claims["F"])
    assert (second["class"], second["matched_by"], second["weak"]) == \
        ("matched", "amount", True)
    assert second["claim_id"] == str(world.claims["C"])
    assert [c.line_no for c in report.confirmed] == [2, 4]


@pytest.fixture
def cli_env(store_url: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    url, schema = store_url
    monkeypatch.setenv("LETOPIS_DATABASE_URL", url)
    monkeypatch.setenv("LETOPIS_DATABASE_SCHEMA", schema)


def test_apply_records_confirmed_payments_once(ledger: Ledger, cli_env: None, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    world = ReconcileWorld(ledger)
    statement = tmp_path / "statement.csv"
    statement.write_bytes(world.statement().encode("cp1251"))
    args = ["reconcile", "--payments", str(statement), "--lenient", "--apply"]

    assert run([*args, "--out", str(tmp_path / "first")]) == 0
    output = capsys.readouterr().out
    assert "1 payments recorded, 0 already present" in output
    assert "payment to the wrong provider" in output  # the summary table
    assert (tmp_path / "first" / "reconciliation.xlsx").is_file()
    claim = world.world.claims.claim(world.claims["A"])
    assert claim.paid == claim.approved == 960_000
    events = ledger.store.count_events()

    assert run([*args, "--out", str(tmp_path / "second")]) == 0
    output = capsys.readouterr().out
    assert "0 payments recorded, 1 already present" in output
    assert ledger.store.count_events() == events
    assert world.world.claims.claim(world.claims["A"]).paid == 960_000


BAD_INPUTS = {
    "malformed amount": (f"{HEADER}\n1;{STATEMENT_DAY};12,3,4;7707083893;7707083893;x\n",
                         "line 2, column 'Сумма': malformed amount"),
    "malformed date": (f"{HEADER}\n1;31.02.2026;1,00;7707083893;7707083893;x\n",
                       "line 2, column 'Дата': malformed date"),
    "missing column": ("Номер;Дата;Сумма\n1;20.12.2026;1,00\n",
                       "line 1: missing required column(s)"),
    "empty file": ("", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_an_error_with_no_output_and_nothing_recorded(
        case: str, ledger: Ledger, cli_env: None, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    ReconcileWorld(ledger)
    events = ledger.store.count_events()
    text, expected = BAD_INPUTS[case]
    statement = tmp_path / "statement.csv"
    statement.write_bytes(text.encode("cp1251"))
    out = tmp_path / "report"

    code = run(["reconcile", "--payments", str(statement), "--out", str(out), "--apply"])

    error = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert error.startswith(f"letopis: {statement}")
    assert expected in error
    assert len(error.strip().splitlines()) == 1
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []
    assert ledger.store.count_events() == events


def test_service_raises_statement_error_for_an_xlsx_with_two_sheets(
        ledger: Ledger, engine: Engine, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.create_sheet("second")
    path = tmp_path / "two.xlsx"
    book.save(path)
    out = tmp_path / "report"
    with pytest.raises(StatementError, match="2 sheets"):
        reconcile(registry(engine), path.read_bytes(), "two.xlsx",
                  ReconcileOptions(out=out))
    assert not out.exists()


def test_period_and_municipality_restrict_the_claims(ledger: Ledger, engine: Engine) -> None:
    from letopis.reconciliation.matching import MatchOptions

    world = ReconcileWorld(ledger)
    data = world.statement().encode("cp1251")

    def classes(matching: MatchOptions) -> dict[int | None, str]:
        options = ReconcileOptions(statement=StatementOptions(lenient=True), matching=matching)
        report = reconcile(registry(engine), data, "s.csv", options)
        return {row["line_no"]: row["class"] for row in report.lines}

    september = classes(MatchOptions(period=ReconcileWorld.SEPTEMBER))
    assert (september[2], september[3], september[4]) == (
        "matched", "partially_paid", "no_claim")  # claim C is October's
    assert None not in september  # claim F (December) is outside the period
    elsewhere = classes(MatchOptions(municipality="Бузулук"))
    assert {elsewhere[n] for n in range(2, 9) if n != 5} == {"no_claim"}
