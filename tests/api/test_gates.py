"""Authentication and the role check come before body validation on every write endpoint.

A caller without the right must not learn an endpoint's body shape nor whether its target
exists: with a malformed body (not JSON, or JSON of the wrong shape) they get 401/403 as
`POLICY` says, or 404 when the path names a target outside their scope; never a 422. The
endpoints are read from the app, so a new write endpoint without a gate fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.access import POLICY, needs_scope
from api.app import create_app
from api.auth import ANONYMOUS, ApiRole, Principal
from api.gates import GATES
from letopis.settings import Settings
from letopis.store import init_store
from tests.api.commands_support import api_routes
from tests.api.conftest import Tokens, make_settings
from tests.api.world import World, build_world

R = ApiRole
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def _method(route: APIRoute) -> str:
    return sorted(route.methods or ())[0]


_ROUTES = [r for r in api_routes(create_app(Settings(database_url="sqlite:///unused.sqlite"))
                                  .routes) if _method(r) in WRITES]
MALFORMED: list[tuple[str, dict[str, Any]]] = [
    ("not json", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}),
    ("wrong shape", {"json": {"unexpected": [1, 2, 3]}}),
]


@dataclass
class Env:
    client: TestClient
    world: World
    tokens: Tokens

    def total_events(self) -> int:
        store = self.client.app.state.runtime.services.ledger.store  # type: ignore[attr-defined]
        notes = store.select_notifications(1, 1_000_000)
        return len(notes)


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    path: Path = tmp_path_factory.mktemp("gates") / "letopis.sqlite"
    init_store(f"sqlite:///{path}")
    settings = make_settings(f"sqlite:///{path}")
    tokens = Tokens(settings)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield Env(client, build_world(client, tokens(R.REGIONAL_OPERATOR)), tokens)


def _path(route: APIRoute, world: World) -> str:
    """The route's path with its parameters filled: real targets where the world has them
    (another organisation's learner or organisation for the scoped roles below)."""
    known = {"learner_id": world.learner, "organisation_id": world.school,
             "school_id": world.school, "college_id": world.school,
             "number": "5699999999"}  # a certificate number no one issued
    return re.sub(r"\{(\w+)\}", lambda m: str(known.get(m.group(1), uuid4())), route.path)


def _outsider(env: Env, role: ApiRole) -> dict[str, str]:
    """A token of `role` whose scope holds none of the world's school, its municipality or its
    learner (the targets `_path` names)."""
    w = env.world
    claims: dict[ApiRole, dict[str, Any]] = {
        R.MUNICIPAL_AUTHORITY: {"municipality": "Орск"},
        R.ORGANISATION_STAFF: {"org": w.other_school},
        R.CLASS_TEACHER: {"org": w.other_school, "class_name": "5А"},
        R.PROVIDER: {"org": w.other_school},
        R.PARENT: {"learner": w.stranger},
        R.LEARNER: {"learner": w.stranger},
    }
    return env.tokens(role, **claims.get(role, {}))


def _route_id(route: APIRoute) -> str:
    return f"{_method(route)} {route.path}"


@pytest.mark.parametrize("route", _ROUTES, ids=_route_id)
def test_every_write_endpoint_declares_its_gate(route: APIRoute) -> None:
    found = GATES.get(route.endpoint)
    assert found is not None, f"{_route_id(route)} has no @gate: its check would follow the body"
    assert ApiRole.PUBLIC not in POLICY[found.action]


@pytest.mark.parametrize(("malformed", "send"), MALFORMED, ids=[m[0] for m in MALFORMED])
@pytest.mark.parametrize("route", _ROUTES, ids=_route_id)
def test_refused_roles_get_401_or_403_even_with_a_malformed_body(
        env: Env, route: APIRoute, malformed: str, send: dict[str, Any]) -> None:
    gate = GATES.get(route.endpoint)
    assert gate is not None, f"{_route_id(route)} has no @gate"
    method, path = _method(route), _path(route, env.world)
    before = env.total_events()
    for role in sorted(set(R) - POLICY[gate.action], key=lambda r: r.value):
        headers = {**send.get("headers", {}), **_outsider(env, role)}
        response = env.client.request(method, path, **{**send, "headers": headers})
        expected = (401, "unauthenticated") if role is R.PUBLIC else (403, "forbidden")
        assert (response.status_code, response.json()["code"]) == expected, (role, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    bad_token = {**send.get("headers", {}), "Authorization": "Bearer not-a-token"}
    response = env.client.request(method, path, **{**send, "headers": bad_token})
    assert response.status_code == 401, response.text
    assert env.total_events() == before


_SCOPED = [r for r in _ROUTES if getattr(GATES.get(r.endpoint), "scope_of", None) is not None]


@pytest.mark.parametrize("route", _SCOPED, ids=_route_id)
def test_a_target_outside_the_scope_is_404_even_with_a_malformed_body(
        env: Env, route: APIRoute) -> None:
    gate = GATES[route.endpoint]
    scoped = [r for r in POLICY[gate.action] if needs_scope(_principal(r))]
    method, path = _method(route), _path(route, env.world)
    for role in sorted(scoped, key=lambda r: r.value):
        response = env.client.request(method, path, content=b"{not json", headers={
            "Content-Type": "application/json", **_outsider(env, role)})
        assert response.status_code == 404, (role, response.text)
        assert response.json()["code"] == "not_found"


def _principal(role: ApiRole) -> Principal:
    return ANONYMOUS if role is R.PUBLIC else Principal(subject="t", role=role)


def test_an_allowed_caller_still_gets_the_body_validated(env: Env) -> None:
    """The gate is not a bypass: in scope and allowed, a malformed body is a 422."""
    staff = env.tokens(R.ORGANISATION_STAFF, org=env.world.school)
    response = env.client.post(f"/organisations/{env.world.school}/staff",
                               content=b"{not json",
                               headers={"Content-Type": "application/json", **staff})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_failed"
    learner: UUID = env.world.learner
    response = env.client.post(f"/learners/{learner}/marks", json={"unexpected": 1},
                               headers=env.tokens(R.ORGANISATION_STAFF, org=env.world.school))
    assert response.status_code == 422, response.text


def test_a_malformed_certificate_number_is_left_to_the_route(env: Env) -> None:
    """A path the gate cannot read as a target (not ten digits) is the route's 422, as a
    malformed UUID is; a well-formed number no one issued is the scoped caller's 404."""
    municipal = env.tokens(R.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    response = env.client.post("/certificates/12ab/suspension", json={"reason": "x"},
                               headers=municipal)
    assert (response.status_code, response.json()["code"]) == (422, "validation_failed")
    response = env.client.post("/certificates/5699999999/suspension", json={"reason": "x"},
                               headers=municipal)
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
