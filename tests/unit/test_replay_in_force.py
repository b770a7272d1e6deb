"""What was in force on a business date: a learner's placement, an organisation's details."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from uuid import UUID

from domain.learner import Learner
from domain.learner_values import EducationLevel, FormOfStudy, LeavingReason
from domain.organisation import Organisation, OrganisationDetails, OrganisationKind
from replay.as_of import StreamEvent, recorded_by
from replay.event_id import event_id
from replay.in_force import OrganisationOn, organisation_on, placement_on
from tests.factories import make_meta, sealed
from tests.learner_builders import CLUB, FIRST, LEARNER, OTHER_SCHOOL, SCHOOL, SECOND, THIRD

ORG = UUID(int=7)
DETAILS = OrganisationDetails(full_name="МОАУ «Средняя общеобразовательная школа № 1»",
                              short_name="СОШ № 1", kind=OrganisationKind.SCHOOL,
                              inn="5610012341", ogrn="1025600000007", municipality="Оренбург",
                              legal_address="ул. Ленина, 1", actual_address="ул. Ленина, 1")
LYCEUM = replace(DETAILS, short_name="Лицей № 1")
GYMNASIUM = replace(DETAILS, short_name="Гимназия № 1")
ANNEX = replace(DETAILS, actual_address="ул. Ленина, 1, корп. 2")


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


def at(month: int, day: int, year: int = 2026) -> datetime:
    return datetime(year, month, day, 12, tzinfo=UTC)


def moving_learner() -> Learner:
    """5Б of SCHOOL from 1 Sep (v2); robotics club from 10 Sep (v3); to 5А on 10 Sep (v4);
    expelled by transfer on 30 Sep (v5) and enrolled into 6В of OTHER_SCHOOL on 1 Oct (v6),
    part-time; left the club on 15 Oct (v7)."""
    learner = Learner.register(learner_id=LEARNER, meta=make_meta(effective_on=d(8, 25)))
    learner.enrol(enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5Б", academic_year="2026/2027",
                  meta=make_meta(effective_on=d(9, 1)))
    learner.enrol(enrolment_id=SECOND, organisation_id=CLUB, level=EducationLevel.ADDITIONAL,
                  class_or_group="робототехника", academic_year="2026/2027",
                  meta=make_meta(effective_on=d(9, 10)))
    learner.transfer_within(enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027",
                            promotion=False, meta=make_meta(effective_on=d(9, 10)))
    learner.transfer_between(enrolment_id=FIRST, destination_organisation_id=OTHER_SCHOOL,
                             new_enrolment_id=THIRD, level=EducationLevel.BASIC_GENERAL,
                             class_or_group="6В", academic_year="2026/2027",
                             form_of_study=FormOfStudy.PART_TIME,
                             expel_meta=make_meta(effective_on=d(9, 30)),
                             enrol_meta=make_meta(effective_on=d(10, 1)))
    learner.leave(enrolment_id=SECOND, reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                  document=None, meta=make_meta(effective_on=d(10, 15)))
    return learner


def general(on: date) -> tuple[str, UUID, int] | None:
    placed = placement_on(moving_learner(), on).general
    if placed is None:
        return None
    return placed.placement.class_or_group, placed.placement.organisation_id, placed.version


def additional(on: date) -> list[tuple[str, int]]:
    return [(p.placement.class_or_group, p.version)
            for p in placement_on(moving_learner(), on).additional]


def test_general_placement_day_by_day() -> None:
    assert general(d(8, 31)) is None  # before the enrolment takes effect
    assert general(d(9, 1)) == ("5Б", SCHOOL, 2)  # in force from its effective date
    assert general(d(9, 9)) == ("5Б", SCHOOL, 2)
    assert general(d(9, 10)) == ("5А", SCHOOL, 4)
    assert general(d(9, 29)) == ("5А", SCHOOL, 4)
    assert general(d(9, 30)) is None  # expelled by transfer from 30 Sep
    assert general(d(10, 1)) == ("6В", OTHER_SCHOOL, 6)
    assert general(d(6, 1, 2027)) == ("6В", OTHER_SCHOOL, 6)


def test_additional_placements_run_alongside() -> None:
    assert additional(d(9, 9)) == []
    assert additional(d(9, 10)) == [("робототехника", 3)]
    assert additional(d(10, 14)) == [("робототехника", 3)]
    assert additional(d(10, 15)) == []  # left the club that day


def test_the_placement_carries_everything_an_auditor_asks() -> None:
    answer = placement_on(moving_learner(), d(9, 20))
    assert answer.learner_id == LEARNER
    assert answer.on == d(9, 20)
    assert answer.general is not None
    placement = answer.general.placement
    assert placement.enrolment_id == FIRST
    assert placement.level is EducationLevel.BASIC_GENERAL
    assert placement.academic_year == "2026/2027"
    assert placement.form_of_study is FormOfStudy.FULL_TIME
    assert (placement.enrolled_on, placement.placed_on) == (d(9, 1), d(9, 10))
    assert answer.general.event_id == event_id(LEARNER, 4)
    later = placement_on(moving_learner(), d(10, 2)).general
    assert later is not None
    assert later.placement.form_of_study is FormOfStudy.PART_TIME


def test_a_cancelled_transfer_is_not_in_force_on_any_date() -> None:
    learner = Learner.register(learner_id=LEARNER, meta=make_meta(effective_on=d(8, 25)))
    learner.enrol(enrolment_id=FIRST, organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                  class_or_group="5Б", academic_year="2026/2027",
                  meta=make_meta(effective_on=d(9, 1)))
    learner.transfer_within(enrolment_id=FIRST, class_or_group="5А", academic_year="2026/2027",
                            promotion=False, meta=make_meta(effective_on=d(9, 10)))
    learner.cancel(cancelled_version=3, reason=sealed(learner.id, "Learner.EntryCancelled.reason"),
                   meta=make_meta(effective_on=d(9, 12)))
    for on in (d(9, 10), d(9, 12), d(12, 31)):
        placed = placement_on(learner, on).general
        assert placed is not None
        assert (placed.placement.class_or_group, placed.version) == ("5Б", 2)


def organisation_events() -> list[StreamEvent]:
    """Registered effective 20 Aug (v1); renamed Lyceum from 1 Jan 2027, recorded 20 Dec (v2);
    an address change backdated to 1 Sep, recorded in November (v3, carries the old name);
    renamed Gymnasium also from 1 Jan 2027 (v4, same date: recorded later, wins); closed from
    1 Mar 2027 (v5)."""
    org = Organisation.register(organisation_id=ORG, details=DETAILS,
                                meta=make_meta(recorded_at=at(8, 20), effective_on=d(8, 20)))
    org.change_details(details=LYCEUM, meta=make_meta(recorded_at=at(11, 1),
                                                      effective_on=d(1, 1, 2027)))
    org.change_details(details=ANNEX, meta=make_meta(recorded_at=at(11, 20),
                                                     effective_on=d(9, 1)))
    org.change_details(details=GYMNASIUM, meta=make_meta(recorded_at=at(12, 20),
                                                         effective_on=d(1, 1, 2027)))
    org.close(reason="reorganised", meta=make_meta(recorded_at=at(2, 1, 2027),
                                                   effective_on=d(3, 1, 2027)))
    return list(org.collect_events())


def on(day: date, as_of: datetime | None = None) -> OrganisationOn:
    return organisation_on(ORG, recorded_by(organisation_events(), as_of), day)


def test_details_in_force_are_the_latest_effective_on_or_before_the_date() -> None:
    assert on(d(8, 19)).details is None  # not yet registered
    assert (on(d(8, 20)).details, on(d(8, 20)).details_version) == (DETAILS, 1)
    assert (on(d(8, 31)).details, on(d(8, 31)).details_version) == (DETAILS, 1)
    assert (on(d(9, 1)).details, on(d(9, 1)).details_version) == (ANNEX, 3)
    assert (on(d(12, 31)).details, on(d(12, 31)).details_version) == (ANNEX, 3)
    answer = on(d(1, 1, 2027))
    assert (answer.details, answer.details_version) == (GYMNASIUM, 4)
    assert answer.details_effective_on == d(1, 1, 2027)
    assert answer.details_event_id == event_id(ORG, 4)


def test_details_as_the_record_stood() -> None:
    # In October the record knew only the registration; on 15 Nov, the renaming to Lyceum.
    assert on(d(1, 1, 2027), as_of=at(10, 1)).details == DETAILS
    assert on(d(1, 1, 2027), as_of=at(11, 15)).details == LYCEUM
    assert on(d(12, 31), as_of=at(11, 15)).details == DETAILS  # not yet effective
    assert on(d(12, 31), as_of=at(11, 20)).details == ANNEX


def test_closure_is_in_force_from_its_effective_date() -> None:
    assert on(d(2, 28, 2027)).closed_on is None
    closed = on(d(3, 1, 2027))
    assert (closed.closed_on, closed.closed_version) == (d(3, 1, 2027), 5)
    assert closed.details == GYMNASIUM  # the last details stay known
    assert on(d(3, 1, 2027), as_of=at(1, 31, 2027)).closed_on is None  # not yet recorded


def test_nothing_recorded_means_nothing_in_force() -> None:
    answer = organisation_on(ORG, [], d(9, 1))
    assert answer == OrganisationOn(ORG, d(9, 1), None, None, None, None, None, None)
