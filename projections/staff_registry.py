"""Read model `staff_registry`: employees of each organisation, class teachers, attestations.

Tables:

- `employees` ("{organisation id}|{person id}"): the current post and every employment span with
  its hiring and leaving orders.
- `class_teachers` ("{organisation id}|{academic year}|{class}"): the class teacher now (or
  null) and the history of appointments.
- `teacher_classes` ("{organisation id}|{person id}|{academic year}"): the classes a teacher is
  class teacher of; the row is deleted when the list empties. This is the lookup behind the
  API's "a class teacher sees only their own class" rule.
- `attestations` (application id): each application with its assessment and decision.
"""

from __future__ import annotations

from typing import Any

from domain.attestation import Attestation
from domain.staff import StaffRegister
from projections.base import Event, Fold, Projection, Row, Rows

_Hired: type[Any] = getattr(StaffRegister, "EmployeeHired")  # noqa: B009
_PositionChanged: type[Any] = getattr(StaffRegister, "PositionChanged")  # noqa: B009
_Left: type[Any] = getattr(StaffRegister, "EmployeeLeft")  # noqa: B009
_Assigned: type[Any] = getattr(StaffRegister, "ClassTeacherAssigned")  # noqa: B009
_Replaced: type[Any] = getattr(StaffRegister, "ClassTeacherReplaced")  # noqa: B009
_Unassigned: type[Any] = getattr(StaffRegister, "ClassTeacherUnassigned")  # noqa: B009
_Filed: type[Any] = getattr(Attestation, "Filed")  # noqa: B009
_Assessed: type[Any] = getattr(Attestation, "Assessed")  # noqa: B009
_Decided: type[Any] = getattr(Attestation, "Decided")  # noqa: B009

_EMPLOYMENT = (_Hired, _PositionChanged, _Left)
_CLASS_TEACHER = (_Assigned, _Replaced, _Unassigned)


def _order(document: Any) -> Row:
    return {"kind": document.kind, "number": document.number,
            "dated": document.dated.isoformat()}


def _on(event: Any) -> str:
    return str(event.meta.effective_on.isoformat())


# -- employees ---------------------------------------------------------------------------------

def _employee_key(event: Event, _rows: Rows) -> str | None:
    if isinstance(event, _EMPLOYMENT):
        found: Any = event
        return f"{found.organisation_id}|{found.person_id}"
    return None


def _apply_employee(row: Row | None, event: Event) -> Row | None:
    found: Any = event
    if isinstance(event, _Hired):
        span = {"hired_on": _on(found), "hiring_order": _order(found.hiring_order),
                "left_on": None, "leaving_order": None, "leaving_reason": None}
        return {"organisation_id": str(found.organisation_id),
                "person_id": str(found.person_id), "full_name": found.full_name,
                "position": found.position.title, "subjects": list(found.position.subjects),
                "employed": True,
                "employments": [*(row["employments"] if row else []), span]}
    if row is None:
        return None
    if isinstance(event, _PositionChanged):
        return {**row, "position": found.position.title,
                "subjects": list(found.position.subjects)}
    last = {**row["employments"][-1], "left_on": _on(found),
            "leaving_order": _order(found.leaving_order), "leaving_reason": found.reason}
    return {**row, "employed": False, "employments": [*row["employments"][:-1], last]}


# -- class teachers ----------------------------------------------------------------------------

def _class_key(event: Event, _rows: Rows) -> str | None:
    if isinstance(event, _CLASS_TEACHER):
        found: Any = event
        return f"{found.organisation_id}|{found.academic_year}|{found.class_name}"
    return None


def _apply_class(row: Row | None, event: Event) -> Row | None:
    found: Any = event
    base = row or {"organisation_id": str(found.organisation_id),
                   "academic_year": found.academic_year, "class_name": found.class_name,
                   "person_id": None, "history": []}
    history = list(base["history"])
    if history and history[-1]["until"] is None:
        history[-1] = {**history[-1], "until": _on(found)}
    if isinstance(event, _Unassigned):
        if history:
            history[-1] = {**history[-1], "reason": found.reason}
        return {**base, "person_id": None, "history": history}
    reason = found.reason if isinstance(event, _Replaced) else None
    appointment = {"person_id": str(found.person_id), "from": _on(found), "until": None,
                   "order": _order(found.meta.basis) if found.meta.basis else None,
                   "reason": None}
    if reason is not None and history:
        history[-1] = {**history[-1], "reason": reason}
    return {**base, "person_id": str(found.person_id), "history": [*history, appointment]}


def _teacher_keys(event: Event, _rows: Rows) -> list[str]:
    if not isinstance(event, _CLASS_TEACHER):
        return []
    found: Any = event
    people = [found.person_id]
    if isinstance(event, _Replaced):
        people.insert(0, found.previous_person_id)
    return [f"{found.organisation_id}|{p}|{found.academic_year}" for p in people]


def _apply_teacher(row: Row | None, event: Event) -> Row | None:
    found: Any = event
    base = row or {"organisation_id": str(found.organisation_id),
                   "person_id": str(found.person_id), "academic_year": found.academic_year,
                   "classes": []}
    # A replacement touches two rows: the previous teacher's loses the class.
    losing = isinstance(event, _Unassigned) or (
        isinstance(event, _Replaced) and base["person_id"] == str(found.previous_person_id))
    classes = [c for c in base["classes"] if c != found.class_name]
    if losing:
        return {**base, "classes": classes} if classes else None
    return {**base, "classes": sorted([*classes, found.class_name])}


# -- attestations ------------------------------------------------------------------------------

def _attestation_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, _Filed | _Assessed | _Decided) else None


def _apply_attestation(row: Row | None, event: Event) -> Row | None:
    found: Any = event
    if isinstance(event, _Filed):
        return {"application_id": str(found.application_id),
                "person_id": str(found.person_id),
                "organisation_id": str(found.organisation_id),
                "category": found.category.value, "position": found.position,
                "filed_on": _on(found), "status": "filed", "assessment": None,
                "recommended": None, "valid_from": None, "valid_until": None,
                "decision_order": None}
    if row is None:
        return None
    if isinstance(event, _Assessed):
        return {**row, "status": "assessed", "assessment": found.conclusion,
                "recommended": found.recommended}
    return {**row, "status": found.outcome.value, "decision_order": _order(found.order),
            "valid_from": found.valid_from.isoformat() if found.valid_from else None,
            "valid_until": found.valid_until.isoformat() if found.valid_until else None}


STAFF_REGISTRY = Projection(
    name="staff_registry",
    folds=(Fold("employees", _employee_key, _apply_employee),
           Fold("class_teachers", _class_key, _apply_class),
           Fold("teacher_classes", _teacher_keys, _apply_teacher),
           Fold("attestations", _attestation_key, _apply_attestation)),
    description="staff of each organisation, class teachers by class and year, attestations",
    topics=("domain.staff:StaffRegister.", "domain.attestation:Attestation."),
)
