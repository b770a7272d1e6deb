"""Cancelling an erroneous enrolment or transfer: a new fact, state as if the entry never was."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from domain.errors import InvalidInput
from domain.learner import CANCELLATION_REASON, Learner
from domain.learner_values import (
    EnrolmentIdInUse,
    EntryAlreadyCancelled,
    EntryKind,
    EntryNotAMove,
    EntryNotFound,
    LeavingReason,
    NotLatestMove,
)
from tests.factories import make_meta, sealed
from tests.gwt import given
from tests.learner_builders import (
    FIRST,
    LEARNER,
    OTHER_SCHOOL,
    SECOND,
    SEP_1,
    SEP_10,
    enrol_args,
    enrolled,
    enrolled_with_club,
    left_school,
    registered,
    transferred,
)

SEP_5 = date(2026, 9, 5)


def cancel(version: int, reason: str = "entered in error") -> Any:
    return lambda learner: learner.cancel(
        cancelled_version=version, reason=sealed(learner.id, CANCELLATION_REASON, reason),
        meta=make_meta(basis=None))


def transfer_cancelled() -> Learner:
    learner = transferred()
    learner.cancel(cancelled_version=3, reason=sealed(learner.id, CANCELLATION_REASON),
                   meta=make_meta())
    return learner


def test_cancelled_enrolment_leaves_the_learner_as_if_never_enrolled() -> None:
    outcome = given(enrolled).when(cancel(2)).then(
        Learner.EntryCancelled,
        state=lambda learner: (learner.active_general is None and learner.last_move_on is None
                               and learner.entries == ()),
    )
    assert (outcome.event().cancelled_version, outcome.event().reason) == (
        2, sealed(outcome.aggregate.id, CANCELLATION_REASON, "entered in error"))
    assert outcome.aggregate.version == 3  # history only grows


def test_cancelled_transfer_restores_the_previous_class() -> None:
    outcome = given(transferred).when(cancel(3)).then(Learner.EntryCancelled)
    placement = outcome.aggregate.active_general
    assert placement is not None
    assert (placement.class_or_group, placement.placed_on) == ("5Б", SEP_1)
    assert outcome.aggregate.last_move_on == SEP_1
    assert [e.kind for e in outcome.aggregate.entries] == [EntryKind.ENROLLED]


def test_cancelled_expulsion_by_transfer_restores_the_enrolment() -> None:
    def expelled() -> Learner:
        learner = enrolled()
        learner.expel_by_transfer(enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL,
                                  meta=make_meta(effective_on=SEP_10))
        return learner

    given(expelled).when(cancel(3)).then(
        Learner.EntryCancelled,
        state=lambda learner: learner.active_general is not None
        and learner.active_general.enrolment_id == FIRST,
    )


def test_after_cancellation_dates_are_checked_against_the_remaining_moves() -> None:
    # The cancelled transfer was on 10 September; the corrected one on 5 September is in order.
    given(transfer_cancelled).when(lambda learner: learner.transfer_within(
        enrolment_id=FIRST, class_or_group="5В", academic_year="2026/2027", promotion=False,
        meta=make_meta(effective_on=SEP_5))).then(
        Learner.TransferredWithin,
        state=lambda learner: learner.active_general.class_or_group == "5В")


def test_cancellations_can_unwind_moves_latest_first() -> None:
    given(transfer_cancelled).when(cancel(2)).then(
        Learner.EntryCancelled, state=lambda learner: learner.active_general is None)


def test_a_new_general_enrolment_is_allowed_after_cancelling_the_old_one() -> None:
    def cancelled() -> Learner:
        learner = enrolled()
        learner.cancel(cancelled_version=2, reason=sealed(learner.id, CANCELLATION_REASON),
                       meta=make_meta())
        return learner

    args = enrol_args(enrolment_id=SECOND, organisation_id=OTHER_SCHOOL)
    given(cancelled).when(lambda learner: learner.enrol(**args)).then(
        Learner.Enrolled,
        state=lambda learner: learner.active_general.organisation_id == OTHER_SCHOOL)


def test_a_cancelled_enrolment_id_stays_used() -> None:
    def cancelled() -> Learner:
        learner = enrolled()
        learner.cancel(cancelled_version=2, reason=sealed(learner.id, CANCELLATION_REASON),
                       meta=make_meta())
        return learner

    given(cancelled).when(lambda learner: learner.enrol(**enrol_args())).then_raises(
        EnrolmentIdInUse)


def test_cancellation_reason_must_be_sealed_for_this_learner() -> None:
    # The aggregate never takes plaintext; a blank reason is refused before sealing
    # (tests/integration/test_learners.py).
    for bad in ("entered in error",
                sealed(OTHER_SCHOOL, CANCELLATION_REASON),  # sealed for another id
                sealed(LEARNER, "Gradebook.MarkCorrected.reason")):
        given(enrolled).when(lambda learner, bad=bad: learner.cancel(
            cancelled_version=2, reason=bad, meta=make_meta())).then_raises(InvalidInput)


@pytest.mark.parametrize("version", [0, -1, 3, 99])
def test_cancelling_an_unknown_version_is_refused(version: int) -> None:
    given(enrolled).when(cancel(version)).then_raises(EntryNotFound)


def test_registration_cannot_be_cancelled() -> None:
    given(enrolled).when(cancel(1)).then_raises(EntryNotAMove)


def test_leaving_cannot_be_cancelled() -> None:
    given(left_school).when(cancel(3)).then_raises(EntryNotAMove)


def test_a_cancellation_cannot_be_cancelled() -> None:
    given(transfer_cancelled).when(cancel(4)).then_raises(EntryNotAMove)


def test_cancelling_twice_is_refused() -> None:
    given(transfer_cancelled).when(cancel(3)).then_raises(EntryAlreadyCancelled)


def test_only_the_latest_move_can_be_cancelled() -> None:
    given(transferred).when(cancel(2)).then_raises(NotLatestMove, match="version 3")


def test_a_move_followed_by_a_leaving_cannot_be_cancelled() -> None:
    def club_left() -> Learner:
        learner = enrolled_with_club()
        learner.leave(enrolment_id=SECOND, reason=LeavingReason.CIRCUMSTANCES_BEYOND_CONTROL,
                      document=None, meta=make_meta(effective_on=SEP_10))
        return learner

    given(club_left).when(cancel(3)).then_raises(NotLatestMove, match="left")


def test_replaying_the_events_gives_the_same_learner() -> None:
    learner = registered()
    events = list(learner.collect_events())
    learner.enrol(**enrol_args())
    learner.transfer_within(enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027",
                            promotion=False, meta=make_meta(effective_on=SEP_10))
    learner.cancel(cancelled_version=3, reason=sealed(learner.id, CANCELLATION_REASON),
                   meta=make_meta())
    events += learner.collect_events()
    replayed: Learner | None = None
    for stored in events:
        replayed = stored.mutate(replayed)
    assert replayed == learner
    assert replayed is not None
    assert replayed.active_general is not None
    assert replayed.active_general.class_or_group == "5Б"
