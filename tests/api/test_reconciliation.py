"""Finance uploads a payment statement over HTTP: the report, its errors, its roles."""

from __future__ import annotations

from pathlib import Path
from uuid import uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.conftest import Tokens

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "statement-cp1251.csv"


def _events(client: TestClient) -> int:
    count: int = client.app.state.runtime.services.ledger.store.count_events()  # type: ignore[attr-defined]
    return count


def test_finance_gets_a_balanced_report_and_nothing_is_recorded(
        client: TestClient, tokens: Tokens) -> None:
    before = _events(client)
    response = client.post("/reconciliations", params={"filename": SAMPLE.name},
                           content=SAMPLE.read_bytes(), headers=tokens(ApiRole.FINANCE))
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["format"] == "csv"
    assert report["claims"] == 0  # an empty registry: every line is a payment with no claim
    by_class = {c["name"]: c for c in report["classes"]}
    assert by_class["no_claim"]["count"] == report["statement_lines"] > 0
    assert by_class["no_claim"]["amount_kopecks"] == report["statement_amount_kopecks"]
    assert len(report["lines"]) == report["statement_lines"]
    assert _events(client) == before


def test_a_bad_statement_is_a_problem_naming_the_file(client: TestClient,
                                                      tokens: Tokens) -> None:
    response = client.post("/reconciliations", params={"filename": "bank.csv"},
                           content=b"number;date\n1;2\n", headers=tokens(ApiRole.FINANCE))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "invalid_statement"
    assert "bank.csv" in body["detail"]


def test_only_finance_operator_and_auditor_may_reconcile(client: TestClient,
                                                         tokens: Tokens) -> None:
    data = SAMPLE.read_bytes()
    assert client.post("/reconciliations", content=data).status_code == 401
    provider = tokens(ApiRole.PROVIDER, org=uuid4())
    assert client.post("/reconciliations", content=data, headers=provider).status_code == 403
