"""Reads of a learner's record: study history, digital profile."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from api import reads, scopes
from api.access import Action, authorise_lazily
from api.deps import PrincipalDep, RuntimeDep
from api.routes.contingent import ERRORS
from api.schemas import Document
from projections.base import Row
from projections.digital_profile import current_average
from projections.learner_history import with_organisations
from projections.storage import Related

router = APIRouter(tags=["learners"], responses={**ERRORS, **reads.JSON_OK})
MinPosition = Annotated[int | None, Query(ge=0, description="wait (bounded) until the read "
                                                           "model has reached this position")]


class _StoreRows:
    def __init__(self, rt: RuntimeDep, projection: str) -> None:
        self.rt, self.projection = rt, projection

    def get(self, table: str, key: str) -> Row | None:
        return self.rt.projections.read(self.projection, table, key)


def _allowed(rt: RuntimeDep, caller: PrincipalDep, learner_id: UUID) -> None:
    authorise_lazily(caller, Action.READ_LEARNER,
                     lambda: scopes.learner(rt.services, learner_id), f"learner {learner_id}")


@router.get("/learners/{learner_id}/history", response_model=Document,
            summary="A learner's study path: enrolments, transfers, leavings")
def learner_history(learner_id: UUID, request: Request, rt: RuntimeDep, caller: PrincipalDep,
                    min_position: MinPosition = None) -> Response:
    _allowed(rt, caller, learner_id)
    at = reads.position(rt, "learner_history", min_position)
    row = rt.projections.read("learner_history", "learners", str(learner_id))
    if row is not None:
        row = with_organisations(row, _StoreRows(rt, "learner_history"))
    return reads.document(request, row, at, f"learner {learner_id}")


@router.get("/learners/{learner_id}/profile", response_model=Document,
            summary="A learner's digital profile: study and marks with averages")
def digital_profile(learner_id: UUID, request: Request, rt: RuntimeDep, caller: PrincipalDep,
                    min_position: MinPosition = None,
                    academic_year: Annotated[str | None, Query(
                        pattern=r"^[0-9]{4}/[0-9]{4}$")] = None) -> Response:
    _allowed(rt, caller, learner_id)
    found = _profile(rt, learner_id)
    if min_position is not None and found.position < min_position:
        reads.position(rt, "digital_profile", min_position)  # waits (bounded) or answers 409
        found = _profile(rt, learner_id)
    profile = found.row
    if profile is None:
        return reads.document(request, None, found.position, f"learner {learner_id}")
    subjects = []
    for subject in profile["subjects"]:
        if academic_year is not None and subject["academic_year"] != academic_year:
            continue
        marks = found.related.get(subject["gradebook_id"])
        if marks is not None:
            subjects.append({**marks, "current_average": current_average(marks)})
    return reads.document(request, {**profile, "marks": subjects}, found.position,
                          f"learner {learner_id}")


def _profile(rt: RuntimeDep, learner_id: UUID) -> Related:
    """The profile, its subjects' marks and the read model's position: one query."""
    return rt.projections.read_related("digital_profile", "profiles", str(learner_id),
                                       related_table="subject_marks", items="subjects",
                                       item_key="gradebook_id")
