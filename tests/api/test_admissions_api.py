"""Kindergarten queue, first-class and college admission endpoints: every command's happy path
through the HTTP API with the role that does it in life, refusals with their stable codes
(nothing written), the read models; and one bad-input test for every new write endpoint."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.access import POLICY
from api.auth import ApiRole
from api.gates import GATES
from api.routes import admissions, kindergarten, olympiads, organisation_changes, staff
from domain.college_admission import CollegeAdmission
from domain.kindergarten_queue import KindergartenApplication
from tests.api.commands_support import refused, tokens_for, written
from tests.api.conftest import Tokens
from tests.api.world import BASIS, build_world, ok, org_body

R = ApiRole
NEXT_YEAR = "2027/2028"


def _organisation(client: TestClient, operator: dict[str, str], kind: str) -> UUID:
    organisation = uuid4()
    ok(client.post("/organisations", json={**org_body(organisation, "Оренбург", kind),
                                           "kind": kind}, headers=operator))
    return organisation


def _terms(kindergarten_id: UUID, **changes: Any) -> dict[str, Any]:
    return {"municipality": "Оренбург", "preferences": [str(kindergarten_id)],
            "desired_start": "2027-09-01", "age_group": "3-4", **changes}


def _queued(client: TestClient, municipal: dict[str, str], kindergarten_id: UUID) -> UUID:
    child = uuid4()
    written(client, f"/kindergarten-applications/{child}", _terms(kindergarten_id), municipal)
    written(client, f"/kindergarten-applications/{child}/confirmation", None, municipal)
    return child


def _round(client: TestClient, municipal: dict[str, str], kindergarten_id: UUID,
           held_on: str) -> str:
    result = written(client, "/kindergarten-rounds", {
        "municipality": "Оренбург", "held_on": held_on, "places_from": "2027-09-01",
        "places": [{"organisation_id": str(kindergarten_id), "age_group": "3-4",
                    "places": 1}]}, municipal)
    return str(result["streams"][0]["stream_id"])


def test_kindergarten_queue(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    build_world(client, operator)
    kindergarten_id = _organisation(client, operator, "kindergarten")
    municipal = tokens(R.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    child = uuid4()
    parent = tokens(R.PARENT, learner=child)
    mine = f"/kindergarten-applications/{child}"
    refused(client, mine, _terms(kindergarten_id, privilege="first_priority"), parent, 422,
            "privilege_document_missing")
    refused(client, f"/kindergarten-applications/{uuid4()}", _terms(kindergarten_id), parent,
            404, "not_found")  # someone else's child
    refused(client, mine, _terms(kindergarten_id), tokens(R.MUNICIPAL_AUTHORITY,
                                                          municipality="Орск"), 404, "not_found")
    written(client, mine, _terms(kindergarten_id), parent)
    refused(client, mine, _terms(kindergarten_id), parent, 409, "application_already_active")
    written(client, f"{mine}/changes", _terms(kindergarten_id, desired_start="2027-08-01"),
            parent)
    refused(client, f"{mine}/confirmation", None, parent, 403, "forbidden")
    written(client, f"{mine}/confirmation", None, municipal)
    written(client, f"{mine}/suspension", {"reason": "переезд на лето"}, parent)
    written(client, f"{mine}/resumption", None, parent)

    round_id = _round(client, municipal, kindergarten_id, "2027-06-01")
    orsk = tokens(R.MUNICIPAL_AUTHORITY, municipality="Орск")
    refused(client, f"/kindergarten-rounds/{round_id}/allocation", None, orsk, 404, "not_found")
    allocated = written(client, f"/kindergarten-rounds/{round_id}/allocation", None, municipal)
    assert len(allocated["streams"]) == 2  # the round and the offered application
    refused(client, f"/kindergarten-rounds/{round_id}/allocation", None, municipal, 409,
            "round_already_allocated")
    written(client, f"{mine}/offer-answer", {"accepted": True}, parent)
    enrolled = written(client, f"{mine}/enrolment", {
        "enrolment_id": str(uuid4()), "group": "Солнышко", "academic_year": NEXT_YEAR,
        "effective_on": "2027-09-01", "basis": BASIS},
        tokens(R.ORGANISATION_STAFF, org=kindergarten_id))
    assert str(child) in {s["stream_id"] for s in enrolled["streams"]}  # the learner's own

    withdrawn = _queued(client, municipal, kindergarten_id)
    written(client, f"/kindergarten-applications/{withdrawn}/withdrawal",
            {"reason": "передумали"}, municipal)
    declines = _queued(client, municipal, kindergarten_id)
    second = _round(client, municipal, kindergarten_id, "2027-06-02")
    written(client, f"/kindergarten-rounds/{second}/allocation", None, municipal)
    written(client, f"/kindergarten-applications/{declines}/offer-answer",
            {"accepted": False, "reason": "далеко"}, municipal)
    waits = _queued(client, municipal, kindergarten_id)
    last = written(client, f"/kindergarten-rounds/{second}/offers", {
        "child_id": str(waits), "organisation_id": str(kindergarten_id),
        "reason": "место освободилось после отказа"}, municipal)

    queue = client.get(f"/kindergarten-queues/Оренбург?min_position={last['position']}",
                       headers=municipal)
    assert queue.status_code == 200, queue.text
    assert set(queue.json()["item"]["applications"]) >= {
        str(KindergartenApplication.stream_id(c)) for c in (declines, waits)}
    assert "positions" in queue.json()["item"]
    assert client.get("/kindergarten-queues/Оренбург", headers=orsk).status_code == 404
    assert client.get("/kindergarten-queues/Оренбург", headers=parent).status_code == 403


def test_first_class_admission(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    w = build_world(client, operator)
    school = tokens(R.ORGANISATION_STAFF, org=w.school)
    at = f"/schools/{w.school}"
    written(client, f"{at}/first-class-admissions", {"academic_year": NEXT_YEAR, "places": 2},
            school)
    child, young, refused_child = uuid4(), uuid4(), uuid4()
    application = uuid4()

    def apply(child_id: UUID, application_id: UUID, born: str) -> dict[str, Any]:
        return {"academic_year": NEXT_YEAR, "application_id": str(application_id),
                "child_id": str(child_id), "category": "catchment", "birth_date": born,
                "effective_on": "2027-04-10"}

    parent = tokens(R.PARENT, learner=child)
    refused(client, f"{at}/first-class-applications", apply(uuid4(), uuid4(), "2020-09-01"),
            parent, 404, "not_found")  # someone else's child
    refused(client, f"{at}/first-class-applications", {
        **apply(child, uuid4(), "2020-09-01"), "category": "other"}, parent, 409,
        "outside_application_window")
    written(client, f"{at}/first-class-applications", apply(child, application, "2020-09-01"),
            parent)
    refused(client, f"{at}/first-class-applications", apply(young, uuid4(), "2022-01-01"),
            school, 409, "age_out_of_range")
    written(client, f"{at}/first-class-age-exceptions",
            {"academic_year": NEXT_YEAR, "child_id": str(young), "basis": BASIS},
            tokens(R.MUNICIPAL_AUTHORITY, municipality="Оренбург"))
    written(client, f"{at}/first-class-applications", apply(young, uuid4(), "2022-01-01"),
            school)
    other = uuid4()
    written(client, f"{at}/first-class-applications", apply(refused_child, other,
                                                            "2020-10-01"), school)
    written(client, f"{at}/first-class-refusals", {
        "academic_year": NEXT_YEAR, "application_id": str(other),
        "reason": "incomplete_documents", "explanation": "нет справки о регистрации"}, school)
    ordered = written(client, f"{at}/first-class-orders", {
        "academic_year": NEXT_YEAR, "application_ids": [str(application)], "class_name": "1А",
        "effective_on": "2027-07-02", "basis": BASIS}, school)
    assert str(child) in {s["stream_id"] for s in ordered["streams"]}


def test_college_admission(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    build_world(client, operator)
    college_id = _organisation(client, operator, "college")
    college = tokens(R.ORGANISATION_STAFF, org=college_id)
    at = f"/colleges/{college_id}"
    written(client, f"{at}/admissions", {"academic_year": NEXT_YEAR, "programmes": [
        {"code": "09.02.07", "name": "Информационные системы", "places": 1}]}, college)
    applicant, other = uuid4(), uuid4()
    first, second = uuid4(), uuid4()

    def draft(application: UUID, who: UUID, **changes: Any) -> dict[str, Any]:
        return {"academic_year": NEXT_YEAR, "application_id": str(application),
                "applicant_id": str(who), "choices": [{"code": "09.02.07", "priority": 1}],
                "average_mark": "4.50", **changes}

    learner = tokens(R.LEARNER, learner=applicant)
    refused(client, f"{at}/applications", draft(first, applicant, average_mark="5.50"),
            learner, 422, "invalid_average_mark")
    refused(client, f"{at}/applications", draft(first, applicant, choices=[
        {"code": "99.99.99", "priority": 1}]), learner, 404, "programme_not_offered")
    refused(client, f"{at}/applications", draft(first, other), learner, 404, "not_found")
    written(client, f"{at}/applications", draft(first, applicant), learner)
    parent = tokens(R.PARENT, learner=other)
    written(client, f"{at}/applications", draft(second, other), parent)
    refused(client, f"{at}/applications/{first}/withdrawal",
            {"academic_year": NEXT_YEAR, "reason": "x"}, parent, 404, "not_found")
    written(client, f"{at}/applications/{second}/withdrawal",
            {"academic_year": NEXT_YEAR, "reason": "выбрал другой колледж"}, parent)
    written(client, f"{at}/applications/{first}/confirmation", {
        "academic_year": NEXT_YEAR, "originals": ["аттестат"], "average_mark": "4.50"},
        college)
    written(client, f"{at}/ratings", {"academic_year": NEXT_YEAR, "code": "09.02.07"}, college)
    ordered = written(client, f"{at}/enrolment-orders", {
        "academic_year": NEXT_YEAR, "code": "09.02.07", "application_ids": [str(first)],
        "group": "ИС-11", "basis": BASIS}, college)
    assert str(applicant) in {s["stream_id"] for s in ordered["streams"]}

    page = client.get(f"/college-admissions?min_position={ordered['position']}",
                      headers=college)
    assert [row["college_id"] for row in page.json()["items"]] == [str(college_id)]
    one = client.get(f"/college-admissions/{CollegeAdmission.stream_id(college_id, NEXT_YEAR)}",
                     headers=college)
    assert one.json()["item"]["programmes"]["09.02.07"]["enrolled"] == 1
    assert "ratings" in one.json()["item"]
    outsider = tokens(R.ORGANISATION_STAFF, org=uuid4())
    assert client.get(f"/college-admissions?college_id={college_id}",
                      headers=outsider).json()["items"] == []


_NEW = [r for m in (staff, olympiads, organisation_changes, kindergarten, admissions)
        for r in m.router.routes if isinstance(r, APIRoute) and "POST" in (r.methods or ())]


@pytest.mark.parametrize("route", _NEW, ids=lambda r: r.path)
def test_bad_input_is_a_validation_problem_and_writes_nothing(
        client: TestClient, tokens: Tokens, route: APIRoute) -> None:
    """With a caller the gate lets through (the operator, or the organisation's own staff where
    only they may), a body of the wrong shape is a 422 `validation_failed`, nothing written."""
    operator = tokens(R.REGIONAL_OPERATOR)
    organisation = _organisation(client, operator, "school")
    allowed = POLICY[GATES[route.endpoint].action]
    caller = (operator if R.REGIONAL_OPERATOR in allowed
              else tokens(R.ORGANISATION_STAFF, org=organisation))
    path = re.sub(r"\{(\w+)\}", lambda m: str(
        organisation if m.group(1) in ("organisation_id", "school_id", "college_id")
        else uuid4()), route.path)
    problem = refused(client, path, {"unexpected": 1}, caller, 422, "validation_failed")
    assert problem["errors"], problem
