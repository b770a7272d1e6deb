"""Staff, olympiad and organisation-card endpoints: every command's happy path through the
HTTP API, idempotency and If-Match, refusals with their stable codes (nothing written), and the
staff registry reads with their scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from fastapi.testclient import TestClient

from api.auth import ApiRole
from domain.olympiad import Olympiad
from tests.api.commands_support import event_count, refused, tokens_for, written
from tests.api.world import BASIS, YEAR, World, build_world

R = ApiRole


def _hire(person: UUID, name: str = "Иванова Анна Петровна") -> dict[str, Any]:
    return {"person_id": str(person), "full_name": name, "effective_on": "2026-08-25",
            "position": {"title": "учитель", "subjects": ["Математика"]}, "basis": BASIS}


def test_staff_commands_and_reads(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    w = build_world(client, operator)
    staff = tokens(R.ORGANISATION_STAFF, org=w.school)
    at = f"/organisations/{w.school}"
    anna, boris = uuid4(), uuid4()

    first = written(client, f"{at}/staff", _hire(anna), {**staff, "Idempotency-Key": "h-1"})
    count = event_count(client)
    retry = client.post(f"{at}/staff", json=_hire(anna), headers={**staff, "Idempotency-Key":
                                                                   "h-1"})
    assert retry.status_code == 201
    assert retry.json() == first
    assert event_count(client) == count  # nothing written
    register_version = first["streams"][0]["version"]
    refused(client, f"{at}/staff", _hire(boris), {**staff, "If-Match": '"99"'}, 412,
            "version_mismatch")
    written(client, f"{at}/staff", _hire(boris, "Борисов Борис"),
            {**staff, "If-Match": f'"{register_version}"'})
    refused(client, f"{at}/staff", _hire(anna), staff, 409, "already_employed")
    refused(client, f"{at}/staff", {**_hire(uuid4()), "basis": None}, staff, 422,
            "staff_order_required")
    refused(client, f"{at}/staff", {**_hire(uuid4()), "position": {
        "title": "учитель", "subjects": ["Физика", "Физика"]}}, staff, 422, "invalid_input")

    written(client, f"{at}/staff/{anna}/position-changes", {
        "position": {"title": "учитель", "subjects": ["Математика", "Физика"]},
        "basis": BASIS}, staff)
    assign = {"class_name": "5А", "academic_year": YEAR, "person_id": str(anna),
              "basis": BASIS}
    written(client, f"{at}/class-teachers", assign, staff)
    refused(client, f"{at}/class-teachers", assign, staff, 409, "class_teacher_taken")
    refused(client, f"{at}/class-teachers", {**assign, "class_name": "5a"}, staff, 422,
            "invalid_class_name")
    written(client, f"{at}/class-teachers/replacements",
            {**assign, "person_id": str(boris), "reason": "отпуск"}, staff)
    written(client, f"{at}/class-teachers/unassignments",
            {"class_name": "5А", "academic_year": YEAR, "reason": "класс расформирован",
             "basis": BASIS}, staff)
    refused(client, f"{at}/class-teachers/unassignments",
            {"class_name": "5А", "academic_year": YEAR, "reason": "x", "basis": BASIS},
            staff, 404, "no_class_teacher")

    application = uuid4()
    written(client, f"{at}/attestations", {"application_id": str(application),
                                          "person_id": str(anna), "category": "first"}, staff)
    refused(client, f"/attestations/{application}/decision", {
        "outcome": "granted", "valid_from": "2027-01-20", "valid_until": "2032-01-19",
        "basis": BASIS}, operator, 409, "attestation_not_assessed")
    written(client, f"/attestations/{application}/assessment",
            {"conclusion": "соответствует", "recommended": True}, operator)
    decided = written(client, f"/attestations/{application}/decision", {
        "outcome": "granted", "valid_from": "2027-01-20", "valid_until": "2032-01-19",
        "effective_on": "2027-01-20", "basis": BASIS}, operator)
    written(client, f"{at}/staff/{boris}/leavings", {"reason": "по собственному желанию",
                                                     "effective_on": "2026-12-30",
                                                     "basis": BASIS}, staff)

    page = client.get(f"/staff/employees?min_position={decided['position']}", headers=staff)
    assert page.status_code == 200, page.text
    names = {row["full_name"] for row in page.json()["items"]}
    assert names == {"Иванова Анна Петровна", "Борисов Борис"}
    row = client.get(f"/staff/attestations/{application}", headers=staff).json()["item"]
    assert row["status"] == "granted"
    outsider = tokens(R.ORGANISATION_STAFF, org=w.other_school)
    assert client.get(f"/staff/employees?organisation_id={w.school}",
                      headers=outsider).json()["items"] == []
    assert client.get(f"/staff/attestations/{application}", headers=outsider).status_code == 404
    assert client.get("/staff/employees", headers=tokens(R.PARENT, learner=w.learner)
                      ).status_code == 403


def _olympiad(client: TestClient, operator: dict[str, str], subject: str) -> UUID:
    written(client, "/olympiads", {"academic_year": YEAR, "subject": subject, "basis": BASIS},
            operator)
    return Olympiad.stream_id(YEAR, subject)


def _stage(stage: UUID) -> dict[str, Any]:
    return {"stage_id": str(stage), "level": "school", "area": "СОШ 1",
            "planned_on": "2026-10-05", "max_score": 50}


def test_olympiad_commands(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    w: World = build_world(client, operator)
    parent = tokens(R.PARENT, learner=w.learner)
    olympiad, stage = _olympiad(client, operator, "Математика"), uuid4()
    refused(client, "/olympiads", {"academic_year": YEAR, "subject": "Математика",
                                   "basis": BASIS}, operator, 422, "invalid_input")
    one = f"/olympiads/{olympiad}"
    written(client, f"{one}/stages", _stage(stage), operator)
    me = f"{one}/participants/{w.learner}"
    written(client, me, {"organisation_id": str(w.school), "grade": 5}, parent)
    refused(client, me, {"organisation_id": str(w.school), "grade": 5}, parent, 409,
            "olympiad_already_applied")
    refused(client, f"{one}/participants/{w.classmate}", {"organisation_id": str(w.school),
                                                          "grade": 5}, parent, 404, "not_found")
    result = {"learner_id": str(w.learner), "score": "30", "status": "winner"}
    refused(client, f"{one}/stages/{stage}/results", result, operator, 409,
            "olympiad_stage_not_held")
    written(client, f"{one}/stages/{stage}/holding", {"held_on": "2026-10-05",
                                                      "effective_on": "2026-10-06"}, operator)
    refused(client, f"{one}/stages/{stage}/results", {**result, "score": "51"}, operator, 422,
            "invalid_olympiad_score")
    written(client, f"{one}/stages/{stage}/results", result, operator)
    written(client, f"{me}/results-requests", {"stage_id": str(stage)}, parent)
    appeal = uuid4()
    written(client, f"{me}/appeals", {"appeal_id": str(appeal), "stage_id": str(stage),
                                      "reason": "задача 3 решена верно"}, parent)
    written(client, f"{one}/appeals/{appeal}/decision",
            {"outcome": "score_changed", "score": "32", "status": "winner"}, operator)
    written(client, "/olympiad-imports", {
        "academic_year": "2024/2025", "subject": "Физика", "stage": _stage(uuid4()) | {
            "planned_on": "2024-10-05"}, "held_on": "2024-10-05", "source": "протокол 2024",
        "results": [{"learner_id": str(w.learner), "grade": 4, "score": "20",
                     "status": "participant"}], "basis": BASIS}, operator)


def test_organisation_card_changes(any_client: TestClient) -> None:
    client, tokens = any_client, tokens_for(any_client)
    operator = tokens(R.REGIONAL_OPERATOR)
    w = build_world(client, operator)
    staff = tokens(R.ORGANISATION_STAFF, org=w.school)
    written(client, "/organisation-card-policy", {"editable_fields": ["actual_address"]},
            operator)
    refused(client, "/organisation-card-policy", {"editable_fields": ["colour"]}, operator,
            422, "unknown_card_field")
    edits = f"/organisations/{w.school}/card-edits"
    written(client, edits, {"changes": [{"field": "actual_address",
                                         "value": "ул. Ленина, 3"}]}, staff)
    refused(client, edits, {"changes": [{"field": "short_name", "value": "Лицей"}]}, staff,
            409, "card_field_not_editable")
    refused(client, f"/organisations/{w.other_school}/card-edits", {"changes": [
        {"field": "actual_address", "value": "x"}]}, staff, 404, "not_found")
    requests = f"/organisations/{w.school}/change-requests"
    approved, rejected = uuid4(), uuid4()
    written(client, requests, {"request_id": str(approved), "reason": "переименование",
                               "changes": [{"field": "short_name", "value": "Лицей 1"}]},
            staff)
    result = written(client, f"/organisation-change-requests/{approved}/approval", None,
                     operator)
    assert {s["stream_id"] for s in result["streams"]} == {str(approved), str(w.school)}
    refused(client, f"/organisation-change-requests/{approved}/rejection", {"reason": "нет"},
            operator, 409, "change_request_decided")
    written(client, requests, {"request_id": str(rejected), "reason": "ошибка",
                               "changes": [{"field": "short_name", "value": "Лицей 2"}]},
            staff)
    written(client, f"/organisation-change-requests/{rejected}/rejection",
            {"reason": "нет приказа учредителя"}, operator)
