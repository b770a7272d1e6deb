"""Commands of first-class and college admission.

Each admission order ends in the core ledger: every admitted child's `Learner` stream gets its
`Enrolled` event in the same command as the order (the learner is registered first if new).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.calendar import ProductionCalendar
from domain.college_admission import CollegeAdmission
from domain.college_values import ProgrammeChoice, ProgrammePlaces, RatingLine
from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound
from domain.first_class_admission import FirstClassAdmission
from domain.first_class_values import (
    AdmissionRules,
    ApplicantCategory,
    RefusalReason,
    age_in_months,
    default_rules,
)
from domain.learner import Learner
from domain.learner_values import EducationLevel
from domain.organisation import Organisation, OrganisationKind
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


def learner_for(ledger: Ledger, learner_id: UUID, meta: Meta) -> Learner:
    """The learner's stream, or a new one registered by the same command."""
    if ledger.exists(learner_id):
        return ledger.load(Learner, learner_id, "learner")
    return Learner.register(learner_id=learner_id, meta=meta)


def _organisation(ledger: Ledger, organisation_id: UUID, kind: OrganisationKind) -> None:
    organisation = ledger.load(Organisation, organisation_id, "organisation")
    organisation.require_accepting_enrolments()
    if organisation.details.kind is not kind:
        raise InvalidInput(f"organisation {organisation_id} is not a {kind.value}")


