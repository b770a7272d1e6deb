"""The change feed end to end: a portal following /feed while commands are written ends with
exactly the read models' state; the SSE variant resumes after Last-Event-ID."""

from __future__ import annotations

import json
import threading
from typing import Any
from uuid import uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole
from projections.registry import PROJECTIONS
from tests.api.conftest import Tokens
from tests.api.world import BASIS, YEAR, build_world, ok

State = dict[tuple[str, str, str], dict[str, Any]]


def _apply(state: State, changes: list[dict[str, Any]]) -> None:
    for change in changes:
        key = (change["projection"], change["table"], change["key"])
        if change["op"] == "delete":
            state.pop(key, None)
        else:
            state[key] = change["row"]


def _write_region(client: TestClient, operator: dict[str, str], learners: int) -> int:
    world = build_world(client, operator)
    position = world.position
    for i in range(learners):
        learner, enrolment = str(uuid4()), str(uuid4())
        ok(client.post("/learners", json={"learner_id": learner}, headers=operator))
        ok(client.post(f"/learners/{learner}/enrolments", headers=operator, json={
            "enrolment_id": enrolment, "organisation_id": str(world.school),
            "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
            "effective_on": "2026-09-01", "basis": BASIS}))
        ok(client.post(f"/learners/{learner}/marks", headers=operator, json={
            "subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
            "kind": "current", "value": str(2 + i % 4), "lesson_on": "2026-09-14",
            "effective_on": "2026-09-14"}))
        if i % 3 == 0:
            position = ok(client.post(f"/learners/{learner}/transfers-within", headers=operator,
                                      json={"enrolment_id": enrolment, "class_or_group": "5Б",
                                            "academic_year": YEAR, "effective_on": "2026-10-01",
                                            "basis": BASIS}))["position"]
    return position


def test_portal_following_the_feed_ends_with_the_read_models(client: TestClient,
                                                             tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    portal: State = {}
    cursor = 0
    written = threading.Event()
    last_position: list[int] = []

    def writer() -> None:
        try:
            last_position.append(_write_region(client, operator, learners=12))
        finally:
            written.set()

    thread = threading.Thread(target=writer)
    thread.start()
    while not written.is_set():  # follow while the writer writes
        page = ok(client.get("/feed", headers=operator,
                             params={"after": cursor, "limit": 7, "wait": 0.2}))
        _apply(portal, page["changes"])
        cursor = page["next_after"]
    thread.join()
    assert last_position, "the writer failed"
    for name in PROJECTIONS:  # every read model has folded the last write
        assert client.app.state.runtime.projections.wait_for(  # type: ignore[attr-defined]
            name, last_position[0], 30)
    while True:  # drain
        page = ok(client.get("/feed", headers=operator, params={"after": cursor, "limit": 50}))
        _apply(portal, page["changes"])
        cursor = page["next_after"]
        if not page["changes"] and cursor >= page["head"]:
            break
    store = client.app.state.runtime.projections  # type: ignore[attr-defined]
    expected: State = {(p.name, table, key): row for p in PROJECTIONS.values()
                       for table in p.tables for key, row in store.scan(p.name, table)}
    assert len(expected) > 50
    assert portal == expected


def _sse(text: str) -> list[dict[str, Any]]:
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if fields.get("event") == "change":
            events.append({"id": int(fields["id"]), **json.loads(fields["data"])})
    return events


def test_sse_stream_resumes_after_last_event_id(client: TestClient, tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    position = build_world(client, operator).position
    ok(client.get("/organisations", params={"min_position": position}))
    first = _sse(client.get("/feed/stream", headers=operator,
                            params={"max_events": 3}).text)
    assert [e["id"] for e in first] == [e["sequence"] for e in first]
    assert len(first) == 3
    resumed = _sse(client.get("/feed/stream", params={"max_events": 2}, headers={
        **operator, "Last-Event-ID": str(first[-1]["id"])}).text)
    paged = ok(client.get("/feed", headers=operator,
                          params={"after": first[-1]["id"], "limit": 2}))["changes"]
    assert [e["sequence"] for e in resumed] == [c["sequence"] for c in paged]
    assert resumed[0]["sequence"] > first[-1]["sequence"]
