"""Staff and olympiad commands for the projection rebuild property (its generated operations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

from domain.olympiad import Olympiad
from domain.olympiad_values import (
    AppealOutcome,
    ImportedResult,
    ResultStatus,
    Stage,
    StageLevel,
)
from domain.staff_values import AttestationCategory, AttestationOutcome, Position
from letopis.bootstrap import Services
from letopis.ledger import CommandContext

YEAR, SUBJECT = "2026/2027", "Математика"
STAGE = Stage(UUID(int=7001), StageLevel.SCHOOL, "школа", date(2026, 9, 1), 50)
OLYMPIAD = Olympiad.stream_id(YEAR, SUBJECT)


def _person(n: object) -> UUID:
    return UUID(int=300 + int(str(n)))


def _status(score: int) -> ResultStatus:
    return ResultStatus.WINNER if score > 25 else ResultStatus.PARTICIPANT


def _olympiad_ready(s: Services, ctx: Callable[..., CommandContext]) -> Olympiad:
    if not s.ledger.exists(OLYMPIAD):
        s.olympiads.announce(ctx(), YEAR, SUBJECT)
        s.olympiads.plan_stage(ctx(), OLYMPIAD, STAGE)
        s.olympiads.hold_stage(ctx(), OLYMPIAD, STAGE.stage_id, STAGE.planned_on)
    return s.olympiads.olympiad(OLYMPIAD)


def run_staff_or_olympiad(s: Services, ctx: Callable[..., CommandContext], n: int, name: str,
                          args: list[object]) -> None:
    """Run one generated operation; domain refusals propagate to the caller, which skips them."""
    if name == "hire":
        s.staff.hire(ctx(), UUID(int=int(str(args[1]))), _person(args[0]),
                     f"Учитель {args[0]}", Position("учитель", ("Математика",)))
    elif name == "leave":
        s.staff.leave(ctx(day=n), UUID(int=int(str(args[1]))), _person(args[0]), "уволен")
    elif name == "assign":
        s.staff.assign_class_teacher(ctx(), UUID(int=int(str(args[1]))), f"{args[2]}А", YEAR,
                                     _person(args[0]))
    elif name == "replace":
        s.staff.replace_class_teacher(ctx(), UUID(int=int(str(args[1]))), f"{args[2]}А", YEAR,
                                      _person(args[0]), "замена")
    elif name == "unassign":
        s.staff.unassign_class_teacher(ctx(), UUID(int=int(str(args[0]))), f"{args[1]}А",
                                       YEAR, "снят")
    elif name == "attest":
        application = UUID(int=8000 + n)
        s.staff.file_attestation(ctx(), application, UUID(int=int(str(args[1]))),
                                 _person(args[0]), AttestationCategory.FIRST)
        s.staff.assess_attestation(ctx(), application, "соответствует", True)
        s.staff.decide_attestation(ctx(), application, AttestationOutcome.GRANTED,
                                   date(2026, 9, 1), date(2030, 9, 1))
    elif name == "olympiad":
        learner, score = UUID(int=100 + int(str(args[0]))), int(str(args[1]))
        olympiad = _olympiad_ready(s, ctx)
        if learner not in olympiad.applicants:
            s.olympiads.apply(ctx(), OLYMPIAD, learner, UUID(int=1), 7)
        s.olympiads.record_result(ctx(), OLYMPIAD, STAGE.stage_id, learner, str(score),
                                  _status(score))
    elif name == "olympiad_import":
        learner, score = UUID(int=100 + int(str(args[0]))), int(str(args[1]))
        held_on = date(2024, 10, 1)
        past = Stage(UUID(int=7100 + n), StageLevel.MUNICIPAL, "Оренбург", held_on, 50)
        s.olympiads.import_results(
            ctx(), "2024/2025", SUBJECT, past, held_on,
            (ImportedResult(learner, 6, str(score), _status(score)),), "архив")
    elif name == "olympiad_appeal":
        learner, score = UUID(int=100 + int(str(args[0]))), int(str(args[1]))
        appeal = UUID(int=9500 + n)
        s.olympiads.file_appeal(ctx(), OLYMPIAD, appeal, STAGE.stage_id, learner, "не согласен")
        current = _olympiad_ready(s, ctx).result(STAGE.stage_id, learner)
        changed = (str(score), _status(score)) != (current.score, current.status)
        s.olympiads.decide_appeal(
            ctx(), OLYMPIAD, appeal,
            AppealOutcome.SCORE_CHANGED if changed else AppealOutcome.SCORE_UNCHANGED,
            str(score), _status(score))
