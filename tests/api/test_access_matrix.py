"""The role × endpoint matrix: every role against every endpoint, expectations written out
here (not derived from api/access.py, so a change to the policy must change this table)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import ApiRole
from letopis.store import init_store
from projections.registry import PROJECTIONS
from tests.api.conftest import Tokens, make_settings
from tests.api.world import BASIS, YEAR, World, build_world, ok, org_body

R = ApiRole
ALL = frozenset(R)


@dataclass
class Env:
    client: TestClient
    world: World
    tokens: Tokens
    operator: dict[str, str]

    def headers(self, role: ApiRole) -> dict[str, str]:
        w = self.world
        scope: dict[ApiRole, dict[str, Any]] = {
            R.MUNICIPAL_AUTHORITY: {"municipality": "Оренбург"},
            R.ORGANISATION_STAFF: {"org": w.school},
            R.CLASS_TEACHER: {"org": w.school, "class_name": "5А"},
            R.PROVIDER: {"org": w.other_school},
            R.PARENT: {"learner": w.learner},
            R.LEARNER: {"learner": w.learner},
        }
        return self.tokens(role, **scope.get(role, {}))

    def fresh_learner(self, enrolled: bool = True) -> tuple[UUID, UUID]:
        """A new learner in the school's class 5А (or only registered)."""
        learner, enrolment = uuid4(), uuid4()
        ok(self.client.post("/learners", json={"learner_id": str(learner)},
                            headers=self.operator))
        if enrolled:
            ok(self.client.post(f"/learners/{learner}/enrolments", headers=self.operator, json={
                "enrolment_id": str(enrolment), "organisation_id": str(self.world.school),
                "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
                "effective_on": "2026-09-01", "basis": BASIS}))
        return learner, enrolment


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    path: Path = tmp_path_factory.mktemp("matrix") / "letopis.sqlite"
    init_store(f"sqlite:///{path}")
    settings = make_settings(f"sqlite:///{path}")
    tokens = Tokens(settings)
    operator = tokens(R.REGIONAL_OPERATOR)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        world = build_world(client, operator)
        for name in PROJECTIONS:  # reads below expect the world in every read model
            assert client.app.state.runtime.projections.wait_for(  # type: ignore[attr-defined]
                name, world.position, 60)
        yield Env(client, world, tokens, operator)


Request = tuple[str, str, dict[str, Any] | None]  # method, path, JSON body


def _org(env: Env) -> Request:
    return "POST", "/organisations", org_body(uuid4(), "Оренбург", "СОШ 9")


def _register(env: Env) -> Request:
    return "POST", "/learners", {"learner_id": str(uuid4())}


def _enrol(env: Env) -> Request:
    learner, _ = env.fresh_learner(enrolled=False)
    return "POST", f"/learners/{learner}/enrolments", {
        "enrolment_id": str(uuid4()), "organisation_id": str(env.world.school),
        "level": "basic_general", "class_or_group": "5А", "academic_year": YEAR,
        "effective_on": "2026-09-01", "basis": BASIS}


def _transfer_within(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/transfers-within", {
        "enrolment_id": str(enrolment), "class_or_group": "5Б", "academic_year": YEAR,
        "effective_on": "2026-10-01", "basis": BASIS}


def _transfer_between(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/transfers-between", {
        "enrolment_id": str(enrolment), "destination_organisation_id":
        str(env.world.other_school), "new_enrolment_id": str(uuid4()),
        "level": "basic_general", "class_or_group": "5В", "academic_year": YEAR,
        "expel_basis": BASIS, "expelled_on": "2026-10-01", "effective_on": "2026-10-02",
        "basis": BASIS}


def _leave(env: Env) -> Request:
    learner, enrolment = env.fresh_learner()
    return "POST", f"/learners/{learner}/leavings", {
        "enrolment_id": str(enrolment), "reason": "learner_or_parents_initiative",
        "effective_on": "2026-10-01", "basis": BASIS}


def _mark_body(mark_id: UUID) -> dict[str, Any]:
    return {"subject": "Математика", "academic_year": YEAR, "mark_id": str(mark_id),
            "kind": "current", "value": "4", "lesson_on": "2026-09-14",
            "effective_on": "2026-09-14"}


