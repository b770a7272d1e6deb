"""Auditors' reads: a stream's raw event history with every envelope, as of a recorded time."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from enum import Enum
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query

from api.access import Action, require
from api.deps import PrincipalDep, ServicesDep
from api.routes.contingent import ERRORS
from api.schemas import AuditHistory
from replay.render import render_json
from replay.report import build_report

router = APIRouter(tags=["audit"], responses=ERRORS)


class StreamKind(Enum):
    LEARNER = "learner"
    ORGANISATION = "organisation"
    GRADEBOOK = "gradebook"


@router.get("/audit/{kind}/{stream_id}", response_model=AuditHistory,
            summary="Raw event history of a stream with envelopes, as of a recorded time")
def audit_history(kind: StreamKind, stream_id: UUID, services: ServicesDep,
                  caller: PrincipalDep,
                  as_of: Annotated[datetime | None, Query(
                      description="show the stream as recorded by this time (aware ISO 8601)")
                  ] = None,
                  effective_on: Annotated[date | None, Query(
                      description="also say what was in force on this business date")] = None,
                  ) -> dict[str, Any]:
    require(caller, Action.READ_AUDIT)
    if as_of is not None and as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=UTC)  # no offset means UTC, as in the CLI
    report = build_report(services.ledger, kind.value, stream_id, as_of=as_of,
                          effective_on=effective_on)
    body: dict[str, Any] = json.loads(render_json(report))
    return body
