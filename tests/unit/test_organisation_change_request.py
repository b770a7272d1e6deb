"""Organisation card edits: the operator's policy, direct edits, change requests."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest

from domain.envelope import Actor, Meta, Role
from domain.errors import InvalidInput
from domain.identifiers import InvalidInn
from domain.organisation import OrganisationClosed, OrganisationDetails, OrganisationKind
from domain.organisation_change_request import (
    CardEditPolicy,
    FieldChange,
    FieldNotEditable,
    NotOperator,
    NotOwnOrganisation,
    OrganisationChangeRequest,
    RequestDecided,
    RequestStatus,
    UnknownCardField,
    changed_details,
    check_direct_edit,
)
from tests.acceptance_builders import ORG_A, ORG_B, school
from tests.factories import make_meta
from tests.gwt import given

OPERATOR = Actor(user_id="operator-1", role=Role.ADMINISTRATOR)
SCHOOL_USER = Actor(user_id="school-11", role=Role.ADMINISTRATOR, organisation_id=ORG_A)
REQUEST = UUID(int=551)
NEW_NAME = FieldChange("full_name", "МОАУ «Лицей № 11» г. Оренбург")
NEW_ADDRESS = FieldChange("actual_address", "ул. Ленина, 3")
Configured = getattr(CardEditPolicy, "Configured")  # noqa: B009
FieldsChanged = getattr(CardEditPolicy, "EditableFieldsChanged")  # noqa: B009
Submitted = getattr(OrganisationChangeRequest, "Submitted")  # noqa: B009
Approved = getattr(OrganisationChangeRequest, "Approved")  # noqa: B009
Rejected = getattr(OrganisationChangeRequest, "Rejected")  # noqa: B009


def by(actor: Actor) -> Meta:
    return make_meta(actor=actor, basis=None)


def policy() -> CardEditPolicy:
    return CardEditPolicy.configure(editable_fields=("actual_address",), meta=by(OPERATOR))


def submitted(changes: tuple[FieldChange, ...] = (NEW_NAME,)) -> OrganisationChangeRequest:
    return OrganisationChangeRequest.submit(request_id=REQUEST, organisation=school(ORG_A),
                                            changes=changes, reason="переименование",
                                            meta=by(SCHOOL_USER))


def test_the_operator_configures_the_editable_fields() -> None:
    given().when(lambda _: policy()).then(
        Configured, state=lambda p: p.editable_fields == ("actual_address",))
    given(policy()).when(lambda p: p.change(
        editable_fields=("actual_address", "short_name"), meta=by(OPERATOR))).then(FieldsChanged)
    given(policy()).when(lambda p: p.change(
        editable_fields=("actual_address",), meta=by(OPERATOR))).then_raises(InvalidInput)
    given(policy()).when(lambda p: p.change(
        editable_fields=("director",), meta=by(OPERATOR))).then_raises(UnknownCardField)
    given(policy()).when(lambda p: p.change(
        editable_fields=("inn",), meta=by(SCHOOL_USER))).then_raises(NotOperator)
    given().when(lambda _: CardEditPolicy.configure(
        editable_fields=(), meta=by(Actor("t", Role.TEACHER)))).then_raises(NotOperator)


def test_direct_edits_only_of_editable_fields_of_ones_own_organisation() -> None:
    check_direct_edit(("actual_address",), ORG_A, (NEW_ADDRESS,), SCHOOL_USER)  # allowed
    for changes, actor, error in (
        ((NEW_NAME,), SCHOOL_USER, FieldNotEditable),
        ((NEW_ADDRESS, NEW_NAME), SCHOOL_USER, FieldNotEditable),
        ((NEW_ADDRESS,), OPERATOR, NotOwnOrganisation),
        ((FieldChange("director", "x"),), SCHOOL_USER, UnknownCardField),
    ):
        with pytest.raises(error) as refused:
            check_direct_edit(("actual_address",), ORG_A, changes, actor)
        assert type(refused.value) is error


def test_changed_details_are_validated_and_must_change_something() -> None:
    card = school(ORG_A).details
    assert changed_details(card, (NEW_NAME,)) == replace(card, full_name=NEW_NAME.value)
    assert changed_details(card, (FieldChange("kind", "college"),)).kind is \
        OrganisationKind.COLLEGE
    for bad, error in (((), InvalidInput), ((FieldChange("kind", "zoo"),), InvalidInput),
                       ((FieldChange("inn", "1234567890"),), InvalidInn),
                       ((FieldChange("full_name", card.full_name),), InvalidInput),
                       ((NEW_NAME, NEW_NAME), InvalidInput)):
        with pytest.raises(error):
            changed_details(card, bad)


def test_a_change_request_is_submitted_by_the_organisation_with_a_reason() -> None:
    outcome = given().when(lambda _: submitted()).then(
        Submitted, state=lambda r: r.status is RequestStatus.PENDING)
    assert outcome.event().changes == (NEW_NAME,)
    given().when(lambda _: OrganisationChangeRequest.submit(
        request_id=REQUEST, organisation=school(ORG_B), changes=(NEW_NAME,), reason="x",
        meta=by(SCHOOL_USER))).then_raises(NotOwnOrganisation)
    given().when(lambda _: OrganisationChangeRequest.submit(
        request_id=REQUEST, organisation=school(ORG_A), changes=(NEW_NAME,), reason=" ",
        meta=by(SCHOOL_USER))).then_raises(InvalidInput)
    closed = school(ORG_A)
    closed.close(reason="ликвидация", meta=by(OPERATOR))
    given().when(lambda _: OrganisationChangeRequest.submit(
        request_id=REQUEST, organisation=closed, changes=(NEW_NAME,), reason="x",
        meta=by(SCHOOL_USER))).then_raises(OrganisationClosed)


def test_the_operator_approves_and_gets_the_new_card() -> None:
    new_card: list[OrganisationDetails] = []
    outcome = given(submitted()).when(lambda r: new_card.append(r.approve(
        organisation=school(ORG_A), meta=by(OPERATOR)))).then(
        Approved, state=lambda r: r.status is RequestStatus.APPROVED)
    assert outcome.aggregate.changes == (NEW_NAME,)
    assert new_card[0].full_name == NEW_NAME.value
    given(submitted()).when(lambda r: r.approve(organisation=school(ORG_A),
                                                meta=by(SCHOOL_USER))).then_raises(NotOperator)
    given(submitted()).when(lambda r: r.approve(organisation=school(ORG_B),
                                                meta=by(OPERATOR))).then_raises(InvalidInput)


def test_the_operator_rejects_with_a_reason_and_a_decision_is_final() -> None:
    outcome = given(submitted()).when(lambda r: r.reject(
        reason="нет подтверждающего приказа учредителя", meta=by(OPERATOR))).then(
        Rejected, state=lambda r: r.status is RequestStatus.REJECTED)
    assert outcome.event().reason.startswith("нет")
    given(submitted()).when(lambda r: r.reject(reason=" ", meta=by(OPERATOR))).then_raises(
        InvalidInput)
    rejected = submitted()
    rejected.reject(reason="нет", meta=by(OPERATOR))
    given(rejected).when(lambda r: r.approve(organisation=school(ORG_A),
                                             meta=by(OPERATOR))).then_raises(RequestDecided)
    given(rejected).when(lambda r: r.reject(reason="x", meta=by(OPERATOR))).then_raises(
        RequestDecided)
