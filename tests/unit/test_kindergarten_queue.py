"""Kindergarten e-queue: applications, the queue order and the allocation of a round."""

from __future__ import annotations

from datetime import date, timedelta

from domain.errors import InvalidInput
from domain.kindergarten_allocation import PreferenceResult, allocate, queue_order
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import (
    ActiveApplicationExists,
    ApplicationStatus,
    FreePlaces,
    InvalidQueueTerms,
    InvalidRound,
    NoFreePlace,
    OfferNotFound,
    PlaceNotDeclared,
    PrivilegeCategory,
    PrivilegeDocumentMissing,
    QueueTerms,
    RoundAlreadyAllocated,
    RoundNotAllocated,
    WrongApplicationStatus,
)
from tests.gwt import given
from tests.kindergarten_builders import (
    GROUP,
    KG_1,
    KG_2,
    KG_3,
    PLACES_FROM,
    T0,
    a_round,
    application,
    child,
    entry,
    meta,
    places,
    terms,
)

A = KindergartenApplication
Registered = getattr(A, "Registered")  # noqa: B009
Reregistered = getattr(A, "Reregistered")  # noqa: B009
Changed = getattr(A, "Changed")  # noqa: B009
Confirmed = getattr(A, "Confirmed")  # noqa: B009
Suspended = getattr(A, "Suspended")  # noqa: B009
Resumed = getattr(A, "Resumed")  # noqa: B009
Withdrawn = getattr(A, "Withdrawn")  # noqa: B009
Allocated = getattr(AllocationRound, "Allocated")  # noqa: B009
RoundOffered = getattr(AllocationRound, "PlaceOffered")  # noqa: B009
Answered = getattr(AllocationRound, "OfferAnswered")  # noqa: B009


# -- applications ------------------------------------------------------------------------------

def test_application_is_registered_with_a_derived_id_and_its_queue_date() -> None:
    outcome = given().when(lambda _: A.register(child_id=child(1), terms=terms(KG_2, KG_1),
                                                meta=meta())).then(Registered)
    assert outcome.aggregate.id == A.stream_id(child(1))
    assert outcome.aggregate.applied_at == T0
    assert outcome.aggregate.terms.preferences == (KG_2, KG_1)
    assert outcome.aggregate.status is ApplicationStatus.REGISTERED


def test_a_privilege_without_its_document_is_refused() -> None:
    bare = QueueTerms("Оренбург", (KG_1,), PLACES_FROM, GROUP, PrivilegeCategory.FIRST_PRIORITY)
    given().when(lambda _: A.register(child_id=child(1), terms=bare, meta=meta())
                 ).then_raises(PrivilegeDocumentMissing, match="first_priority")
    given(application()).when(lambda a: a.change(terms=bare, meta=meta())
                              ).then_raises(PrivilegeDocumentMissing)
    given().when(lambda _: A.register(
        child_id=child(1), terms=terms(privilege=PrivilegeCategory.SIBLING), meta=meta())
    ).then(Registered)


def test_bad_terms_are_refused() -> None:
    for bad in (terms(KG_1, KG_1), terms(group=" "),
                QueueTerms("Оренбург", (), PLACES_FROM, GROUP)):
        given().when(lambda _, t=bad: A.register(child_id=child(1), terms=t, meta=meta())
                     ).then_raises(InvalidQueueTerms)


def test_a_second_active_application_is_refused_a_new_one_after_withdrawal_is_not() -> None:
    given(application()).when(lambda a: a.register_again(terms=terms(), meta=meta())
                              ).then_raises(ActiveApplicationExists)
    withdrawn = application()
    withdrawn.withdraw(reason="переезд", meta=meta())
    later = T0 + timedelta(days=30)
    given(withdrawn).when(lambda a: a.register_again(terms=terms(KG_3), meta=meta(later))).then(
        Reregistered, state=lambda a: a.applied_at == later and a.status.is_active)


def test_change_keeps_the_queue_date() -> None:
    outcome = given(application(minutes=5)).when(
        lambda a: a.change(terms=terms(KG_3, KG_1), meta=meta(T0 + timedelta(days=9)))
    ).then(Changed, state=lambda a: a.terms.preferences == (KG_3, KG_1))
    assert outcome.aggregate.applied_at == T0 + timedelta(minutes=5)
    assert outcome.event().applied_at == T0 + timedelta(minutes=5)
    given(application()).when(lambda a: a.change(terms=terms(), meta=meta())
                              ).then_raises(InvalidQueueTerms, match="nothing")


