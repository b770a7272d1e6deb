"""The kindergarten queue through its service on SQLite and PostgreSQL: applications, a round
that allocates, answers, an offer by hand, enrolment into the learner's own stream, and the
replayed explanation of the round."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.kindergarten_allocation import PreferenceResult
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.kindergarten_values import (
    ActiveApplicationExists,
    ApplicationStatus,
    FreePlaces,
    NoFreePlace,
    OrganisationNotEligible,
    PlaceNotDeclared,
    PrivilegeCategory,
    PrivilegeDocumentMissing,
    QueueTerms,
    WrongApplicationStatus,
)
from domain.learner import Learner
from domain.learner_values import EducationLevel
from letopis.ledger import Ledger
from letopis.services.kindergarten import KindergartenQueueService
from replay.history import history
from tests.admissions_world import (
    KG_1,
    KG_2,
    KG_3,
    KG_ORSK,
    MUNICIPALITY,
    ORDER,
    SCHOOL,
    Commands,
    register_organisations,
)
from tests.assertions import refused
from tests.kindergarten_builders import CERTIFICATE

GROUP = "3-4"
ROUND_DAY, SEPT = date(2026, 6, 1), date(2026, 9, 1)


def child(n: int) -> UUID:
    return UUID(int=3000 + n)


def terms(*preferences: UUID, privilege: PrivilegeCategory = PrivilegeCategory.NONE
          ) -> QueueTerms:
    return QueueTerms(MUNICIPALITY, preferences, SEPT, GROUP, privilege,
                      None if privilege is PrivilegeCategory.NONE else CERTIFICATE)


def setup(ledger: Ledger) -> tuple[KindergartenQueueService, Commands]:
    register_organisations(ledger)
    service, ctx = KindergartenQueueService(ledger), Commands()
    for n, prefs, privilege in ((1, (KG_1, KG_2), PrivilegeCategory.NONE),
                                (2, (KG_1,), PrivilegeCategory.NONE),
                                (3, (KG_1, KG_2), PrivilegeCategory.FIRST_PRIORITY),
                                (4, (KG_2, KG_1), PrivilegeCategory.NONE)):
        service.register(ctx(), child(n), terms(*prefs, privilege=privilege))
        service.confirm(ctx(), child(n))
    return service, ctx


def test_bad_applications_are_refused_and_write_nothing(ledger: Ledger) -> None:
    service, ctx = setup(ledger)
    bare = QueueTerms(MUNICIPALITY, (KG_1,), SEPT, GROUP, PrivilegeCategory.EXTRAORDINARY)
    refused(ledger, PrivilegeDocumentMissing,
            lambda c: service.register(ctx(command_id=c), child(9), bare))
    refused(ledger, ActiveApplicationExists,
            lambda c: service.register(ctx(command_id=c), child(1), terms(KG_3)))
    refused(ledger, OrganisationNotEligible,
            lambda c: service.register(ctx(command_id=c), child(9), terms(KG_ORSK)))
    refused(ledger, OrganisationNotEligible,
            lambda c: service.register(ctx(command_id=c), child(9), terms(SCHOOL)))


def test_a_round_allocates_by_privilege_date_and_preference_and_replays(ledger: Ledger) -> None:
    service, ctx = setup(ledger)
    round_id = AllocationRound.stream_id(MUNICIPALITY, ROUND_DAY)
    service.open_round(ctx(ROUND_DAY), MUNICIPALITY, ROUND_DAY, SEPT,
                       (FreePlaces(KG_1, GROUP, 1), FreePlaces(KG_2, GROUP, 1)))
    service.allocate(ctx(ROUND_DAY), round_id)
    offers = {service.application(child(n)).child_id: service.application(child(n)).offer
              for n in (1, 2, 3, 4)}
    first, second = offers[child(3)], offers[child(1)]
    assert first is not None
    assert (first.organisation_id, first.queue_position) == (KG_1, 1)
    assert second is not None
    assert (second.organisation_id, second.preference_rank) == (KG_2, 2)
    assert offers[child(2)] is None
    assert offers[child(4)] is None
    assert service.verify(round_id)
    explained = service.explain(round_id).decision_for(
        KindergartenApplication.stream_id(child(4)))
    assert explained is not None
    assert [p.result for p in explained.preferences] == [PreferenceResult.FULL] * 2
    # The round's stream is what `letopis history` shows: the snapshot and the offers.
    kinds = [e.event_type for e in history(ledger, round_id)]
    assert kinds == ["AllocationRound.Opened", "AllocationRound.Allocated"]
    allocated = history(ledger, round_id)[1].data
    assert [e["child_id"] for e in allocated["queue"]] == [
        str(child(n)) for n in (3, 1, 2, 4)]

    # A decline frees the place; an offer beyond the declared places is refused.
    refused(ledger, NoFreePlace, lambda c: service.offer_place(
        ctx(command_id=c), round_id, child(2), KG_1, "вторая волна"))
    refused(ledger, PlaceNotDeclared, lambda c: service.offer_place(
        ctx(command_id=c), round_id, child(2), KG_3, "вторая волна"))
    service.answer_offer(ctx(), child(3), accepted=False, reason="выбрали частный сад")
    assert service.application(child(3)).status is ApplicationStatus.CONFIRMED
    service.offer_place(ctx(), round_id, child(2), KG_1, "место освободилось")
    service.answer_offer(ctx(), child(2), accepted=True)
    assert service.verify(round_id)  # offers by hand do not change the replayed allocation

    # Enrolment lands in the learner's own stream.
    refused(ledger, WrongApplicationStatus, lambda c: service.enrol(
        ctx(SEPT, ORDER, command_id=c), child(1), enrolment_id=UUID(int=77), group="Пчёлка",
        academic_year="2026/2027"))
    service.enrol(ctx(SEPT, ORDER), child(2), enrolment_id=UUID(int=78), group="Пчёлка",
                  academic_year="2026/2027")
    learner = ledger.load(Learner, child(2), "learner")
    assert learner.active_general is not None
    assert learner.active_general.organisation_id == KG_1
    assert learner.active_general.level is EducationLevel.PRESCHOOL
    assert service.application(child(2)).status is ApplicationStatus.ENROLLED
    refused(ledger, WrongApplicationStatus, lambda c: service.withdraw(
        ctx(command_id=c), child(2), "поздно"))
