"""The ledger application: the only write entry point. One recorder, one global sequence.

A command runs as: look up its command id (a repeat returns the first outcome and writes
nothing) → load aggregates → call domain methods (guards raise before any event exists) →
save all pending events atomically with the command outcome.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    ApplicationRecorder,
    DatetimeAsISO,
    DecimalAsStr,
    IntegrityError,
    JSONTranscoder,
    Transcoder,
    UUIDAsHex,
)
from eventsourcing.utils import get_topic

from domain.envelope import Actor, BasisDocument, Meta
from domain.errors import DomainError, NotFound, RuleViolated
from letopis import snapshots
from letopis.catalogue import VALUE_TYPES
from letopis.clock import Clock
from letopis.fast_transcoder import FastJSONTranscoder
from letopis.store.base import CommandOutcome, DuplicateCommand, LedgerRecorder
from letopis.transcodings import DateAsISO, register_value_types

A = TypeVar("A", bound=Aggregate)
_log = logging.getLogger(__name__)


def register_ledger_transcodings(transcoder: JSONTranscoder) -> None:
    """The library's transcodings (as `Application.register_transcodings`) and the domain's."""
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO(), DateAsISO()):
        transcoder.register(transcoding)
    register_value_types(transcoder, VALUE_TYPES)


def ledger_transcoder() -> FastJSONTranscoder:
    """The ledger's transcoder: the library's stored bytes, decoded several times faster."""
    transcoder = FastJSONTranscoder()
    register_ledger_transcodings(transcoder)
    return transcoder


class ConcurrencyConflict(DomainError):
    """Another command changed the same stream first; reload and retry."""

    code = "concurrency_conflict"


class VersionMismatch(DomainError):
    """The stream is not at the version the caller expected (If-Match)."""

    code = "version_mismatch"


class CommandIdReused(DomainError):
    """A command id was used before for a different command."""

    code = "command_id_reused"


@dataclass(frozen=True)
class CommandContext:
    """What a caller supplies with a command; the ledger adds `recorded_at` from its clock."""

    actor: Actor
    command_id: str
    effective_on: date
    basis: BasisDocument | None = None
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    source_system: str = "letopis"


class Ledger(Application[UUID]):
    """All aggregates of all domains, stored in one recorder with one global order."""

    name = "Letopis"
    env: ClassVar[dict[str, str]] = {"IS_SNAPSHOTTING_ENABLED": "n"}

    def __init__(self, recorder: LedgerRecorder, clock: Clock) -> None:
        self._ledger_recorder = recorder
        self.clock = clock
        super().__init__(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})

    def construct_recorder(self) -> ApplicationRecorder:
        return self._ledger_recorder

    @property
    def store(self) -> LedgerRecorder:
        return self._ledger_recorder

    def construct_transcoder(self) -> Transcoder:
        return ledger_transcoder()

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        register_ledger_transcodings(transcoder)

    # -- reading aggregates ---------------------------------------------------------------------

    def load(self, cls: type[A], aggregate_id: UUID, what: str, version: int | None = None) -> A:
        """Load an aggregate of `cls`, or raise NotFound naming `what` (e.g. "learner").
        The current state of a class with a snapshot codec is read from its snapshot and the
        events after it (`load_many`); any other, or an earlier version, from all its events."""
        if version is None and cls in snapshots.CODECS:
            aggregate: object = self.load_many([aggregate_id]).get(aggregate_id)
            if aggregate is None:
                raise NotFound(f"{what} {aggregate_id} is not in the ledger")
            if not isinstance(aggregate, cls):
                raise NotFound(f"{aggregate_id} is not a {what}")
            return aggregate
        try:
            aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise NotFound(f"{what} {aggregate_id} is not in the ledger") from None
        if not isinstance(aggregate, cls):
            raise NotFound(f"{aggregate_id} is not a {what}")
        return aggregate

    def load_many(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Aggregate]:
        """The current state of many aggregates, read with one query for many streams
        (unknown ids are absent): from a stream's snapshot (letopis/snapshots.py) and the events
        after it, or from all its events. Each aggregate's version still guards its save."""
        with _gc_paused():
            return self._load_many(aggregate_ids)

    def _load_many(self, aggregate_ids: Iterable[UUID]) -> dict[UUID, Aggregate]:
        to_domain_event = self.mapper.to_domain_event
        loaded: dict[UUID, Aggregate] = {}
        replay: list[UUID] = []
        for stream_id, (snapshot, stored) in self.store.select_from_snapshots(
                list(aggregate_ids)).items():
            aggregate: Any = None
            if snapshot is not None:
                aggregate = snapshots.restore(snapshot)
                if aggregate is None:  # a format this code does not read: replay in full
                    replay.append(stream_id)
                    continue
            for event in map(to_domain_event, stored):
                aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
            loaded[stream_id] = aggregate
        for stream_id, stored in self.store.select_streams(replay).items():
            aggregate = None
            for event in map(to_domain_event, stored):
                aggregate = event.mutate(aggregate)  # type: ignore[attr-defined]
            loaded[stream_id] = aggregate
        return loaded

    def take_snapshots(self, aggregate_ids: Iterable[UUID], batch: int = 2_000) -> int:
        """Store a snapshot of each of `aggregate_ids` whose class has a snapshot codec (at its
        current version); returns how many were stored. Safe to run at any time: a snapshot
        only saves reading the events before it."""
        ids, taken = list(dict.fromkeys(aggregate_ids)), 0
        for start in range(0, len(ids), batch):
            rows = [row for row in map(snapshots.take,
                                       self.load_many(ids[start:start + batch]).values())
                    if row is not None]
            self.store.put_snapshots(rows)
            taken += len(rows)
        return taken

    def take_all_snapshots(self, batch: int = 2_000) -> int:
        """A snapshot of every stream whose class has a codec (the nightly job, `letopis
        snapshots take`): the streams are found by their first event's topic, in global
        order, and snapshotted `batch` at a time; returns how many were stored."""
        topics = [get_topic(started) for started in snapshots.STARTED_BY.values()]
        taken, ids, after = 0, list[UUID](), 0
        while True:
            page = self.store.select_notifications(after + 1, batch, topics=topics)
            ids += [UUID(str(n.originator_id)) for n in page if n.originator_version == 1]
            if len(ids) >= batch or not page:
                taken += self.take_snapshots(ids, batch) if ids else 0
                ids = []
            if not page:
                return taken
            after = page[-1].id

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.store.select_events(aggregate_id, limit=1))

    # -- running commands -----------------------------------------------------------------------

    def meta(self, context: CommandContext) -> Meta:
        return Meta(
            recorded_at=self.clock(),
            effective_on=context.effective_on,
            actor=context.actor,
            command_id=context.command_id,
            basis=context.basis,
            correlation_id=context.correlation_id,
            causation_id=context.causation_id,
            source_system=context.source_system,
        )

    def execute(
        self,
        context: CommandContext,
        command: str,
        payload: dict[str, Any],
        action: Callable[[Meta], Iterable[Aggregate]],
        *,
        expected_versions: dict[UUID, int] | None = None,
    ) -> CommandOutcome:
        """Run `action` once per command id and save what it changed, atomically."""
        fingerprint = _fingerprint(command, payload)
        first = self.store.command_outcome(context.command_id)
        if first is not None:
            return _repeat(first, fingerprint)
        with _gc_paused():
            return self._execute(context, command, fingerprint, action, expected_versions)

    def _execute(self, context: CommandContext, command: str, fingerprint: str,
                 action: Callable[[Meta], Iterable[Aggregate]],
                 expected_versions: dict[UUID, int] | None) -> CommandOutcome:
        meta = self.meta(context)
        aggregates = [a for a in action(meta) if a is not None]
        for aggregate_id, expected in (expected_versions or {}).items():
            _check_expected(aggregates, aggregate_id, expected)
        pending = [(a, len(a.pending_events)) for a in aggregates if a.pending_events]
        if not pending:
            raise RuleViolated(f"command {command} changed nothing")
        streams = {str(a.id): a.version for a, _ in pending}
        data = {"command": command, "fingerprint": fingerprint}
        result = json.dumps({"streams": streams, "data": data}, sort_keys=True)
        try:
            positions = self._append([a for a, _ in pending], command_id=context.command_id,
                                     command_result=result)
        except DuplicateCommand:
            again = self.store.command_outcome(context.command_id)
            assert again is not None
            return _repeat(again, fingerprint)
        except IntegrityError:
            names = ", ".join(streams)
            raise ConcurrencyConflict(
                f"stream {names} was changed by another command while {command} ran; "
                "reload and retry"
            ) from None
        return CommandOutcome(context.command_id, streams, tuple(positions), data)

    def _append(self, aggregates: Sequence[Aggregate], **kwargs: Any) -> Sequence[int]:
        """Store the pending events of `aggregates` in one append; returns their positions.
        What `Application.save` does for us (same mapper, same stored bytes, one recorder call)
        without its per-save bookkeeping: no snapshots by interval, no aggregate cache, no
        `notify` hooks (the ledger uses none of them). A stream of a class in
        `snapshots.AUTOMATIC` whose version passes a multiple of its interval gets a snapshot
        right after the append (encoded before it, so a codec error stores nothing)."""
        to_stored_event = self.mapper.to_stored_event
        due = [a for a in aggregates if _snapshot_due(a)]
        stored = [to_stored_event(e) for a in aggregates for e in a.collect_events()]
        taken = [row for row in map(snapshots.take, due) if row is not None]
        positions = self.store.insert_events(stored, **kwargs)
        assert positions is not None
        assert len(positions) == len(stored)
        if taken:
            try:
                self.store.put_snapshots(taken)
            except Exception:  # a cache: the events are stored; reads start from an older one
                _log.warning("snapshot of %s not stored", [str(r.originator_id) for r in taken],
                             exc_info=True)
        return positions


