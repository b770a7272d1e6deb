"""Helpers for the command endpoint tests: a write that must succeed, one that must be refused
with a given problem code and write nothing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import BaseRoute

from tests.api.conftest import Tokens


def tokens_for(client: TestClient) -> Tokens:
    """Tokens signed with the keys of the client's app (either store)."""
    return Tokens(client.app.state.runtime.settings)  # type: ignore[attr-defined]


def event_count(client: TestClient) -> int:
    store = client.app.state.runtime.services.ledger.store  # type: ignore[attr-defined]
    return len(store.select_notifications(1, 1_000_000))


def written(client: TestClient, path: str, body: dict[str, Any] | None,
            headers: dict[str, str]) -> dict[str, Any]:
    """POST a command that must succeed; check the result's shape against the ledger."""
    before = event_count(client)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    assert result["event_ids"]
    assert len(result["event_ids"]) == len(result["positions"])
    assert result["position"] == max(result["positions"])
    assert all(s["version"] >= 1 for s in result["streams"])
    assert event_count(client) == before + len(result["positions"])
    return result


def refused(client: TestClient, path: str, body: dict[str, Any] | None,
            headers: dict[str, str], status: int, code: str) -> dict[str, Any]:
    """POST a command that must be refused with `status` and `code`, writing nothing."""
    before = event_count(client)
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = response.json()
    assert problem["code"] == code, problem
    assert event_count(client) == before
    return problem


def api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route of an app, also inside included routers (FastAPI includes them lazily;
    no router here has a prefix, so the paths are the routes' own)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes)
