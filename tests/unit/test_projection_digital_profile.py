"""Read model `digital_profile`: study history, marks and corrections, class and school averages."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

import pytest

from domain.gradebook import Gradebook
from domain.gradebook_values import MarkKind, MarkValue, Period, PeriodKind, Scale
from domain.learner import Learner
from domain.learner_values import EducationLevel, LeavingReason
from projections.digital_profile import (
    DIGITAL_PROFILE,
    average,
    averages_for_mark,
    class_average_key,
    current_average,
    mark_key,
    mean,
    school_average_key,
)
from projections.memory import MemoryRows, Tables
from tests.factories import TEACHER, MetaClock, sealed
from tests.learner_builders import CLUB, OTHER_SCHOOL, SCHOOL
from tests.projection_checks import strict_fold

ANNA, BORIS, VERA = UUID(int=101), UUID(int=102), UUID(int=103)
MATHS, YEAR, NEXT_YEAR = "Математика", "2026/2027", "2027/2028"
Q1, Q2 = Period(PeriodKind.QUARTER, 1), Period(PeriodKind.QUARTER, 2)
SEP_1, SEP_15, NOV_1 = date(2026, 9, 1), date(2026, 9, 15), date(2026, 11, 1)
S = str(SCHOOL)


def five(value: str) -> MarkValue:
    return MarkValue(Scale.FIVE_POINT, value)


PASS, NOT_ASSESSED = MarkValue(Scale.PASS_FAIL, "pass"), MarkValue(Scale.NOT_ASSESSED, "н/а")


def mid(n: int) -> UUID:
    return UUID(int=5000 + n)


class World:
    """Learners and gradebooks driven through real commands; every event kept in order."""

    def __init__(self) -> None:
        self.metas = MetaClock()
        self.events: list[Any] = []
        self.learners: dict[UUID, Learner] = {}
        self.books: dict[tuple[UUID, str, str], Gradebook] = {}
        self.enrolments = 0

    def keep(self, aggregate: Learner | Gradebook) -> None:
        self.events.extend(aggregate.collect_events())

    def enrol(self, learner_id: UUID, class_or_group: str = "5Б", organisation: UUID = SCHOOL,
              on: date = SEP_1, year: str = YEAR,
              level: EducationLevel = EducationLevel.BASIC_GENERAL) -> World:
        learner = self.learners.get(learner_id)
        if learner is None:
            learner = self.learners[learner_id] = Learner.register(learner_id=learner_id,
                                                                   meta=self.metas())
        self.enrolments += 1
        learner.enrol(enrolment_id=UUID(int=1000 + self.enrolments),
                      organisation_id=organisation, level=level, class_or_group=class_or_group,
                      academic_year=year, meta=self.metas(effective_on=on))
        self.keep(learner)
        return self

    def general(self, learner_id: UUID) -> UUID:
        placement = self.learners[learner_id].active_general
        assert placement is not None
        return placement.enrolment_id

    def transfer(self, learner_id: UUID, class_or_group: str, on: date, year: str = YEAR,
                 promotion: bool = False) -> World:
        learner = self.learners[learner_id]
        learner.transfer_within(enrolment_id=self.general(learner_id),
                                class_or_group=class_or_group, academic_year=year,
                                promotion=promotion, meta=self.metas(effective_on=on))
        self.keep(learner)
        return self

    def move(self, learner_id: UUID, organisation: UUID, class_or_group: str,
             on: date) -> World:
        learner = self.learners[learner_id]
        self.enrolments += 1
        learner.transfer_between(
            enrolment_id=self.general(learner_id), destination_organisation_id=organisation,
            new_enrolment_id=UUID(int=1000 + self.enrolments),
            level=EducationLevel.BASIC_GENERAL, class_or_group=class_or_group,
            academic_year=YEAR, expel_meta=self.metas(effective_on=on),
            enrol_meta=self.metas(effective_on=on))
        self.keep(learner)
        return self

    def cancel_latest(self, learner_id: UUID) -> World:
        learner = self.learners[learner_id]
        learner.cancel(cancelled_version=learner.entries[-1].version,
                       reason=sealed(learner_id, "Learner.EntryCancelled.reason"),
                       meta=self.metas(basis=None))
        self.keep(learner)
        return self

    def book(self, learner_id: UUID, subject: str = MATHS, year: str = YEAR) -> Gradebook:
        key = (learner_id, subject, year)
        if key not in self.books:
            self.books[key] = Gradebook.open(learner_id=learner_id, subject=subject,
                                             academic_year=year,
                                             meta=self.metas(actor=TEACHER, basis=None))
        return self.books[key]

    def mark(self, learner_id: UUID, n: int, value: MarkValue, period: Period | None = Q1,
             kind: MarkKind = MarkKind.PERIOD, subject: str = MATHS, year: str = YEAR,
             lesson_on: date | None = None) -> World:
        book = self.book(learner_id, subject, year)
        book.record_mark(mark_id=mid(n), kind=kind, value=value, lesson_on=lesson_on,
                         work_kind=None, period=period if kind is MarkKind.PERIOD else None,
                         meta=self.metas(actor=TEACHER, basis=None))
        self.keep(book)
        return self

    def current(self, learner_id: UUID, n: int, value: MarkValue) -> World:
        return self.mark(learner_id, n, value, None, MarkKind.CURRENT, lesson_on=SEP_15)

    def correct(self, learner_id: UUID, n: int, corrects: int, value: MarkValue,
                subject: str = MATHS, year: str = YEAR) -> World:
        book = self.book(learner_id, subject, year)
        book.correct_mark(mark_id=mid(n), corrects_mark_id=mid(corrects), value=value,
                          reason=sealed(learner_id, "Gradebook.MarkCorrected.reason"),
                          meta=self.metas(actor=TEACHER, basis=None))
        self.keep(book)
        return self

    def fold(self) -> Tables:
        return strict_fold(DIGITAL_PROFILE, self.events)


def gid(learner_id: UUID, subject: str = MATHS, year: str = YEAR) -> str:
    return str(Gradebook.stream_id(learner_id, subject, year))


def member(learner_id: UUID, n: int, subject: str = MATHS, year: str = YEAR) -> str:
    return mark_key(gid(learner_id, subject, year), str(mid(n)))


def class_key(class_or_group: str, period: str = "quarter-1", org: str = S,
              year: str = YEAR) -> str:
    return class_average_key(org, class_or_group, year, MATHS, period)


def school_key(period: str = "quarter-1", org: str = S, year: str = YEAR) -> str:
    return school_average_key(org, year, MATHS, period)


def averages(tables: Tables) -> dict[str, dict[str, tuple[int, int]]]:
    return {table: {key: (row["sum"], row["count"]) for key, row in tables[table].items()}
            for table in ("class_averages", "school_averages")}


def three_learners() -> World:
    """Anna and Boris in 5Б, Vera in 5А of SCHOOL; quarter-1 maths: 5, 4 and 3."""
    return (World().enrol(ANNA).enrol(BORIS).enrol(VERA, "5А")
            .mark(ANNA, 1, five("5")).mark(BORIS, 1, five("4")).mark(VERA, 1, five("3")))


# averages


def test_period_marks_add_to_their_class_and_school_averages() -> None:
    tables = three_learners().fold()
    assert tables["class_averages"][class_key("5Б")] == {
        "sum": 9, "count": 2, "marks": {member(ANNA, 1): 5, member(BORIS, 1): 4}}
    assert averages(tables) == {
        "class_averages": {class_key("5Б"): (9, 2), class_key("5А"): (3, 1)},
        "school_averages": {school_key(): (12, 3)},
    }
    assert average(tables["class_averages"][class_key("5Б")]) == "4.50"
    assert average(tables["school_averages"][school_key()]) == "4.00"


def test_a_correction_subtracts_the_old_value_and_adds_the_new() -> None:
    tables = three_learners().correct(BORIS, 2, corrects=1, value=five("2")).fold()
    assert averages(tables) == {
        "class_averages": {class_key("5Б"): (7, 2), class_key("5А"): (3, 1)},
        "school_averages": {school_key(): (10, 3)},
    }
    assert tables["class_averages"][class_key("5Б")]["marks"][member(BORIS, 1)] == 2
    assert averages_for_mark(MemoryRows(tables), gid(BORIS), str(mid(1))) == {
        "class": "3.50", "school": "3.33"}


def test_pass_fail_and_not_assessed_are_recorded_but_not_averaged() -> None:
    world = three_learners().mark(ANNA, 2, NOT_ASSESSED, Q2).mark(BORIS, 2, PASS, Q2)
    tables = world.fold()
    assert tables["class_averages"][class_key("5Б", "quarter-2")] == {
        "sum": 0, "count": 0, "marks": {member(ANNA, 2): None, member(BORIS, 2): None}}
    assert average(tables["class_averages"][class_key("5Б", "quarter-2")]) is None
    # A correction onto the five-point scale starts counting; one off it stops.
    tables = world.correct(ANNA, 3, corrects=2, value=five("4")).correct(
        ANNA, 4, corrects=1, value=PASS).fold()
    assert averages(tables)["class_averages"] == {
        class_key("5Б"): (4, 1), class_key("5А"): (3, 1), class_key("5Б", "quarter-2"): (4, 1)}
    assert averages(tables)["school_averages"] == {
        school_key(): (7, 2), school_key("quarter-2"): (4, 1)}


def test_annual_exam_and_final_marks_have_their_own_averages_current_marks_none() -> None:
    tables = (World().enrol(ANNA).current(ANNA, 1, five("5"))
              .mark(ANNA, 2, five("4"), kind=MarkKind.ANNUAL)
              .mark(ANNA, 3, five("5"), kind=MarkKind.EXAM)
              .mark(ANNA, 4, five("3"), kind=MarkKind.EXAM)
              .mark(ANNA, 5, five("5"), kind=MarkKind.FINAL).fold())
    assert averages(tables) == {
        "class_averages": {class_key("5Б", "annual"): (4, 1), class_key("5Б", "exam"): (8, 2),
                           class_key("5Б", "final"): (5, 1)},
        "school_averages": {school_key("annual"): (4, 1), school_key("exam"): (8, 2),
                            school_key("final"): (5, 1)},
    }


def test_a_mark_counts_where_the_learner_was_when_it_was_folded() -> None:
    world = three_learners().transfer(ANNA, "5А", NOV_1).mark(ANNA, 2, five("3"), Q2)
    tables = world.fold()
    assert averages(tables)["class_averages"] == {
        class_key("5Б"): (9, 2), class_key("5А"): (3, 1), class_key("5А", "quarter-2"): (3, 1)}
    # Correcting the quarter-1 mark after the move fixes 5Б, where it was counted.
    tables = world.correct(ANNA, 3, corrects=1, value=five("3")).fold()
    assert averages(tables)["class_averages"][class_key("5Б")] == (7, 2)
    assert averages(tables)["class_averages"][class_key("5А")] == (3, 1)
    assert averages(tables)["school_averages"][school_key()] == (10, 3)


def test_a_learner_who_moves_school_counts_in_each_school_for_its_own_marks() -> None:
    world = three_learners().move(ANNA, OTHER_SCHOOL, "5В", NOV_1).mark(ANNA, 2, five("4"), Q2)
    world.correct(ANNA, 3, corrects=1, value=five("2"))
    tables = world.fold()
    assert averages(tables) == {
        "class_averages": {class_key("5Б"): (6, 2), class_key("5А"): (3, 1),
                           class_key("5В", "quarter-2", org=str(OTHER_SCHOOL)): (4, 1)},
        "school_averages": {school_key(): (9, 3),
                            school_key("quarter-2", org=str(OTHER_SCHOOL)): (4, 1)},
    }
    assert averages_for_mark(MemoryRows(tables), gid(ANNA), str(mid(2))) == {
        "class": "4.00", "school": "4.00"}


def test_a_late_mark_of_last_year_counts_in_last_years_class() -> None:
    tables = (World().enrol(ANNA).transfer(ANNA, "6Б", date(2027, 9, 1), NEXT_YEAR, True)
              .mark(ANNA, 1, five("4"), kind=MarkKind.ANNUAL)
              .mark(ANNA, 2, five("5"), year=NEXT_YEAR).fold())
    assert averages(tables)["class_averages"] == {
        class_key("5Б", "annual"): (4, 1), class_key("6Б", year=NEXT_YEAR): (5, 1)}


def test_a_mark_of_a_learner_with_no_placement_for_the_year_is_averaged_nowhere() -> None:
    tables = (World().enrol(ANNA).mark(ANNA, 1, five("5"), year=NEXT_YEAR)
              .correct(ANNA, 2, corrects=1, value=five("4"), year=NEXT_YEAR).fold())
    assert averages(tables) == {"class_averages": {}, "school_averages": {}}
    assert tables["marks"][member(ANNA, 1, year=NEXT_YEAR)]["value"] == "4"
    assert averages_for_mark(MemoryRows(tables), gid(ANNA, year=NEXT_YEAR), str(mid(1))) == {
        "class": None, "school": None}


def test_a_correction_finds_a_mark_counted_under_a_since_cancelled_placement() -> None:
    world = (World().enrol(ANNA).transfer(ANNA, "5А", SEP_15).mark(ANNA, 1, five("5"))
             .cancel_latest(ANNA).correct(ANNA, 2, corrects=1, value=five("4")))
    tables = world.fold()
    assert tables["placements"][str(ANNA)]["general"]["class_or_group"] == "5Б"
    assert averages(tables)["class_averages"] == {class_key("5А"): (4, 1)}


def test_the_same_mark_id_in_two_gradebooks_names_two_marks() -> None:
    tables = (World().enrol(ANNA).mark(ANNA, 1, five("5"))
              .mark(ANNA, 1, five("3"), subject="Физика")
              .correct(ANNA, 2, corrects=1, value=five("4")).fold())
    assert tables["class_averages"][class_key("5Б")]["marks"] == {member(ANNA, 1): 4}
    assert tables["marks"][member(ANNA, 1, "Физика")]["value"] == "3"


@pytest.mark.parametrize(("total", "count", "expected"), [
    (17, 4, "4.25"), (13, 3, "4.33"), (29, 8, "3.63"), (14, 3, "4.67"), (5, 1, "5.00"),
    (0, 0, None), (2, 1, "2.00"), (1, 200, "0.01"), (1, 201, "0.00"),
])
def test_mean_rounds_half_up_to_two_decimals(total: int, count: int,
                                             expected: str | None) -> None:
    assert mean(total, count) == expected


def test_average_of_no_row_is_none() -> None:
    assert average(None) is None


# helper tables, subject marks, profiles


def test_marks_and_gradebooks_remember_what_later_events_only_name_by_id() -> None:
    tables = World().enrol(ANNA).mark(ANNA, 1, five("4")).correct(ANNA, 2, 1, five("5")).fold()
    assert tables["gradebooks"] == {gid(ANNA): {
        "gradebook_id": gid(ANNA), "learner_id": str(ANNA), "subject": MATHS,
        "academic_year": YEAR}}
    assert tables["marks"] == {member(ANNA, 1): {
        "gradebook_id": gid(ANNA), "mark_id": str(mid(1)), "kind": "period",
        "period_key": "quarter-1", "scale": "five_point", "value": "5",
        "corrected_by": [str(mid(2))]}}


def subject_mark(n: int, value: str, scale: str = "five_point", **fields: Any) -> dict[str, Any]:
    return {"mark_id": str(mid(n)), "scale": scale, "value": value, "lesson_on": None,
            "work_kind": None, "corrected_by": []} | fields


def test_subject_marks_hold_every_kind_of_mark_with_corrections_applied() -> None:
    world = (World().enrol(ANNA).current(ANNA, 1, five("5")).current(ANNA, 2, five("3"))
             .current(ANNA, 3, PASS).mark(ANNA, 4, five("4")).mark(ANNA, 5, five("5"), Q2)
             .mark(ANNA, 6, five("4"), kind=MarkKind.ANNUAL)
             .mark(ANNA, 7, five("5"), kind=MarkKind.EXAM)
             .correct(ANNA, 8, corrects=2, value=five("4"))
             .correct(ANNA, 9, corrects=4, value=five("3")))
    row = world.fold()["subject_marks"][gid(ANNA)]
    assert row == {
        "gradebook_id": gid(ANNA), "learner_id": str(ANNA), "subject": MATHS,
        "academic_year": YEAR,
        "current": [subject_mark(1, "5", lesson_on="2026-09-15"),
                    subject_mark(2, "4", lesson_on="2026-09-15", corrected_by=[str(mid(8))]),
                    subject_mark(3, "pass", "pass_fail", lesson_on="2026-09-15")],
        "current_sum": 9, "current_count": 2,
        "periods": {"quarter-1": subject_mark(4, "3", corrected_by=[str(mid(9))]),
                    "quarter-2": subject_mark(5, "5")},
        "annual": subject_mark(6, "4"), "exam": [subject_mark(7, "5")], "final": None,
    }
    assert current_average(row) == "4.50"
    # A current mark corrected off the five-point scale leaves the sum and the count.
    row = world.correct(ANNA, 10, corrects=1, value=NOT_ASSESSED).fold()["subject_marks"][
        gid(ANNA)]
    assert (row["current_sum"], row["current_count"]) == (4, 1)


def span(since: str, class_or_group: str = "5Б", **fields: Any) -> dict[str, Any]:
    return {"enrolment_id": str(UUID(int=1001)), "organisation_id": S,
            "level": "basic_general", "form_of_study": "full_time",
            "class_or_group": class_or_group, "academic_year": YEAR, "since": since,
            "until": None, "opened_by": "enrolled", "promotion": False, "opened_version": 2,
            "closed_by": None, "closed_version": None} | fields


def test_profile_has_the_history_of_study_the_placement_and_the_subjects() -> None:
    world = (World().enrol(ANNA).transfer(ANNA, "5А", SEP_15)
             .enrol(ANNA, "робототехника", CLUB, NOV_1, level=EducationLevel.ADDITIONAL)
             .mark(ANNA, 1, five("5"), subject="Физика").mark(ANNA, 2, five("5"))
             .mark(ANNA, 3, five("4"), year=NEXT_YEAR))
    tables = world.fold()
    opened = span("2026-09-15", "5А", opened_by="transferred_within", opened_version=3)
    club = span("2026-11-01", "робототехника", enrolment_id=str(UUID(int=1002)),
                organisation_id=str(CLUB), level="additional", opened_version=4)
    study = [span("2026-09-01", until="2026-09-15", closed_by="transferred_within",
                  closed_version=3), opened, club]
    assert tables["profiles"][str(ANNA)] == {
        "learner_id": str(ANNA), "status": "enrolled", "placement": opened,
        "additional": [club], "study": study,
        "subjects": [
            {"academic_year": YEAR, "subject": MATHS, "gradebook_id": gid(ANNA)},
            {"academic_year": YEAR, "subject": "Физика", "gradebook_id": gid(ANNA, "Физика")},
            {"academic_year": NEXT_YEAR, "subject": MATHS,
             "gradebook_id": gid(ANNA, year=NEXT_YEAR)},
        ],
        "achievements": [],
    }
    assert tables["placements"][str(ANNA)] == {
        "learner_id": str(ANNA), "general": opened, "study": study,
        "seen": [[S, "5Б"], [S, "5А"]]}


def test_a_cancelled_transfer_reopens_the_span_it_closed() -> None:
    profile = World().enrol(ANNA).transfer(ANNA, "5А", SEP_15).cancel_latest(ANNA).fold()[
        "profiles"][str(ANNA)]
    assert profile["study"] == [span("2026-09-01")]
    assert profile["placement"] == span("2026-09-01")


def test_leaving_closes_the_span_and_the_status_says_left() -> None:
    world = World().enrol(ANNA)
    world.learners[ANNA].leave(enrolment_id=world.general(ANNA),
                               reason=LeavingReason.LEARNER_OR_PARENTS_INITIATIVE,
                               document=None, meta=world.metas(effective_on=NOV_1))
    world.keep(world.learners[ANNA])
    profile = world.fold()["profiles"][str(ANNA)]
    assert (profile["status"], profile["placement"]) == ("left", None)
    assert profile["study"] == [span("2026-09-01", until="2026-11-01", closed_by="left",
                                     closed_version=3)]
    assert World().enrol(ANNA).cancel_latest(ANNA).fold()["profiles"][str(ANNA)][
        "status"] == "registered"
