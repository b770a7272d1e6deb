"""What the role × endpoint matrix runs in: the small world, a token per role, and builders
of the requests (tests/api/test_access_matrix.py, tests/api/matrix_commands.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.conftest import Tokens
from tests.api.world import BASIS, YEAR, World, ok

R = ApiRole

Request = tuple[str, str, dict[str, Any] | None]  # method, path, JSON body
# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
Case = tuple[str, Callable[["Env"], Request], frozenset[ApiRole], int | None]


@dataclass
class Env:
    client: TestClient
    world: World
    tokens: Tokens
    operator: dict[str, str]

    def headers(self, role: ApiRole) -> dict[str, str]:
        w = self.world
        scope: dict[ApiRole, dict[str, Any]] = {
            R.MUNICIPAL_AUTHORITY: {"municipality": "Оренбург"},
            R.ORGANISATION_STAFF: {"org": w.school},
            R.CLASS_TEACHER: {"org": w.school, "class_name": "5А"},
            R.PROVIDER: {"org": w.other_school},
            R.PARENT: {"learner": w.learner},
            R.LEARNER: {"learner": w.learner},
        }
        return self.tokens(role, **scope.get(role, {}))

    def fresh_learner(self, enrolled: bool = True) -> tuple[UUID, UUID]:
        """A new learner in the school's class 5А (or only registered)."""
        learner, enrolment = uuid4(), uuid4()
        ok(self.client.post("/learners", json={"learner_id": str(learner)},
                            headers=self.operator))
        if enrolled:
            ok(self.client.post(f"/learners/{learner}/enrolments", headers=self.operator, json={
                "enrolment_id": str(enrolment), "organisation_id": str(self.world.school),
                "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
                "effective_on": "2026-09-01", "basis": BASIS}))
        return learner, enrolment


def fixed(method: str, path: str, body: dict[str, Any] | None = None
           ) -> Callable[[Env], Request]:
    def build(env: Env) -> Request:
        fill = {"w": env.world, "new": uuid4()}
        filled = None if body is None else {
            k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
        return method, path.format(**fill), filled

    return build
