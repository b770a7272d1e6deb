"""Commands of the kindergarten e-queue (docs/admissions.md): a parent applies for their own
child; the municipal authority confirms applications and runs its municipality's allocation
rounds; the kindergarten enrols. And the read of a municipality's queue (`admissions_queue`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response

from api import commands, reads, scopes
from api.access import Action, Scope, authorise
from api.deps import PrincipalDep, RuntimeDep, ServicesDep, VersionedDep
from api.gates import Endpoint, GatedRoute, gate
from api.routes.contingent import ERRORS
from api.routes.learners import MinPosition
from api.schemas import CommandResult, Document
from api.schemas_admissions import (
    AnswerOffer,
    EnrolFromQueue,
    OfferPlace,
    OpenRound,
    QueueTermsIn,
    Reason,
)
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import FreePlaces, PrivilegeDocument, QueueTerms
from projections.admissions_queue import positions

router = APIRouter(tags=["kindergarten queue"], responses=ERRORS, route_class=GatedRoute)

_CHILD = "/kindergarten-applications/{child_id}"
_ROUND = "/kindergarten-rounds/{round_id}"


def _child_gate(action: Action) -> Callable[[Endpoint], Endpoint]:
    """The role, then the child in the path: the parent's own, or in the caller's municipality
    (or, for its enrolment, the kindergarten of the offer); otherwise 404."""
    return gate(action, scopes.kindergarten_child, "child_id", "kindergarten application of")


def _round_gate() -> Callable[[Endpoint], Endpoint]:
    return gate(Action.RUN_KINDERGARTEN_QUEUE, scopes.kindergarten_round, "round_id",
                "allocation round")


def _terms(body: QueueTermsIn) -> QueueTerms:
    document = None if body.privilege_document is None else PrivilegeDocument(
        body.privilege_document.kind, body.privilege_document.number,
        body.privilege_document.issued_on)
    return QueueTerms(municipality=body.municipality, preferences=tuple(body.preferences),
                      desired_start=body.desired_start, age_group=body.age_group,
                      privilege=body.privilege, privilege_document=document)


def _stream(child_id: UUID) -> UUID:
    return KindergartenApplication.stream_id(child_id)


@router.post(_CHILD, status_code=201, summary="Apply for a kindergarten place for a child")
@gate(Action.APPLY_KINDERGARTEN)
def register(child_id: UUID, body: QueueTermsIn, services: ServicesDep, caller: PrincipalDep,
             headers: VersionedDep) -> CommandResult:
    # A new application names its municipality only in the body: checked here, after the role.
    authorise(caller, Action.APPLY_KINDERGARTEN,
              [Scope(learner_id=child_id, municipality=body.municipality)],
              f"kindergarten application of {child_id}")
    return commands.run(services, caller, headers, body, lambda c: services.kindergarten
                        .register(c, child_id, _terms(body)), versioned=_stream(child_id))


@router.post(_CHILD + "/changes", status_code=201,
             summary="Change an application's terms (the queue date is kept)")
@_child_gate(Action.APPLY_KINDERGARTEN)
def change(child_id: UUID, body: QueueTermsIn, services: ServicesDep, caller: PrincipalDep,
           headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.kindergarten
                        .change(c, child_id, _terms(body)), versioned=_stream(child_id))


def _step(child_id: UUID, body: Any, services: ServicesDep, caller: PrincipalDep,
          headers: VersionedDep, command: Callable[..., Any]) -> CommandResult:
    return commands.run(services, caller, headers, body, command, versioned=_stream(child_id))


@router.post(_CHILD + "/confirmation", status_code=201,
             summary="Documents checked: the application enters the queue")
@_child_gate(Action.RUN_KINDERGARTEN_QUEUE)
def confirm(child_id: UUID, services: ServicesDep, caller: PrincipalDep, headers: VersionedDep,
            body: commands.EmptyCommand | None = None) -> CommandResult:
    return _step(child_id, body or commands.EmptyCommand(), services, caller, headers,
                 lambda c: services.kindergarten.confirm(c, child_id))


@router.post(_CHILD + "/suspension", status_code=201,
             summary="Take the application out of allocation at the parents' request")
@_child_gate(Action.APPLY_KINDERGARTEN)
def suspend(child_id: UUID, body: Reason, services: ServicesDep, caller: PrincipalDep,
            headers: VersionedDep) -> CommandResult:
    return _step(child_id, body, services, caller, headers,
                 lambda c: services.kindergarten.suspend(c, child_id, body.reason))


@router.post(_CHILD + "/resumption", status_code=201, summary="Resume a suspended application")
@_child_gate(Action.APPLY_KINDERGARTEN)
def resume(child_id: UUID, services: ServicesDep, caller: PrincipalDep, headers: VersionedDep,
           body: commands.EmptyCommand | None = None) -> CommandResult:
    return _step(child_id, body or commands.EmptyCommand(), services, caller, headers,
                 lambda c: services.kindergarten.resume(c, child_id))


@router.post(_CHILD + "/withdrawal", status_code=201, summary="Withdraw an application")
@_child_gate(Action.APPLY_KINDERGARTEN)
def withdraw(child_id: UUID, body: Reason, services: ServicesDep, caller: PrincipalDep,
             headers: VersionedDep) -> CommandResult:
    return _step(child_id, body, services, caller, headers,
                 lambda c: services.kindergarten.withdraw(c, child_id, body.reason))


@router.post(_CHILD + "/offer-answer", status_code=201,
             summary="The family accepts or declines the place offered")
@_child_gate(Action.APPLY_KINDERGARTEN)
def answer_offer(child_id: UUID, body: AnswerOffer, services: ServicesDep,
                 caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _step(child_id, body, services, caller, headers,
                 lambda c: services.kindergarten.answer_offer(
                     c, child_id, accepted=body.accepted, reason=body.reason))


@router.post(_CHILD + "/enrolment", status_code=201,
             summary="Enrol the child where the accepted offer was (by an order)")
@_child_gate(Action.ENROL_FROM_QUEUE)
def enrol(child_id: UUID, body: EnrolFromQueue, services: ServicesDep, caller: PrincipalDep,
          headers: VersionedDep) -> CommandResult:
    return _step(child_id, body, services, caller, headers,
                 lambda c: services.kindergarten.enrol(
                     c, child_id, enrolment_id=body.enrolment_id, group=body.group,
                     academic_year=body.academic_year))


@router.post("/kindergarten-rounds", status_code=201,
             summary="Open a municipality's allocation round with its free places")
@gate(Action.RUN_KINDERGARTEN_QUEUE)
def open_round(body: OpenRound, services: ServicesDep, caller: PrincipalDep,
               headers: VersionedDep) -> CommandResult:
    authorise(caller, Action.RUN_KINDERGARTEN_QUEUE, [Scope(municipality=body.municipality)],
              f"municipality {body.municipality}")
    places = tuple(FreePlaces(p.organisation_id, p.age_group, p.places) for p in body.places)
    return commands.run(services, caller, headers, body, lambda c: services.kindergarten
                        .open_round(c, body.municipality, body.held_on, body.places_from,
                                    places),
                        versioned=AllocationRound.stream_id(body.municipality, body.held_on))


@router.post(_ROUND + "/allocation", status_code=201,
             summary="Allocate the round's places to the queue, and offer them")
@_round_gate()
def allocate(round_id: UUID, services: ServicesDep, caller: PrincipalDep,
             headers: VersionedDep, body: commands.EmptyCommand | None = None
             ) -> CommandResult:
    return commands.run(services, caller, headers, body or commands.EmptyCommand(),
                        lambda c: services.kindergarten.allocate(c, round_id),
                        versioned=round_id)


@router.post(_ROUND + "/offers", status_code=201,
             summary="Offer a place freed by a decline to a confirmed application")
@_round_gate()
def offer_place(round_id: UUID, body: OfferPlace, services: ServicesDep, caller: PrincipalDep,
                headers: VersionedDep) -> CommandResult:
    return commands.run(services, caller, headers, body, lambda c: services.kindergarten
                        .offer_place(c, round_id, body.child_id, body.organisation_id,
                                     body.reason), versioned=round_id)


@router.get("/kindergarten-queues/{municipality}", response_model=Document,
            responses=reads.JSON_OK,
            summary="A municipality's queue: active applications and the order served")
def queue(request: Request, rt: RuntimeDep, caller: PrincipalDep,
          municipality: str = Path(max_length=200), min_position: MinPosition = None,
          ) -> Response:
    authorise(caller, Action.READ_QUEUES, [Scope(municipality=municipality)],
              f"queue of {municipality}")
    at = reads.position(rt, "admissions_queue", min_position)
    row = rt.projections.read("admissions_queue", "queues", municipality)
    item = None if row is None else {**row, "positions": positions(row)}
    return reads.document(request, item, at, f"queue of {municipality}")
