"""The role × endpoint matrix for the kindergarten queue, first-class and college admission:
every role against every endpoint, the expectations written out here (not derived from
api/access.py). Each request's target is in the scope of the role's token (a parent's own child,
the municipality, the school or college), so an allowed role gets the success status."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.auth import ApiRole
from tests.api.matrix_support import (
    AUDITOR,
    LEARNER,
    MUN,
    OP,
    PARENT,
    STAFF,
    Case,
    Env,
    Request,
    check,
    fixed,
    open_env,
    terms,
)
from tests.api.world import BASIS, org_body

R = ApiRole


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    yield from open_env(tmp_path_factory)


# -- kindergarten ------------------------------------------------------------------------------

def _child(env: Env, *steps: str) -> tuple[str, dict[ApiRole, dict[str, Any]]]:
    """A new child's application path after `steps`, and the parent's claims for that child."""
    child = uuid4()
    at = f"/kindergarten-applications/{child}"
    env.post(at, terms(env))
    for step, body in (("confirmation", None), ("suspension", {"reason": "лето"})):
        if step in steps:
            env.post(f"{at}/{step}", body)
    return at, {PARENT: {"learner": child}}


def _register(env: Env) -> Request:
    child = uuid4()
    return "POST", f"/kindergarten-applications/{child}", terms(env), {
        PARENT: {"learner": child}}


def _on_child(step: str, body: dict[str, Any] | None, *before: str
              ) -> Callable[[Env], Request]:
    def build(env: Env) -> Request:
        at, claims = _child(env, *before)
        return "POST", f"{at}/{step}", body, claims

    return build


def _change(env: Env) -> Request:
    at, claims = _child(env)
    return "POST", f"{at}/changes", {**terms(env), "desired_start": "2027-08-01"}, claims


def _round_body(env: Env) -> dict[str, Any]:
    held_on = date(2027, 1, 1) + timedelta(days=next(env.serial))
    return {"municipality": "Оренбург", "held_on": str(held_on),
            "places_from": "2027-09-01", "places": [{
                "organisation_id": str(env.kindergarten), "age_group": "3-4", "places": 1}]}


def _open_round(env: Env) -> Request:
    return "POST", "/kindergarten-rounds", _round_body(env), {}


def _allocate(env: Env) -> Request:
    opened = env.post("/kindergarten-rounds", _round_body(env))
    return "POST", f"/kindergarten-rounds/{opened['streams'][0]['stream_id']}/allocation", None, {}


# -- first class -------------------------------------------------------------------------------
# The production calendar covers 2026 and 2027: every admission is of 2027/2028, each at a new
# school of Оренбург (one admission per school and year), its staff's token scoped to it.
FIRST = "2027/2028"


def _new_school(env: Env) -> tuple[str, dict[ApiRole, dict[str, Any]]]:
    school = uuid4()
    env.post("/organisations", org_body(school, "Оренбург", f"СОШ {next(env.serial)}"))
    return f"/schools/{school}", {STAFF: {"org": school}}


def _school(env: Env) -> tuple[str, dict[ApiRole, dict[str, Any]]]:
    """A new school with its first-class admission open."""
    at, claims = _new_school(env)
    env.post(f"{at}/first-class-admissions", {"academic_year": FIRST, "places": 10})
    return at, claims


def _application(child: UUID, application: UUID) -> dict[str, Any]:
    return {"academic_year": FIRST, "application_id": str(application),
            "child_id": str(child), "category": "catchment", "birth_date": "2020-09-01",
            "effective_on": "2027-04-10"}


def _received(env: Env) -> tuple[str, dict[ApiRole, dict[str, Any]], UUID]:
    at, claims = _school(env)
    application = uuid4()
    env.post(f"{at}/first-class-applications", _application(uuid4(), application))
    return at, claims, application


def _open_first_class(env: Env) -> Request:
    at, claims = _new_school(env)
    return "POST", f"{at}/first-class-admissions", {"academic_year": FIRST, "places": 25}, claims


def _receive(env: Env) -> Request:
    at, claims = _school(env)
    child = uuid4()
    return "POST", f"{at}/first-class-applications", _application(child, uuid4()), {
        **claims, PARENT: {"learner": child}}


def _age_exception(env: Env) -> Request:
    at, claims = _school(env)
    return "POST", f"{at}/first-class-age-exceptions", {
        "academic_year": FIRST, "child_id": str(uuid4()), "basis": BASIS}, claims


def _refuse(env: Env) -> Request:
    at, claims, application = _received(env)
    return "POST", f"{at}/first-class-refusals", {
        "academic_year": FIRST, "application_id": str(application),
        "reason": "no_free_places", "explanation": "мест нет"}, claims


def _order(env: Env) -> Request:
    at, claims, application = _received(env)
    return "POST", f"{at}/first-class-orders", {
        "academic_year": FIRST, "application_ids": [str(application)], "class_name": "1Б",
        "effective_on": "2027-07-02", "basis": BASIS}, claims


# -- college -----------------------------------------------------------------------------------

def _college(env: Env, *steps: str) -> tuple[str, str, UUID, UUID]:
    """The college with a fresh year open and, per `steps`, one applicant's application."""
    year, at = env.year(), f"/colleges/{env.college}"
    academic_year = f"{year}/{year + 1}"
    env.post(f"{at}/admissions", {"academic_year": academic_year, "programmes": [
        {"code": "09.02.07", "name": "Информационные системы", "places": 5}]})
    applicant, application = uuid4(), uuid4()
    if "draft" in steps:
        env.post(f"{at}/applications", _draft(academic_year, application, applicant))
    if "confirmed" in steps:
        env.post(f"{at}/applications/{application}/confirmation", {
            "academic_year": academic_year, "originals": ["аттестат"],
            "average_mark": "4.00"})
        env.post(f"{at}/ratings", {"academic_year": academic_year, "code": "09.02.07"})
    return at, academic_year, applicant, application


