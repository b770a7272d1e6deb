"""Personalised-funding commands over HTTP: certificate groups, a certificate's life,
programmes, contracts after the request, claims in a batch. Each endpoint: a write that lands,
refusals that write nothing, and a provider that cannot reach another provider's contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole
from domain.certificate_values import certificate_id
from tests.api.commands_kit import headers, operator, refused, written
from tests.api.world import ok, org_body

MUNICIPALITY = "Орск"
NOMINAL, PRICE, NORMATIVE = 3_000_000, 500_000, 400_000


@dataclass
class Funding:
    client: TestClient
    payer: str
    provider: str
    programme: str
    numbers: list[str]

    @property
    def operator(self) -> dict[str, str]:
        return operator(self.client)

    def certificate(self) -> str:
        """A new funding certificate of the group of 2026, on a new learner."""
        number = f"56{len(self.numbers) + 1:08d}"
        learner = str(uuid4())
        ok(self.client.post("/learners", json={"learner_id": learner}, headers=self.operator))
        ok(self.client.post("/certificates", headers=self.operator, json={
            "number": number, "learner_id": learner, "kind": "funding",
            "municipality": MUNICIPALITY, "year": 2026, "effective_on": "2026-08-20"}))
        self.numbers.append(number)
        return number

    def contract(self, number: str, *, confirm: bool = True, activate: bool = True) -> str:
        contract = str(uuid4())
        ok(self.client.post("/contracts", headers=self.operator, json={
            "contract_id": contract, "number": number, "programme_id": self.programme,
            "group_name": "Группа 1", "first_month": "2026-09-01", "last_month": "2026-12-01",
            "effective_on": "2026-08-25"}))
        if confirm:
            ok(self.client.post(f"/contracts/{contract}/confirmation", headers=self.operator))
        if activate:
            ok(self.client.post(f"/contracts/{contract}/activation", headers=self.operator))
        return contract


def _organisation(client: TestClient, kind: str, name: str) -> str:
    organisation = uuid4()
    ok(client.post("/organisations", headers=operator(client),
                   json={**org_body(organisation, MUNICIPALITY, name), "kind": kind}))
    return str(organisation)


def _group(year: int) -> dict[str, Any]:
    return {"municipality": MUNICIPALITY, "year": year, "nominal": NOMINAL, "unit": "roubles",
            "max_certificates": 100, "max_nominal_sum": 100 * NOMINAL,
            "effective_on": "2026-01-15"}


def _programme(provider: str) -> dict[str, Any]:
    return {"programme_id": str(uuid4()), "provider_id": provider, "title": "Робототехника",
            "unit": "roubles", "price_per_month": PRICE, "normative_price": NORMATIVE,
            "effective_on": "2026-08-01"}


@pytest.fixture
def funding(client: TestClient) -> Funding:
    payer = _organisation(client, "education_authority", "УО Орска")
    provider = _organisation(client, "additional_education", "ДТДМ")
    written(client, "/certificate-groups", _group(2026), operator(client),
            "establish_certificate_group")
    programme = _programme(provider)
    written(client, "/programmes", programme, operator(client), "certify_programme")
    return Funding(client, payer, provider, str(programme["programme_id"]), [])


def test_group_and_programme_refusals(funding: Funding) -> None:
    client = funding.client
    refused(client, "/certificate-groups", _group(2026), funding.operator, 409,
            "group_already_established")
    refused(client, "/certificate-groups", {**_group(2027), "nominal": 0}, funding.operator,
            422, "validation_failed")
    refused(client, "/programmes", _programme(str(uuid4())), funding.operator, 404, "not_found")
    refused(client, "/programmes", {**_programme(funding.provider), "unit": "litres"},
            funding.operator, 422, "validation_failed")


def test_yearly_credit_and_expiry(funding: Funding) -> None:
    number = funding.certificate()
    client = funding.client
    refused(client, f"/certificates/{number}/yearly-credits", {"year": 2027},
            funding.operator, 404, "certificate_group_not_found")
    written(client, "/certificate-groups", _group(2027), funding.operator)
    result = written(client, f"/certificates/{number}/yearly-credits",
                     {"year": 2027, "effective_on": "2027-01-01"}, funding.operator,
                     "credit_nominal")
    assert {s["stream_id"] for s in result["streams"]} >= {str(certificate_id(number))}
    refused(client, f"/certificates/{number}/expiries",
            {"year": 2026, "effective_on": "2026-12-30"}, funding.operator, 409,
            "year_not_over")
    written(client, f"/certificates/{number}/expiries",
            {"year": 2026, "effective_on": "2027-01-01"}, funding.operator, "expire_year")


def test_conversion_and_idle_reversion(funding: Funding) -> None:
    client = funding.client
    number = funding.certificate()
    refused(client, f"/certificates/{number}/idle-reversion",
            {"idle_days": 90, "effective_on": "2026-09-01"}, funding.operator, 409,
            "not_idle_long_enough")
    written(client, f"/certificates/{number}/idle-reversion",
            {"idle_days": 90, "effective_on": "2026-12-01"}, funding.operator,
            "revert_idle_certificate")
    refused(client, f"/certificates/{number}/conversions",
            {"kind": "accounting", "reason": "заявление"}, funding.operator, 409,
            "wrong_certificate_kind")
    written(client, f"/certificates/{number}/conversions",
            {"kind": "funding", "reason": "заявление родителя", "effective_on": "2026-12-02"},
            funding.operator, "convert_certificate")


def test_suspend_resume_close(funding: Funding) -> None:
    client = funding.client
    number = funding.certificate()
    refused(client, f"/certificates/{number}/resumption", None, funding.operator, 409,
            "certificate_not_suspended")
    written(client, f"/certificates/{number}/suspension", {"reason": "заявление"},
            funding.operator, "suspend_certificate")
    written(client, f"/certificates/{number}/resumption", None, funding.operator,
            "resume_certificate")
    refused(client, f"/certificates/{number}/closure", {"reason": ""}, funding.operator, 422,
            "validation_failed")
    written(client, f"/certificates/{number}/closure", {"reason": "выбыл из региона"},
            funding.operator, "close_certificate")
    refused(client, f"/certificates/{number}/suspension", {"reason": "x"}, funding.operator,
            409, "certificate_closed")


def test_unknown_and_malformed_certificate_numbers(funding: Funding) -> None:
    refused(funding.client, "/certificates/5699999999/suspension", {"reason": "x"},
            funding.operator, 404, "certificate_not_found")
    refused(funding.client, "/certificates/56-1/suspension", {"reason": "x"},
            funding.operator, 422, "validation_failed")


def test_a_municipal_authority_acts_on_its_own_municipality_s_certificates(
        funding: Funding) -> None:
    number = funding.certificate()
    orenburg = headers(funding.client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    orsk = headers(funding.client, ApiRole.MUNICIPAL_AUTHORITY, municipality=MUNICIPALITY)
    refused(funding.client, f"/certificates/{number}/suspension", {"reason": "x"}, orenburg,
            404, "not_found")
    refused(funding.client, "/certificate-groups", {**_group(2030), "municipality": "Орск"},
            orenburg, 404, "not_found")
    written(funding.client, f"/certificates/{number}/suspension", {"reason": "x"}, orsk)


def test_contract_confirmation_activation_termination(funding: Funding) -> None:
    client = funding.client
    contract = funding.contract(funding.certificate(), confirm=False, activate=False)
    refused(client, f"/contracts/{contract}/activation", None, funding.operator, 409,
            "wrong_contract_status")
    provider = headers(client, ApiRole.PROVIDER, org=UUID(funding.provider))
    written(client, f"/contracts/{contract}/confirmation", None,
            {**provider, "If-Match": '"1"'}, "confirm_contract")
    written(client, f"/contracts/{contract}/activation", None, provider, "activate_contract")
    refused(client, f"/contracts/{contract}/termination", {"reason": " "}, provider, 422,
            "invalid_input")
    result = written(client, f"/contracts/{contract}/termination",
                     {"reason": "переезд", "effective_on": "2026-10-20"}, provider,
                     "terminate_contract")
    assert len(result["streams"]) == 2  # the contract and the certificate's reserve


def test_contract_refusal(funding: Funding) -> None:
    client = funding.client
    contract = funding.contract(funding.certificate(), activate=False)
    refused(client, f"/contracts/{contract}/refusal", {"reason": ""}, funding.operator, 422,
            "validation_failed")
    written(client, f"/contracts/{contract}/refusal", {"reason": "группа укомплектована"},
            funding.operator, "refuse_contract")
    refused(client, f"/contracts/{contract}/refusal", {"reason": "again"}, funding.operator,
            409, "wrong_contract_status")


def test_another_provider_s_contract_is_a_404(funding: Funding) -> None:
    client = funding.client
    contract = funding.contract(funding.certificate(), confirm=False, activate=False)
    stranger = headers(client, ApiRole.PROVIDER, org=uuid4())
    unknown = refused(client, f"/contracts/{uuid4()}/confirmation", None, stranger, 404,
                      "not_found")
    theirs = refused(client, f"/contracts/{contract}/confirmation", None, stranger, 404,
                     "not_found")
    # The same body but for the id in it: nothing tells "not yours" from "not there".
    assert theirs["title"] == unknown["title"]
    assert theirs["detail"].replace(contract, "?") == unknown["detail"].replace(
        unknown["instance"].split("/")[2], "?")
    refused(client, f"/contracts/{uuid4()}/confirmation", None, funding.operator, 404,
            "contract_not_found")  # a region-wide role gets the domain's code


def _claim(funding: Funding, contracts: list[str], month: str = "2026-09-01",
           kind: str = "advance") -> dict[str, Any]:
    return {"kind": kind, "payer_id": funding.payer, "provider_id": funding.provider,
            "month": month, "contracts": [{"contract_id": c, "delivered_bp": 0}
                                          for c in contracts]}


def test_claim_batch_all_or_nothing(funding: Funding) -> None:
    client = funding.client
    first, second = (funding.contract(funding.certificate()) for _ in range(2))
    # The October advance is too early on 2 September: the whole batch is refused.
    refused(client, "/claim-batches", {
        "claims": [_claim(funding, [first]), _claim(funding, [second], "2026-10-01")],
        "effective_on": "2026-09-02"}, funding.operator, 409, "claim_too_early")
    result = written(client, "/claim-batches", {
        "claims": [_claim(funding, [first, second])], "effective_on": "2026-09-02"},
        headers(client, ApiRole.PROVIDER, org=UUID(funding.provider)), "submit_claims")
    assert len(result["streams"]) == 3  # the claim and two certificates
    refused(client, "/claim-batches", {"claims": []}, funding.operator, 422,
            "validation_failed")


def test_a_claim_batch_naming_another_provider_is_refused(funding: Funding) -> None:
    contract = funding.contract(funding.certificate())
    stranger = headers(funding.client, ApiRole.PROVIDER, org=uuid4())
    refused(funding.client, "/claim-batches", {
        "claims": [_claim(funding, [contract])], "effective_on": "2026-09-02"}, stranger,
        404, "not_found")
