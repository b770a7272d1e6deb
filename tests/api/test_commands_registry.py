"""Registry commands over HTTP: an organisation's life after registration, and cancelling a
learner's entry. Each endpoint: a write that lands, refusals that write nothing."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from fastapi.testclient import TestClient

from api.auth import ApiRole
from tests.api.commands_kit import events, headers, operator, refused, written
from tests.api.world import BASIS, YEAR, ok, org_body


def _org(client: TestClient, municipality: str = "Оренбург") -> str:
    organisation = uuid4()
    ok(client.post("/organisations", json=org_body(organisation, municipality, "СОШ 3"),
                   headers=operator(client)))
    return str(organisation)


def _card(**changes: Any) -> dict[str, Any]:
    card = org_body(uuid4(), "Оренбург", "СОШ 3")
    del card["organisation_id"]
    return {**card, **changes}


LICENCE = {"number": "Л035-01234-56/00123456", "issued_on": "2016-03-14",
           "issued_by": "Министерство образования Оренбургской области"}
ACCREDITATION = {"number": "А007-01234", "issued_on": "2019-05-20",
                 "levels": ["basic_general"]}


def test_change_details(client: TestClient) -> None:
    organisation = _org(client)
    result = written(client, f"/organisations/{organisation}/detail-changes",
                     _card(short_name="СОШ № 3 им. Гагарина", basis=BASIS), operator(client),
                     "change_organisation_details")
    assert result["streams"] == [{"stream_id": organisation, "version": 2}]
    # The same card again changes nothing: refused by the domain.
    refused(client, f"/organisations/{organisation}/detail-changes",
            _card(short_name="СОШ № 3 им. Гагарина"), operator(client), 422, "invalid_input")


def test_change_details_with_a_bad_inn_is_refused(client: TestClient) -> None:
    organisation = _org(client)
    refused(client, f"/organisations/{organisation}/detail-changes", _card(inn="12345"),
            operator(client), 422, "validation_failed")


def test_record_licence_and_accreditation(client: TestClient) -> None:
    organisation = _org(client)
    written(client, f"/organisations/{organisation}/licences", LICENCE, operator(client),
            "record_licence")
    result = written(client, f"/organisations/{organisation}/accreditations", ACCREDITATION,
                     operator(client), "record_accreditation")
    assert result["streams"] == [{"stream_id": organisation, "version": 3}]


def test_licence_and_accreditation_bad_input(client: TestClient) -> None:
    organisation = _org(client)
    refused(client, f"/organisations/{organisation}/licences", {**LICENCE, "number": ""},
            operator(client), 422, "validation_failed")
    refused(client, f"/organisations/{organisation}/accreditations",
            {**ACCREDITATION, "valid_until": "2019-01-01"}, operator(client), 422,
            "invalid_input")
    refused(client, f"/organisations/{uuid4()}/licences", LICENCE, operator(client), 404,
            "not_found")


def test_reorganise_and_close(client: TestClient) -> None:
    organisation, successor = _org(client), _org(client)
    written(client, f"/organisations/{organisation}/reorganisation",
            {"form": "merger", "successor_ids": [successor], "basis": BASIS},
            operator(client), "reorganise_organisation")
    written(client, f"/organisations/{organisation}/closure",
            {"reason": "присоединена к СОШ 3", "basis": BASIS}, operator(client),
            "close_organisation")
    # Closed: nothing more happens to it.
    refused(client, f"/organisations/{organisation}/closure", {"reason": "again"},
            operator(client), 409, "organisation_closed")


def test_reorganise_bad_input(client: TestClient) -> None:
    organisation = _org(client)
    refused(client, f"/organisations/{organisation}/reorganisation",
            {"form": "merger", "successor_ids": [organisation]}, operator(client), 422,
            "invalid_input")
    refused(client, f"/organisations/{organisation}/reorganisation",
            {"form": "merger", "successor_ids": [str(uuid4())]}, operator(client), 404,
            "not_found")
    refused(client, f"/organisations/{organisation}/closure", {"reason": ""},
            operator(client), 422, "validation_failed")


def test_another_municipality_s_organisation_is_a_404_for_a_municipal_authority(
        client: TestClient) -> None:
    orsk = _org(client, "Орск")
    orenburg = headers(client, ApiRole.MUNICIPAL_AUTHORITY, municipality="Оренбург")
    unknown = refused(client, f"/organisations/{uuid4()}/licences", LICENCE, orenburg, 404,
                      "not_found")
    theirs = refused(client, f"/organisations/{orsk}/licences", LICENCE, orenburg, 404,
                     "not_found")
    assert theirs["title"] == unknown["title"]
    # Own organisation, but moved into another municipality: the new one must be theirs too.
    own = _org(client)
    refused(client, f"/organisations/{own}/detail-changes", _card(municipality="Орск"),
            orenburg, 404, "not_found")
    written(client, f"/organisations/{own}/licences", LICENCE, orenburg)


def test_if_match_on_an_organisation(any_client: TestClient) -> None:
    client = any_client
    organisation = _org(client)
    refused(client, f"/organisations/{organisation}/licences", LICENCE,
            {**operator(client), "If-Match": '"2"'}, 412, "version_mismatch")
    written(client, f"/organisations/{organisation}/licences", LICENCE,
            {**operator(client), "If-Match": '"1"'})


def test_a_retried_command_returns_the_first_response_and_writes_nothing(
        any_client: TestClient) -> None:
    client = any_client
    organisation = _org(client)
    caller = {**operator(client), "Idempotency-Key": "licence-1"}
    first = written(client, f"/organisations/{organisation}/licences", LICENCE, caller)
    before = events(client)
    again = client.post(f"/organisations/{organisation}/licences", json=LICENCE, headers=caller)
    assert again.status_code == 201
    assert again.json() == first
    assert events(client) == before


def _enrolled(client: TestClient) -> tuple[str, str]:
    school, learner, enrolment = _org(client), str(uuid4()), str(uuid4())
    ok(client.post("/learners", json={"learner_id": learner}, headers=operator(client)))
    ok(client.post(f"/learners/{learner}/enrolments", headers=operator(client), json={
        "enrolment_id": enrolment, "organisation_id": school, "level": "basic_general",
        "class_or_group": "5А", "academic_year": YEAR, "effective_on": "2026-09-01",
        "basis": BASIS}))
    return learner, enrolment


def test_cancel_an_enrolment_entered_in_error(client: TestClient) -> None:
    learner, _ = _enrolled(client)
    result = written(client, f"/learners/{learner}/cancellations",
                     {"cancelled_version": 2, "reason": "приказ 1-к отменён", "basis": BASIS},
                     {**operator(client), "If-Match": '"2"'}, "cancel_entry")
    assert result["streams"] == [{"stream_id": learner, "version": 3}]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"cancelled_version": 1, "reason": "x"}, 409, "entry_not_a_move"),
    ({"cancelled_version": 9, "reason": "x"}, 404, "entry_not_found"),
    ({"cancelled_version": 0, "reason": "x"}, 422, "validation_failed"),
    ({"cancelled_version": 2, "reason": ""}, 422, "validation_failed"),
])
def test_cancel_refusals(client: TestClient, body: dict[str, Any], status: int,
                         code: str) -> None:
    learner, _ = _enrolled(client)
    refused(client, f"/learners/{learner}/cancellations", body, operator(client), status, code)
