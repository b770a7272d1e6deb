"""The digital profile over HTTP on both stores: the profile, its subjects' marks and the read
model's position come back together (one query on PostgreSQL), filtered by academic year."""

from __future__ import annotations

from uuid import uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole, issue_token
from letopis.settings import Settings
from tests.api.world import YEAR, build_world, ok


def _mark(subject: str, year: str, value: str) -> dict[str, str]:
    lesson = f"{year[:4]}-09-14"
    return {"subject": subject, "academic_year": year, "mark_id": str(uuid4()),
            "kind": "current", "value": value, "lesson_on": lesson, "effective_on": lesson}


def test_profile_carries_each_subjects_marks_and_the_position(any_client: TestClient) -> None:
    settings: Settings = any_client.app.state.runtime.settings  # type: ignore[attr-defined]
    operator = {"Authorization": "Bearer " + issue_token(settings, subject="op",
                                                          role=ApiRole.REGIONAL_OPERATOR)}
    world = build_world(any_client, operator)
    for subject, value in (("Математика", "5"), ("Математика", "3"), ("Физика", "4")):
        position = ok(any_client.post(f"/learners/{world.learner}/marks", headers=operator,
                                      json=_mark(subject, YEAR, value)))["position"]
    position = ok(any_client.post(f"/learners/{world.learner}/marks", headers=operator,
                                  json=_mark("Физика", "2025/2026", "2")))["position"]

    body = ok(any_client.get(f"/learners/{world.learner}/profile", headers=operator,
                             params={"min_position": position}))
    assert body["position"] >= position
    assert body["item"]["learner_id"] == str(world.learner)
    marks = {(m["subject"], m["academic_year"]): m for m in body["item"]["marks"]}
    assert set(marks) == {("Математика", YEAR), ("Физика", YEAR), ("Физика", "2025/2026")}
    assert marks[("Математика", YEAR)]["current_average"] == "4.00"
    assert [m["value"] for m in marks[("Физика", YEAR)]["current"]] == ["4"]

    this_year = ok(any_client.get(f"/learners/{world.learner}/profile", headers=operator,
                                  params={"academic_year": YEAR}))
    assert {m["subject"] for m in this_year["item"]["marks"]} == {"Математика", "Физика"}
    assert all(m["academic_year"] == YEAR for m in this_year["item"]["marks"])
    missing = any_client.get(f"/learners/{uuid4()}/profile", headers=operator)
    assert missing.status_code == 404
