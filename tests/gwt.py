"""Given/when/then for aggregates.

    given(enrolled_learner).when(lambda l: l.leave(...)).then(Learner.Left, state=...)
    given(enrolled_learner).when(lambda l: l.enrol(...)).then_raises(AlreadyEnrolledInGeneral)

`given` takes an aggregate or a factory of one (or nothing, to test a creation command whose
lambda returns the new aggregate). Events the given aggregate already has pending are history:
only what the `when` command emits is checked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from eventsourcing.domain import Aggregate

from domain.errors import DomainError

A = TypeVar("A", bound=Aggregate)


@dataclass
class Outcome(Generic[A]):
    """What a successful command left: the aggregate and the events it emitted."""

    aggregate: A
    events: Sequence[Any]

    def event(self, index: int = -1) -> Any:
        return self.events[index]


class When(Generic[A]):
    def __init__(self, aggregate: A | None, command: Callable[[A], object]) -> None:
        self._aggregate = aggregate
        self._command = command

    def then(self, *event_types: type, state: Callable[[A], bool] | None = None) -> Outcome[A]:
        """Run the command; assert it emitted exactly `event_types`, in order, and `state` holds."""
        result = self._command(self._aggregate)  # type: ignore[arg-type]
        aggregate = result if isinstance(result, Aggregate) else self._aggregate
        assert aggregate is not None, "the command neither had nor returned an aggregate"
        events = aggregate.collect_events()
        emitted = [type(e).__qualname__ for e in events]
        expected = [t.__qualname__ for t in event_types]
        assert [type(e) for e in events] == list(event_types), (
            f"emitted {emitted}, expected {expected}"
        )
        if state is not None:
            assert state(aggregate), f"state predicate failed on {aggregate!r}"  # type: ignore[arg-type]
        return Outcome(aggregate, events)  # type: ignore[arg-type]

    def then_raises(self, error: type[DomainError], match: str | None = None) -> DomainError:
        """Run the command; assert it raised exactly `error` and left the aggregate untouched."""
        before = copy.deepcopy(self._aggregate)
        raised: DomainError | None = None
        try:
            self._command(self._aggregate)  # type: ignore[arg-type]
        except DomainError as exc:
            raised = exc
        assert raised is not None, f"expected {error.__name__}, but nothing was raised"
        assert type(raised) is error, (
            f"raised {type(raised).__name__} ({raised}), expected {error.__name__}"
        )
        assert raised.code == error.code
        if match is not None:
            assert re.search(match, str(raised)), f"{str(raised)!r} does not match {match!r}"
        if self._aggregate is not None:
            pending = self._aggregate.collect_events()
            assert not pending, (
                f"{error.__name__} was raised but events were emitted: "
                f"{[type(e).__qualname__ for e in pending]}"
            )
            assert self._aggregate == before, "the refused command changed the aggregate's state"
        return raised


class Given(Generic[A]):
    def __init__(self, aggregate: A | None) -> None:
        if aggregate is not None:
            aggregate.collect_events()  # history, not the subject of the test
        self._aggregate = aggregate

    def when(self, command: Callable[[A], object]) -> When[A]:
        return When(self._aggregate, command)


def given(source: A | Callable[[], A] | None = None) -> Given[A]:
    """Start from an aggregate, a factory of one, or nothing (for creation commands)."""
    if source is None or isinstance(source, Aggregate):
        return Given(source)
    return Given(source())
