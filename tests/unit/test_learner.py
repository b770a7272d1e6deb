"""Learner contingent: every command, every refusal."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest

from domain.academic_year import InvalidAcademicYear
from domain.errors import InvalidInput
from domain.learner import Learner
from domain.learner_values import (
    AlreadyEnrolledInGeneral,
    BasisOrderRequired,
    EducationDocumentNotExpected,
    EducationDocumentRequired,
    EducationLevel,
    EnrolmentEnded,
    EnrolmentIdInUse,
    EnrolmentNotFound,
    InvalidAcademicYearChange,
    InvalidEducationDocument,
    LeavingReason,
    MoveBackdated,
    NotEnrolled,
    TransferChangesNothing,
    TransferToSameOrganisation,
)
from tests.factories import make_meta
from tests.gwt import given
from tests.learner_builders import (
    ATTESTAT,
    AUG_31,
    CLUB,
    FIRST,
    LEARNER,
    OTHER_SCHOOL,
    SCHOOL,
    SECOND,
    SEP_1,
    SEP_10,
    THIRD,
    enrol_args,
    enrolled,
    enrolled_with_club,
    left_school,
    registered,
)

# register


def test_register_records_only_the_pseudonymous_id() -> None:
    outcome = given().when(lambda _: Learner.register(learner_id=LEARNER, meta=make_meta())).then(
        Learner.Registered,
        state=lambda learner: (learner.active_general is None
                               and learner.last_move_on is None and not learner.entries),
    )
    assert outcome.aggregate.id == LEARNER
    # A new field here would be a place for personal data to creep in: keep it deliberate.
    fields = {f.name for f in dataclasses.fields(outcome.event())}
    assert fields == {"originator_id", "originator_version", "timestamp", "originator_topic",
                      "learner_id", "meta"}


# enrol


def test_enrol_places_the_learner() -> None:
    outcome = given(registered).when(lambda learner: learner.enrol(**enrol_args())).then(
        Learner.Enrolled)
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.enrolment_id, placement.organisation_id, placement.class_or_group,
            placement.academic_year, placement.enrolled_on) == (
        FIRST, SCHOOL, "5Б", "2026/2027", SEP_1)
    assert outcome.aggregate.last_move_on == SEP_1
    assert outcome.event().meta.basis is not None


def test_additional_enrolments_can_be_many_beside_general() -> None:
    outcome = given(enrolled_with_club).when(lambda learner: learner.enrol(**enrol_args(
        enrolment_id=THIRD, organisation_id=CLUB, level=EducationLevel.ADDITIONAL,
        class_or_group="шахматы", meta=make_meta(effective_on=SEP_10)))).then(Learner.Enrolled)
    assert set(outcome.aggregate.active_additional) == {SECOND, THIRD}
    assert outcome.aggregate.active_general is not None


def test_enrol_on_the_same_day_as_the_last_move_is_allowed() -> None:
    given(left_school).when(lambda learner: learner.enrol(**enrol_args(
        enrolment_id=SECOND, organisation_id=OTHER_SCHOOL,
        meta=make_meta(effective_on=SEP_10)))).then(
        Learner.Enrolled,
        state=lambda learner: learner.active_general.organisation_id == OTHER_SCHOOL)


def test_second_general_enrolment_is_refused() -> None:
    given(enrolled).when(lambda learner: learner.enrol(**enrol_args(
        enrolment_id=SECOND, organisation_id=OTHER_SCHOOL, level=EducationLevel.PRESCHOOL,
    ))).then_raises(AlreadyEnrolledInGeneral, match="5Б")


def test_enrol_without_basis_order_is_refused() -> None:
    args = enrol_args(meta=make_meta(basis=None))
    given(registered).when(lambda learner: learner.enrol(**args)).then_raises(BasisOrderRequired)


def test_enrol_into_a_blank_class_is_refused() -> None:
    args = enrol_args(class_or_group="  ")
    given(registered).when(lambda learner: learner.enrol(**args)).then_raises(InvalidInput)


@pytest.mark.parametrize("academic_year", ["2026-2027", "2026/2028", "2027/2026", "26/27", ""])
def test_enrol_with_malformed_academic_year_is_refused(academic_year: str) -> None:
    args = enrol_args(academic_year=academic_year)
    given(registered).when(lambda learner: learner.enrol(**args)).then_raises(InvalidAcademicYear)


def test_backdated_enrolment_is_refused_naming_both_dates() -> None:
    given(left_school).when(lambda learner: learner.enrol(**enrol_args(
        enrolment_id=SECOND, meta=make_meta(effective_on=SEP_1)))).then_raises(
        MoveBackdated, match="2026-09-01.*2026-09-10")


def test_enrolment_id_cannot_be_reused_after_leaving() -> None:
    given(left_school).when(lambda learner: learner.enrol(**enrol_args(
        meta=make_meta(effective_on=SEP_10)))).then_raises(EnrolmentIdInUse)


# transfer within


def test_transfer_within_changes_the_class() -> None:
    outcome = given(enrolled).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027", promotion=False,
        meta=make_meta(effective_on=SEP_10))).then(Learner.TransferredWithin)
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.class_or_group, placement.enrolled_on, placement.placed_on) == (
        "5А", SEP_1, SEP_10)
    assert outcome.event().promotion is False


def test_yearly_promotion_moves_into_the_next_year() -> None:
    outcome = given(enrolled).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="6Б", academic_year="2027/2028", promotion=True,
        meta=make_meta(effective_on=date(2027, 9, 1)))).then(Learner.TransferredWithin)
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.class_or_group, placement.academic_year) == ("6Б", "2027/2028")


def test_transfer_within_an_additional_enrolment() -> None:
    given(enrolled_with_club).when(lambda learner: learner.transfer_within(
        enrolment_id=SECOND, class_or_group="робототехника-2", academic_year="2026/2027",
        promotion=False, meta=make_meta(effective_on=SEP_10))).then(
        Learner.TransferredWithin,
        state=lambda learner: learner.active_additional[SECOND].class_or_group == "робототехника-2"
        and learner.active_general.class_or_group == "5Б")


@pytest.mark.parametrize(("academic_year", "promotion"), [
    ("2028/2029", True),  # a promotion skips no year
    ("2026/2027", True),  # nor stays in the same one
    ("2025/2026", False),  # no transfer goes back a year
])
def test_transfer_within_with_wrong_year_is_refused(academic_year: str, promotion: bool) -> None:
    given(enrolled).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="6Б", academic_year=academic_year,
        promotion=promotion, meta=make_meta())).then_raises(InvalidAcademicYearChange)


def test_transfer_within_to_the_same_class_is_refused() -> None:
    given(enrolled).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="5Б", academic_year="2026/2027", promotion=False,
        meta=make_meta())).then_raises(TransferChangesNothing)


@pytest.mark.parametrize(("overrides", "error"), [
    ({"meta": make_meta(basis=None)}, BasisOrderRequired),
    ({"class_or_group": ""}, InvalidInput),
    ({"academic_year": "2026"}, InvalidAcademicYear),
    ({"meta": make_meta(effective_on=AUG_31)}, MoveBackdated),
    ({"enrolment_id": THIRD}, EnrolmentNotFound),
])
def test_transfer_within_refusals(overrides: dict[str, Any], error: type[Exception]) -> None:
    args = {"enrolment_id": FIRST, "class_or_group": "5А", "academic_year": "2026/2027",
            "promotion": False, "meta": make_meta()} | overrides
    given(enrolled).when(lambda learner: learner.transfer_within(**args)).then_raises(error)


def test_transfer_without_any_enrolment_is_refused() -> None:
    given(registered).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027", promotion=False,
        meta=make_meta())).then_raises(NotEnrolled)


def test_transfer_of_an_ended_enrolment_is_refused() -> None:
    def club_left() -> Learner:
        learner = enrolled_with_club()
        learner.leave(enrolment_id=SECOND, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                      document=None, meta=make_meta(effective_on=SEP_10))
        return learner

    given(club_left).when(lambda learner: learner.transfer_within(
        enrolment_id=SECOND, class_or_group="шахматы", academic_year="2026/2027",
        promotion=False, meta=make_meta(effective_on=SEP_10))).then_raises(
        EnrolmentEnded, match="2026-09-10")


# expel by transfer and transfer between organisations


def test_expel_by_transfer_ends_the_enrolment_and_names_the_destination() -> None:
    outcome = given(enrolled).when(lambda learner: learner.expel_by_transfer(
        enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL,
        meta=make_meta(effective_on=SEP_10))).then(
        Learner.ExpelledByTransfer, state=lambda learner: learner.active_general is None)
    assert outcome.event().destination_organisation_id == OTHER_SCHOOL
    assert outcome.aggregate.last_move_on == SEP_10


def test_expel_by_transfer_to_an_unknown_destination() -> None:
    outcome = given(enrolled).when(lambda learner: learner.expel_by_transfer(
        enrolment_id=FIRST, destination_organisation_id=None, meta=make_meta())).then(
        Learner.ExpelledByTransfer)
    assert outcome.event().destination_organisation_id is None


@pytest.mark.parametrize(("overrides", "error"), [
    ({"destination_organisation_id": SCHOOL}, TransferToSameOrganisation),
    ({"meta": make_meta(basis=None)}, BasisOrderRequired),
    ({"meta": make_meta(effective_on=AUG_31)}, MoveBackdated),
    ({"enrolment_id": THIRD}, EnrolmentNotFound),
])
def test_expel_by_transfer_refusals(overrides: dict[str, Any], error: type[Exception]) -> None:
    args = {"enrolment_id": FIRST, "destination_organisation_id": OTHER_SCHOOL,
            "meta": make_meta()} | overrides
    given(enrolled).when(lambda learner: learner.expel_by_transfer(**args)).then_raises(error)


def test_expel_without_any_enrolment_is_refused() -> None:
    given(registered).when(lambda learner: learner.expel_by_transfer(
        enrolment_id=FIRST, destination_organisation_id=None, meta=make_meta())).then_raises(
        NotEnrolled)


def test_expel_of_an_ended_enrolment_is_refused() -> None:
    def expelled() -> Learner:
        learner = enrolled_with_club()
        learner.expel_by_transfer(enrolment_id=FIRST, destination_organisation_id=None,
                                  meta=make_meta(effective_on=SEP_10))
        return learner

    given(expelled).when(lambda learner: learner.expel_by_transfer(
        enrolment_id=FIRST, destination_organisation_id=None,
        meta=make_meta(effective_on=SEP_10))).then_raises(EnrolmentEnded)


def transfer_between_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "enrolment_id": FIRST, "destination_organisation_id": OTHER_SCHOOL,
        "new_enrolment_id": THIRD, "level": EducationLevel.BASIC_GENERAL, "class_or_group": "5В",
        "academic_year": "2026/2027", "expel_meta": make_meta(effective_on=SEP_10),
        "enrol_meta": make_meta(effective_on=date(2026, 9, 11)),
    }
    return args | overrides


def test_transfer_between_expels_then_enrols_each_with_its_own_order() -> None:
    args = transfer_between_args()
    outcome = given(enrolled).when(lambda learner: learner.transfer_between(**args)).then(
        Learner.ExpelledByTransfer, Learner.Enrolled)
    expelled, enrolled_event = outcome.events
    assert (expelled.meta, enrolled_event.meta) == (args["expel_meta"], args["enrol_meta"])
    assert expelled.destination_organisation_id == enrolled_event.organisation_id == OTHER_SCHOOL
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.enrolment_id, placement.organisation_id) == (THIRD, OTHER_SCHOOL)


@pytest.mark.parametrize(("overrides", "error"), [
    # the enrolment half is refused: the expulsion half must not be emitted either
    ({"enrol_meta": make_meta(basis=None)}, BasisOrderRequired),
    ({"enrol_meta": make_meta(effective_on=SEP_1)}, MoveBackdated),
    ({"new_enrolment_id": FIRST}, EnrolmentIdInUse),
    ({"academic_year": "2026/27"}, InvalidAcademicYear),
    ({"class_or_group": " "}, InvalidInput),
    # the expulsion half is refused
    ({"destination_organisation_id": SCHOOL}, TransferToSameOrganisation),
    ({"expel_meta": make_meta(basis=None)}, BasisOrderRequired),
    ({"enrolment_id": THIRD}, EnrolmentNotFound),
])
def test_transfer_between_refusals_emit_nothing(overrides: dict[str, Any],
                                                error: type[Exception]) -> None:
    args = transfer_between_args(**overrides)
    given(enrolled).when(lambda learner: learner.transfer_between(**args)).then_raises(error)


def test_transfer_between_from_additional_into_general_while_in_general_is_refused() -> None:
    args = transfer_between_args(enrolment_id=SECOND, destination_organisation_id=OTHER_SCHOOL)
    given(enrolled_with_club).when(lambda learner: learner.transfer_between(**args)).then_raises(
        AlreadyEnrolledInGeneral)


# leave


def test_leave_on_completion_keeps_the_document() -> None:
    outcome = given(enrolled).when(lambda learner: learner.leave(
        enrolment_id=FIRST, reason=LeavingReason.COMPLETION, document=ATTESTAT,
        meta=make_meta(effective_on=date(2027, 6, 25)))).then(
        Learner.Left, state=lambda learner: learner.active_general is None)
    assert outcome.event().document == ATTESTAT
    assert outcome.aggregate.last_move_on == date(2027, 6, 25)


@pytest.mark.parametrize("reason", [r for r in LeavingReason if r is not LeavingReason.COMPLETION])
def test_leave_early_needs_no_document(reason: LeavingReason) -> None:
    outcome = given(enrolled).when(lambda learner: learner.leave(
        enrolment_id=FIRST, reason=reason, document=None, meta=make_meta())).then(Learner.Left)
    assert outcome.event().reason is reason


def test_leaving_additional_education_keeps_the_general_enrolment() -> None:
    given(enrolled_with_club).when(lambda learner: learner.leave(
        enrolment_id=SECOND, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE, document=None,
        meta=make_meta(effective_on=SEP_10))).then(
        Learner.Left,
        state=lambda learner: (not learner.active_additional
                               and learner.active_general.enrolment_id == FIRST))


@pytest.mark.parametrize(("overrides", "error"), [
    ({"document": None}, EducationDocumentRequired),
    ({"document": dataclasses.replace(ATTESTAT, number=" ")}, InvalidEducationDocument),
    ({"document": dataclasses.replace(ATTESTAT, kind="")}, InvalidEducationDocument),
    ({"reason": LeavingReason.CIRCUMSTANCES_BEYOND_CONTROL}, EducationDocumentNotExpected),
    ({"meta": make_meta(basis=None)}, BasisOrderRequired),
    ({"meta": make_meta(effective_on=AUG_31)}, MoveBackdated),
    ({"enrolment_id": THIRD}, EnrolmentNotFound),
])
def test_leave_refusals(overrides: dict[str, Any], error: type[Exception]) -> None:
    args = {"enrolment_id": FIRST, "reason": LeavingReason.COMPLETION, "document": ATTESTAT,
            "meta": make_meta()} | overrides
    given(enrolled).when(lambda learner: learner.leave(**args)).then_raises(error)


@pytest.mark.parametrize(("learner", "error"), [(registered, NotEnrolled),
                                                (left_school, NotEnrolled)])
def test_leave_without_an_active_enrolment_is_refused(learner: Any,
                                                      error: type[Exception]) -> None:
    given(learner).when(lambda learner: learner.leave(
        enrolment_id=FIRST, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE, document=None,
        meta=make_meta(effective_on=SEP_10))).then_raises(error)
