"""The olympiad through the ledger, on SQLite and PostgreSQL: refusals write nothing."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import pytest

from domain.envelope import Actor, BasisDocument, Role
from domain.errors import NotFound
from domain.olympiad import Olympiad
from domain.olympiad_values import (
    AppealOutcome,
    ImportedResult,
    NotAPastYear,
    ResultStatus,
    Stage,
    StageLevel,
    StageNotHeld,
)
from letopis.ledger import CommandContext, Ledger
from letopis.services.learners import LearnerService
from letopis.services.olympiads import OlympiadService
from letopis.services.organisations import OrganisationService
from tests.assertions import refused
from tests.integration.test_acceptance import details

SCHOOL, ANNA, BORIS, STRANGER = UUID(int=1), UUID(int=101), UUID(int=102), UUID(int=199)
YEAR, SUBJECT = "2026/2027", "Математика"
OLYMPIAD = Olympiad.stream_id(YEAR, SUBJECT)
STAGE = Stage(UUID(int=401), StageLevel.SCHOOL, "МОАУ СОШ № 1", date(2026, 10, 1), 50)
ORGANISER = Actor(user_id="organiser", role=Role.ADMINISTRATOR)
ORDER = BasisDocument(kind="order", number="01-21/900", dated=date(2026, 9, 1))


def ctx(command_id: str, on: date = date(2026, 9, 5)) -> CommandContext:
    return CommandContext(actor=ORGANISER, command_id=command_id, effective_on=on, basis=ORDER)


@pytest.fixture
def olympiads(ledger: Ledger) -> OlympiadService:
    OrganisationService(ledger).register(ctx("org"), SCHOOL, details(1))
    learners = LearnerService(ledger)
    for learner in (ANNA, BORIS):
        learners.register(ctx(f"learner-{learner.int}"), learner)
    service = OlympiadService(ledger)
    service.announce(ctx("announce"), YEAR, SUBJECT)
    service.plan_stage(ctx("plan"), OLYMPIAD, STAGE)
    for learner in (ANNA, BORIS):
        service.apply(ctx(f"apply-{learner.int}"), OLYMPIAD, learner, SCHOOL, 7)
    return service


def test_stage_results_appeal(ledger: Ledger, olympiads: OlympiadService) -> None:
    stage_id = STAGE.stage_id
    refused(ledger, StageNotHeld, lambda c: olympiads.record_result(
        ctx(c), OLYMPIAD, stage_id, ANNA, "30", ResultStatus.PRIZE_WINNER))
    refused(ledger, NotFound, lambda c: olympiads.apply(ctx(c), OLYMPIAD, STRANGER, SCHOOL, 7),
            match="learner")
    olympiads.hold_stage(ctx("hold", date(2026, 10, 2)), OLYMPIAD, stage_id, date(2026, 10, 1))
    olympiads.record_result(ctx("result"), OLYMPIAD, stage_id, ANNA, "30",
                            ResultStatus.PRIZE_WINNER)
    olympiads.request_results(ctx("see"), OLYMPIAD, stage_id, ANNA)
    olympiads.file_appeal(ctx("appeal"), OLYMPIAD, UUID(int=451), stage_id, ANNA, "задача 3")
    olympiads.decide_appeal(ctx("decide"), OLYMPIAD, UUID(int=451),
                            AppealOutcome.SCORE_CHANGED, "41", ResultStatus.WINNER)
    result = olympiads.olympiad(OLYMPIAD).result(stage_id, ANNA)
    assert (result.score, result.status, result.imported) == ("41", ResultStatus.WINNER, False)


def test_past_results_are_imported_once(ledger: Ledger, olympiads: OlympiadService) -> None:
    past = Stage(UUID(int=410), StageLevel.MUNICIPAL, "Оренбург", date(2024, 11, 20), 100)
    rows = (ImportedResult(ANNA, 5, "77", ResultStatus.WINNER),)
    refused(ledger, NotFound, lambda c: olympiads.import_results(
        ctx(c), "2024/2025", SUBJECT, past, date(2024, 11, 20),
        (ImportedResult(STRANGER, 5, "7", ResultStatus.PARTICIPANT),), "архив"))
    refused(ledger, NotAPastYear, lambda c: olympiads.import_results(
        ctx(c), YEAR, SUBJECT, past, date(2024, 11, 20), rows, "архив"))
    olympiads.import_results(ctx("import"), "2024/2025", SUBJECT, past, date(2024, 11, 20),
                             rows, "протокол муниципального этапа 2024 г.")
    imported = olympiads.olympiad(Olympiad.stream_id("2024/2025", SUBJECT))
    assert imported.result(past.stage_id, ANNA).imported
    count = ledger.store.count_events()
    olympiads.import_results(ctx("import"), "2024/2025", SUBJECT, past, date(2024, 11, 20),
                             rows, "протокол муниципального этапа 2024 г.")
    assert ledger.store.count_events() == count
