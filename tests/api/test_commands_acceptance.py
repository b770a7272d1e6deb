"""Commissions and the acceptance of organisations for the new school year over HTTP: form a
commission, open a campaign, plan, reschedule, open / fill / sign protocols, confirm remedies.
Each endpoint: a write that lands, refusals that write nothing; another municipality's
campaign is a 404 to a municipal authority (the dates of tests/integration/test_acceptance.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.commands_kit import headers, refused, written
from tests.api.world import ok, org_body

YEAR = "2026/2027"
ORDER = {"kind": "order", "number": "412", "dated": "2026-05-20"}
FIRE = str(uuid4())


def _member(position: str) -> dict[str, str]:
    return {"member_id": str(uuid4()), "full_name": "Кузнецов Павел Андреевич",
            "position": position}


@dataclass
class Acceptance:
    client: TestClient
    caller: dict[str, str]  # Оренбург's municipal authority
    commission: str
    chair: dict[str, str]
    member: dict[str, str]
    campaign: str
    schools: list[str]

    def protocol(self, held_on: str) -> str:
        result = written(self.client, "/protocols", {
            "campaign_id": self.campaign, "commission_id": self.commission,
            "held_on": held_on, "effective_on": held_on}, self.caller,
            "open_acceptance_protocol")
        return str(result["streams"][0]["stream_id"])


def _commission(chair: dict[str, str], members: list[dict[str, str]],
                area: str = "Оренбург") -> dict[str, Any]:
    return {"commission_id": str(uuid4()), "purpose": "school_year_acceptance",
            "name": "Комиссия по приёмке", "area": area, "chair": chair, "members": members,
            "effective_on": "2026-06-01", "basis": ORDER}


@pytest.fixture
def acceptance(client: TestClient) -> Acceptance:
    caller = headers(client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    schools: list[str] = []
    for n in range(3):
        school = uuid4()
        ok(client.post("/organisations", json=org_body(school, "Оренбург", f"СОШ {n}"),
                       headers=caller))
        schools.append(str(school))
    chair, member = _member("заместитель главы"), _member("инспектор ОНДиПР")
    body = _commission(chair, [member])
    written(client, "/commissions", body, caller, "form_commission")
    campaign = written(client, "/acceptance-campaigns", {
        "municipality": "Оренбург", "academic_year": YEAR, "effective_on": "2026-06-01",
        "basis": ORDER}, caller, "open_acceptance_campaign")["streams"][0]["stream_id"]
    for n, planned in enumerate(schools[:2]):
        written(client, f"/acceptance-campaigns/{campaign}/plan", {
            "organisation_id": planned, "planned_on": f"2026-08-{10 + n}",
            "commission_id": body["commission_id"], "founder": "УО г. Оренбурга",
            "head": "директор", "effective_on": "2026-06-01"}, caller, "plan_acceptance")
    return Acceptance(client, caller, str(body["commission_id"]), chair, member,
                      str(campaign), schools)


def test_commission_members_and_chair(acceptance: Acceptance) -> None:
    client, caller, commission = acceptance.client, acceptance.caller, acceptance.commission
    newcomer = _member("архитектор")
    written(client, f"/commissions/{commission}/members",
            {"member": newcomer, "basis": ORDER}, caller, "appoint_commission_member")
    refused(client, f"/commissions/{commission}/members", {"member": newcomer}, caller, 409,
            "member_already_on_commission")
    written(client, f"/commissions/{commission}/chair",
            {"member_id": newcomer["member_id"], "basis": ORDER}, caller,
            "change_commission_chair")
    refused(client, f"/commissions/{commission}/chair", {"member_id": str(uuid4())}, caller,
            409, "member_not_on_commission")
    written(client, f"/commissions/{commission}/dismissals",
            {"member_id": acceptance.member["member_id"], "basis": ORDER}, caller,
            "dismiss_commission_member")
    refused(client, f"/commissions/{commission}/dismissals", {"member_id": "nope"}, caller,
            422, "validation_failed")


def test_commission_refusals(acceptance: Acceptance) -> None:
    client, caller = acceptance.client, acceptance.caller
    refused(client, "/commissions", _commission({**acceptance.chair, "full_name": " "}, []),
            caller, 422, "invalid_input")
    refused(client, "/commissions", {**_commission(acceptance.chair, []), "purpose": "x"},
            caller, 422, "validation_failed")
    # Another municipality's commission: forming or changing one is a 404, as for a missing one.
    refused(client, "/commissions", _commission(acceptance.chair, [], area="Орск"), caller,
            404, "not_found")
    # The ГИА appeal commission is the region's, not a municipality's.
    refused(client, "/commissions", {**_commission(acceptance.chair, []),
                                      "purpose": "gia_appeals"}, caller, 404, "not_found")
    orsk = headers(client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Орск")
    refused(client, f"/commissions/{acceptance.commission}/members",
            {"member": _member("x")}, orsk, 404, "not_found")


def test_campaign_refusals(acceptance: Acceptance) -> None:
    client, caller, campaign = acceptance.client, acceptance.caller, acceptance.campaign
    refused(client, "/acceptance-campaigns", {"municipality": "Оренбург",
                                              "academic_year": YEAR, "basis": ORDER},
            caller, 422, "invalid_input")
    refused(client, "/acceptance-campaigns", {"municipality": "Оренбург",
                                              "academic_year": "2026"}, caller, 422,
            "validation_failed")
    refused(client, f"/acceptance-campaigns/{campaign}/plan", {
        "organisation_id": acceptance.schools[0], "planned_on": "2026-08-12",
        "commission_id": acceptance.commission, "founder": "УО", "head": "директор"},
        caller, 409, "organisation_already_in_plan")
    orsk = headers(client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Орск")
    refused(client, f"/acceptance-campaigns/{campaign}/reschedulings", {
        "organisation_id": acceptance.schools[0], "planned_on": "2026-08-12",
        "reason": "ремонт"}, orsk, 404, "not_found")


def test_reschedule(acceptance: Acceptance) -> None:
    client, caller, campaign = acceptance.client, acceptance.caller, acceptance.campaign
    path = f"/acceptance-campaigns/{campaign}/reschedulings"
    body = {"organisation_id": acceptance.schools[0], "planned_on": "2026-08-15",
            "reason": "ремонт кровли"}
    refused(client, path, body, caller, 409, "not_a_working_day")  # a Saturday
    refused(client, path, {**body, "organisation_id": acceptance.schools[2],
                           "planned_on": "2026-08-17"}, caller, 404, "organisation_not_in_plan")
    written(client, path, {**body, "planned_on": "2026-08-17"}, caller,
            "reschedule_acceptance")


def test_protocol_signed_then_remedies(acceptance: Acceptance) -> None:
    client, caller = acceptance.client, acceptance.caller
    protocol = acceptance.protocol("2026-08-10")
    refused(client, "/protocols", {"campaign_id": acceptance.campaign,
                                   "commission_id": acceptance.commission,
                                   "held_on": "2026-08-10"}, caller, 409, "protocol_exists")
    written(client, f"/protocols/{protocol}/entries", {
        "organisation_id": acceptance.schools[0], "result": "not_accepted",
        "deficiencies": [{"deficiency_id": FIRE, "category": "fire_safety",
                          "description": "не исправна АПС", "remedy_by": "2026-08-17"}],
        "effective_on": "2026-08-10"}, caller, "record_protocol_entry")
    refused(client, f"/protocols/{protocol}/signature",
            {"chair_id": acceptance.member["member_id"], "members_present": []}, caller, 409,
            "rule_violated")  # signed by the chair only
    result = written(client, f"/protocols/{protocol}/signature", {
        "chair_id": acceptance.chair["member_id"],
        "members_present": [acceptance.member["member_id"]], "effective_on": "2026-08-10"},
        {**caller, "If-Match": '"2"'}, "sign_acceptance_protocol")
    assert {s["stream_id"] for s in result["streams"]} == {protocol, acceptance.campaign}
    remedies = f"/acceptance-campaigns/{acceptance.campaign}/remedies"
    remedy = {"deficiency_id": FIRE, "remedied_on": "2026-08-15",
              "evidence": "акт проверки АПС № 17"}
    body = {"remedy_protocol_id": str(uuid4()), "organisation_id": acceptance.schools[0],
            "remedies": [remedy], "effective_on": "2026-08-15"}
    refused(client, remedies, {**body, "remedies": [{**remedy, "deficiency_id": str(uuid4())}]},
            caller, 404, "deficiency_not_found")
    refused(client, remedies, {**body, "remedies": []}, caller, 422, "validation_failed")
    written(client, remedies, body, caller, "confirm_remedies")


def test_protocol_refusals(acceptance: Acceptance) -> None:
    client, caller = acceptance.client, acceptance.caller
    refused(client, "/protocols", {"campaign_id": acceptance.campaign,
                                   "commission_id": acceptance.commission,
                                   "held_on": "2026-08-11", "amends": str(uuid4())},
            caller, 422, "invalid_input")
    refused(client, "/protocols", {"campaign_id": str(uuid4()),
                                   "commission_id": acceptance.commission,
                                   "held_on": "2026-08-11"}, caller, 404, "not_found")
    refused(client, f"/protocols/{uuid4()}/signature", {"chair_id": str(uuid4())}, caller,
            404, "not_found")
