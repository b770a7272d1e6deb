"""College admission of one college for one academic year (приём на обучение по программам
СПО; Orenburg 18⁵, Smolensk 5.3).

An application arrives as a draft («Проект») from the applicant's personal account, is
confirmed when the applicant appears with the originals (the average certificate mark is
checked against them then), and may be withdrawn. The rating list of a programme is a pure
function of the admission's state; publishing it records the list exactly as published. An
enrolment order admits applicants on the programme's latest published list, within its places;
the learners' enrolments are recorded in their own streams by the same command.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.academic_year import validate_academic_year
from domain.college_values import (
    ActiveCollegeApplicationExists,
    CollegeApplication,
    CollegeApplicationNotFound,
    CollegeApplicationStatus,
    NotOnPublishedRating,
    OriginalsRequired,
    ProgrammeChoice,
    ProgrammeFull,
    ProgrammeNotOffered,
    ProgrammePlaces,
    RatingLine,
    WrongCollegeApplicationStatus,
    check_average_mark,
    check_choices,
    rating,
)
from domain.envelope import Meta
from domain.errors import InvalidInput

# Fixed for ever: every college admission stream id is derived from it.
COLLEGE_NAMESPACE = UUID("5e9b2d71-0c4a-5f83-b6e1-9a7c3f2d8e40")

Status = CollegeApplicationStatus


class CollegeAdmission(Aggregate):
    """Programmes and places, applications, published rating lists and enrolment orders."""

    @staticmethod
    def stream_id(college_id: UUID, academic_year: str) -> UUID:
        return uuid5(COLLEGE_NAMESPACE, json.dumps([str(college_id), academic_year]))

    @staticmethod
    def create_id(college_id: UUID, academic_year: str,
                  programmes: tuple[ProgrammePlaces, ...], meta: Meta,
                  timestamp: datetime) -> UUID:
        return CollegeAdmission.stream_id(college_id, academic_year)

    @classmethod
    def open(cls, *, college_id: UUID, academic_year: str,
             programmes: tuple[ProgrammePlaces, ...], meta: Meta) -> CollegeAdmission:
        validate_academic_year(academic_year)
        codes = [p.code for p in programmes]
        if not programmes or len(set(codes)) != len(codes):
            raise InvalidInput("an admission lists its programmes, each once")
        if any(p.places < 1 or not p.code.strip() for p in programmes):
            raise InvalidInput("each programme has a code and at least one place")
        return cls(college_id=college_id, academic_year=academic_year, programmes=programmes,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Opened")
    def __init__(self, college_id: UUID, academic_year: str,
                 programmes: tuple[ProgrammePlaces, ...], meta: Meta,
                 timestamp: datetime) -> None:
        self.college_id = college_id
        self.academic_year = academic_year
        self.programmes = {p.code: p for p in programmes}
        self.applications: dict[UUID, CollegeApplication] = {}
        self.published: dict[str, tuple[RatingLine, ...]] = {}
        self.enrolled: dict[str, int] = {code: 0 for code in self.programmes}

    def application(self, application_id: UUID) -> CollegeApplication:
        try:
            return self.applications[application_id]
        except KeyError:
            raise CollegeApplicationNotFound(
                f"application {application_id} is not with college {self.college_id}") from None

    def rating(self, code: str) -> tuple[RatingLine, ...]:
        """The programme's rating list as the record stands."""
        self._programme(code)
        return rating(self.applications.values(), code)

    def _programme(self, code: str) -> ProgrammePlaces:
        if code not in self.programmes:
            raise ProgrammeNotOffered(f"the college does not admit to programme {code}")
        return self.programmes[code]

    def _require(self, application_id: UUID, *allowed: Status) -> CollegeApplication:
        found = self.application(application_id)
        if found.status not in allowed:
            raise WrongCollegeApplicationStatus(
                f"application {application_id} is {found.status.value}")
        return found

    # Commands.

    def submit_draft(self, *, application_id: UUID, applicant_id: UUID,
                     choices: tuple[ProgrammeChoice, ...], average_mark: Decimal,
                     meta: Meta) -> None:
        """An application from the personal account, in status «Проект»."""
        check_choices(choices, set(self.programmes))
        check_average_mark(average_mark)
        if application_id in self.applications:
            raise InvalidInput(f"application {application_id} already exists")
        if any(a.applicant_id == applicant_id and a.status in (Status.DRAFT, Status.CONFIRMED)
               for a in self.applications.values()):
            raise ActiveCollegeApplicationExists(
                f"applicant {applicant_id} already has an application with this college")
        self._draft_submitted(application=CollegeApplication(
            application_id, applicant_id, choices, average_mark), meta=meta,
            timestamp=meta.recorded_at)

    def confirm(self, *, application_id: UUID, originals: tuple[str, ...],
                average_mark: Decimal, meta: Meta) -> None:
        """The applicant appeared with the originals; the mark is as on the certificate."""
        self._require(application_id, Status.DRAFT)
        if not originals or not all(o.strip() for o in originals):
            raise OriginalsRequired("confirmation lists the originals presented")
        check_average_mark(average_mark)
        self._confirmed(application_id=application_id, originals=originals,
                        average_mark=average_mark, confirmed_at=meta.recorded_at, meta=meta,
                        timestamp=meta.recorded_at)

    def withdraw(self, *, application_id: UUID, reason: str, meta: Meta) -> None:
        self._require(application_id, Status.DRAFT, Status.CONFIRMED)
        if not reason.strip():
            raise InvalidInput("give the reason")
        self._withdrawn(application_id=application_id, reason=reason, meta=meta,
                        timestamp=meta.recorded_at)

    def publish_rating(self, *, code: str, meta: Meta) -> tuple[RatingLine, ...]:
        lines = self.rating(code)
        self._rating_published(code=code, lines=lines, meta=meta, timestamp=meta.recorded_at)
        return lines

    def order_enrolment(self, *, code: str, application_ids: tuple[UUID, ...], group: str,
                        meta: Meta) -> None:
        """The enrolment order (приказ о зачислении) for one programme."""
        programme = self._programme(code)
        if meta.basis is None:
            raise InvalidInput("an enrolment order needs its document (meta.basis)")
        if not application_ids or len(set(application_ids)) != len(application_ids):
            raise InvalidInput("an order enrols at least one application, each once")
        if not group.strip():
            raise InvalidInput("an order names the study group")
        on_list = {line.application_id for line in self.published.get(code, ())}
        for application_id in application_ids:
            self._require(application_id, Status.CONFIRMED)
            if application_id not in on_list:
                raise NotOnPublishedRating(f"application {application_id} is not on the "
                                           f"published rating list of {code}")
        if self.enrolled[code] + len(application_ids) > programme.places:
            raise ProgrammeFull(f"{self.enrolled[code]} of {programme.places} places of {code} "
                                f"are taken; {len(application_ids)} more do not fit")
        self._enrolment_ordered(code=code, application_ids=application_ids, group=group,
                                meta=meta, timestamp=meta.recorded_at)

    # Events: bodies only apply state.

    def _set(self, application_id: UUID, **changes: object) -> None:
        self.applications[application_id] = dataclasses.replace(
            self.applications[application_id], **changes)  # type: ignore[arg-type]

    @event("DraftSubmitted")
    def _draft_submitted(self, application: CollegeApplication, meta: Meta,
                         timestamp: datetime) -> None:
        self.applications[application.application_id] = application

    @event("ApplicationConfirmed")
    def _confirmed(self, application_id: UUID, originals: tuple[str, ...],
                   average_mark: Decimal, confirmed_at: datetime, meta: Meta,
                   timestamp: datetime) -> None:
        self._set(application_id, status=Status.CONFIRMED, average_mark=average_mark,
                  confirmed_at=confirmed_at)

    @event("ApplicationWithdrawn")
    def _withdrawn(self, application_id: UUID, reason: str, meta: Meta,
                   timestamp: datetime) -> None:
        self._set(application_id, status=Status.WITHDRAWN)

    @event("RatingPublished")
    def _rating_published(self, code: str, lines: tuple[RatingLine, ...], meta: Meta,
                          timestamp: datetime) -> None:
        self.published[code] = tuple(lines)

    @event("EnrolmentOrdered")
    def _enrolment_ordered(self, code: str, application_ids: tuple[UUID, ...], group: str,
                           meta: Meta, timestamp: datetime) -> None:
        for application_id in application_ids:
            self._set(application_id, status=Status.ENROLLED)
        self.enrolled[code] += len(application_ids)


VALUE_TYPES: tuple[type, ...] = (CollegeApplicationStatus, ProgrammePlaces, ProgrammeChoice,
                                 CollegeApplication, RatingLine)
