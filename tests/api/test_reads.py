"""Reads: the not-leaking 404, ETags, keyed pages, read-your-writes, audit history."""

from __future__ import annotations

import logging
from datetime import date
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole, issue_token
from domain.envelope import Actor, BasisDocument, Role
from domain.staff_values import Position
from letopis.ledger import CommandContext
from tests.api.conftest import Tokens
from tests.api.world import BASIS, YEAR, build_world, ok, org_body


@pytest.mark.parametrize(("role", "scope"), [
    (ApiRole.MUNICIPAL_AUTHORITY, "municipality"),
    (ApiRole.ORGANISATION_STAFF, "school"),
    (ApiRole.CLASS_TEACHER, "class"),
    (ApiRole.PARENT, "learner"),
])
def test_someone_elses_learner_is_a_404_like_a_missing_one(
        client: TestClient, tokens: Tokens, role: ApiRole, scope: str,
        caplog: pytest.LogCaptureFixture) -> None:
    world = build_world(client, tokens(ApiRole.REGIONAL_OPERATOR))
    claims = {"municipality": {"municipality": "Оренбург"}, "school": {"org": world.school},
              "class": {"org": world.school, "class_name": "5А"},
              "learner": {"learner": world.learner}}[scope]
    caller = tokens(role, **claims)
    missing = uuid4()
    for what in ("history", "profile"):
        other = client.get(f"/learners/{world.stranger}/{what}", headers=caller)
        absent = client.get(f"/learners/{missing}/{what}", headers=caller)
        assert other.status_code == absent.status_code == 404
        shape = {k: v for k, v in other.json().items() if k not in ("detail", "instance")}
        assert shape == {k: v for k, v in absent.json().items()
                         if k not in ("detail", "instance")}
        assert other.json()["detail"] == f"learner {world.stranger} is not in the ledger"
    assert any(f"test-{role.value}" in r.getMessage() and "outside the caller's scope"
               in r.getMessage() for r in caplog.records)


def test_class_teacher_sees_own_class_only(client: TestClient, tokens: Tokens) -> None:
    world = build_world(client, tokens(ApiRole.REGIONAL_OPERATOR))
    teacher = tokens(ApiRole.CLASS_TEACHER, org=world.school, class_name="5А")
    assert client.get(f"/learners/{world.learner}/profile", headers=teacher,
                      params={"min_position": world.position}).status_code == 200
    assert client.get(f"/learners/{world.classmate}/profile",
                      headers=teacher).status_code == 404  # same school, class 5Б
    mark = {"subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
            "kind": "current", "value": "5", "lesson_on": "2026-09-14",
            "effective_on": "2026-09-14"}
    assert client.post(f"/learners/{world.classmate}/marks", json=mark,
                       headers=teacher).status_code == 404


def test_denial_is_logged_with_the_actor(client: TestClient, tokens: Tokens,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="letopis.api.access")
    response = client.post("/payments", json={}, headers=tokens(ApiRole.AUDITOR))
    assert response.status_code in (403, 422)
    response = client.get("/feed", headers=tokens(ApiRole.FINANCE))
    assert response.status_code == 403
    assert any("test-finance (finance)" in r.getMessage() for r in caplog.records)


def test_etag_and_if_none_match(client: TestClient, tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    world = build_world(client, operator)
    first = client.get(f"/organisations/{world.school}", params={"min_position": world.position})
    tag = first.headers["etag"]
    again = client.get(f"/organisations/{world.school}", headers={"If-None-Match": tag})
    assert again.status_code == 304
    assert again.headers["etag"] == tag
    changed = client.get(f"/organisations/{world.school}", headers={"If-None-Match": '"x"'})
    assert changed.status_code == 200


def test_pages_follow_the_key_cursor_without_repeats(client: TestClient,
                                                     tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    made = set()
    position = 0
    for i in range(5):
        organisation = uuid4()
        made.add(str(organisation))
        position = ok(client.post("/organisations", headers=operator,
                                  json=org_body(organisation, "Бузулук", f"СОШ {i}")))["position"]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, "municipality": "Бузулук", "min_position": position}
        if cursor:
            params["cursor"] = cursor
        page = ok(client.get("/organisations", params=params))
        seen += [item["organisation_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(made)
    assert ok(client.get("/organisations", params={"municipality": "Нигде"}))["items"] == []


def test_min_position_beyond_the_ledger_is_a_409_problem(tmp_path: object) -> None:
    from pathlib import Path

    from api.app import create_app
    from letopis.store import init_store
    from tests.api.conftest import make_settings

    url = f"sqlite:///{Path(str(tmp_path)) / 'l.sqlite'}"
    init_store(url)
    settings = make_settings(url).model_copy(update={"api_max_wait_seconds": 0.2})
    with TestClient(create_app(settings)) as client:
        response = client.get("/organisations", params={"min_position": 10_000})
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "projection_behind"
    assert "not yet at 10000" in problem["detail"]
    assert response.headers["retry-after"] == "1"


def test_audit_history_as_of_a_recorded_time(client: TestClient, tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    world = build_world(client, operator)
    auditor = tokens(ApiRole.AUDITOR)
    now = ok(client.get(f"/audit/learner/{world.learner}", headers=auditor))
    assert [e["event_type"] for e in now["events"]] == ["Learner.Registered", "Learner.Enrolled"]
    assert now["events"][1]["basis"]["number"] == BASIS["number"]
    before = ok(client.get(f"/audit/learner/{world.learner}", headers=auditor,
                           params={"as_of": "2000-01-01T00:00:00Z"}))
    assert before["events"] == []
    assert before["recorded_later"] == 2
    assert client.get(f"/audit/learner/{world.school}",
                      headers=auditor).status_code == 404  # an organisation, not a learner


def test_the_staff_register_decides_whose_class_it_is(client: TestClient, tokens: Tokens) -> None:
    """Once the register names 5А's class teacher, only that person sees 5А, whatever class a
    token claims; a class the register names nobody for still goes by the token's claim."""
    world = build_world(client, tokens(ApiRole.REGIONAL_OPERATOR))
    staff = client.app.state.runtime.services.staff  # type: ignore[attr-defined]
    hr = CommandContext(actor=Actor("hr-1", Role.ADMINISTRATOR, world.school),
                        command_id="hire-teacher", effective_on=date(2026, 8, 25),
                        basis=BasisDocument(kind="order", number="45-лс",
                                            dated=date(2026, 8, 25)))
    teacher = uuid4()
    staff.hire(hr, world.school, teacher, "Иванова Мария Петровна",
               Position("учитель", ("Математика",)))
    staff.assign_class_teacher(
        CommandContext(actor=hr.actor, command_id="assign-5a", effective_on=hr.effective_on,
                       basis=hr.basis), world.school, "5А", YEAR, teacher)

    def sees(subject: str, class_name: str, learner: object) -> int:
        token = issue_token(tokens.settings, subject=subject, role=ApiRole.CLASS_TEACHER,
                            organisation_id=world.school, class_name=class_name)
        return int(client.get(f"/learners/{learner}/profile",
                              headers={"Authorization": f"Bearer {token}"},
                              params={"min_position": world.position}).status_code)

    assert sees(str(teacher), "5Б", world.learner) == 200  # the register: 5А is hers
    assert sees("someone-else", "5А", world.learner) == 404  # a claim cannot take 5А over
    assert sees("someone-else", "5Б", world.classmate) == 200  # 5Б: no teacher registered
