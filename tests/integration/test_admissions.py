"""First-class and college admission through their services on SQLite and PostgreSQL: orders
end in the learners' own enrolment events; refused commands write nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from domain.calendar_ru import RUSSIA
from domain.college_admission import CollegeAdmission
from domain.college_values import (
    NotOnPublishedRating,
    ProgrammeChoice,
    ProgrammeNotOffered,
    ProgrammePlaces,
)
from domain.envelope import BasisDocument
from domain.first_class_values import AgeOutOfRange, ApplicantCategory, OutsideApplicationWindow
from domain.learner import Learner
from domain.learner_values import EducationLevel
from letopis.ledger import Ledger
from letopis.services.admissions import CollegeAdmissionService, FirstClassService
from replay.history import history
from tests.admissions_world import COLLEGE, SCHOOL, Commands, register_organisations
from tests.assertions import refused

YEAR = "2026/2027"
SCHOOL_ORDER = BasisDocument("order", "52-у", date(2026, 7, 2))
FOUNDER = BasisDocument("founder_decision", "1104", date(2026, 4, 10))
COLLEGE_ORDER = BasisDocument("order", "301-к", date(2026, 8, 25))
IT = "09.02.07"


def test_first_class_admission_ends_in_enrolment(ledger: Ledger) -> None:
    register_organisations(ledger)
    service, ctx = FirstClassService(ledger, RUSSIA), Commands("fc")
    service.open(ctx(date(2026, 3, 1)), SCHOOL, YEAR, places=25)
    child, young = UUID(int=801), UUID(int=802)
    receive = {"application_id": UUID(int=901), "child_id": child,
               "category": ApplicantCategory.CATCHMENT, "birth_date": date(2019, 11, 5)}
    refused(ledger, OutsideApplicationWindow, lambda c: service.receive(
        ctx(date(2026, 3, 31), command_id=c), SCHOOL, YEAR, **receive))
    service.receive(ctx(date(2026, 4, 1)), SCHOOL, YEAR, **receive)
    too_young = {"application_id": UUID(int=902), "child_id": young,
                 "category": ApplicantCategory.CATCHMENT, "birth_date": date(2020, 5, 1)}
    refused(ledger, AgeOutOfRange, lambda c: service.receive(
        ctx(date(2026, 4, 2), command_id=c), SCHOOL, YEAR, **too_young))
    service.grant_age_exception(ctx(date(2026, 4, 10), FOUNDER), SCHOOL, YEAR, young)
    service.receive(ctx(date(2026, 4, 12)), SCHOOL, YEAR, **too_young)
    service.order_admission(ctx(date(2026, 7, 2), SCHOOL_ORDER), SCHOOL, YEAR,
                            (UUID(int=901), UUID(int=902)), "1А")
    for learner_id in (child, young):
        placement = ledger.load(Learner, learner_id, "learner").active_general
        assert placement is not None
        assert (placement.organisation_id, placement.class_or_group) == (SCHOOL, "1А")
        assert placement.level is EducationLevel.PRIMARY_GENERAL
    kinds = [e.event_type for e in history(ledger, child)]
    assert kinds == ["Learner.Registered", "Learner.Enrolled"]
    assert history(ledger, child)[1].basis == SCHOOL_ORDER


def test_college_admission_rates_publishes_and_enrols(ledger: Ledger) -> None:
    register_organisations(ledger)
    service, ctx = CollegeAdmissionService(ledger), Commands("col")
    service.open(ctx(), COLLEGE, YEAR, (ProgrammePlaces(IT, "Программирование", 1),))
    applicants = [UUID(int=811), UUID(int=812)]
    for n, (applicant, mark) in enumerate(zip(applicants, ("4.10", "4.70"), strict=True)):
        service.submit_draft(ctx(), COLLEGE, YEAR, application_id=UUID(int=911 + n),
                             applicant_id=applicant, choices=(ProgrammeChoice(IT, 1),),
                             average_mark=Decimal(mark))
        service.confirm(ctx(), COLLEGE, YEAR, UUID(int=911 + n), ("аттестат",), Decimal(mark))
    refused(ledger, ProgrammeNotOffered, lambda c: service.submit_draft(
        ctx(command_id=c), COLLEGE, YEAR, application_id=UUID(int=919),
        applicant_id=UUID(int=819), choices=(ProgrammeChoice("01.01.01", 1),),
        average_mark=Decimal("4")))
    refused(ledger, NotOnPublishedRating, lambda c: service.order_enrolment(
        ctx(command_id=c, basis=COLLEGE_ORDER), COLLEGE, YEAR, IT, (UUID(int=912),), "ИС-1"))
    service.publish_rating(ctx(), COLLEGE, YEAR, IT)
    assert [line.applicant_id for line in service.rating(COLLEGE, YEAR, IT)] == [
        applicants[1], applicants[0]]
    service.order_enrolment(ctx(basis=COLLEGE_ORDER), COLLEGE, YEAR, IT, (UUID(int=912),),
                            "ИС-1")
    placement = ledger.load(Learner, applicants[1], "learner").active_general
    assert placement is not None
    assert placement.level is EducationLevel.VOCATIONAL
    published = [e for e in history(ledger, CollegeAdmission.stream_id(COLLEGE, YEAR))
                 if e.event_type == "CollegeAdmission.RatingPublished"]
    assert [line["average_mark"] for line in published[0].data["lines"]] == ["4.70", "4.10"]
