"""Public reads, no token needed: the organisation registry, public acceptance results."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api import reads
from api.deps import RuntimeDep
from api.routes.contingent import ERRORS
from api.routes.learners import MinPosition
from api.routes.registers import Cursor, Limit
from api.schemas import Document, Page
from domain.organisation import OrganisationKind

router = APIRouter(tags=["public"], responses={**ERRORS, **reads.JSON_OK})


@router.get("/organisations", response_model=Page, summary="The organisation registry")
def organisations(request: Request, rt: RuntimeDep, cursor: Cursor = None, limit: Limit = 100,
                  min_position: MinPosition = None,
                  municipality: Annotated[str | None, Query(max_length=200)] = None,
                  kind: OrganisationKind | None = None) -> Response:
    where = {"municipality": municipality} if municipality is not None else {}
    if kind is not None:
        where["kind"] = kind.value
    at = reads.position(rt, "organisation_registry", min_position)
    return reads.page(request, rt, "organisation_registry", "organisations", cursor=cursor,
                      limit=limit, where=where, at=at)


@router.get("/organisations/{organisation_id}", response_model=Document,
            summary="An organisation's registry card")
def organisation(organisation_id: UUID, request: Request, rt: RuntimeDep,
                 min_position: MinPosition = None) -> Response:
    at = reads.position(rt, "organisation_registry", min_position)
    row = rt.projections.read("organisation_registry", "organisations", str(organisation_id))
    return reads.document(request, row, at, f"organisation {organisation_id}")


@router.get("/public/acceptance", response_model=Page,
            summary="Acceptance for the school year: plans, results, deficiencies, deadlines")
def public_acceptance(request: Request, rt: RuntimeDep, cursor: Cursor = None,
                      limit: Limit = 100, min_position: MinPosition = None,
                      municipality: Annotated[str | None, Query(max_length=200)] = None,
                      academic_year: Annotated[str | None, Query(
                          pattern=r"^[0-9]{4}/[0-9]{4}$")] = None) -> Response:
    where = {k: v for k, v in (("municipality", municipality),
                               ("academic_year", academic_year)) if v is not None}
    at = reads.position(rt, "commission_reports", min_position)
    return reads.page(request, rt, "commission_reports", "public_campaigns", cursor=cursor,
                      limit=limit, where=where, at=at)


@router.get("/public/acceptance/{campaign_id}", response_model=Document,
            summary="One municipality's public acceptance results")
def public_campaign(campaign_id: UUID, request: Request, rt: RuntimeDep,
                    min_position: MinPosition = None) -> Response:
    at = reads.position(rt, "commission_reports", min_position)
    row = rt.projections.read("commission_reports", "public_campaigns", str(campaign_id))
    return reads.document(request, row, at, f"campaign {campaign_id}")
