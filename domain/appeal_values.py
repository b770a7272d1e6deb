"""Values and errors of GIA appeals (апелляции)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

from domain.errors import InvalidInput, RuleViolated
from domain.sealed import SealedText


class AppealKind(Enum):
    PROCEDURE_VIOLATION = "procedure_violation"  # о нарушении Порядка проведения ГИА
    SCORE_DISAGREEMENT = "score_disagreement"  # о несогласии с выставленными баллами


class NotAcceptedReason(Enum):
    """Grounds on which the commission does not accept (не принимает) an appeal."""

    MATERIALS_CONTENT = "materials_content"  # содержание и структура КИМ
    MATERIALS_STRUCTURE = "materials_structure"
    OWN_BREACH = "own_breach"  # нарушение участником требований Порядка
    MARKING_OF_SHORT_ANSWERS = "marking_of_short_answers"  # неправильное оформление ответов


class AppealStatus(Enum):
    FILED = "filed"
    HEARING_SCHEDULED = "hearing_scheduled"
    NOT_ACCEPTED = "not_accepted"
    WITHDRAWN = "withdrawn"
    UPHELD = "upheld"  # удовлетворена
    REJECTED = "rejected"  # отклонена

    @property
    def is_open(self) -> bool:
        return self in (AppealStatus.FILED, AppealStatus.HEARING_SCHEDULED)


class Decision(Enum):
    UPHELD = "upheld"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Hearing:
    """When and where the commission hears the appeal; a link when held by videoconference."""

    starts_at: datetime  # aware UTC
    place: str | None
    videoconference_link: str | None

    def validated(self) -> Hearing:
        if self.starts_at.tzinfo is None:
            raise InvalidInput("hearing time must be an aware datetime (UTC)")
        place = (self.place or "").strip()
        link = (self.videoconference_link or "").strip()
        if not place and not link:
            raise InvalidInput("a hearing needs a place or a videoconference link")
        if link and not link.startswith("https://"):
            raise InvalidInput(f"videoconference link {link!r} must be an https:// address")
        return self


@dataclass(frozen=True)
class SealedHearing:
    """A scheduled hearing as `Appeal.HearingScheduled` v2 keeps it: the time in plain (the
    notice rule and the reports need it), the venue (place or videoconference link: a link
    may name the participant) sealed under the learner's data key as the JSON
    `{"place": …, "videoconference_link": …}` of the validated `Hearing`."""

    starts_at: datetime  # aware UTC
    venue: SealedText


@dataclass(frozen=True)
class OverdueAppeal:
    """A row of the overdue-decisions report."""

    appeal_id: UUID
    kind: AppealKind
    participation_id: UUID
    decision_due_on: date
    decided_on: date | None  # None: still undecided


class AppealFiledLate(RuleViolated):
    code = "appeal_filed_late"


class AppealFiledEarly(RuleViolated):
    code = "appeal_filed_early"


class AppealClosed(RuleViolated):
    code = "appeal_closed"


class NoticeTooShort(RuleViolated):
    code = "hearing_notice_too_short"


class DecisionNeedsOutcome(InvalidInput):
    code = "decision_needs_outcome"

