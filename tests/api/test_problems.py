"""Every error is RFC 9457 problem+json with a stable code; never a traceback, SQL or path."""

from __future__ import annotations

import logging
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.conftest import Tokens

FIELDS = {"type", "title", "status", "detail", "code", "instance"}


def _problem(response: object, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/problem+json"  # type: ignore[attr-defined]
    body: dict[str, object] = response.json()  # type: ignore[attr-defined]
    assert body.keys() >= FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert str(body["type"]).endswith(code)
    return body


def test_validation_error(client: TestClient, tokens: Tokens) -> None:
    body = _problem(client.post("/learners", json={"learner_id": "nope"},
                                headers=tokens(ApiRole.REGIONAL_OPERATOR)),
                    422, "validation_failed")
    assert "learner_id" in str(body["detail"])


def test_missing_and_bad_tokens(client: TestClient, settings: object) -> None:
    _problem(client.get("/feed"), 401, "unauthenticated")
    body = _problem(client.get("/feed", headers={"Authorization": "Bearer not.a.token"}),
                    401, "unauthenticated")
    assert "not valid" in str(body["detail"])


def test_forbidden(client: TestClient, tokens: Tokens) -> None:
    _problem(client.get("/feed", headers=tokens(ApiRole.FINANCE)), 403, "forbidden")


def test_unknown_route_and_missing_resource(client: TestClient) -> None:
    _problem(client.get("/no/such/thing"), 404, "not_found")
    _problem(client.get(f"/organisations/{uuid4()}"), 404, "not_found")


def test_unexpected_error_is_a_500_with_a_logged_correlation_id(
        client: TestClient, tokens: Tokens, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    services = client.app.state.runtime.services  # type: ignore[attr-defined]

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError('SELECT * FROM "secret" -- /srv/letopis/store.py line 12')

    monkeypatch.setattr(services.learners, "register", broken)
    caplog.set_level(logging.ERROR, logger="letopis.api")
    response = client.post("/learners", json={"learner_id": str(uuid4())},
                           headers=tokens(ApiRole.REGIONAL_OPERATOR))
    body = _problem(response, 500, "internal_error")
    text = response.text
    assert "SELECT" not in text
    assert "/srv" not in text
    assert "Traceback" not in text
    correlation_id = str(body["correlation_id"])
    assert correlation_id in str(body["detail"])
    assert any(correlation_id in r.getMessage() for r in caplog.records)
