"""Finance uploads a payment statement and gets the reconciliation report (docs/reconciliation.md).

The body is the statement file itself (CSV in UTF-8 or Windows-1251, or XLSX), as finance
receives it; the report is computed against the financial registry read model and nothing is
recorded (recording confirmed payments is `letopis reconcile --apply`, an operator's act).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.access import Action, require
from api.deps import PrincipalDep, StoreDep
from api.gates import GatedRoute, gate
from api.routes.contingent import ERRORS
from letopis.reconciliation.layout import StatementError
from letopis.reconciliation.matching import MatchOptions
from letopis.reconciliation.registry import projection_registry
from letopis.reconciliation.service import ReconcileOptions, reconcile
from letopis.reconciliation.statement import StatementOptions

router = APIRouter(tags=["finance"], responses=ERRORS, route_class=GatedRoute)

MAX_STATEMENT_BYTES = 64 * 1024 * 1024


class ClassSummary(BaseModel):
    name: str
    label: str
    count: int
    amount_kopecks: int


class ReconciliationReport(BaseModel):
    source: str
    format: str = Field(examples=["csv"])
    statement_lines: int
    statement_amount_kopecks: int
    claims: int = Field(description="approved claims on the registry side")
    weak_matches: int = Field(description="lines matched by amount alone (check by hand)")
    classes: list[ClassSummary]
    lines: list[dict[str, Any]] = Field(description="every classified row of the report")


@router.post("/reconciliations", response_model=ReconciliationReport,
             summary="Reconcile a payment statement against the approved claims",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string"}},
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                     "schema": {"type": "string", "format": "binary"}}}}})
@gate(Action.RECONCILE)
async def reconcile_statement(
        request: Request, caller: PrincipalDep, store: StoreDep,
        filename: Annotated[str, Query(max_length=200, description="the statement's file "
                                       "name, for messages and the format")] = "statement.csv",
        period: Annotated[date | None, Query(description="first day of the month")] = None,
        municipality: Annotated[str | None, Query(max_length=200)] = None,
        lenient: Annotated[bool, Query(description="a defective line becomes 'unparseable' "
                                       "instead of refusing the file")] = False,
        ) -> dict[str, Any]:
    require(caller, Action.RECONCILE)
    data = await request.body()
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementError(f"{filename}: larger than {MAX_STATEMENT_BYTES} bytes")
    options = ReconcileOptions(
        statement=StatementOptions(lenient=lenient),
        matching=MatchOptions(period=None if period is None else period.replace(day=1),
                              municipality=municipality),
        xlsx=False)
    report = reconcile(projection_registry(store), data, filename, options)
    return {
        "source": report.statement.source, "format": report.statement.format,
        "statement_lines": report.totals.statement_lines,
        "statement_amount_kopecks": report.totals.statement_amount,
        "claims": report.claims, "weak_matches": report.totals.weak,
        "classes": [{"name": c.name, "label": c.label, "count": c.count,
                     "amount_kopecks": c.amount} for c in report.totals.classes],
        "lines": [{k: _plain(v) for k, v in line.items()} for line in report.lines],
    }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)
