"""Reads of the financial registry and the commission reports: keyed pages and single rows."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api import reads
from api.access import Action, Scope, authorise, require
from api.auth import ApiRole, Principal
from api.deps import PrincipalDep, RuntimeDep
from api.errors import Forbidden
from api.routes.contingent import ERRORS
from api.routes.learners import MinPosition
from api.schemas import Document, Page

router = APIRouter(responses={**ERRORS, **reads.JSON_OK})

Cursor = Annotated[str | None, Query(max_length=300, description="`next_cursor` of the "
                                                                 "previous page")]
Limit = Annotated[int, Query(ge=1, le=reads.MAX_PAGE)]


class FinanceTable(Enum):
    GROUPS = "groups"
    CERTIFICATES = "certificates"
    CONTRACTS = "contracts"
    CLAIMS = "claims"
    PAYMENTS = "payments"
    PROVIDER_MONTHS = "provider_months"
    MUNICIPALITY_MONTHS = "municipality_months"


# Per table: the row field that scopes it for a municipal authority and for a provider
# (None: that role does not read the table).
_SCOPE_FIELDS: dict[FinanceTable, tuple[str | None, str | None]] = {
    FinanceTable.GROUPS: ("municipality", None),
    FinanceTable.CERTIFICATES: ("municipality", None),
    FinanceTable.CONTRACTS: (None, "provider_id"),
    FinanceTable.CLAIMS: (None, "provider_id"),
    FinanceTable.PAYMENTS: (None, None),
    FinanceTable.PROVIDER_MONTHS: (None, "provider_id"),
    FinanceTable.MUNICIPALITY_MONTHS: (None, None),
}


def _scope_filter(caller: Principal, table: FinanceTable) -> dict[str, str]:
    """The filter a scoped caller's reads of `table` are confined to."""
    municipal, provider = _SCOPE_FIELDS[table]
    if caller.role is ApiRole.MUNICIPAL_AUTHORITY:
        if municipal is None:
            raise Forbidden(f"role municipal_authority may not read {table.value}")
        return {municipal: str(caller.municipality)}
    if caller.role is ApiRole.PROVIDER:
        if provider is None:
            raise Forbidden(f"role provider may not read {table.value}")
        return {provider: str(caller.organisation_id)}
    return {}


@router.get("/finance/{table}", response_model=Page, tags=["finance"],
            summary="A table of the financial registry, page by page in key order")
def finance_page(table: FinanceTable, request: Request, rt: RuntimeDep, caller: PrincipalDep,
                 cursor: Cursor = None, limit: Limit = 100, min_position: MinPosition = None,
                 municipality: Annotated[str | None, Query(max_length=200)] = None,
                 provider_id: Annotated[str | None, Query(max_length=36)] = None,
                 status: Annotated[str | None, Query(max_length=50)] = None) -> Response:
    require(caller, Action.READ_FINANCE)
    where = {k: v for k, v in (("municipality", municipality), ("provider_id", provider_id),
                               ("status", status)) if v is not None}
    forced = _scope_filter(caller, table)
    at = reads.position(rt, "financial_registry", min_position)
    if any(where.get(k, v) != v for k, v in forced.items()):  # asked outside the scope
        return reads.respond(request, {"items": [], "next_cursor": None, "position": at})
    where.update(forced)
    return reads.page(request, rt, "financial_registry", table.value, cursor=cursor,
                      limit=limit, where=where, at=at)


@router.get("/finance/{table}/{key}", response_model=Document, tags=["finance"],
            summary="One row of the financial registry")
def finance_row(table: FinanceTable, key: str, request: Request, rt: RuntimeDep,
                caller: PrincipalDep, min_position: MinPosition = None) -> Response:
    require(caller, Action.READ_FINANCE)
    forced = _scope_filter(caller, table)
    at = reads.position(rt, "financial_registry", min_position)
    row = rt.projections.read("financial_registry", table.value, key)
    if row is not None and any(str(row.get(k)) != v for k, v in forced.items()):
        authorise(caller, Action.READ_FINANCE, [], f"{table.value} {key}")
    return reads.document(request, row, at, f"{table.value} {key}")


@router.get("/commission/campaigns", response_model=Page, tags=["commission reports"],
            summary="Acceptance campaigns with plans, results, deficiencies (internal view)")
def campaigns(request: Request, rt: RuntimeDep, caller: PrincipalDep, cursor: Cursor = None,
              limit: Limit = 100, min_position: MinPosition = None,
              municipality: Annotated[str | None, Query(max_length=200)] = None,
              academic_year: Annotated[str | None, Query(pattern=r"^[0-9]{4}/[0-9]{4}$")] = None,
              ) -> Response:
    require(caller, Action.READ_COMMISSION)
    where = {k: v for k, v in (("municipality", municipality),
                               ("academic_year", academic_year)) if v is not None}
    at = reads.position(rt, "commission_reports", min_position)
    if (caller.role is ApiRole.MUNICIPAL_AUTHORITY
            and where.setdefault("municipality", str(caller.municipality))
            != caller.municipality):
        return reads.respond(request, {"items": [], "next_cursor": None, "position": at})
    return reads.page(request, rt, "commission_reports", "campaigns", cursor=cursor,
                      limit=limit, where=where, at=at)


@router.get("/commission/campaigns/{campaign_id}", response_model=Document,
            tags=["commission reports"], summary="One acceptance campaign (internal view)")
def campaign(campaign_id: str, request: Request, rt: RuntimeDep, caller: PrincipalDep,
             min_position: MinPosition = None) -> Response:
    require(caller, Action.READ_COMMISSION)
    at = reads.position(rt, "commission_reports", min_position)
    row = rt.projections.read("commission_reports", "campaigns", campaign_id)
    if row is not None:
        authorise(caller, Action.READ_COMMISSION, [Scope(municipality=row["municipality"])],
                  f"campaign {campaign_id}")
    return reads.document(request, row, at, f"campaign {campaign_id}")
