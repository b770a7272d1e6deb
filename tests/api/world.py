"""A small region built through the API: two organisations in two municipalities, learners in
classes 5А and 5Б."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

YEAR = "2026/2027"
BASIS = {"kind": "order", "number": "1-к", "dated": "2026-08-30"}


def org_body(organisation_id: UUID, municipality: str, name: str) -> dict[str, Any]:
    return {"organisation_id": str(organisation_id), "full_name": f"Школа {name}",
            "short_name": name, "kind": "school", "inn": "7707083893", "ogrn": "1027700132195",
            "municipality": municipality, "legal_address": "ул. Ленина, 1",
            "actual_address": "ул. Ленина, 1"}


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


@dataclass
class World:
    school: UUID  # in Оренбург
    other_school: UUID  # in Орск
    learner: UUID  # school, 5А
    classmate: UUID  # school, 5Б
    stranger: UUID  # other school, 5А
    enrolment: UUID
    position: int


def build_world(client: TestClient, operator: dict[str, str]) -> World:
    school, other = uuid4(), uuid4()
    ok(client.post("/organisations", json=org_body(school, "Оренбург", "СОШ 1"),
                   headers=operator))
    ok(client.post("/organisations", json=org_body(other, "Орск", "СОШ 2"), headers=operator))
    learners: list[UUID] = []
    enrolments: list[UUID] = []
    position = 0
    for organisation, class_name in ((school, "5А"), (school, "5Б"), (other, "5А")):
        learner, enrolment = uuid4(), uuid4()
        ok(client.post("/learners", json={"learner_id": str(learner)}, headers=operator))
        result = ok(client.post(f"/learners/{learner}/enrolments", headers=operator, json={
            "enrolment_id": str(enrolment), "organisation_id": str(organisation),
            "level": "basic_general", "class_or_group": class_name, "academic_year": YEAR,
            "effective_on": "2026-09-01", "basis": BASIS}))
        learners.append(learner)
        enrolments.append(enrolment)
        position = result["position"]
    return World(school, other, learners[0], learners[1], learners[2], enrolments[0], position)