def _snapshot_due(aggregate: Aggregate) -> bool:
    """Whether saving `aggregate` takes its version past a multiple of its class's interval."""
    every = snapshots.AUTOMATIC.get(type(aggregate))
    if every is None or not aggregate.pending_events:
        return False
    return aggregate.version // every > (aggregate.version - len(aggregate.pending_events)) // every



@contextmanager
def _gc_paused() -> Iterator[None]:
    """Bulk reads and batched commands allocate many objects and few reference cycles: the
    cyclic collector running meanwhile (it runs every few hundred allocations) costs up to half
    of their CPU time and frees little. Cycles made meanwhile are collected afterwards."""
    if not gc.isenabled():  # paused already (nested, or by another thread): leave it so
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _fingerprint(command: str, payload: dict[str, Any]) -> str:
    text = json.dumps({"command": command, "payload": payload}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _repeat(first: CommandOutcome, fingerprint: str) -> CommandOutcome:
    if first.data.get("fingerprint") != fingerprint:
        raise CommandIdReused(
            f"command id {first.command_id!r} was already used for a different "
            f"{first.data.get('command', 'command')}; use a new command id"
        )
    return first


def _check_expected(aggregates: Sequence[Aggregate], aggregate_id: UUID, expected: int) -> None:
    for aggregate in aggregates:
        if aggregate.id == aggregate_id:
            before = aggregate.version - len(aggregate.pending_events)
            if before != expected:
                raise VersionMismatch(
                    f"stream {aggregate_id} is at version {before}, not {expected}"
                )
