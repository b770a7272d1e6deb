"""Commands over HTTP on SQLite and PostgreSQL: results, idempotency, If-Match, refusals."""

from __future__ import annotations

from uuid import uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole
from letopis.settings import Settings
from replay.event_id import event_id
from tests.api.conftest import Tokens
from tests.api.world import BASIS, YEAR, ok, org_body


def _operator(client: TestClient) -> dict[str, str]:
    settings: Settings = client.app.state.runtime.settings  # type: ignore[attr-defined]
    return Tokens(settings)(ApiRole.REGIONAL_OPERATOR)


def _events(client: TestClient) -> int:
    return int(client.app.state.runtime.services.ledger.store.count_events())  # type: ignore[attr-defined]


def test_command_returns_event_ids_versions_and_positions(any_client: TestClient) -> None:
    operator = _operator(any_client)
    organisation = uuid4()
    body = ok(any_client.post("/organisations", json=org_body(organisation, "Орск", "СОШ 5"),
                              headers=operator))
    assert body["command"] == "register_organisation"
    assert body["streams"] == [{"stream_id": str(organisation), "version": 1}]
    assert body["event_ids"] == [str(event_id(organisation, 1))]
    assert body["position"] == max(body["positions"]) >= 1


def test_idempotency_key_replays_the_first_response_and_writes_nothing(
        any_client: TestClient) -> None:
    operator = {**_operator(any_client), "Idempotency-Key": "register-42"}
    learner = str(uuid4())
    first = any_client.post("/learners", json={"learner_id": learner}, headers=operator)
    written = _events(any_client)
    again = any_client.post("/learners", json={"learner_id": learner}, headers=operator)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert _events(any_client) == written


def test_command_id_in_the_body_is_an_idempotency_key(any_client: TestClient) -> None:
    operator = _operator(any_client)
    body = {"learner_id": str(uuid4()), "command_id": "body-key-1"}
    first = ok(any_client.post("/learners", json=body, headers=operator))
    written = _events(any_client)
    assert ok(any_client.post("/learners", json=body, headers=operator)) == first
    assert _events(any_client) == written


def test_idempotency_key_reused_for_another_command_is_a_409(any_client: TestClient) -> None:
    operator = {**_operator(any_client), "Idempotency-Key": "reused"}
    ok(any_client.post("/learners", json={"learner_id": str(uuid4())}, headers=operator))
    written = _events(any_client)
    response = any_client.post("/learners", json={"learner_id": str(uuid4())}, headers=operator)
    assert response.status_code == 409
    assert response.json()["code"] == "command_id_reused"
    assert _events(any_client) == written


def _enrolled(client: TestClient, operator: dict[str, str]) -> tuple[str, str]:
    school, learner, enrolment = uuid4(), str(uuid4()), str(uuid4())
    ok(client.post("/organisations", json=org_body(school, "Орск", "СОШ 6"), headers=operator))
    ok(client.post("/learners", json={"learner_id": learner}, headers=operator))
    ok(client.post(f"/learners/{learner}/enrolments", headers=operator, json={
        "enrolment_id": enrolment, "organisation_id": str(school), "level": "basic_general",
        "class_or_group": "5А", "academic_year": YEAR, "effective_on": "2026-09-01",
        "basis": BASIS}))
    return learner, enrolment


def test_if_match_on_the_current_version_writes(any_client: TestClient) -> None:
    operator = _operator(any_client)
    learner, enrolment = _enrolled(any_client, operator)
    body = ok(any_client.post(
        f"/learners/{learner}/transfers-within", headers={**operator, "If-Match": '"2"'},
        json={"enrolment_id": enrolment, "class_or_group": "5Б", "academic_year": YEAR,
              "effective_on": "2026-10-01", "basis": BASIS}))
    assert body["streams"] == [{"stream_id": learner, "version": 3}]


def test_if_match_on_a_stale_version_is_412_and_writes_nothing(any_client: TestClient) -> None:
    operator = _operator(any_client)
    learner, enrolment = _enrolled(any_client, operator)
    written = _events(any_client)
    for path, body in (
        ("transfers-within", {"enrolment_id": enrolment, "class_or_group": "5Б",
                              "academic_year": YEAR, "effective_on": "2026-10-01",
                              "basis": BASIS}),
        ("leavings", {"enrolment_id": enrolment, "reason": "learner_or_parents_initiative",
                      "effective_on": "2026-10-01", "basis": BASIS}),
    ):
        response = any_client.post(f"/learners/{learner}/{path}", json=body,
                                   headers={**operator, "If-Match": "1"})
        assert response.status_code == 412, response.text
        assert response.json()["code"] == "version_mismatch"
    assert _events(any_client) == written


def test_if_match_where_a_command_cannot_honour_it_is_refused(client: TestClient,
                                                              tokens: Tokens) -> None:
    response = client.post("/learners", json={"learner_id": str(uuid4())},
                           headers={**tokens(ApiRole.REGIONAL_OPERATOR), "If-Match": "0"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_if_match"


def test_domain_refusal_is_a_problem_with_the_domain_code(any_client: TestClient) -> None:
    operator = _operator(any_client)
    learner, enrolment = _enrolled(any_client, operator)
    written = _events(any_client)
    response = any_client.post(f"/learners/{learner}/transfers-within", headers=operator, json={
        "enrolment_id": enrolment, "class_or_group": "5Б", "academic_year": YEAR,
        "effective_on": "2026-10-01"})  # no basis order
    assert response.status_code in (409, 422)
    problem = response.json()
    assert problem["code"] == "basis_order_required"
    assert response.headers["content-type"] == "application/problem+json"
    assert _events(any_client) == written
