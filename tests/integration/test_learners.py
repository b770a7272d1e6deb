"""Learner contingent commands through the ledger, on SQLite and PostgreSQL.

Every refusal is checked twice: it raises its own domain error, and the store is untouched
(no event, no command outcome), so a client may fix the input and retry with the same id.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.errors import DomainError, InvalidInput, NotFound
from domain.identifiers import InvalidInn, InvalidOgrn, inn_check_digits, ogrn_check_digit
from domain.learner import Learner
from domain.learner_values import (
    AlreadyEnrolledInGeneral,
    EducationDocument,
    EducationLevel,
    LeavingReason,
    MoveBackdated,
)
from domain.organisation import OrganisationClosed, OrganisationDetails, OrganisationKind
from letopis.ledger import (
    CommandContext,
    CommandIdReused,
    ConcurrencyConflict,
    Ledger,
    VersionMismatch,
)
from letopis.privacy import PersonalDataService
from letopis.services.learners import LearnerService
from letopis.services.organisations import OrganisationService
from tests.assertions import refused

LEARNER = UUID(int=100)
UNKNOWN = UUID(int=999)
SCHOOL, OTHER_SCHOOL = UUID(int=1), UUID(int=2)
FIRST, SECOND = UUID(int=1001), UUID(int=1002)
YEAR, NEXT_YEAR = "2026/2027", "2027/2028"
AUG_20, SEP_1, SEP_10 = date(2026, 8, 20), date(2026, 9, 1), date(2026, 9, 10)
JUN_25 = date(2027, 6, 25)
CLERK = Actor(user_id="clerk-1", role=Role.REGISTRAR)
ORDER = BasisDocument(kind="order", number="15-к", dated=date(2026, 8, 30))
EXPEL_ORDER = BasisDocument(kind="order", number="77-в", dated=SEP_10)
ATTESTAT = EducationDocument(kind="аттестат об основном общем образовании", series="",
                             number="05624000012345", issued_on=JUN_25)
PERSONAL = {
    "full_name": "Кузнецова Мария Петровна",
    "born_on": "2015-03-14",
    "snils": "112-233-445 95",
    "address": "г. Оренбург, ул. Пушкинская, д. 7, кв. 12",
}


def details(n: int) -> OrganisationDetails:
    inn_body = f"56{n:07d}"
    ogrn_body = f"1025600{n:05d}"
    return OrganisationDetails(
        full_name=f"Муниципальное общеобразовательное бюджетное учреждение «СОШ № {n}»",
        short_name=f"МОБУ СОШ № {n}", kind=OrganisationKind.SCHOOL,
        inn=inn_body + inn_check_digits(inn_body), ogrn=ogrn_body + ogrn_check_digit(ogrn_body),
        municipality="Оренбург", legal_address=f"ул. Ленина, {n}",
        actual_address=f"ул. Ленина, {n}",
    )


def ctx(command_id: str, on: date = SEP_1, basis: BasisDocument | None = ORDER) -> CommandContext:
    return CommandContext(actor=CLERK, command_id=command_id, effective_on=on, basis=basis)


@pytest.fixture
def organisations(ledger: Ledger) -> OrganisationService:
    service = OrganisationService(ledger)
    service.register(ctx("org-1", AUG_20, None), SCHOOL, details(1))
    service.register(ctx("org-2", AUG_20, None), OTHER_SCHOOL, details(2))
    return service


@pytest.fixture
def learners(ledger: Ledger, organisations: OrganisationService,
             personal_data: PersonalDataService) -> LearnerService:
    service = LearnerService(ledger, personal_data)
    service.register(ctx("register", basis=None), LEARNER, PERSONAL)
    return service


def enrol(learners: LearnerService, command_id: str = "enrol", *, on: date = SEP_1,
          enrolment_id: UUID = FIRST, organisation_id: UUID = SCHOOL,
          learner_id: UUID = LEARNER, class_or_group: str = "5Б",
          expected_version: int | None = None) -> Any:
    return learners.enrol(ctx(command_id, on), learner_id, enrolment_id=enrolment_id,
                          organisation_id=organisation_id, level=EducationLevel.BASIC_GENERAL,
                          class_or_group=class_or_group, academic_year=YEAR,
                          expected_version=expected_version)


def transfer_to_other(learners: LearnerService, command_id: str = "transfer", *,
                      expelled_on: date = SEP_10, destination: UUID = OTHER_SCHOOL) -> Any:
    return learners.transfer_between(
        ctx(command_id, SEP_10), LEARNER, enrolment_id=FIRST,
        destination_organisation_id=destination, new_enrolment_id=SECOND,
        level=EducationLevel.BASIC_GENERAL, class_or_group="5А", academic_year=YEAR,
        expel_basis=EXPEL_ORDER, expelled_on=expelled_on,
    )


def event_names(ledger: Ledger, stream_id: UUID) -> list[str]:
    return [type(e).__qualname__ for e in ledger.events.get(stream_id)]


# -- happy paths --------------------------------------------------------------------------------


def test_register_keeps_personal_data_out_of_the_event_stream(
        ledger: Ledger, personal_data: PersonalDataService) -> None:
    outcome = LearnerService(ledger, personal_data).register(ctx("register", basis=None),
                                                             LEARNER, PERSONAL)
    assert outcome.streams == {str(LEARNER): 1}
    assert len(outcome.positions) == 1
    stored = ledger.store.get_personal_data(LEARNER)
    assert stored is not None
    for value in PERSONAL.values():  # the record is ciphertext: docs/privacy.md
        assert value.encode() not in stored
    assert personal_data.read(LEARNER, "clerk-1", "test").record == PERSONAL
    events = ledger.store.select_events(LEARNER)
    assert len(events) == 1
    everything = [n.state for n in ledger.store.select_notifications(None, 1000)]
    assert len(everything) == ledger.store.count_events() == 1
    for state in [e.state for e in events] + everything:
        for value in PERSONAL.values():
            # Neither raw UTF-8 nor JSON-escaped: no personal value may reach an event.
            assert value.encode() not in state
            assert json.dumps(value)[1:-1].encode() not in state
    assert event_names(ledger, LEARNER) == ["Learner.Registered"]


def test_register_twice_is_refused_and_keeps_the_first_personal_data(
        ledger: Ledger, learners: LearnerService) -> None:
    refused(ledger, InvalidInput,
            lambda c: learners.register(ctx(c, basis=None), LEARNER, {"full_name": "Другое Имя"}),
            match="already registered")
    assert learners.personal_data is not None
    assert learners.personal_data.read(LEARNER, "clerk-1", "test").record == PERSONAL


def test_enrol_places_the_learner(ledger: Ledger, learners: LearnerService) -> None:
    outcome = enrol(learners, expected_version=1)
    assert outcome.streams == {str(LEARNER): 2}
    placement = learners.get(LEARNER).active_general
    assert placement is not None
    assert (placement.enrolment_id, placement.organisation_id, placement.class_or_group,
            placement.academic_year, placement.enrolled_on) == (FIRST, SCHOOL, "5Б", YEAR, SEP_1)
    assert event_names(ledger, LEARNER) == ["Learner.Registered", "Learner.Enrolled"]


def test_promotion_moves_into_the_next_year(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    outcome = learners.transfer_within(ctx("promote", date(2027, 9, 1)), LEARNER,
                                       enrolment_id=FIRST, class_or_group="6Б",
                                       academic_year=NEXT_YEAR, promotion=True, expected_version=2)
    assert outcome.streams == {str(LEARNER): 3}
    placement = learners.get(LEARNER).active_general
    assert placement is not None
    assert (placement.class_or_group, placement.academic_year) == ("6Б", NEXT_YEAR)
    assert placement.enrolled_on == SEP_1  # still the same enrolment
    assert placement.placed_on == date(2027, 9, 1)
    assert event_names(ledger, LEARNER)[-1] == "Learner.TransferredWithin"


def test_transfer_between_organisations_expels_then_enrols(
        ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    outcome = transfer_to_other(learners)
    assert outcome.streams == {str(LEARNER): 4}
    assert len(outcome.positions) == 2  # both facts in one atomic command
    assert event_names(ledger, LEARNER) == [
        "Learner.Registered", "Learner.Enrolled", "Learner.ExpelledByTransfer", "Learner.Enrolled",
    ]
    expelled, enrolled = list(ledger.events.get(LEARNER))[2:]
    expel_meta, enrol_meta = expelled.meta, enrolled.meta  # type: ignore[attr-defined]
    assert isinstance(expel_meta, Meta)
    assert isinstance(enrol_meta, Meta)
    assert (expel_meta.basis, expel_meta.effective_on) == (EXPEL_ORDER, SEP_10)
    assert (enrol_meta.basis, enrol_meta.effective_on) == (ORDER, SEP_10)
    assert expel_meta.command_id == enrol_meta.command_id == "transfer"
    assert expelled.destination_organisation_id == OTHER_SCHOOL  # type: ignore[attr-defined]
    placement = learners.get(LEARNER).active_general
    assert placement is not None
    assert (placement.enrolment_id, placement.organisation_id) == (SECOND, OTHER_SCHOOL)


def test_leave_on_completion(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    learners.leave(ctx("leave", JUN_25), LEARNER, enrolment_id=FIRST,
                   reason=LeavingReason.COMPLETION, document=ATTESTAT)
    learner = learners.get(LEARNER)
    assert learner.active_general is None
    assert learner.last_move_on == JUN_25
    left = list(ledger.events.get(LEARNER))[-1]
    assert type(left).__qualname__ == "Learner.Left"
    assert left.document == ATTESTAT  # type: ignore[attr-defined]
    assert left.reason is LeavingReason.COMPLETION  # type: ignore[attr-defined]


def test_cancel_an_erroneous_enrolment(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)  # version 2: the wrong school
    learners.cancel(ctx("cancel"), LEARNER, cancelled_version=2, reason="ошибка оператора")
    learner = learners.get(LEARNER)
    assert learner.active_general is None
    assert learner.entries == ()
    assert event_names(ledger, LEARNER)[-1] == "Learner.EntryCancelled"
    # The place is free again: the right enrolment can now be recorded.
    enrol(learners, "enrol-right", enrolment_id=SECOND, organisation_id=OTHER_SCHOOL)
    placement = learners.get(LEARNER).active_general
    assert placement is not None
    assert placement.organisation_id == OTHER_SCHOOL
    assert ledger.store.count_events() == 2 + 4  # two organisations, four learner events


def test_repeated_command_returns_first_outcome_and_writes_nothing(
        ledger: Ledger, learners: LearnerService) -> None:
    first = enrol(learners)
    count = ledger.store.count_events()
    assert enrol(learners) == first
    assert ledger.store.count_events() == count
    again = learners.register(ctx("register", basis=None), LEARNER, PERSONAL)
    assert again.streams == {str(LEARNER): 1}
    assert ledger.store.count_events() == count
    # Even once the state has moved on (the enrolment is over), a retry still gets the first
    # outcome instead of running the command again.
    learners.leave(ctx("leave", SEP_10), LEARNER, enrolment_id=FIRST,
                   reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE)
    count = ledger.store.count_events()
    assert enrol(learners) == first
    assert ledger.store.count_events() == count


def test_reused_command_id_for_other_command_is_refused(
        ledger: Ledger, learners: LearnerService) -> None:
    first = enrol(learners)
    count = ledger.store.count_events()
    with pytest.raises(CommandIdReused):
        enrol(learners, class_or_group="5В")  # same id, different payload
    with pytest.raises(CommandIdReused):
        learners.leave(ctx("enrol", SEP_10), LEARNER, enrolment_id=FIRST,
                       reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE)
    assert ledger.store.count_events() == count
    assert ledger.store.command_outcome("enrol") == first


# -- refusals: the specific error, and nothing written ------------------------------------------


def test_enrol_into_unknown_organisation(ledger: Ledger, learners: LearnerService) -> None:
    refused(ledger, NotFound, lambda c: enrol(learners, c, organisation_id=UNKNOWN),
            match=f"organisation {UNKNOWN}")
    assert learners.get(LEARNER).active_general is None


def test_transfer_to_unknown_organisation(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    refused(ledger, NotFound, lambda c: transfer_to_other(learners, c, destination=UNKNOWN),
            match=f"organisation {UNKNOWN}")


def test_enrol_of_unknown_learner(ledger: Ledger, learners: LearnerService) -> None:
    refused(ledger, NotFound, lambda c: enrol(learners, c, learner_id=UNKNOWN),
            match=f"learner {UNKNOWN}")
    assert not ledger.exists(UNKNOWN)


def test_organisation_id_is_not_a_learner(ledger: Ledger, learners: LearnerService) -> None:
    refused(ledger, NotFound, lambda c: enrol(learners, c, learner_id=OTHER_SCHOOL),
            match="not a learner")


@pytest.mark.parametrize(
    ("change", "error"),
    [({"inn": "5600000010"}, InvalidInn), ({"inn": "56000"}, InvalidInn),
     ({"ogrn": "1025600000010"}, InvalidOgrn), ({"ogrn": "10256"}, InvalidOgrn)],
)
def test_invalid_registry_identifiers(ledger: Ledger, organisations: OrganisationService,
                                      change: dict[str, str], error: type[DomainError]) -> None:
    bad = dataclasses.replace(details(3), **change)
    refused(ledger, error, lambda c: organisations.register(ctx(c, basis=None), UUID(int=3), bad))
    assert not ledger.exists(UUID(int=3))
    changed = dataclasses.replace(details(1), **change)
    refused(ledger, error, lambda c: organisations.change_details(ctx(c, basis=None), SCHOOL,
                                                                  changed))
    assert organisations.get(SCHOOL).details == details(1)


def test_enrol_into_closed_organisation(ledger: Ledger, organisations: OrganisationService,
                                        learners: LearnerService) -> None:
    organisations.close(ctx("close", AUG_20, None), SCHOOL, "ликвидация")
    refused(ledger, OrganisationClosed, lambda c: enrol(learners, c))
    assert learners.get(LEARNER).active_general is None


def test_transfer_into_closed_organisation(ledger: Ledger, organisations: OrganisationService,
                                           learners: LearnerService) -> None:
    enrol(learners)
    organisations.close(ctx("close", SEP_1, None), OTHER_SCHOOL, "ликвидация")
    refused(ledger, OrganisationClosed, lambda c: transfer_to_other(learners, c))
    placement = learners.get(LEARNER).active_general
    assert placement is not None
    assert placement.organisation_id == SCHOOL


def test_second_active_general_enrolment(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    refused(ledger, AlreadyEnrolledInGeneral,
            lambda c: enrol(learners, c, enrolment_id=SECOND, organisation_id=OTHER_SCHOOL,
                            on=SEP_10))


def test_transfer_within_dated_before_the_previous_move(
        ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners, on=SEP_10)
    refused(ledger, MoveBackdated,
            lambda c: learners.transfer_within(ctx(c, SEP_1), LEARNER, enrolment_id=FIRST,
                                               class_or_group="5А", academic_year=YEAR,
                                               promotion=False))


def test_leave_dated_before_the_previous_move(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners, on=SEP_10)
    refused(ledger, MoveBackdated,
            lambda c: learners.leave(ctx(c, SEP_1), LEARNER, enrolment_id=FIRST,
                                     reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE))


def test_transfer_between_expelled_before_the_enrolment(
        ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners, on=SEP_10)
    refused(ledger, MoveBackdated, lambda c: transfer_to_other(learners, c, expelled_on=SEP_1))
    assert event_names(ledger, LEARNER) == ["Learner.Registered", "Learner.Enrolled"]


def test_re_enrolment_dated_before_leaving(ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    learners.leave(ctx("leave", SEP_10), LEARNER, enrolment_id=FIRST,
                   reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE)
    refused(ledger, MoveBackdated,
            lambda c: enrol(learners, c, enrolment_id=SECOND, organisation_id=OTHER_SCHOOL,
                            on=SEP_1))


# -- optimistic concurrency ----------------------------------------------------------------------


def test_expected_version_mismatch_on_enrol(ledger: Ledger, learners: LearnerService) -> None:
    refused(ledger, VersionMismatch, lambda c: enrol(learners, c, expected_version=5),
            match="at version 1, not 5")
    refused(ledger, VersionMismatch, lambda c: enrol(learners, c, expected_version=0))
    assert enrol(learners, expected_version=1).streams == {str(LEARNER): 2}


def test_stale_learner_conflicts_and_a_retry_succeeds(
        ledger: Ledger, learners: LearnerService) -> None:
    enrol(learners)
    payload = {"learner_id": LEARNER, "enrolment_id": FIRST, "reason": "learner"}

    def leave(learner: Learner, meta: Meta) -> list[Learner]:
        learner.leave(enrolment_id=FIRST, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                      document=None, meta=meta)
        return [learner]

    def racing(meta: Meta) -> list[Learner]:
        stale = learners.get(LEARNER)  # at version 2
        # Another clerk's command lands on the same stream while this one runs.
        learners.transfer_within(ctx("rival", SEP_10), LEARNER, enrolment_id=FIRST,
                                 class_or_group="5А", academic_year=YEAR, promotion=False)
        return leave(stale, meta)

    context = ctx("leave", SEP_10)
    with pytest.raises(ConcurrencyConflict, match="reload and retry"):
        ledger.execute(context, "leave", payload, racing)
    assert ledger.store.command_outcome("leave") is None
    assert ledger.store.command_outcome("rival") is not None
    assert ledger.store.count_events() == 2 + 3  # the rival's event only
    assert event_names(ledger, LEARNER)[-1] == "Learner.TransferredWithin"

    outcome = ledger.execute(context, "leave", payload,
                             lambda meta: leave(learners.get(LEARNER), meta))
    assert outcome.streams == {str(LEARNER): 4}
    assert event_names(ledger, LEARNER)[-2:] == ["Learner.TransferredWithin", "Learner.Left"]
    assert learners.get(LEARNER).active_general is None