def test_confirm_suspend_resume_withdraw_follow_the_status() -> None:
    given(application(confirmed=False)).when(lambda a: a.confirm(meta=meta())).then(Confirmed)
    given(application()).when(lambda a: a.confirm(meta=meta())
                              ).then_raises(WrongApplicationStatus)
    given(application()).when(lambda a: a.suspend(reason="до 2027 года", meta=meta())
                              ).then(Suspended)
    given(application()).when(lambda a: a.suspend(reason=" ", meta=meta())
                              ).then_raises(InvalidInput)
    given(application()).when(lambda a: a.resume(meta=meta())).then_raises(WrongApplicationStatus)
    suspended = application()
    suspended.suspend(reason="болезнь", meta=meta())
    given(suspended).when(lambda a: a.resume(meta=meta())).then(
        Resumed, state=lambda a: a.status is ApplicationStatus.CONFIRMED)
    given(application()).when(lambda a: a.withdraw(reason="отказ", meta=meta())).then(Withdrawn)


# -- queue order and allocation ----------------------------------------------------------------

def test_queue_order_is_privilege_then_date() -> None:
    late_privileged = entry(1, privilege=PrivilegeCategory.EXTRAORDINARY, minutes=50)
    early = entry(2, minutes=1)
    sibling = entry(3, privilege=PrivilegeCategory.SIBLING, minutes=60)
    later = entry(4, minutes=2)
    assert queue_order([later, early, sibling, late_privileged]) == (
        late_privileged, sibling, early, later)


def test_allocation_gives_the_first_preference_with_a_free_place() -> None:
    first = entry(1, KG_1, KG_2)
    second = entry(2, KG_1, KG_2)
    third = entry(3, KG_1, KG_2)
    result = allocate([third, second, first], places((KG_1, 1), (KG_2, 1)), PLACES_FROM)
    assert [(o.child_id, o.organisation_id, o.preference_rank) for o in result.offers] == [
        (child(1), KG_1, 1), (child(2), KG_2, 2)]
    third_decision = result.decision_for(third.application_id)
    assert third_decision is not None
    assert third_decision.offer is None
    assert [p.result for p in third_decision.preferences] == [PreferenceResult.FULL] * 2
    assert third_decision.preferences[0].taken_by == (1,)
    assert "taken by positions 2" in third_decision.reason
    assert "stays in the queue" in third_decision.reason


def test_allocation_skips_later_start_and_undeclared_groups() -> None:
    waiting = entry(1, KG_1, start=PLACES_FROM + timedelta(days=120))
    other_group = entry(2, KG_1, group="1-2")
    served = entry(3, KG_1)
    result = allocate([waiting, other_group, served], places((KG_1, 1)), PLACES_FROM)
    assert [o.child_id for o in result.offers] == [child(3)]
    decision = result.decision_for(other_group.application_id)
    assert decision is not None
    assert decision.preferences[0].result is PreferenceResult.NOT_DECLARED
    waits = result.decision_for(waiting.application_id)
    assert waits is not None
    assert waits.waiting
    assert "waits" in waits.reason


# -- the round ---------------------------------------------------------------------------------

def test_round_records_snapshot_and_offers_and_replays_them() -> None:
    queue = (entry(2, KG_1), entry(1, KG_1, KG_2), entry(3, KG_2))
    outcome = given(a_round()).when(lambda r: r.allocate(queue=queue, meta=meta())).then(
        Allocated)
    recorded = outcome.event()
    assert [e.child_id for e in recorded.queue] == [child(1), child(2), child(3)]
    assert [o.child_id for o in recorded.offers] == [child(1), child(3)]
    assert outcome.aggregate.replay().offers == tuple(recorded.offers)


