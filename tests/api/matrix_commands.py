"""The matrix rows of the command endpoints added after the first API (registry, a
certificate's life, contracts, ГИА, commissions, acceptance): expectations written out here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from api.auth import ApiRole
from tests.api.matrix_support import Case, Env, Request, fixed
from tests.api.world import BASIS, YEAR, ok, org_body

R = ApiRole
_X = str(uuid4())


def _organisation_command(path: str, body: dict[str, Any]) -> Callable[[Env], Request]:
    """A command on a new organisation in Оренбург (the municipal authority's own)."""
    def build(env: Env) -> Request:
        organisation = uuid4()
        ok(env.client.post("/organisations", json=org_body(organisation, "Оренбург", "СОШ 7"),
                           headers=env.operator))
        school = str(env.world.school)
        return "POST", f"/organisations/{organisation}/{path}", {
            k: [school if x == "{w.school}" else x for x in v] if isinstance(v, list) else v
            for k, v in body.items()}, {}

    return build


def _cancel(env: Env) -> Request:
    learner, _ = env.fresh_learner()
    return "POST", f"/learners/{learner}/cancellations", {
        "cancelled_version": 2, "reason": "entered in error", "basis": BASIS}, {}


def _claim_batch(env: Env) -> Request:
    return "POST", "/claim-batches", {"claims": [{
        "kind": "advance", "payer_id": str(uuid4()), "provider_id": str(env.world.other_school),
        "month": "2026-09-01", "contracts": [{"contract_id": str(uuid4()),
                                              "delivered_bp": 0}]}]}, {}


LATER_COMMANDS: list[Case] = [
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
    ("establish certificate group", fixed("POST", "/certificate-groups", {
        "municipality": "Оренбург", "year": 2026, "nominal": 100, "unit": "roubles",
        "max_certificates": 1, "max_nominal_sum": 100}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    *[(f"certificate {path}", fixed("POST", f"/certificates/5600000099/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None)
      for path, body in (("yearly-credits", {"year": 2027}), ("expiries", {"year": 2026}),
                         ("conversions", {"kind": "accounting", "reason": "r"}),
                         ("idle-reversion", {"idle_days": 90}), ("suspension", {"reason": "r"}),
                         ("resumption", None), ("closure", {"reason": "r"}))],
    ("certify programme", fixed("POST", "/programmes", {
        "programme_id": "{new}", "provider_id": "{w.other_school}", "title": "Шахматы",
        "unit": "roubles", "price_per_month": 100, "normative_price": 100}),
     frozenset({R.REGIONAL_OPERATOR}), 201),
    *[(f"contract {path}", fixed("POST", f"/contracts/{{new}}/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None)
      for path, body in (("confirmation", None), ("activation", None),
                         ("refusal", {"reason": "r"}), ("termination", {"reason": "r"}))],
    ("submit claim batch", _claim_batch, frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}), None),
    ("schedule exam", fixed("POST", "/exams", {
        "exam_id": "{new}", "kind": "oge", "subject": "Математика", "exam_on": "2026-05-20",
        "max_primary": 31}), frozenset({R.REGIONAL_OPERATOR}), 201),
    ("publish results day", fixed("POST", "/exams/{new}/results-day", {
        "results_day": "2026-06-01"}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("register exam participant", fixed("POST", "/exams/{new}/participants", {
        "participant_id": "{w.learner}", "exam_point": "ППЭ 1"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("record exam result", fixed("POST", "/exams/{new}/participants/{w.learner}/results", {
        "primary": 10}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("not accept appeal", fixed("POST", "/appeals/{new}/non-acceptance", {
        "reason": "own_breach", "explanation": "e"}), frozenset({R.REGIONAL_OPERATOR}), None),
    ("schedule hearing", fixed("POST", "/appeals/{new}/hearing", {
        "starts_at": "2026-05-08T07:00:00Z", "place": "каб. 1"}),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("withdraw appeal", fixed("POST", "/appeals/{new}/withdrawal"),
     frozenset({R.REGIONAL_OPERATOR}), None),
    ("form commission", fixed("POST", "/commissions", {
        "commission_id": "{new}", "purpose": "school_year_acceptance", "name": "Комиссия",
        "area": "Оренбург", "chair": {"member_id": _X, "full_name": "Ф. И. О.",
                                      "position": "председатель"}, "basis": BASIS}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), 201),
    *[(f"commission {path}", fixed("POST", f"/commissions/{{new}}/{path}", body),
       frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None)
      for path, body in (("members", {"member": {"member_id": _X, "full_name": "Ф. И. О.",
                                                  "position": "член"}}),
                         ("dismissals", {"member_id": _X}), ("chair", {"member_id": _X}))],
    ("open acceptance campaign", fixed("POST", "/acceptance-campaigns", {
        "municipality": "Оренбург", "academic_year": YEAR, "basis": BASIS}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("plan acceptance", fixed("POST", "/acceptance-campaigns/{new}/plan", {
        "organisation_id": "{w.school}", "planned_on": "2026-08-10", "commission_id": _X,
        "founder": "УО", "head": "директор"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("reschedule acceptance", fixed("POST", "/acceptance-campaigns/{new}/reschedulings", {
        "organisation_id": "{w.school}", "planned_on": "2026-08-11", "reason": "r"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("confirm remedies", fixed("POST", "/acceptance-campaigns/{new}/remedies", {
        "remedy_protocol_id": _X, "organisation_id": "{w.school}", "remedies": [{
            "deficiency_id": _X, "remedied_on": "2026-08-15", "evidence": "акт"}]}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("open protocol", fixed("POST", "/protocols", {
        "campaign_id": "{new}", "commission_id": _X, "held_on": "2026-08-10"}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
    ("sign protocol", fixed("POST", "/protocols/{new}/signature", {"chair_id": _X}),
     frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}), None),
]
