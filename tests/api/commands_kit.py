"""Helpers of the command-endpoint tests: a write that must land, a refusal that must not."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.auth import ApiRole
from letopis.settings import Settings
from tests.api.conftest import Tokens


def operator(client: TestClient) -> dict[str, str]:
    return headers(client, ApiRole.REGIONAL_OPERATOR)


def headers(client: TestClient, role: ApiRole, **scope: Any) -> dict[str, str]:
    settings: Settings = client.app.state.runtime.settings  # type: ignore[attr-defined]
    return Tokens(settings)(role, **scope)


def events(client: TestClient) -> int:
    return int(client.app.state.runtime.services.ledger.store.count_events())  # type: ignore[attr-defined]


def written(client: TestClient, path: str, body: dict[str, Any] | None,
            caller: dict[str, str], command: str | None = None) -> dict[str, Any]:
    """POST `body`; it must answer 201 and write exactly the events it reports."""
    before = events(client)
    response = client.post(path, json=body, headers=caller)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    assert result["event_ids"], result
    assert len(result["positions"]) == len(result["event_ids"])
    assert result["position"] == max(result["positions"])
    assert events(client) == before + len(result["event_ids"])
    if command is not None:
        assert result["command"] == command
    return result


def refused(client: TestClient, path: str, body: dict[str, Any] | None,
            caller: dict[str, str], status: int, code: str) -> dict[str, Any]:
    """POST `body`; it must be a problem+json with this status and code, writing nothing."""
    before = events(client)
    response = client.post(path, json=body, headers=caller)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status
    assert events(client) == before
    return problem
