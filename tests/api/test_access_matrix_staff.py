"""The role × endpoint matrix for staff, olympiads and organisation cards: every role against
every endpoint, the expectations written out here (not derived from api/access.py). Each
request's target is in the scope of the role's token (its organisation, municipality, own
record), so an allowed role gets the success status; tests/api/test_gates.py covers targets
outside the scope (404)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.auth import ApiRole
from domain.olympiad import Olympiad
from tests.api.matrix_support import (
    AUDITOR,
    LEARNER,
    MUN,
    OP,
    PARENT,
    STAFF,
    Case,
    Env,
    Request,
    check,
    fixed,
    open_env,
)
from tests.api.world import BASIS, YEAR

R = ApiRole


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    yield from open_env(tmp_path_factory)


# -- staff -------------------------------------------------------------------------------------

def _hired(env: Env) -> tuple[str, UUID]:
    person, at = uuid4(), f"/organisations/{env.world.school}"
    env.post(f"{at}/staff", {"person_id": str(person), "full_name": "Петрова Ольга",
                             "position": {"title": "учитель"}, "basis": BASIS,
                             "effective_on": "2026-08-25"})
    return at, person


def _hire(env: Env) -> Request:
    return "POST", f"/organisations/{env.world.school}/staff", {
        "person_id": str(uuid4()), "full_name": "Сидоров Пётр", "basis": BASIS,
        "position": {"title": "учитель", "subjects": ["История"]}}, {}


def _change_position(env: Env) -> Request:
    at, person = _hired(env)
    return "POST", f"{at}/staff/{person}/position-changes", {
        "position": {"title": "завуч"}, "basis": BASIS}, {}


def _leave(env: Env) -> Request:
    at, person = _hired(env)
    return "POST", f"{at}/staff/{person}/leavings", {"reason": "переезд", "basis": BASIS,
                                                     "effective_on": "2026-12-01"}, {}


def _assigned(env: Env) -> tuple[str, dict[str, Any]]:
    at, person = _hired(env)
    year = env.year()
    assign = {"class_name": "5А", "academic_year": f"{year}/{year + 1}",
              "person_id": str(person), "basis": BASIS}
    env.post(f"{at}/class-teachers", assign)
    return at, assign


def _assign(env: Env) -> Request:
    at, person = _hired(env)
    year = env.year()
    return "POST", f"{at}/class-teachers", {"class_name": "7Б",
                                            "academic_year": f"{year}/{year + 1}",
                                            "person_id": str(person), "basis": BASIS}, {}


def _replace(env: Env) -> Request:
    at, assign = _assigned(env)
    _, other = _hired(env)
    return "POST", f"{at}/class-teachers/replacements", {
        **assign, "person_id": str(other), "reason": "декрет"}, {}


def _unassign(env: Env) -> Request:
    at, assign = _assigned(env)
    return "POST", f"{at}/class-teachers/unassignments", {
        "class_name": assign["class_name"], "academic_year": assign["academic_year"],
        "reason": "класс расформирован", "basis": BASIS}, {}


def _filed(env: Env) -> UUID:
    at, person = _hired(env)
    application = uuid4()
    env.post(f"{at}/attestations", {"application_id": str(application),
                                    "person_id": str(person), "category": "highest"})
    return application


def _file_attestation(env: Env) -> Request:
    at, person = _hired(env)
    return "POST", f"{at}/attestations", {"application_id": str(uuid4()),
                                          "person_id": str(person), "category": "first"}, {}


def _assess(env: Env) -> Request:
    return "POST", f"/attestations/{_filed(env)}/assessment", {
        "conclusion": "рекомендовано", "recommended": True}, {}


def _decide_attestation(env: Env) -> Request:
    application = _filed(env)
    env.post(f"/attestations/{application}/assessment", {"conclusion": "нет",
                                                         "recommended": False})
    return "POST", f"/attestations/{application}/decision", {"outcome": "refused",
                                                             "basis": BASIS}, {}


# -- olympiads ---------------------------------------------------------------------------------

def _announced(env: Env) -> UUID:
    subject = f"Предмет {next(env.serial)}"
    env.post("/olympiads", {"academic_year": YEAR, "subject": subject, "basis": BASIS})
    return Olympiad.stream_id(YEAR, subject)


def _stage(stage: UUID) -> dict[str, Any]:
    return {"stage_id": str(stage), "level": "school", "area": "СОШ 1",
            "planned_on": "2026-10-05", "max_score": 50}


def _planned(env: Env) -> tuple[UUID, UUID]:
    olympiad, stage = _announced(env), uuid4()
    env.post(f"/olympiads/{olympiad}/stages", _stage(stage))
    return olympiad, stage


def _announce(env: Env) -> Request:
    return "POST", "/olympiads", {"academic_year": YEAR, "basis": BASIS,
                                  "subject": f"Предмет {next(env.serial)}"}, {}


def _plan(env: Env) -> Request:
    return "POST", f"/olympiads/{_announced(env)}/stages", _stage(uuid4()), {}


def _hold(env: Env) -> Request:
    olympiad, stage = _planned(env)
    return "POST", f"/olympiads/{olympiad}/stages/{stage}/holding", {
        "held_on": "2026-10-05", "effective_on": "2026-10-06"}, {}


def _record_result(env: Env) -> Request:
    olympiad, stage = _planned(env)
    env.post(f"/olympiads/{olympiad}/participants/{env.world.learner}",
             {"organisation_id": str(env.world.school), "grade": 5})
    env.post(f"/olympiads/{olympiad}/stages/{stage}/holding",
             {"held_on": "2026-10-05", "effective_on": "2026-10-06"})
    return "POST", f"/olympiads/{olympiad}/stages/{stage}/results", {
        "learner_id": str(env.world.learner), "score": "12.5", "status": "participant"}, {}


def _import(env: Env) -> Request:
    return "POST", "/olympiad-imports", {
        "academic_year": "2024/2025", "subject": f"Предмет {next(env.serial)}",
        "stage": {**_stage(uuid4()), "planned_on": "2024-10-05"}, "held_on": "2024-10-05",
        "source": "архив", "basis": BASIS, "results": [{
            "learner_id": str(env.world.learner), "grade": 4, "score": "5",
            "status": "participant"}]}, {}


def _apply(env: Env) -> Request:
    return "POST", f"/olympiads/{_announced(env)}/participants/{env.world.learner}", {
        "organisation_id": str(env.world.school), "grade": 5}, {}

# -- organisation cards ------------------------------------------------------------------------


def _policy(env: Env) -> Request:
    """Every edit must change the policy: add or drop `legal_address` (`actual_address` stays
    editable for the card edits below)."""
    now = env.client.app.state.runtime.services.organisation_changes.editable_fields()  # type: ignore[attr-defined]
    fields = ["actual_address"] + ([] if "legal_address" in now else ["legal_address"])
    return "POST", "/organisation-card-policy", {"editable_fields": fields}, {}


def _card_edit(env: Env) -> Request:
    return "POST", f"/organisations/{env.world.school}/card-edits", {"changes": [
        {"field": "actual_address", "value": f"ул. Ленина, {next(env.serial)}"}]}, {}


def _change_request(env: Env) -> Request:
    return "POST", f"/organisations/{env.world.school}/change-requests", {
        "request_id": str(uuid4()), "reason": "переименование",
        "changes": [{"field": "short_name", "value": f"Лицей {next(env.serial)}"}]}, {}


def _decided(decision: str, body: dict[str, Any] | None) -> Callable[[Env], Request]:
    def build(env: Env) -> Request:
        _, path, request, _ = _change_request(env)
        assert request is not None
        env.post(path, request, env.tokens(STAFF, org=env.world.school))
        return ("POST", f"/organisation-change-requests/{request['request_id']}/{decision}",
                body, {})

    return build


_STAFF_WRITERS = frozenset({OP, MUN, STAFF})
_ENTRANTS = frozenset({OP, MUN, STAFF, PARENT, LEARNER})
_PARTICIPANT = "/olympiads/{new}/participants/{w.learner}"

# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
CASES: list[Case] = [
    ("hire", _hire, _STAFF_WRITERS, 201),
    ("change position", _change_position, _STAFF_WRITERS, 201),
    ("employee leaves", _leave, _STAFF_WRITERS, 201),
    ("assign class teacher", _assign, _STAFF_WRITERS, 201),
    ("replace class teacher", _replace, _STAFF_WRITERS, 201),
    ("unassign class teacher", _unassign, _STAFF_WRITERS, 201),
    ("file attestation", _file_attestation, frozenset({OP, STAFF}), 201),
    ("assess attestation", _assess, frozenset({OP}), 201),
    ("decide attestation", _decide_attestation, frozenset({OP}), 201),
    ("announce olympiad", _announce, frozenset({OP}), 201),
    ("plan stage", _plan, frozenset({OP}), 201),
    ("hold stage", _hold, frozenset({OP}), 201),
    ("record olympiad result", _record_result, frozenset({OP}), 201),
    ("decide olympiad appeal", fixed("POST", "/olympiads/{new}/appeals/{new}/decision", {
        "outcome": "score_unchanged", "score": "1", "status": "participant"}),
     frozenset({OP}), None),
    ("import olympiad results", _import, frozenset({OP}), 201),
    ("apply to olympiad", _apply, _ENTRANTS, 201),
    ("request olympiad results", fixed("POST", _PARTICIPANT + "/results-requests",
                                       {"stage_id": str(uuid4())}), _ENTRANTS, None),
    ("file olympiad appeal", fixed("POST", _PARTICIPANT + "/appeals", {
        "appeal_id": str(uuid4()), "stage_id": str(uuid4()), "reason": "r"}), _ENTRANTS, None),
    ("set editable card fields", _policy, frozenset({OP}), 201),
    ("edit own card", _card_edit, frozenset({STAFF}), 201),
    ("submit change request", _change_request, frozenset({STAFF}), 201),
    ("approve change request", _decided("approval", None), frozenset({OP}), 201),
    ("reject change request", _decided("rejection", {"reason": "нет"}), frozenset({OP}),
     201),
    ("staff registry", fixed("GET", "/staff/employees"), frozenset({OP, AUDITOR, STAFF}), 200),
]


@pytest.mark.parametrize("role", list(R), ids=lambda r: r.value)
@pytest.mark.parametrize(("name", "build", "allowed", "success"), CASES,
                         ids=[c[0] for c in CASES])
def test_role_matrix(env: Env, role: ApiRole, name: str,
                     build: Callable[[Env], Request], allowed: frozenset[ApiRole],
                     success: int | None) -> None:
    check(env, role, build, allowed, success)