def _mark(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    return "POST", f"/learners/{learner}/marks", _mark_body(uuid4())


def _correct(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    mark = uuid4()
    ok(env.client.post(f"/learners/{learner}/marks", json=_mark_body(mark),
                       headers=env.operator))
    return "POST", f"/learners/{learner}/mark-corrections", {
        "subject": "Математика", "academic_year": YEAR, "mark_id": str(uuid4()),
        "corrects_mark_id": str(mark), "value": "5", "reason": "typo",
        "effective_on": "2026-09-15"}


def _fixed(method: str, path: str, body: dict[str, Any] | None = None
           ) -> Callable[[Env], Request]:
    def build(env: Env) -> Request:
        fill = {"w": env.world, "new": uuid4()}
        filled = None if body is None else {
            k: v.format(**fill) if isinstance(v, str) else v for k, v in body.items()}
        return method, path.format(**fill), filled

    return build


def _organisation_command(path: str, body: dict[str, Any]) -> Callable[[Env], Request]:
    """A command on a new organisation in Оренбург (the municipal authority's own)."""
    def build(env: Env) -> Request:
        organisation = uuid4()
        ok(env.client.post("/organisations", json=org_body(organisation, "Оренбург", "СОШ 7"),
                           headers=env.operator))
        school = str(env.world.school)
        return "POST", f"/organisations/{organisation}/{path}", {
            k: [school if x == "{w.school}" else x for x in v] if isinstance(v, list) else v
            for k, v in body.items()}

    return build


def _cancel(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    return "POST", f"/learners/{learner}/cancellations", {
        "cancelled_version": 2, "reason": "entered in error", "basis": BASIS}


def _claim_batch(env: Env) -> Request:
    return "POST", "/claim-batches", {"claims": [{
        "kind": "advance", "payer_id": str(uuid4()), "provider_id": str(env.world.other_school),
        "month": "2026-09-01", "contracts": [{"contract_id": str(uuid4()),
                                              "delivered_bp": 0}]}]}


_PARTY = {"organisation_id": str(uuid4()), "name": "УО", "inn": "7707083893",
          "account_number": "40702810000000000001"}
_X = str(uuid4())

# (name, request builder, roles allowed, status when allowed or None: "not 401/403")
# None is for commands whose target the small world does not have: the domain refuses them
# (404/409/422) once the caller is through; what matters here is that the right ones get through.
CASES: list[tuple[str, Callable[[Env], Request], frozenset[ApiRole], int | None]] = [
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
    ("issue certificate", _fixed("POST", "/certificates", {
        "number": "5600000001", "learner_id": _X, "kind": "funding",
        "municipality": "Оренбург", "year": 2026}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("request contract", _fixed("POST", "/contracts", {
        "contract_id": _X, "number": "5600000001", "programme_id": _X, "group_name": "A",
        "first_month": "2026-09-01", "last_month": "2026-12-01"}),
     frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("submit claim", _fixed("POST", "/claims", {
        "kind": "advance", "payer_id": _X, "provider_id": "{w.other_school}",
        "month": "2026-09-01", "contracts": [{"contract_id": _X, "delivered_bp": 0}]}),
     frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("approve claim", _fixed("POST", "/claims/{new}/approval"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("reject claim", _fixed("POST", "/claims/{new}/rejection", {"reason": "no"}),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("record payment", _fixed("POST", "/payments", {
        "payment_id": _X, "claim_id": _X, "number": "1", "dated": "2026-09-10",
        "amount": 100, "payer": _PARTY, "payee": _PARTY}),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE}), None),
    ("file appeal", _fixed("POST", "/appeals", {
        "appeal_id": _X, "participant_id": _X, "exam_id": _X,
        "kind": "score_disagreement", "statement": "s"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("decide appeal", _fixed("POST", "/appeals/{new}/decision", {
        "decision": "rejected", "commission_id": _X, "deciders": [_X]}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("record protocol entry", _fixed("POST", "/protocols/{new}/entries", {
        "organisation_id": _X, "result": "accepted"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("change organisation details", _organisation_command("detail-changes", {
        **{k: v for k, v in org_body(uuid4(), "Оренбург", "СОШ 8").items()
           if k != "organisation_id"}}), frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
     201),
    ("record licence", _organisation_command("licences", {
        "number": "Л035-1", "issued_on": "2016-03-14", "issued_by": "Минобр"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    ("record accreditation", _organisation_command("accreditations", {
        "number": "А007-1", "issued_on": "2019-05-20", "levels": ["basic_general"]}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    ("reorganise organisation", _organisation_command("reorganisation", {
        "form": "merger", "successor_ids": ["{w.school}"]}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    ("close organisation", _organisation_command("closure", {"reason": "ликвидация"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    ("cancel entry", _cancel,
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF}), 201),
    ("establish certificate group", _fixed("POST", "/certificate-groups", {
        "municipality": "Оренбург", "year": 2026, "nominal": 100, "unit": "roubles",
        "max_certificates": 1, "max_nominal_sum": 100}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    *[(f"certificate {path}", _fixed("POST", f"/certificates/5600000099/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None)
      for path, body in (("yearly-credits", {"year": 2027}), ("expiries", {"year": 2026}),
                         ("conversions", {"kind": "accounting", "reason": "r"}),
                         ("idle-reversion", {"idle_days": 90}), ("suspension", {"reason": "r"}),
                         ("resumption", None), ("closure", {"reason": "r"}))],
    ("certify programme", _fixed("POST", "/programmes", {
        "programme_id": "{new}", "provider_id": "{w.other_school}", "title": "Шахматы",
        "unit": "roubles", "price_per_month": 100, "normative_price": 100}),
     frozenset({R.REGIONAL_OPERATOR}), 201),
    *[(f"contract {path}", _fixed("POST", f"/contracts/{{new}}/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None)
      for path, body in (("confirmation", None), ("activation", None),
                         ("refusal", {"reason": "r"}), ("termination", {"reason": "r"}))],
    ("submit claim batch", _claim_batch, frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("schedule exam", _fixed("POST", "/exams", {
        "exam_id": "{new}", "kind": "oge", "subject": "Математика", "exam_on": "2026-05-20",
        "max_primary": 31}), frozenset({R.REGIONAL_OPERATOR}), 201),
    ("publish results day", _fixed("POST", "/exams/{new}/results-day", {
        "results_day": "2026-06-01"}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("register exam participant", _fixed("POST", "/exams/{new}/participants", {
        "participant_id": "{w.learner}", "exam_point": "ППЭ 1"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("record exam result", _fixed("POST", "/exams/{new}/participants/{w.learner}/results", {
        "primary": 10}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("not accept appeal", _fixed("POST", "/appeals/{new}/non-acceptance", {
        "reason": "own_breach", "explanation": "e"}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("schedule hearing", _fixed("POST", "/appeals/{new}/hearing", {
        "starts_at": "2026-05-08T07:00:00Z", "place": "каб. 1"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("withdraw appeal", _fixed("POST", "/appeals/{new}/withdrawal"),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("form commission", _fixed("POST", "/commissions", {
        "commission_id": "{new}", "purpose": "school_year_acceptance", "name": "Комиссия",
        "area": "Оренбург", "chair": {"member_id": _X, "full_name": "Ф. И. О.",
                                      "position": "председатель"}, "basis": BASIS}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    *[(f"commission {path}", _fixed("POST", f"/commissions/{{new}}/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None)
      for path, body in (("members", {"member": {"member_id": _X, "full_name": "Ф. И. О.",
                                                  "position": "член"}}),
                         ("dismissals", {"member_id": _X}), ("chair", {"member_id": _X}))],
    ("open acceptance campaign", _fixed("POST", "/acceptance-campaigns", {
        "municipality": "Оренбург", "academic_year": YEAR, "basis": BASIS}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("plan acceptance", _fixed("POST", "/acceptance-campaigns/{new}/plan", {
        "organisation_id": "{w.school}", "planned_on": "2026-08-10", "commission_id": _X,
        "founder": "УО", "head": "директор"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("reschedule acceptance", _fixed("POST", "/acceptance-campaigns/{new}/reschedulings", {
        "organisation_id": "{w.school}", "planned_on": "2026-08-11", "reason": "r"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("confirm remedies", _fixed("POST", "/acceptance-campaigns/{new}/remedies", {
        "remedy_protocol_id": _X, "organisation_id": "{w.school}", "remedies": [{
            "deficiency_id": _X, "remedied_on": "2026-08-15", "evidence": "акт"}]}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("open protocol", _fixed("POST", "/protocols", {
        "campaign_id": "{new}", "commission_id": _X, "held_on": "2026-08-10"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("sign protocol", _fixed("POST", "/protocols/{new}/signature", {"chair_id": _X}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("learner history", _fixed("GET", "/learners/{w.learner}/history"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF,
                R.CLASS_TEACHER, R.AUDITOR, R.PARENT, R.LEARNER}), 200),
    ("digital profile", _fixed("GET", "/learners/{w.learner}/profile"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.ORGANISATION_STAFF,
                R.CLASS_TEACHER, R.AUDITOR, R.PARENT, R.LEARNER}), 200),
    ("finance certificates", _fixed("GET", "/finance/certificates"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR, R.MUNICIPAL_AUTHORITY}), 200),
    ("finance claims", _fixed("GET", "/finance/claims"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR, R.PROVIDER}), 200),
    ("finance payments", _fixed("GET", "/finance/payments"),
     frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR}), 200),
    ("commission campaigns", _fixed("GET", "/commission/campaigns"),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY, R.AUDITOR}), 200),
    ("audit history", _fixed("GET", "/audit/learner/{w.learner}"),
     frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}), 200),
    ("feed", _fixed("GET", "/feed"), frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}), 200),
    ("organisation registry", _fixed("GET", "/organisations"), ALL, 200),
    ("organisation card", _fixed("GET", "/organisations/{w.school}"), ALL, 200),
    ("public acceptance", _fixed("GET", "/public/acceptance"), ALL, 200),
]


@pytest.mark.parametrize("role", list(R), ids=lambda r: r.value)
@pytest.mark.parametrize(("name", "build", "allowed", "success"), CASES,
                         ids=[c[0] for c in CASES])
def test_role_matrix(env: Env, role: ApiRole, name: str, build: Callable[[Env], Request],
                     allowed: frozenset[ApiRole], success: int | None) -> None:
    method, path, body = build(env)
    response = env.client.request(method, path, json=body, headers=env.headers(role))
    if role not in allowed:
        expected = 401 if role is R.PUBLIC else 403
        assert response.status_code == expected, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == ("unauthenticated" if expected == 401
                                           else "forbidden")
    elif success is not None:
        assert response.status_code == success, response.text
    else:
        assert response.status_code not in (401, 403), response.text
        assert response.status_code < 500, response.text
