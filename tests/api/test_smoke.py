from __future__ import annotations

from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.conftest import Tokens
from tests.api.world import build_world, ok


def test_enrolled_learner_is_readable_after_its_position(client: TestClient,
                                                         tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    world = build_world(client, operator)
    body = ok(client.get(f"/learners/{world.learner}/history",
                         params={"min_position": world.position}, headers=operator))
    assert body["item"]["status"] == "enrolled"
    assert body["position"] >= world.position
