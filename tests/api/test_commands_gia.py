"""ГИА commands over HTTP: exams, participants and results, appeals after filing. Each
endpoint: a write that lands, refusals that write nothing. ЕГЭ on Friday 10 April 2026,
results on 30 April (the dates of tests/integration/test_exams.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole
from domain.exam import ExamParticipation
from tests.api.commands_kit import headers, operator, refused, written
from tests.api.world import ok

CHAIR = {"member_id": str(uuid4()), "full_name": "Иванова Анна Петровна",
         "position": "председатель"}
MEMBER = {"member_id": str(uuid4()), "full_name": "Петров Олег Игоревич",
          "position": "эксперт ПК"}
ORDER = {"kind": "order", "number": "01-21/318", "dated": "2026-03-01"}
HEARING = {"starts_at": "2026-05-08T07:00:00Z", "videoconference_link":
           "https://vks.example.ru/ak/301", "effective_on": "2026-05-06"}


@dataclass
class Gia:
    client: TestClient
    exam: str
    reserve: str
    learners: list[str]

    @property
    def operator(self) -> dict[str, str]:
        return operator(self.client)

    def appeal(self, learner: str) -> str:
        appeal = str(uuid4())
        ok(self.client.post("/appeals", headers=self.operator, json={
            "appeal_id": appeal, "participant_id": learner, "exam_id": self.exam,
            "kind": "score_disagreement", "statement": "не согласен с баллами",
            "effective_on": "2026-05-05"}))
        return appeal


def _exam(exam_id: str, on: str, **extra: Any) -> dict[str, Any]:
    return {"exam_id": exam_id, "kind": "ege", "subject": "Физика", "exam_on": on,
            "max_primary": 45, "effective_on": "2026-03-01", **extra}


@pytest.fixture
def gia(client: TestClient) -> Gia:
    caller = operator(client)
    ok(client.post("/commissions", headers=caller, json={
        "commission_id": str(uuid4()), "purpose": "gia_appeals",
        "name": "Апелляционная комиссия", "area": "Оренбургская область", "chair": CHAIR,
        "members": [MEMBER], "effective_on": "2026-03-01", "basis": ORDER}))
    exam, reserve = str(uuid4()), str(uuid4())
    written(client, "/exams", _exam(exam, "2026-04-10"), caller, "schedule_exam")
    written(client, "/exams", _exam(reserve, "2026-04-22", is_reserve=True), caller)
    learners = [str(uuid4()) for _ in range(3)]
    for learner in learners:
        ok(client.post("/learners", json={"learner_id": learner}, headers=caller))
        written(client, f"/exams/{exam}/participants",
                {"participant_id": learner, "exam_point": "ППЭ № 5601",
                 "effective_on": "2026-03-10"}, caller, "register_exam_participant")
        written(client, f"/exams/{exam}/participants/{learner}/results",
                {"primary": 30, "test": 62, "effective_on": "2026-04-30"}, caller,
                "record_exam_result")
    written(client, f"/exams/{exam}/results-day",
            {"results_day": "2026-04-30", "effective_on": "2026-04-30"}, caller,
            "publish_results_day")
    return Gia(client, exam, reserve, learners)


def test_exam_refusals(gia: Gia) -> None:
    client = gia.client
    refused(client, "/exams", _exam(gia.exam, "2026-04-10"), gia.operator, 422,
            "invalid_input")
    refused(client, "/exams", _exam(str(uuid4()), "2026-04-10", kind="sat"), gia.operator,
            422, "validation_failed")
    refused(client, f"/exams/{gia.exam}/results-day", {"results_day": "2026-05-01"},
            gia.operator, 409, "results_day_already_published")
    refused(client, f"/exams/{uuid4()}/results-day", {"results_day": "2026-05-01"},
            gia.operator, 404, "exam_not_found")


def test_participant_and_result_refusals(gia: Gia) -> None:
    client, learner = gia.client, gia.learners[0]
    refused(client, f"/exams/{gia.exam}/participants",
            {"participant_id": learner, "exam_point": "ППЭ № 5601"}, gia.operator, 409,
            "participant_already_registered")
    refused(client, f"/exams/{gia.exam}/participants",
            {"participant_id": str(uuid4()), "exam_point": "ППЭ № 5601"}, gia.operator, 404,
            "not_found")
    refused(client, f"/exams/{gia.exam}/participants/{learner}/results", {"primary": 31},
            gia.operator, 409, "result_already_recorded")
    refused(client, f"/exams/{gia.exam}/participants/{uuid4()}/results", {"primary": 31},
            gia.operator, 404, "participant_not_registered")
    refused(client, f"/exams/{gia.exam}/participants/{learner}/results", {"primary": -1},
            gia.operator, 422, "validation_failed")


def test_result_if_match_names_the_participation_stream(gia: Gia) -> None:
    client = gia.client
    learner = str(uuid4())
    ok(client.post("/learners", json={"learner_id": learner}, headers=gia.operator))
    ok(client.post(f"/exams/{gia.reserve}/participants", headers=gia.operator,
                   json={"participant_id": learner, "exam_point": "ППЭ № 5602"}))
    path = f"/exams/{gia.reserve}/participants/{learner}/results"
    refused(client, path, {"primary": 20, "test": 48, "effective_on": "2026-04-30"},
            {**gia.operator, "If-Match": '"2"'}, 412, "version_mismatch")
    result = written(client, path, {"primary": 20, "test": 48, "effective_on": "2026-04-30"},
                     {**gia.operator, "If-Match": '"1"'})
    stream = str(ExamParticipation.stream_id(UUID(learner), UUID(gia.reserve)))
    assert result["streams"] == [{"stream_id": stream, "version": 2}]


def test_hearing_then_withdrawal(gia: Gia) -> None:
    client = gia.client
    appeal = gia.appeal(gia.learners[0])
    refused(client, f"/appeals/{appeal}/hearing", {**HEARING, "effective_on": "2026-05-08"},
            gia.operator, 409, "hearing_notice_too_short")
    refused(client, f"/appeals/{appeal}/hearing", {**HEARING, "videoconference_link": None},
            gia.operator, 422, "invalid_input")
    refused(client, f"/appeals/{appeal}/hearing", {**HEARING,
                                                  "starts_at": "2026-05-08T07:00:00"},
            gia.operator, 422, "validation_failed")
    written(client, f"/appeals/{appeal}/hearing", HEARING, gia.operator,
            "schedule_appeal_hearing")
    written(client, f"/appeals/{appeal}/withdrawal", {"effective_on": "2026-05-07"},
            gia.operator, "withdraw_appeal")
    refused(client, f"/appeals/{appeal}/withdrawal", None, gia.operator, 409, "appeal_closed")


def test_appeal_not_accepted(gia: Gia) -> None:
    client = gia.client
    appeal = gia.appeal(gia.learners[1])
    refused(client, f"/appeals/{appeal}/non-acceptance",
            {"reason": "weather", "explanation": "x"}, gia.operator, 422, "validation_failed")
    written(client, f"/appeals/{appeal}/non-acceptance",
            {"reason": "materials_content", "explanation": "содержание КИМ не обжалуется",
             "effective_on": "2026-05-06"}, {**gia.operator, "If-Match": '"1"'},
            "not_accept_appeal")
    refused(client, f"/appeals/{appeal}/non-acceptance",
            {"reason": "own_breach", "explanation": "x"}, gia.operator, 409, "appeal_closed")
    refused(client, f"/appeals/{uuid4()}/withdrawal", None, gia.operator, 404, "not_found")


def test_gia_is_the_regional_operator_s(gia: Gia) -> None:
    municipal = headers(gia.client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    refused(gia.client, f"/exams/{gia.exam}/results-day", {"results_day": "2026-05-01"},
            municipal, 403, "forbidden")
