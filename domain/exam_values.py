"""Values and errors of the state final attestation (ГИА): exam kinds, scores."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from domain.errors import InvalidInput, NotFound, RuleViolated


class ExamKind(Enum):
    OGE = "oge"  # ОГЭ, основной государственный экзамен (ГИА-9)
    EGE = "ege"  # ЕГЭ, единый государственный экзамен (ГИА-11)
    GVE = "gve"  # ГВЭ, государственный выпускной экзамен (ГИА-9 and ГИА-11)

    @property
    def has_mark_by_default(self) -> bool:
        """ОГЭ and ГВЭ are marked on the five-point scale; ЕГЭ gives a test score instead."""
        return self is not ExamKind.EGE

    @property
    def has_test_score(self) -> bool:
        """Only ЕГЭ converts the primary score to a 100-point test score."""
        return self is ExamKind.EGE


@dataclass(frozen=True)
class ExamScore:
    """A participant's result: primary score, test score (ЕГЭ), mark (where the exam has one)."""

    primary: int
    test: int | None = None
    mark: int | None = None


class InvalidScore(InvalidInput):
    code = "invalid_score"


class ExamNotFound(NotFound):
    code = "exam_not_found"


class ParticipantNotRegistered(NotFound):
    code = "participant_not_registered"


class AlreadyRegistered(RuleViolated):
    code = "participant_already_registered"


class ResultsDayAlreadyPublished(RuleViolated):
    code = "results_day_already_published"


class ResultAlreadyRecorded(RuleViolated):
    code = "result_already_recorded"


class NoResult(RuleViolated):
    code = "no_result"


class ResultIsAnnulled(RuleViolated):
    code = "result_annulled"


class NotAReserveDay(RuleViolated):
    code = "not_a_reserve_day"


class AppealAlreadyLodged(RuleViolated):
    code = "appeal_already_lodged"


class ScoreUnchanged(InvalidInput):
    code = "score_unchanged"


def check_score(score: ExamScore, *, kind: ExamKind, max_primary: int, has_mark: bool) -> None:
    """Guard: the score fits the exam (ranges, and which parts it has)."""
    if not 0 <= score.primary <= max_primary:
        raise InvalidScore(f"primary score {score.primary} is outside 0..{max_primary}")
    if kind.has_test_score:
        if score.test is None or not 0 <= score.test <= 100:
            raise InvalidScore(f"ЕГЭ needs a test score in 0..100, got {score.test}")
    elif score.test is not None:
        raise InvalidScore(f"{kind.name} has no test score")
    if has_mark:
        if score.mark is None or not 2 <= score.mark <= 5:
            raise InvalidScore(f"the exam is marked 2..5, got {score.mark}")
    elif score.mark is not None:
        raise InvalidScore("this exam has no mark, only scores")

