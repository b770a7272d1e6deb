"""The checks `letopis import` runs over the whole file before writing anything.

See docs/import.md ("What is checked"). Each refusal names the line of the file.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from letopis.bulk.format import ImportRefused, Line
from letopis.bulk.marks import MARK_TOPIC, OPENED_TOPIC, Book, Books, MarkShapes
from letopis.bulk.target import Group, Target, digest
from letopis.catalogue import AGGREGATES
from letopis.ledger import Ledger


def known_topics() -> frozenset[str]:
    """Every event topic of every aggregate in the catalogue (creation events included)."""
    topics: set[str] = set()
    for aggregate in AGGREGATES:
        for name, member in vars(aggregate).items():
            if (inspect.isclass(member) and issubclass(member, Aggregate.Event)
                    and member is not Aggregate.Event and name != "Event"):
                topics.add(get_topic(member))
    return frozenset(topics)


@dataclass
class Checked:
    """What the check pass found: commands to skip (already recorded) and what is new."""

    skip: set[str] = field(default_factory=set)
    new_commands: int = 0
    new_events: int = 0
    streams: int = 0
    fast_marks: int = 0  # marks checked on the fast path (letopis/bulk/marks.py)
    deferred_streams: int = 0  # gradebooks that left it: replayed in full after the pass


class Checker:
    def __init__(self, ledger: Ledger, target: Target, *, track_ids: bool = True,
                 continues: bool = False) -> None:
        self.ledger = ledger
        self.target = target
        self.topics = known_topics()
        # Per stream, keyed by `UUID.int` (an int hashes in C; a UUID in Python, ~8 times
        # an event): its version so far, and its aggregate (or _FAST).
        self.heads: dict[int, int] = {}
        self.aggregates: dict[int, Any] = {}
        # command id -> first line; off when the caller checks repeats otherwise (groups.py)
        self.track_ids = track_ids
        self.seen: dict[str, int] = {}
        self.result = Checked()
        self.shapes = MarkShapes(ledger)
        self.books = Books()
        self.deferred: set[int] = set()
        # A range of the file after the first (letopis/bulk/parallel.py): a stream's first
        # event here may continue what an earlier range holds. Its versions are then checked
        # by the stitching, its events by `replay_deferred`.
        self.continues = continues
        self.firsts: dict[int, tuple[int, int]] = {}  # stream -> (line, version) first seen
        self.continued: dict[int, int] = {}  # stream -> its head in the store

    def check(self, groups: Iterable[Group], chunk: int = 2000) -> Checked:
        pending: list[Group] = []
        for group in groups:
            pending.append(group)
            if len(pending) >= chunk:
                self._check_chunk(pending)
                pending = []
        if pending:
            self._check_chunk(pending)
        self.result.streams = len(self.aggregates)
        return self.result

    def _check_chunk(self, groups: Sequence[Group]) -> None:
        recorded = self.target.recorded([g.command_id for g in groups])
        heads = self.heads
        unseen = {ln.stream_id.int: ln.stream_id for g in groups for ln in g.lines
                  if ln.stream_id.int not in heads}
        if unseen:
            found = self.target.heads(list(unseen.values()))
            for key, stream_id in unseen.items():
                heads[key] = found.get(stream_id, 0)
        for group in groups:
            self._check_group(group, recorded.get(group.command_id))

    def _check_group(self, group: Group, recorded_digest: str | None) -> None:
        first = group.lines[0].number
        if self.track_ids:
            if group.command_id in self.seen:
                raise ImportRefused(first, f"command id {group.command_id!r} appears twice in "
                                    f"the file (first at line {self.seen[group.command_id]})")
            self.seen[group.command_id] = first
        streams = _result_streams(first, group.result)
        if recorded_digest is not None:
            content = digest(group.result, ((ln.stream_id, ln.version, ln.topic, ln.state)
                                            for ln in group.lines))
            if content != recorded_digest:
                raise ImportRefused(first, f"command id {group.command_id!r} is already "
                                    "recorded in the store with different content")
            self.result.skip.add(group.command_id)
            return
        last: dict[str, int] = {}
        for line in group.lines:
            self._check_event(line)
            last[line.stream()] = line.version
        if streams != last and _canonical(streams) != last:
            raise ImportRefused(first, f"command {group.command_id!r}: command_result streams "
                                f"{streams} do not match its events {last}")
        self.result.new_commands += 1
        self.result.new_events += len(group.lines)
        self.target.stage(group)

    def _check_event(self, line: Line) -> None:
        n, stream, key = line.number, line.stream_id, line.stream_id.int
        if line.topic not in self.topics:
            raise ImportRefused(n, f"unknown topic {line.topic!r}")
        head = self.heads[key]
        if self.continues and key not in self.firsts:
            self.firsts[key] = (n, line.version)
            if line.version != head + 1:
                self.continued[key] = head
                self.heads[key] = line.version
                self.aggregates[key] = _CONTINUED
                self.deferred.add(key)
                return
        if line.version != head + 1:
            raise ImportRefused(n, version_refusal(stream, line.version, head))
        self.heads[key] = line.version
        aggregate = self.aggregates.get(key)
        if aggregate is _CONTINUED:
            return
        if aggregate is _FAST:  # a gradebook opened in this file (letopis/bulk/marks.py)
            book = self.books.get(key)
            if book is not None and line.topic == MARK_TOPIC and key not in self.deferred:
                why = self.shapes.check(line.state.decode(), book)
                if why is None:
                    self.result.fast_marks += 1
                    return
                if why != "shape":
                    raise ImportRefused(n, f"mark refused in gradebook {stream}: {why}")
            self.deferred.add(key)  # checked by `replay_deferred` after the pass
            return
        if aggregate is None and head > 0:
            aggregate = self.ledger.repository.get(stream)
        event = self._decode(line)
        self.aggregates[key] = self._apply(line, event, aggregate)
        if line.topic == OPENED_TOPIC and line.version == 1:
            self.books.open(key, event.academic_year)
            self.aggregates[key] = _FAST

    def _decode(self, line: Line) -> Any:
        try:
            return self.ledger.mapper.to_domain_event(StoredEvent(
                originator_id=line.stream_id, originator_version=line.version,
                topic=line.topic, state=line.state))
        except Exception as error:  # any decoding failure is the file's fault
            raise ImportRefused(line.number, f"state does not decode as {line.topic}: "
                                f"{_first_line(error)}") from None

    def _apply(self, line: Line, event: Any, aggregate: Any) -> Any:
        try:
            return event.mutate(aggregate)
        except Exception as error:
            raise ImportRefused(line.number, f"event does not apply to stream "
                                f"{line.stream_id}: {type(error).__name__} "
                                f"{_first_line(error)}") from None

    def replay_deferred(self, lines: Iterable[Line], store_heads: dict[int, int]) -> None:
        """Second pass, only for the streams that left the fast path (or continue an earlier
        range): `lines` holds at least every line of theirs, in file order. Each is replayed
        in full on its aggregate (from the store's when `store_heads` gives it one), with the
        fast path's guards on the marks of the recognised shapes and mark ids unique whatever
        the shape in gradebooks opened in the file."""
        if not self.deferred:
            return
        self.result.deferred_streams = len(self.deferred)
        books: dict[int, Book] = {}
        aggregates: dict[int, Any] = {}
        for line in lines:
            key = line.stream_id.int
            if key in self.deferred and line.command_id not in self.result.skip:
                if key not in aggregates and store_heads.get(key, 0) > 0:
                    aggregates[key] = self.ledger.repository.get(line.stream_id)
                self._replay(line, aggregates, books)

    def _replay(self, line: Line, aggregates: dict[int, Any], books: dict[int, Book]) -> None:
        event = self._decode(line)
        stream, key = line.stream_id, line.stream_id.int
        aggregates[key] = self._apply(line, event, aggregates.get(key))
        if line.topic == OPENED_TOPIC and line.version == 1:
            first, last = _bounds(event.academic_year)
            books[key] = Book(first, last)
            return
        book = books.get(key)
        if book is None:  # not a gradebook opened in the file: replayed only, as in the pass
            return
        if line.topic == MARK_TOPIC:
            why = self.shapes.check(line.state.decode(), book)
            if why is None:
                return
            if why != "shape":
                raise ImportRefused(line.number, f"mark refused in gradebook {stream}: {why}")
        mark_id = getattr(event, "mark_id", None)
        if isinstance(mark_id, UUID):
            if mark_id.hex in book.mark_ids:
                raise ImportRefused(line.number, f"mark refused in gradebook {stream}: mark id "
                                    f"{mark_id.hex} is already used in the gradebook")
            book.mark_ids.add(mark_id.hex)


def version_refusal(stream: UUID, version: int, head: int) -> str:
    what = "duplicates or precedes" if version <= head else "leaves a gap after"
    return (f"stream {stream} version {version} {what} version {head} "
            "(versions must continue the stream)")


_FAST = object()  # in Checker.aggregates: a gradebook on the fast path (no aggregate kept)
_CONTINUED = object()  # ... a stream continuing an earlier range (replayed after the pass)


def _bounds(academic_year: str) -> tuple[Any, Any]:
    from domain.academic_year import academic_year_bounds

    return academic_year_bounds(academic_year)


def _result_streams(number: int, result: str) -> dict[str, int]:
    try:
        streams = _loads(result)["streams"]
        if all(type(v) is int for v in streams.values()):
            return streams  # type: ignore[no-any-return]  # the common, canonical case
        return {str(UUID(k)): int(v) for k, v in streams.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ImportRefused(number, "command_result is not a ledger command result "
                            "(JSON with a 'streams' object)") from None


def _loads(text: str) -> Any:
    try:
        return orjson.loads(text)  # C speed: one command result per command
    except orjson.JSONDecodeError:  # what `json` accepts and orjson does not, or not JSON
        return json.loads(text)


def _canonical(streams: dict[str, int]) -> dict[str, int]:
    try:
        return {str(UUID(k)): int(v) for k, v in streams.items()}
    except (ValueError, TypeError):
        return streams


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
