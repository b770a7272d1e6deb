"""Shared by every role × endpoint matrix (tests/api/test_access_matrix.py with
matrix_commands.py, test_access_matrix_staff.py, test_access_matrix_admissions.py): a small world
with a kindergarten and a college, a token per role scoped to that world, builders of the
requests, and the check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import ApiRole
from letopis.store import init_store
from projections.registry import PROJECTIONS
from tests.api.conftest import Tokens, make_settings
from tests.api.world import BASIS, YEAR, World, build_world, ok, org_body

R = ApiRole
ALL = frozenset(R)
OP, MUN, STAFF, TEACHER = (R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF,
                           R.CLASS_TEACHER)
PARENT, LEARNER, AUDITOR = R.PARENT, R.LEARNER, R.AUDITOR

# method, path, JSON body, and claims that replace the role's default ones (e.g. the child)
Request = tuple[str, str, dict[str, Any] | None, dict[ApiRole, dict[str, Any]]]
# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
Case = tuple[str, Callable[["Env"], Request], frozenset[ApiRole], int | None]


@dataclass
class Env:
    client: TestClient
    world: World
    tokens: Tokens
    operator: dict[str, str]
    kindergarten: UUID
    college: UUID
    serial: Iterator[int] = field(default_factory=lambda: count(1))

    def headers(self, role: ApiRole,
                claims: dict[ApiRole, dict[str, Any]] | None = None) -> dict[str, str]:
        """The role's token: its default scope in the world, with `claims[role]` on top. The
        provider is the other school, the one the funding requests name as provider."""
        w = self.world
        scope: dict[ApiRole, dict[str, Any]] = {
            MUN: {"municipality": "Оренбург"}, STAFF: {"org": w.school},
            TEACHER: {"org": w.school, "class_name": "5А"}, R.PROVIDER: {"org": w.other_school},
            PARENT: {"learner": w.learner}, LEARNER: {"learner": w.learner},
        }
        return self.tokens(role, **{**scope.get(role, {}), **(claims or {}).get(role, {})})

    def post(self, path: str, body: dict[str, Any] | None,
             headers: dict[str, str] | None = None) -> dict[str, Any]:
        return ok(self.client.post(path, json=body, headers=headers or self.operator))

    def year(self) -> int:
        """A fresh academic year's start, for commands whose stream is one per year."""
        return 2030 + next(self.serial)

    def fresh_learner(self, enrolled: bool = True) -> tuple[UUID, UUID]:
        """A new learner in the school's class 5А (or only registered)."""
        learner, enrolment = uuid4(), uuid4()
        self.post("/learners", {"learner_id": str(learner)})
        if enrolled:
            self.post(f"/learners/{learner}/enrolments", {
                "enrolment_id": str(enrolment), "organisation_id": str(self.world.school),
                "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
                "effective_on": "2026-09-01", "basis": BASIS})
        return learner, enrolment


def open_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """The body of each matrix module's `env` fixture."""
    path: Path = tmp_path_factory.mktemp("matrix") / "letopis.sqlite"
    init_store(f"sqlite:///{path}")
    settings = make_settings(f"sqlite:///{path}")
    tokens = Tokens(settings)
    operator = tokens(OP)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        world = build_world(client, operator)
        found = Env(client, world, tokens, operator, uuid4(), uuid4())
        for organisation, kind in ((found.kindergarten, "kindergarten"),
                                   (found.college, "college")):
            found.post("/organisations", {**org_body(organisation, "Оренбург", kind),
                                          "kind": kind})
        found.post("/organisation-card-policy", {"editable_fields": ["actual_address"]})
        last = found.post(f"/kindergarten-applications/{uuid4()}", terms(found))
        for name in PROJECTIONS:  # the reads below expect these in every read model
            assert client.app.state.runtime.projections.wait_for(  # type: ignore[attr-defined]
                name, last["position"], 60)
        yield found


def terms(env: Env) -> dict[str, Any]:
    return {"municipality": "Оренбург", "preferences": [str(env.kindergarten)],
            "desired_start": "2027-09-01", "age_group": "3-4"}


def check(env: Env, role: ApiRole, build: Callable[[Env], Request],
          allowed: frozenset[ApiRole], success: int | None) -> None:
    """Refused roles get 401/403 problems; allowed ones the success status (None: the target
    does not exist, so any refusal but 401/403 and no 5xx)."""
    method, path, body, claims = build(env)
    response = env.client.request(method, path, json=body, headers=env.headers(role, claims))
    if role not in allowed:
        expected = 401 if role is R.PUBLIC else 403
        assert response.status_code == expected, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == ("unauthenticated" if expected == 401
                                           else "forbidden")
    elif success is not None:
        assert response.status_code == success, response.text
    else:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text


def fixed(method: str, path: str, body: dict[str, Any] | None = None,
          claims: dict[ApiRole, dict[str, Any]] | None = None) -> Callable[[Env], Request]:
    """A request whose path and top-level string body values may name `{w.…}` (the world) or
    `{new}` (one fresh id per request)."""
    def build(env: Env) -> Request:
        fill = {"w": env.world, "new": uuid4()}
        filled = None if body is None else {
            k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
        return method, path.format(**fill), filled, claims or {}

    return build
