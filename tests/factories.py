"""Deterministic test data: a fixed clock and `Meta` envelopes built from it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

from domain.envelope import Actor, BasisDocument, Meta, Role
from domain.sealed import SealedText

RECORDED_AT = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
EFFECTIVE_ON = date(2026, 9, 1)
REGISTRAR = Actor(user_id="registrar-1", role=Role.REGISTRAR)
TEACHER = Actor(user_id="teacher-1", role=Role.TEACHER)
ORDER = BasisDocument(kind="order", number="15-к", dated=date(2026, 8, 30))  # приказ

_command_numbers = itertools.count(1)


def make_meta(*, recorded_at: datetime = RECORDED_AT, effective_on: date = EFFECTIVE_ON,
              command_id: str | None = None, basis: BasisDocument | None = ORDER,
              actor: Actor = REGISTRAR) -> Meta:
    """A `Meta` with fixed defaults; pass `basis=None` for a command without a basis order."""
    return Meta(recorded_at=recorded_at, effective_on=effective_on, actor=actor,
                command_id=command_id or f"cmd-{next(_command_numbers)}", basis=basis)


class MetaClock:
    """A fixed clock handing out metas whose `recorded_at` steps forward on every call."""

    def __init__(self, start: datetime = RECORDED_AT,
                 step: timedelta = timedelta(minutes=1)) -> None:
        self.now = start
        self.step = step
        self._numbers = itertools.count(1)

    def __call__(self, *, effective_on: date = EFFECTIVE_ON,
                 basis: BasisDocument | None = ORDER, actor: Actor = REGISTRAR) -> Meta:
        recorded_at, self.now = self.now, self.now + self.step
        return make_meta(recorded_at=recorded_at, effective_on=effective_on,
                         command_id=f"clock-cmd-{next(self._numbers)}", basis=basis, actor=actor)


def sealed(learner_id: UUID, field: str, text: str = "sealed in a test") -> SealedText:
    """A `SealedText` as the domain receives it. The domain never decrypts, so aggregate tests
    need no key: the "ciphertext" is an opaque marker, not real encryption."""
    return SealedText(learner_id, field, "test-sealed:" + text)
