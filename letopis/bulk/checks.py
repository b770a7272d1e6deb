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

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import StoredEvent
from eventsourcing.utils import get_topic

from letopis.bulk.format import ImportRefused
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


class Checker:
    def __init__(self, ledger: Ledger, target: Target) -> None:
        self.ledger = ledger
        self.target = target
        self.topics = known_topics()
        self.heads: dict[UUID, int] = {}
        self.aggregates: dict[UUID, Any] = {}
        self.seen: dict[str, int] = {}  # command id -> first line
        self.result = Checked()

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
        unseen = list({ln.stream_id for g in groups for ln in g.lines} - self.heads.keys())
        if unseen:
            found = self.target.heads(unseen)
            for stream_id in unseen:
                self.heads[stream_id] = found.get(stream_id, 0)
        for group in groups:
            self._check_group(group, recorded.get(group.command_id))

    def _check_group(self, group: Group, recorded_digest: str | None) -> None:
        first = group.lines[0].number
        if group.command_id in self.seen:
            raise ImportRefused(first, f"command id {group.command_id!r} appears twice in the "
                                f"file (first at line {self.seen[group.command_id]})")
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
            last[str(line.stream_id)] = line.version
        if streams != last and _canonical(streams) != last:
            raise ImportRefused(first, f"command {group.command_id!r}: command_result streams "
                                f"{streams} do not match its events {last}")
        self.result.new_commands += 1
        self.result.new_events += len(group.lines)
        self.target.stage(group)

    def _check_event(self, line: Any) -> None:
        n = line.number
        if line.topic not in self.topics:
            raise ImportRefused(n, f"unknown topic {line.topic!r}")
        head = self.heads[line.stream_id]
        if line.version != head + 1:
            what = "duplicates or precedes" if line.version <= head else "leaves a gap after"
            raise ImportRefused(n, f"stream {line.stream_id} version {line.version} {what} "
                                f"version {head} (versions must continue the stream)")
        try:
            event: Any = self.ledger.mapper.to_domain_event(StoredEvent(
                originator_id=line.stream_id, originator_version=line.version,
                topic=line.topic, state=line.state))
        except Exception as error:  # any decoding failure is the file's fault
            raise ImportRefused(n, f"state does not decode as {line.topic}: "
                                f"{_first_line(error)}") from None
        aggregate = self.aggregates.get(line.stream_id)
        if aggregate is None and head > 0:
            aggregate = self.ledger.repository.get(line.stream_id)
        try:
            self.aggregates[line.stream_id] = event.mutate(aggregate)
        except Exception as error:
            raise ImportRefused(n, f"event does not apply to stream {line.stream_id}: "
                                f"{type(error).__name__} {_first_line(error)}") from None
        self.heads[line.stream_id] = line.version


def _result_streams(number: int, result: str) -> dict[str, int]:
    try:
        streams = json.loads(result)["streams"]
        if all(type(v) is int for v in streams.values()):
            return streams  # type: ignore[no-any-return]  # the common, canonical case
        return {str(UUID(k)): int(v) for k, v in streams.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ImportRefused(number, "command_result is not a ledger command result "
                            "(JSON with a 'streams' object)") from None


def _canonical(streams: dict[str, int]) -> dict[str, int]:
    try:
        return {str(UUID(k)): int(v) for k, v in streams.items()}
    except (ValueError, TypeError):
        return streams


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else ""
