"""Random appeal lifecycles: closed appeals stay closed, deadlines hold, rebuild equals live."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Any
from uuid import UUID

from hypothesis import event
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.appeal import EXPLANATION, HEARING_VENUE, Appeal
from domain.appeal_values import (
    AppealKind,
    AppealStatus,
    Decision,
    NotAcceptedReason,
    SealedHearing,
)
from domain.calendar_ru import RUSSIA
from domain.errors import DomainError
from domain.sealed import SealedText
from tests.exam_builders import (
    CHAIR,
    MEMBER,
    PARTICIPANT,
    STRANGER,
    appeal_commission,
    filed,
    published,
    with_result,
)
from tests.factories import make_meta, sealed

RESULTS_DAY = date(2026, 4, 30)  # before the May holidays
days = st.dates(date(2026, 4, 30), date(2026, 6, 30))
deciders = st.lists(st.sampled_from([CHAIR.member_id, MEMBER.member_id, STRANGER]),
                    min_size=0, max_size=3).map(tuple)
CLOSED = {AppealStatus.NOT_ACCEPTED, AppealStatus.WITHDRAWN, AppealStatus.UPHELD,
          AppealStatus.REJECTED}


def fold(events: list[Any]) -> Appeal | None:
    appeal: Appeal | None = None
    for stored in events:
        appeal = stored.mutate(appeal)
    return appeal


class AppealMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        exam = published(RESULTS_DAY, exam_on=date(2026, 4, 10))
        self.appeal = filed(AppealKind.SCORE_DISAGREEMENT, exam, with_result(exam),
                            date(2026, 5, 5))
        self.events: list[Any] = list(self.appeal.collect_events())
        self.closed_by: str | None = None

    def run(self, command: Callable[[Appeal], None]) -> bool:
        before = copy.deepcopy(self.appeal)
        try:
            command(self.appeal)
        except DomainError as refusal:
            event(f"refused: {type(refusal).__name__}")
            assert self.appeal.collect_events() == []
            assert self.appeal == before
            return False
        emitted = self.appeal.collect_events()
        assert len(emitted) == 1
        event(f"emitted: {type(emitted[0]).__name__}")
        assert self.closed_by is None, f"a {self.closed_by} appeal accepted a command"
        self.events.extend(emitted)
        return True

    @rule(notified_on=days, hearing_on=days, by_video=st.booleans())
    def schedule_hearing(self, notified_on: date, hearing_on: date, by_video: bool) -> None:
        # The venue (a place or a link) comes sealed; the domain sees only the time.
        hearing = SealedHearing(datetime.combine(hearing_on, time(10), tzinfo=UTC),
                                sealed(PARTICIPANT, HEARING_VENUE, "link" if by_video else "РЦОИ"))
        if self.run(lambda a: a.schedule_hearing(hearing=hearing, calendar=RUSSIA,
                                                 meta=make_meta(effective_on=notified_on))):
            assert RUSSIA.working_days_between(notified_on, hearing_on) >= 1

    @rule(on=days, decision=st.sampled_from(Decision), who=deciders)
    def decide(self, on: date, decision: Decision, who: tuple[UUID, ...]) -> None:
        if self.run(lambda a: a.decide(decision=decision, commission=appeal_commission(),
                                       deciders=who, meta=make_meta(effective_on=on))):
            assert who
            assert STRANGER not in who
            self.closed_by = "decided"

    @rule(on=days)
    def withdraw(self, on: date) -> None:
        if self.run(lambda a: a.withdraw(meta=make_meta(effective_on=on))):
            self.closed_by = "withdrawn"

    @rule(reason=st.sampled_from(NotAcceptedReason),
          explanation=st.sampled_from(["КИМ", sealed(PARTICIPANT, EXPLANATION, "КИМ")]))
    def not_accept(self, reason: NotAcceptedReason, explanation: SealedText | str) -> None:
        if self.run(lambda a: a.not_accept(reason=reason, explanation=explanation,
                                           meta=make_meta())):
            assert isinstance(explanation, SealedText)  # plain text is always refused
            self.closed_by = "not accepted"

    @invariant()
    def status_matches_the_model(self) -> None:
        assert (self.appeal.status in CLOSED) == (self.closed_by is not None)

    @invariant()
    def deadline_is_a_stored_working_day(self) -> None:
        assert self.appeal.decision_due_on == date(2026, 5, 12)
        assert RUSSIA.is_working_day(self.appeal.decision_due_on)

    @invariant()
    def rebuild_equals_live(self) -> None:
        rebuilt = fold(self.events)
        assert rebuilt is not None
        assert rebuilt.__dict__ == self.appeal.__dict__


TestAppealMachine = AppealMachine.TestCase
