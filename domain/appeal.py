"""GIA appeals (апелляции): filing with computed deadlines, hearing, decision, withdrawal.

Deadlines come from the regional production calendar and are stored with the event that set
them, so a later change of the calendar never moves a deadline already announced:

- procedure violation: filed on the exam day only; decided within 2 working days following
  the day it was filed;
- disagreement with the score: filed from the official results day until the 2nd working day
  following it; decided within 4 working days following the day it was filed;
- the participant is told of the hearing at least 1 working day ahead.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.appeal_values import (
    AppealClosed,
    AppealFiledEarly,
    AppealFiledLate,
    AppealKind,
    AppealStatus,
    Decision,
    Hearing,
    NotAcceptedReason,
    NoticeTooShort,
    OverdueAppeal,
    SealedHearing,
)
from domain.calendar import ProductionCalendar
from domain.commission import Commission, CommissionPurpose
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.exam import Exam, ExamParticipation
from domain.exam_values import NoResult, ResultIsAnnulled
from domain.sealed import SealedText, require_sealed

DECISION_WORKING_DAYS = {AppealKind.PROCEDURE_VIOLATION: 2, AppealKind.SCORE_DISAGREEMENT: 4}
HEARING_NOTICE_WORKING_DAYS = 1

# The sealed fields (SealedText.field): each binds its ciphertext to its place.
STATEMENT = "Appeal.Filed.statement"
EXPLANATION = "Appeal.NotAccepted.explanation"
HEARING_VENUE = "Appeal.HearingScheduled.venue"


def filing_window(kind: AppealKind, exam: Exam) -> tuple[date | None, date | None]:
    """First and last day an appeal of `kind` may be filed (None: not open yet)."""
    if kind is AppealKind.PROCEDURE_VIOLATION:
        return exam.exam_on, exam.exam_on
    return exam.results_day, exam.score_appeals_until


class Appeal(Aggregate):
    """One appeal of one participant about one exam."""

    @staticmethod
    def create_id(appeal_id: UUID, kind: AppealKind, participation_id: UUID, exam_id: UUID,
                  statement: SealedText | str, filed_on: date, filing_deadline: date,
                  decision_due_on: date, meta: Meta, timestamp: datetime) -> UUID:
        return appeal_id

    @classmethod
    def file(cls, *, appeal_id: UUID, kind: AppealKind, participation: ExamParticipation,
             exam: Exam, statement: SealedText, calendar: ProductionCalendar,
             meta: Meta) -> Appeal:
        """File an appeal on `meta.effective_on`; late or early filing is refused. The statement
        is sealed under the participant's data key (by the application, never here)."""
        if participation.exam_id != exam.id:
            raise InvalidInput(f"participation {participation.id} is not on exam {exam.id}")
        require_sealed(statement, participation.participant_id, STATEMENT)
        filed_on = meta.effective_on
        opens, deadline = filing_window(kind, exam)
        if opens is None or deadline is None:
            raise AppealFiledEarly(
                f"the official results day of exam {exam.id} is not published yet; a score "
                "appeal can be filed from that day"
            )
        if filed_on < opens:
            raise AppealFiledEarly(f"{kind.value} appeal filed on {filed_on.isoformat()}; "
                                   f"filing opens on {opens.isoformat()}")
        if filed_on > deadline:
            raise AppealFiledLate(f"{kind.value} appeal filed on {filed_on.isoformat()}; the "
                                  f"deadline was {deadline.isoformat()}")
        if participation.annulled_by is not None:
            raise ResultIsAnnulled(f"the result of participation {participation.id} is "
                                   "already annulled")
        if kind is AppealKind.SCORE_DISAGREEMENT and participation.score is None:
            raise NoResult(f"participation {participation.id} has no result to disagree with")
        due_on = calendar.add_working_days(filed_on, DECISION_WORKING_DAYS[kind])
        return cls(appeal_id=appeal_id, kind=kind, participation_id=participation.id,
                   exam_id=exam.id, statement=statement, filed_on=filed_on,
                   filing_deadline=deadline, decision_due_on=due_on, meta=meta,
                   timestamp=meta.recorded_at)

    class Filed(Aggregate.Created):
        """Version 2 seals `statement` (a `SealedText`, which also names the participant).
        Version 1 stored it as plain text: it reads back as the plain `str` it was."""

        class_version = 2

        appeal_id: UUID
        kind: AppealKind
        participation_id: UUID
        exam_id: UUID
        statement: SealedText | str
        filed_on: date
        filing_deadline: date
        decision_due_on: date
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The v1 shape already fits v2 (`statement` may be a plain str): nothing to change.
            return None

    @event(Filed)
    def __init__(self, appeal_id: UUID, kind: AppealKind, participation_id: UUID, exam_id: UUID,
                 statement: SealedText | str, filed_on: date, filing_deadline: date,
                 decision_due_on: date, meta: Meta, timestamp: datetime) -> None:
        # Known from a v2 statement (sealed for the participant); None for a v1 appeal.
        self.learner_id: UUID | None = (statement.learner_id
                                        if isinstance(statement, SealedText) else None)
        self.kind = kind
        self.participation_id = participation_id
        self.exam_id = exam_id
        self.filed_on = filed_on
        self.filing_deadline = filing_deadline
        self.decision_due_on = decision_due_on
        self.status = AppealStatus.FILED
        self.hearing: SealedHearing | Hearing | None = None
        self.decided_on: date | None = None
        self.deciders: tuple[UUID, ...] = ()

    def _require_open(self, doing: str) -> None:
        if not self.status.is_open:
            raise AppealClosed(f"appeal {self.id} is {self.status.value}; cannot {doing}")

    def not_accept(self, *, reason: NotAcceptedReason, explanation: SealedText,
                   meta: Meta) -> None:
        """Refuse to accept the appeal (content of the materials, own breach...) with a reason;
        the explanation sealed under the participant's data key."""
        self._require_open("refuse it")
        require_sealed(explanation, self.learner_id, EXPLANATION)
        self._not_accepted(reason=reason, explanation=explanation, meta=meta,
                           timestamp=meta.recorded_at)

    class NotAccepted(Aggregate.Event):
        """Version 2 seals `explanation`. Version 1 stored it as plain text: it reads back as
        the plain `str` it was."""

        class_version = 2

        reason: NotAcceptedReason
        explanation: SealedText | str
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The v1 shape already fits v2 (`explanation` may be a plain str).
            return None

    @event(NotAccepted)
    def _not_accepted(self, reason: NotAcceptedReason, explanation: SealedText | str,
                      meta: Meta, timestamp: datetime) -> None:
        self.status = AppealStatus.NOT_ACCEPTED

    def schedule_hearing(self, *, hearing: SealedHearing, calendar: ProductionCalendar,
                         meta: Meta) -> None:
        """Schedule (or move) the hearing; the participant is notified on `meta.effective_on`.
        The venue comes sealed (the application validated the `Hearing` before sealing it)."""
        self._require_open("schedule a hearing")
        if not isinstance(hearing, SealedHearing):
            raise InvalidInput("the hearing's venue must be sealed under the participant's "
                               "data key: a link or a place may name the participant")
        if hearing.starts_at.tzinfo is None:
            raise InvalidInput("hearing time must be an aware datetime (UTC)")
        require_sealed(hearing.venue, self.learner_id, HEARING_VENUE)
        notified_on = meta.effective_on
        earliest = calendar.add_working_days(notified_on, HEARING_NOTICE_WORKING_DAYS)
        if hearing.starts_at.date() < earliest:
            raise NoticeTooShort(
                f"a participant notified on {notified_on.isoformat()} can be heard on "
                f"{earliest.isoformat()} at the earliest (1 working day of notice)"
            )
        self._hearing_scheduled(hearing=hearing, notified_on=notified_on,
                                earliest_hearing_on=earliest, meta=meta,
                                timestamp=meta.recorded_at)

    class HearingScheduled(Aggregate.Event):
        """Version 2 keeps a `SealedHearing` (time plain, venue sealed). Version 1 kept the plain
        `Hearing`: it reads back as it was."""

        class_version = 2

        hearing: SealedHearing | Hearing
        notified_on: date
        earliest_hearing_on: date
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The v1 shape already fits v2 (`hearing` may be a plain `Hearing`).
            return None

    @event(HearingScheduled)
    def _hearing_scheduled(self, hearing: SealedHearing | Hearing, notified_on: date,
                           earliest_hearing_on: date, meta: Meta, timestamp: datetime) -> None:
        self.hearing = hearing
        self.status = AppealStatus.HEARING_SCHEDULED

    def withdraw(self, *, meta: Meta) -> None:
        """The participant withdraws the appeal (отзыв апелляции)."""
        self._require_open("withdraw it")
        self._withdrawn(meta=meta, timestamp=meta.recorded_at)

    @event("Withdrawn")
    def _withdrawn(self, meta: Meta, timestamp: datetime) -> None:
        self.status = AppealStatus.WITHDRAWN

    def check_decision(self, *, commission: Commission, deciders: tuple[UUID, ...],
                       decided_on: date) -> None:
        """Guards of `decide`, usable before the consequences are applied to the result."""
        self._require_open("decide it")
        commission.require_purpose(CommissionPurpose.GIA_APPEALS)
        commission.require_members(deciders, "the decision on an appeal")
        if len(set(deciders)) != len(deciders):
            raise InvalidInput("a decider is listed twice")
        if decided_on < self.filed_on:
            raise InvalidInput(f"decision date {decided_on.isoformat()} is before the appeal "
                               f"was filed on {self.filed_on.isoformat()}")

    def decide(self, *, decision: Decision, commission: Commission, deciders: tuple[UUID, ...],
               meta: Meta) -> None:
        """Record the commission's decision, with the members who took it."""
        self.check_decision(commission=commission, deciders=deciders,
                            decided_on=meta.effective_on)
        self._decided(decision=decision, commission_id=commission.id, deciders=deciders,
                      decided_on=meta.effective_on, meta=meta, timestamp=meta.recorded_at)

    @event("Decided")
    def _decided(self, decision: Decision, commission_id: UUID, deciders: tuple[UUID, ...],
                 decided_on: date, meta: Meta, timestamp: datetime) -> None:
        self.status = (AppealStatus.UPHELD if decision is Decision.UPHELD
                       else AppealStatus.REJECTED)
        self.decided_on = decided_on
        self.deciders = tuple(deciders)  # stored JSON gives a list back

    def is_overdue(self, today: date) -> bool:
        """Undecided after its due date, or decided after it."""
        if self.decided_on is not None:
            return self.decided_on > self.decision_due_on
        return self.status.is_open and today > self.decision_due_on


def overdue_decisions(appeals: Iterable[Appeal], today: date) -> tuple[OverdueAppeal, ...]:
    """Report: appeals whose decision is overdue on `today` or was taken late, by due date."""
    rows = [
        OverdueAppeal(appeal_id=a.id, kind=a.kind, participation_id=a.participation_id,
                      decision_due_on=a.decision_due_on, decided_on=a.decided_on)
        for a in appeals if a.is_overdue(today)
    ]
    return tuple(sorted(rows, key=lambda r: (r.decision_due_on, str(r.appeal_id))))


VALUE_TYPES: tuple[type, ...] = (AppealKind, NotAcceptedReason, Decision, Hearing,
                                 SealedHearing)
