"""Free text over HTTP: request shapes unchanged, the text sealed before it reaches the event,
never returned by a read; without a master key such a command is refused, nothing written."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import uuid4

from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import ApiRole
from letopis.store import init_store
from tests.api.conftest import Tokens, make_settings
from tests.api.world import YEAR, build_world, ok

REASON = "оценку Кузнецовой Марии Петровны ввели по ошибке"


def _correction(mark_id: str) -> dict[str, str]:
    return {"subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
            "corrects_mark_id": mark_id, "value": "5", "reason": REASON,
            "effective_on": "2026-09-15"}


def _mark(client: TestClient, learner: str, operator: dict[str, str]) -> str:
    mark_id = str(uuid4())
    ok(client.post(f"/learners/{learner}/marks", headers=operator, json={
        "subject": "Математика", "academic_year": YEAR, "mark_id": mark_id, "kind": "current",
        "value": "4", "lesson_on": "2026-09-14", "effective_on": "2026-09-14"}))
    return mark_id


def test_a_correction_reason_is_sealed_and_no_read_returns_it(client: TestClient,
                                                              tokens: Tokens) -> None:
    operator = tokens(ApiRole.REGIONAL_OPERATOR)
    world = build_world(client, operator)
    learner = str(world.learner)
    mark_id = _mark(client, learner, operator)
    written = ok(client.post(f"/learners/{learner}/mark-corrections", headers=operator,
                             json=_correction(mark_id)))
    auditor = tokens(ApiRole.AUDITOR)
    wait = {"min_position": written["position"]}  # read our own write
    profile = ok(client.get(f"/learners/{learner}/profile", headers=operator, params=wait))
    assert REASON not in json.dumps(profile, ensure_ascii=False)
    history = ok(client.get(f"/learners/{learner}/history", headers=operator, params=wait))
    assert REASON not in json.dumps(history, ensure_ascii=False)
    runtime = client.app.state.runtime  # type: ignore[attr-defined]
    events = runtime.services.ledger.store.select_notifications(None, 10_000)
    assert all(REASON.encode() not in e.state for e in events)
    gradebook = next(e for e in events if e.topic.endswith("Gradebook.MarkCorrected"))
    audit = ok(client.get(f"/audit/gradebook/{gradebook.originator_id}", headers=auditor))
    corrected = audit["events"][-1]
    assert corrected["data"]["reason"] == {"sealed": "Gradebook.MarkCorrected.reason",
                                           "learner_id": learner}


def test_without_a_master_key_a_correction_is_refused_and_nothing_written(
        tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'letopis.sqlite'}"
    init_store(url)
    settings = make_settings(url).model_copy(update={"master_key": None})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        operator = Tokens(settings)(ApiRole.REGIONAL_OPERATOR)
        world = build_world(client, operator)
        mark_id = _mark(client, str(world.learner), operator)
        store = client.app.state.runtime.services.ledger.store  # type: ignore[attr-defined]
        written = store.count_events()
        response = client.post(f"/learners/{world.learner}/mark-corrections", headers=operator,
                               json=_correction(mark_id))
        assert response.status_code == 422
        assert response.json()["code"] == "master_key_missing"
        assert store.count_events() == written
