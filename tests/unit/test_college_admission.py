"""College admission: drafts from the personal account, confirmation with the originals,
withdrawal, rating lists, publication and enrolment orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from domain.college_admission import CollegeAdmission
from domain.college_values import (
    ActiveCollegeApplicationExists,
    CollegeApplicationStatus,
    InvalidAverageMark,
    NotOnPublishedRating,
    OriginalsRequired,
    ProgrammeChoice,
    ProgrammeFull,
    ProgrammeNotOffered,
    ProgrammePlaces,
    WrongCollegeApplicationStatus,
)
from domain.envelope import BasisDocument
from domain.errors import InvalidInput
from tests.factories import make_meta
from tests.gwt import given

COLLEGE, YEAR = UUID(int=51), "2026/2027"
IT, WELD = "09.02.07", "15.01.05"
ORDER = BasisDocument("order", "301-к", date(2026, 8, 25))
T0 = datetime(2026, 6, 20, 9, tzinfo=UTC)
Draft = getattr(CollegeAdmission, "DraftSubmitted")  # noqa: B009
Confirmed = getattr(CollegeAdmission, "ApplicationConfirmed")  # noqa: B009
Withdrawn = getattr(CollegeAdmission, "ApplicationWithdrawn")  # noqa: B009
Published = getattr(CollegeAdmission, "RatingPublished")  # noqa: B009
Ordered = getattr(CollegeAdmission, "EnrolmentOrdered")  # noqa: B009


def app(n: int) -> UUID:
    return UUID(int=6000 + n)


def admission(it_places: int = 2) -> CollegeAdmission:
    return CollegeAdmission.open(college_id=COLLEGE, academic_year=YEAR, programmes=(
        ProgrammePlaces(IT, "Информационные системы и программирование", it_places),
        ProgrammePlaces(WELD, "Сварщик", 25)), meta=make_meta())


def submit(on: CollegeAdmission, n: int, mark: str, *choices: str) -> None:
    on.submit_draft(application_id=app(n), applicant_id=UUID(int=7000 + n),
                    choices=tuple(ProgrammeChoice(c, i) for i, c in
                                  enumerate(choices or (IT,), start=1)),
                    average_mark=Decimal(mark), meta=make_meta(basis=None))


def confirm(on: CollegeAdmission, n: int, mark: str, minutes: int) -> None:
    on.confirm(application_id=app(n), originals=("аттестат", "паспорт"),
               average_mark=Decimal(mark),
               meta=make_meta(recorded_at=T0 + timedelta(minutes=minutes), basis=None))


def season() -> CollegeAdmission:
    """Four applicants: 2 ties with 1 on mark; 3 has IT second; 4 stays a draft."""
    made = admission()
    submit(made, 1, "4.50")
    submit(made, 2, "4.50")
    submit(made, 3, "4.50", WELD, IT)
    submit(made, 4, "5.00")
    confirm(made, 2, "4.50", 1)
    confirm(made, 1, "4.50", 2)
    confirm(made, 3, "4.50", 0)
    return made


def test_a_draft_names_offered_programmes_with_priorities_and_a_valid_mark() -> None:
    given(admission()).when(lambda a: submit(a, 1, "4.25", IT, WELD)).then(
        Draft, state=lambda a: a.application(app(1)).status is CollegeApplicationStatus.DRAFT)
    given(admission()).when(lambda a: submit(a, 1, "4.25", "00.00.00")
                            ).then_raises(ProgrammeNotOffered)
    given(admission()).when(lambda a: submit(a, 1, "5.01")).then_raises(InvalidAverageMark)
    given(admission()).when(lambda a: submit(a, 1, "4.255")).then_raises(InvalidAverageMark)
    given(admission()).when(lambda a: a.submit_draft(
        application_id=app(1), applicant_id=UUID(int=1), average_mark=Decimal("4"),
        choices=(ProgrammeChoice(IT, 2),), meta=make_meta())).then_raises(InvalidInput)
    one = admission()
    submit(one, 1, "4.00")
    given(one).when(lambda a: a.submit_draft(
        application_id=app(2), applicant_id=UUID(int=7001), average_mark=Decimal("4"),
        choices=(ProgrammeChoice(WELD, 1),), meta=make_meta())
    ).then_raises(ActiveCollegeApplicationExists)


def test_confirmation_needs_the_originals_and_checks_the_mark() -> None:
    def drafted() -> CollegeAdmission:
        made = admission()
        submit(made, 1, "4.80")
        return made

    outcome = given(drafted).when(lambda a: confirm(a, 1, "4.60", 0)).then(Confirmed)
    assert outcome.aggregate.application(app(1)).average_mark == Decimal("4.60")
    given(drafted).when(lambda a: a.confirm(application_id=app(1), originals=(),
                                            average_mark=Decimal("4.6"), meta=make_meta())
                        ).then_raises(OriginalsRequired)
    given(outcome.aggregate).when(lambda a: confirm(a, 1, "4.60", 0)
                                  ).then_raises(WrongCollegeApplicationStatus)


def test_rating_is_mark_then_priority_then_confirmation_time() -> None:
    lines = season().rating(IT)
    assert [(line.position, line.application_id) for line in lines] == [
        (1, app(2)), (2, app(1)), (3, app(3))]
    assert app(4) not in {line.application_id for line in lines}  # a draft is not rated
    withdrawn = season()
    given(withdrawn).when(lambda a: a.withdraw(application_id=app(2), reason="передумал",
                                               meta=make_meta())).then(Withdrawn)
    assert [line.application_id for line in withdrawn.rating(IT)] == [app(1), app(3)]


def test_published_list_is_recorded_as_published() -> None:
    outcome = given(season()).when(lambda a: a.publish_rating(code=IT, meta=make_meta())
                                   ).then(Published)
    assert [line.application_id for line in outcome.event().lines] == [app(2), app(1), app(3)]
    given(season()).when(lambda a: a.publish_rating(code="00.00.00", meta=make_meta())
                         ).then_raises(ProgrammeNotOffered)


def test_enrolment_order_takes_published_applicants_within_places() -> None:
    def published() -> CollegeAdmission:
        made = season()
        made.publish_rating(code=IT, meta=make_meta())
        return made

    enrol = lambda *ns: lambda a: a.order_enrolment(  # noqa: E731
        code=IT, application_ids=tuple(app(n) for n in ns), group="ИС-26-1",
        meta=make_meta(basis=ORDER))
    given(published).when(enrol(2, 1)).then(
        Ordered, state=lambda a: a.application(app(2)).status is CollegeApplicationStatus.ENROLLED)
    given(published).when(enrol(2, 1, 3)).then_raises(ProgrammeFull)
    given(published).when(enrol(4)).then_raises(WrongCollegeApplicationStatus)
    given(season()).when(enrol(2)).then_raises(NotOnPublishedRating)
    given(published).when(lambda a: a.order_enrolment(
        code=IT, application_ids=(app(2),), group="ИС", meta=make_meta(basis=None))
    ).then_raises(InvalidInput)