def _draft(academic_year: str, application: UUID, applicant: UUID) -> dict[str, Any]:
    return {"academic_year": academic_year, "application_id": str(application),
            "applicant_id": str(applicant), "average_mark": "4.00",
            "choices": [{"code": "09.02.07", "priority": 1}]}


def _claims(env: Env, applicant: UUID | None = None) -> dict[ApiRole, dict[str, Any]]:
    own = {} if applicant is None else {PARENT: {"learner": applicant},
                                        LEARNER: {"learner": applicant}}
    return {STAFF: {"org": env.college}, **own}


def _open_college(env: Env) -> Request:
    year = env.year()
    return "POST", f"/colleges/{env.college}/admissions", {
        "academic_year": f"{year}/{year + 1}",
        "programmes": [{"code": "38.02.01", "name": "Экономика", "places": 10}]}, _claims(env)


def _submit(env: Env) -> Request:
    at, academic_year, applicant, application = _college(env)
    return ("POST", f"{at}/applications", _draft(academic_year, application, applicant),
            _claims(env, applicant))


def _confirm(env: Env) -> Request:
    at, academic_year, _, application = _college(env, "draft")
    return "POST", f"{at}/applications/{application}/confirmation", {
        "academic_year": academic_year, "originals": ["аттестат"], "average_mark": "4.00"
    }, _claims(env)


def _withdraw(env: Env) -> Request:
    at, academic_year, applicant, application = _college(env, "draft")
    return "POST", f"{at}/applications/{application}/withdrawal", {
        "academic_year": academic_year, "reason": "передумал"}, _claims(env, applicant)


def _publish(env: Env) -> Request:
    at, academic_year, _, _ = _college(env)
    return "POST", f"{at}/ratings", {"academic_year": academic_year, "code": "09.02.07"
                                     }, _claims(env)


def _order_college(env: Env) -> Request:
    at, academic_year, _, application = _college(env, "draft", "confirmed")
    return "POST", f"{at}/enrolment-orders", {
        "academic_year": academic_year, "code": "09.02.07", "group": "ИС-11",
        "application_ids": [str(application)], "basis": BASIS}, _claims(env)


def _college_reads(env: Env) -> Request:
    return "GET", "/college-admissions", None, _claims(env)


_APPLICANTS = frozenset({OP, MUN, PARENT})
_QUEUE = frozenset({OP, MUN})
_ADMITS = frozenset({OP, MUN, STAFF})
_COLLEGE = frozenset({OP, STAFF})

# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
CASES: list[Case] = [
    ("register kindergarten application", _register, _APPLICANTS, 201),
    ("change application", _change, _APPLICANTS, 201),
    ("confirm application", _on_child("confirmation", None), _QUEUE, 201),
    ("suspend application", _on_child("suspension", {"reason": "лето"}, "confirmation"),
     _APPLICANTS, 201),
    ("resume application", _on_child("resumption", None, "confirmation", "suspension"),
     _APPLICANTS, 201),
    ("withdraw application", _on_child("withdrawal", {"reason": "переезд"}), _APPLICANTS,
     201),
    ("answer offer", _on_child("offer-answer", {"accepted": True}), _APPLICANTS, None),
    ("enrol from queue", _on_child("enrolment", {
        "enrolment_id": str(uuid4()), "group": "Солнышко", "academic_year": "2027/2028"}),
     frozenset({OP, MUN, STAFF}), None),
    ("open allocation round", _open_round, _QUEUE, 201),
    ("allocate places", _allocate, _QUEUE, 201),
    ("offer a place", fixed("POST", "/kindergarten-rounds/{new}/offers", {
        "child_id": str(uuid4()), "organisation_id": str(uuid4()), "reason": "r"}),
     _QUEUE, None),
    ("open first-class admission", _open_first_class, _ADMITS, 201),
    ("receive first-class application", _receive, frozenset({OP, MUN, STAFF, PARENT}), 201),
    ("grant age exception", _age_exception, frozenset({OP, MUN}), 201),
    ("refuse first-class application", _refuse, _ADMITS, 201),
    ("order first-class admission", _order, _ADMITS, 201),
    ("open college admission", _open_college, _COLLEGE, 201),
    ("submit college application", _submit, frozenset({OP, STAFF, PARENT, LEARNER}), 201),
    ("confirm college application", _confirm, _COLLEGE, 201),
    ("withdraw college application", _withdraw, frozenset({OP, STAFF, PARENT, LEARNER}),
     201),
    ("publish rating", _publish, _COLLEGE, 201),
    ("order college enrolment", _order_college, _COLLEGE, 201),
    ("kindergarten queue", fixed("GET", "/kindergarten-queues/Оренбург"),
     frozenset({OP, AUDITOR, MUN}), 200),
    ("college admissions", _college_reads, frozenset({OP, AUDITOR, STAFF}), 200),
]


@pytest.mark.parametrize("role", list(R), ids=lambda r: r.value)
@pytest.mark.parametrize(("name", "build", "allowed", "success"), CASES,
                         ids=[c[0] for c in CASES])
def test_role_matrix(env: Env, role: ApiRole, name: str, build: Callable[[Env], Request],
                     allowed: frozenset[ApiRole], success: int | None) -> None:
    check(env, role, build, allowed, success)