def test_round_refuses_bad_places_and_a_second_allocation() -> None:
    given().when(lambda _: a_round((KG_1, 0))).then_raises(InvalidRound)
    given().when(lambda _: AllocationRound.open(
        municipality="Оренбург", held_on=date(2026, 6, 1), places_from=PLACES_FROM,
        places=(FreePlaces(KG_1, GROUP, 1), FreePlaces(KG_1, GROUP, 2)), meta=meta()),
    ).then_raises(InvalidRound, match="twice")
    done = a_round()
    done.allocate(queue=(entry(1),), meta=meta())
    given(done).when(lambda r: r.allocate(queue=(), meta=meta())
                     ).then_raises(RoundAlreadyAllocated)
    given(a_round()).when(lambda r: r.replay()).then_raises(RoundNotAllocated)
    given(a_round()).when(lambda r: r.allocate(queue=(entry(1), entry(1)), meta=meta())
                          ).then_raises(InvalidRound)


def test_an_offer_of_a_place_that_does_not_exist_is_refused() -> None:
    full = a_round((KG_1, 1))
    full.allocate(queue=(entry(1, KG_1),), meta=meta())
    given(full).when(lambda r: r.offer_place(entry=entry(2, KG_1), organisation_id=KG_1,
                                             reason="вторая волна", meta=meta())
                     ).then_raises(NoFreePlace)
    given(full).when(lambda r: r.offer_place(entry=entry(2, KG_1), organisation_id=KG_3,
                                             reason="вторая волна", meta=meta())
                     ).then_raises(PlaceNotDeclared)
    given(a_round()).when(lambda r: r.offer_place(entry=entry(2), organisation_id=KG_1,
                                                  reason="x", meta=meta())
                          ).then_raises(RoundNotAllocated)


def test_a_declined_offer_frees_its_place_for_an_offer_by_hand() -> None:
    first, second = entry(1, KG_1), entry(2, KG_1)
    on = a_round((KG_1, 1))
    on.allocate(queue=(first, second), meta=meta())
    given(on).when(lambda r: r.answer(application_id=second.application_id, accepted=False,
                                      reason="x", meta=meta())).then_raises(OfferNotFound)
    given(on).when(lambda r: r.answer(application_id=first.application_id, accepted=False,
                                      reason="", meta=meta())).then_raises(InvalidInput)
    on.answer(application_id=first.application_id, accepted=False, reason="далеко",
              meta=meta())
    outcome = given(on).when(lambda r: r.offer_place(
        entry=second, organisation_id=KG_1, reason="место освободилось", meta=meta())
    ).then(RoundOffered)
    assert outcome.event().offer.queue_position == 2
    assert outcome.aggregate.remaining(KG_1, GROUP) == 0
    given(outcome.aggregate).when(lambda r: r.answer(
        application_id=second.application_id, accepted=True, reason="", meta=meta())
    ).then(Answered)


def test_an_offer_is_answered_once_and_only_an_accepted_one_is_enrolled() -> None:
    on = a_round()
    offer = on.allocate(queue=(entry(1),), meta=meta()).offers[0]
    OfferAccepted = getattr(A, "OfferAccepted")  # noqa: B009
    OfferDeclined = getattr(A, "OfferDeclined")  # noqa: B009
    Enrolled = getattr(A, "Enrolled")  # noqa: B009

    def offered() -> KindergartenApplication:
        made = application(1, minutes=1)
        made.receive_offer(round_id=on.id, offer=offer, meta=meta())
        return made

    given(application(1, confirmed=False)).when(lambda a: a.receive_offer(
        round_id=on.id, offer=offer, meta=meta())).then_raises(WrongApplicationStatus)
    given(application(2)).when(lambda a: a.receive_offer(
        round_id=on.id, offer=offer, meta=meta())).then_raises(InvalidInput)
    given(offered).when(lambda a: a.record_enrolment(
        learner_id=child(1), enrolment_id=child(9), meta=meta())
    ).then_raises(WrongApplicationStatus)
    given(offered).when(lambda a: a.decline_offer(reason="далеко", meta=meta())).then(
        OfferDeclined, state=lambda a: a.status is ApplicationStatus.CONFIRMED and a.offer is None)
    accepted = offered()
    given(accepted).when(lambda a: a.accept_offer(meta=meta())).then(OfferAccepted)
    given(accepted).when(lambda a: a.withdraw(reason="x", meta=meta())
                         ).then_raises(WrongApplicationStatus)
    given(accepted).when(lambda a: a.record_enrolment(
        learner_id=child(1), enrolment_id=child(9), meta=meta())).then(
        Enrolled, state=lambda a: not a.status.is_active)
