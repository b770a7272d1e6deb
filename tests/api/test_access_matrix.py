"""The role × endpoint matrix: every role against every endpoint, expectations written out
here (not derived from api/access.py, so a change to the policy must change this table)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.auth import ApiRole
from tests.api.matrix_commands import LATER_COMMANDS
from tests.api.matrix_support import ALL, Case, Env, Request, check, fixed, open_env
from tests.api.world import BASIS, YEAR, ok, org_body

R = ApiRole


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    yield from open_env(tmp_path_factory)


def _org(env: Env) -> Request:
    return "POST", "/organisations", org_body(uuid4(), "Оренбург", "СОШ 9"), {}


def _register(env: Env) -> Request:
    return "POST", "/learners", {"learner_id": str(uuid4())}, {}


def _enrol(env: Env) -> Request:
    learner, _ = env.fresh_learner(enrolled=False)
    return "POST", f"/learners/{learner}/enrolments", {
        "enrolment_id": str(uuid4()), "organisation_id": str(env.world.school),
        "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
        "effective_on": "2026-09-01", "basis": BASIS}, {}


def _transfer_within(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/transfers-within", {
        "enrolment_id": str(enrolment), "class_or_group": "5Б", "academic_year": YEAR,
        "effective_on": "2026-10-01", "basis": BASIS}, {}


def _transfer_between(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/transfers-between", {
        "enrolment_id": str(enrolment), "destination_organisation_id":
        str(env.world.other_school), "new_enrolment_id": str(uuid4()),
        "level": "basic_general", "class_or_group": "5В", "academic_year": YEAR,
        "expel_basis": BASIS, "expelled_on": "2026-10-01", "effective_on": "2026-10-02",
        "basis": BASIS}, {}


def _leave(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/leavings", {
        "enrolment_id": str(enrolment), "reason": "learner_or_parents_initiative",
        "effective_on": "2026-10-01", "basis": BASIS}, {}


def _mark_body(mark_id: UUID) -> dict[str, Any]:
    return {"subject": "Математика", "academic_year": YEAR, "mark_id": str(mark_id),
            "kind": "current", "value": "4", "lesson_on": "2026-09-14",
            "effective_on": "2026-09-14"}


def _mark(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    return "POST", f"/learners/{learner}/marks", _mark_body(uuid4()), {}


def _correct(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    mark = uuid4()
    ok(env.client.post(f"/learners/{learner}/marks", json=_mark_body(mark),
                       headers=env.operator))
    return "POST", f"/learners/{learner}/mark-corrections", {
        "subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
        "corrects_mark_id": str(mark), "value": "5", "reason": "typo",
        "effective_on": "2026-09-15"}, {}


_PARTY = {"organisation_id": str(uuid4()), "name": "УО", "inn": "7707083893",
          "account_number": "40702810000000000001"}
_X = str(uuid4())

# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
# None is for commands whose target the small world does not have: the domain refuses them
# (404/409/422) once the caller is through; what matters here is that the right ones get through.
CASES: list[Case] = [
    ("register organisation", _org, frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
     201),
    ("register learner", _register,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("enrol", _enrol,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("transfer within", _transfer_within,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("transfer between", _transfer_between,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("leave", _leave,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("record mark", _mark,
     frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF, R.CLASS_TEACHER}), 201),
    ("correct mark", _correct,
     frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF, R.CLASS_TEACHER}), 201),
    ("issue certificate", fixed("POST", "/certificates", {
        "number": "5600000001", "learner_id": _X, "kind": "funding",
        "municipality": "Оренбург", "year": 2026}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("request contract", fixed("POST", "/contracts", {
        "contract_id": _X, "number": "5600000001", "programme_id": _X, "group_name": "A",
        "first_month": "2026-09-01", "last_month": "2026-12-01"}),
     frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("submit claim", fixed("POST", "/claims", {
        "kind": "advance", "payer_id": _X, "provider_id": "{w.other_school}",
        "month": "2026-09-01", "contracts": [{"contract_id": _X, "delivered_bp": 0}]}),
     frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("approve claim", fixed("POST", "/claims/{new}/approval"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("reject claim", fixed("POST", "/claims/{new}/rejection", {"reason": "no"}),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("record payment", fixed("POST", "/payments", {
        "payment_id": _X, "claim_id": _X, "number": "1", "dated": "2026-09-10",
        "amount": 100, "payer": _PARTY, "payee": _PARTY}),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("file appeal", fixed("POST", "/appeals", {
        "appeal_id": _X, "participant_id": _X, "exam_id": _X,
        "kind": "score_disagreement", "statement": "s"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("decide appeal", fixed("POST", "/appeals/{new}/decision", {
        "decision": "rejected", "commission_id": _X, "deciders": [_X]}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("record protocol entry", fixed("POST", "/protocols/{new}/entries", {
        "organisation_id": _X, "result": "accepted"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    *LATER_COMMANDS,
    ("learner history", fixed("GET", "/learners/{w.learner}/history"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF,
                R.CLASS_TEACHER, R.AUDITOR, R.PARENT, R.LEARNER}), 200),
    ("digital profile", fixed("GET", "/learners/{w.learner}/profile"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF,
                R.CLASS_TEACHER, R.AUDITOR, R.PARENT, R.LEARNER}), 200),
    ("finance certificates", fixed("GET", "/finance/certificates"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR, R.MUNICIPAL_AUTHORITY}), 200),
    ("finance claims", fixed("GET", "/finance/claims"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR, R.PROVIDER}), 200),
    ("finance payments", fixed("GET", "/finance/payments"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR}), 200),
    ("commission campaigns", fixed("GET", "/commission/campaigns"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.AUDITOR}), 200),
    ("audit history", fixed("GET", "/audit/learner/{w.learner}"),
     frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}), 200),
    ("feed", fixed("GET", "/feed"), frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}), 200),
    ("organisation registry", fixed("GET", "/organisations"), ALL, 200),
    ("organisation card", fixed("GET", "/organisations/{w.school}"), ALL, 200),
    ("public acceptance", fixed("GET", "/public/acceptance"), ALL, 200),
]


@pytest.mark.parametrize("role", list(R), ids=lambda r: r.value)
@pytest.mark.parametrize(("name", "build", "allowed", "success"), CASES,
                         ids=[c[0] for c in CASES])
def test_role_matrix(env: Env, role: ApiRole, name: str, build: Callable[[Env], Request],
                     allowed: frozenset[ApiRole], success: int | None) -> None:
    check(env, role, build, allowed, success)