class FirstClassService:
    def __init__(self, ledger: Ledger, calendar: ProductionCalendar) -> None:
        self.ledger = ledger
        self.calendar = calendar

    def admission(self, school_id: UUID, academic_year: str) -> FirstClassAdmission:
        stream_id = FirstClassAdmission.stream_id(school_id, academic_year)
        if not self.ledger.exists(stream_id):
            raise NotFound(f"school {school_id} has no {academic_year} first-class admission")
        return self.ledger.load(FirstClassAdmission, stream_id, "first-class admission")

    def open(self, context: CommandContext, school_id: UUID, academic_year: str, places: int,
             rules: AdmissionRules | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[FirstClassAdmission]:
            _organisation(self.ledger, school_id, OrganisationKind.SCHOOL)
            if self.ledger.exists(FirstClassAdmission.stream_id(school_id, academic_year)):
                raise InvalidInput(f"the {academic_year} admission of {school_id} is open")
            return [FirstClassAdmission.open(
                school_id=school_id, academic_year=academic_year, places=places,
                rules=rules or default_rules(academic_year), meta=meta)]

        return self.ledger.execute(context, "open_first_class_admission",
                                   {"school_id": school_id, "academic_year": academic_year,
                                    "places": places, "rules": rules}, action)

    def receive(self, context: CommandContext, school_id: UUID, academic_year: str, *,
                application_id: UUID, child_id: UUID, category: ApplicantCategory,
                birth_date: date) -> CommandOutcome:
        """Receive on `context.effective_on`; only the age in months on 1 September is kept."""
        def action(meta: Meta) -> list[FirstClassAdmission]:
            admission = self.admission(school_id, academic_year)
            september = date(int(academic_year[:4]), 9, 1)
            admission.receive(application_id=application_id, child_id=child_id,
                              category=category, calendar=self.calendar, meta=meta,
                              age_in_months=age_in_months(birth_date, september))
            return [admission]

        return self.ledger.execute(
            context, "receive_first_class_application",
            {"school_id": school_id, "academic_year": academic_year,
             "application_id": application_id, "child_id": child_id,
             "category": category.value, "birth_date": birth_date}, action)

    def grant_age_exception(self, context: CommandContext, school_id: UUID,
                            academic_year: str, child_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[FirstClassAdmission]:
            admission = self.admission(school_id, academic_year)
            admission.grant_age_exception(child_id=child_id, meta=meta)
            return [admission]

        return self.ledger.execute(context, "grant_age_exception",
                                   {"school_id": school_id, "academic_year": academic_year,
                                    "child_id": child_id}, action)

    def refuse(self, context: CommandContext, school_id: UUID, academic_year: str,
               application_id: UUID, reason: RefusalReason,
               explanation: str) -> CommandOutcome:
        def action(meta: Meta) -> list[FirstClassAdmission]:
            admission = self.admission(school_id, academic_year)
            admission.refuse(application_id=application_id, reason=reason,
                             explanation=explanation, meta=meta)
            return [admission]

        return self.ledger.execute(
            context, "refuse_first_class_application",
            {"school_id": school_id, "academic_year": academic_year,
             "application_id": application_id, "reason": reason.value,
             "explanation": explanation}, action)

    def order_admission(self, context: CommandContext, school_id: UUID, academic_year: str,
                        application_ids: tuple[UUID, ...], class_name: str) -> CommandOutcome:
        """The order admits the applications and enrols each child, in one command; the
        enrolment id of each child is derived from the application id."""
        def action(meta: Meta) -> list[Aggregate]:
            admission = self.admission(school_id, academic_year)
            admission.order_admission(application_ids=application_ids, class_name=class_name,
                                      meta=meta)
            touched: list[Aggregate] = [admission]
            for application_id in application_ids:
                child_id = admission.applications[application_id].child_id
                learner = learner_for(self.ledger, child_id, meta)
                learner.enrol(enrolment_id=application_id, organisation_id=school_id,
                              level=EducationLevel.PRIMARY_GENERAL, class_or_group=class_name,
                              academic_year=academic_year, meta=meta)
                touched.append(learner)
            return touched

        return self.ledger.execute(
            context, "order_first_class_admission",
            {"school_id": school_id, "academic_year": academic_year,
             "application_ids": [str(i) for i in application_ids], "class_name": class_name},
            action)


class CollegeAdmissionService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def admission(self, college_id: UUID, academic_year: str) -> CollegeAdmission:
        stream_id = CollegeAdmission.stream_id(college_id, academic_year)
        if not self.ledger.exists(stream_id):
            raise NotFound(f"college {college_id} has no {academic_year} admission")
        return self.ledger.load(CollegeAdmission, stream_id, "college admission")

    def rating(self, college_id: UUID, academic_year: str, code: str) -> tuple[RatingLine, ...]:
        return self.admission(college_id, academic_year).rating(code)

    def open(self, context: CommandContext, college_id: UUID, academic_year: str,
             programmes: tuple[ProgrammePlaces, ...]) -> CommandOutcome:
        def action(meta: Meta) -> list[CollegeAdmission]:
            _organisation(self.ledger, college_id, OrganisationKind.COLLEGE)
            if self.ledger.exists(CollegeAdmission.stream_id(college_id, academic_year)):
                raise InvalidInput(f"the {academic_year} admission of {college_id} is open")
            return [CollegeAdmission.open(college_id=college_id, academic_year=academic_year,
                                          programmes=programmes, meta=meta)]

        return self.ledger.execute(context, "open_college_admission",
                                   {"college_id": college_id, "academic_year": academic_year,
                                    "programmes": programmes}, action)

    def _on(self, context: CommandContext, command: str, college_id: UUID, academic_year: str,
            payload: dict[str, object],
            step: Callable[[CollegeAdmission, Meta], list[Aggregate]]) -> CommandOutcome:
        def action(meta: Meta) -> list[Aggregate]:
            admission = self.admission(college_id, academic_year)
            return [admission, *step(admission, meta)]

        return self.ledger.execute(context, command, {"college_id": college_id,
                                                      "academic_year": academic_year,
                                                      **payload}, action)

    def submit_draft(self, context: CommandContext, college_id: UUID, academic_year: str, *,
                     application_id: UUID, applicant_id: UUID,
                     choices: tuple[ProgrammeChoice, ...],
                     average_mark: Decimal) -> CommandOutcome:
        def step(admission: CollegeAdmission, meta: Meta) -> list[Aggregate]:
            admission.submit_draft(application_id=application_id, applicant_id=applicant_id,
                                   choices=choices, average_mark=average_mark, meta=meta)
            return []

        return self._on(context, "submit_college_application", college_id, academic_year,
                        {"application_id": application_id, "applicant_id": applicant_id,
                         "choices": choices, "average_mark": str(average_mark)}, step)

    def confirm(self, context: CommandContext, college_id: UUID, academic_year: str,
                application_id: UUID, originals: tuple[str, ...],
                average_mark: Decimal) -> CommandOutcome:
        def step(admission: CollegeAdmission, meta: Meta) -> list[Aggregate]:
            admission.confirm(application_id=application_id, originals=originals,
                              average_mark=average_mark, meta=meta)
            return []

        return self._on(context, "confirm_college_application", college_id, academic_year,
                        {"application_id": application_id, "originals": originals,
                         "average_mark": str(average_mark)}, step)

    def withdraw(self, context: CommandContext, college_id: UUID, academic_year: str,
                 application_id: UUID, reason: str) -> CommandOutcome:
        def step(admission: CollegeAdmission, meta: Meta) -> list[Aggregate]:
            admission.withdraw(application_id=application_id, reason=reason, meta=meta)
            return []

        return self._on(context, "withdraw_college_application", college_id, academic_year,
                        {"application_id": application_id, "reason": reason}, step)

    def publish_rating(self, context: CommandContext, college_id: UUID, academic_year: str,
                       code: str) -> CommandOutcome:
        def step(admission: CollegeAdmission, meta: Meta) -> list[Aggregate]:
            admission.publish_rating(code=code, meta=meta)
            return []

        return self._on(context, "publish_rating", college_id, academic_year, {"code": code},
                        step)

    def order_enrolment(self, context: CommandContext, college_id: UUID, academic_year: str,
                        code: str, application_ids: tuple[UUID, ...],
                        group: str) -> CommandOutcome:
        """The order and each applicant's enrolment (id derived from the application)."""
        def step(admission: CollegeAdmission, meta: Meta) -> list[Aggregate]:
            admission.order_enrolment(code=code, application_ids=application_ids, group=group,
                                      meta=meta)
            learners: list[Aggregate] = []
            for application_id in application_ids:
                applicant_id = admission.applications[application_id].applicant_id
                learner = learner_for(self.ledger, applicant_id, meta)
                learner.enrol(enrolment_id=application_id, organisation_id=college_id,
                              level=EducationLevel.VOCATIONAL, class_or_group=group,
                              academic_year=academic_year, meta=meta)
                learners.append(learner)
            return learners

        return self._on(context, "order_college_enrolment", college_id, academic_year,
                        {"code": code, "application_ids": [str(i) for i in application_ids],
                         "group": group}, step)
