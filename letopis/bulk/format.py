"""The NDJSON line format shared by `letopis dump-events` and `letopis import`.

One line = one stored event with its envelope as the store keeps it:

    {"command_id": "...", "command_result": "{...}", "stream_id": "<uuid>", "version": 3,
     "topic": "domain.learner:Learner.Enrolled", "state": "<the stored state, JSON text>"}

Consecutive lines with the same `command_id` are one command (one group); the first line of a
group carries `command_result` (the JSON text the ledger stored for the command, without
positions), later lines of the group may omit it.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple
from uuid import UUID


class ImportRefused(ValueError):
    """The file cannot be imported; nothing was written."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line
        self.reason = message


class Line(NamedTuple):  # a tuple: ~3x cheaper to build than a frozen dataclass, per event
    number: int
    command_id: str
    command_result: str | None
    stream_id: UUID
    version: int
    topic: str
    state: bytes
    stream_text: str = ""  # str(stream_id) when known (the canonical text of the UUID)

    def stream(self) -> str:
        """The stream id as canonical text."""
        return self.stream_text or str(self.stream_id)


class StreamIds:
    """Stream id text -> (UUID, canonical text), for the rows of a file: a stream's rows come
    together, so most rows find theirs without parsing it again."""

    def __init__(self, limit: int = 100_000) -> None:
        self.limit = limit
        self.found: dict[str, tuple[UUID, str]] = {}

    def get(self, number: int, text: str) -> tuple[UUID, str]:
        found = self.found.get(text)
        if found is None:
            try:
                stream = UUID(text)
            except ValueError:
                raise ImportRefused(number, f"stream_id {text!r} is not a UUID") from None
            if len(self.found) >= self.limit:
                self.found.clear()
            found = self.found[text] = (stream, str(stream))
        return found


def parse_line(number: int, text: str | bytes) -> Line:
    """One NDJSON line, checked for shape; raises ImportRefused naming the line."""
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(number, f"not JSON ({error.msg})") from None
    except ValueError:
        raise ImportRefused(number, "not UTF-8 JSON") from None
    if not isinstance(raw, dict):
        raise ImportRefused(number, "expected a JSON object")
    return parse_fields(number, raw.get("command_id"), raw.get("command_result"),
                        raw.get("stream_id"), raw.get("version"), raw.get("topic"),
                        raw.get("state"))


def parse_fields(number: int, command_id: object, result: object, stream_id: object,
                 version: object, topic: object, state: object,
                 stream_ids: StreamIds | None = None) -> Line:
    """One row (NDJSON line or Parquet row), checked for shape; raises ImportRefused."""
    if (type(command_id) is str and type(stream_id) is str and type(topic) is str
            and type(state) is str and type(version) is int and command_id and topic
            and state and (result is None or type(result) is str) and version >= 1
            and stream_ids is not None):  # the common case, without the messages
        stream, text = stream_ids.get(number, stream_id)
        return Line(number, command_id, result, stream, version, topic,
                    state.encode(), text)
    for name, value, kind in (("command_id", command_id, str), ("stream_id", stream_id, str),
                              ("topic", topic, str), ("state", state, str),
                              ("version", version, int)):
        if not isinstance(value, kind) or isinstance(value, bool) or value == "":
            raise ImportRefused(number, f"field {name!r} missing or not a {kind.__name__}")
    if result is not None and not isinstance(result, str):
        raise ImportRefused(number, "field 'command_result' must be JSON text")
    assert isinstance(stream_id, str)  # checked above
    assert isinstance(version, int)
    assert isinstance(state, str)
    try:
        stream = UUID(stream_id)
    except ValueError:
        raise ImportRefused(number, f"stream_id {stream_id!r} is not a UUID") from None
    if version < 1:
        raise ImportRefused(number, f"version {version} is below 1")
    return Line(number, command_id, result, stream, version, topic,  # type: ignore[arg-type]
                state.encode())


def format_line(command_id: str, command_result: str | None, stream_id: UUID, version: int,
                topic: str, state: bytes) -> str:
    line: dict[str, Any] = {"command_id": command_id}
    if command_result is not None:
        line["command_result"] = command_result
    line.update(stream_id=str(stream_id), version=version, topic=topic,
                state=state.decode())
    return json.dumps(line, separators=(",", ":"))


def strip_positions(result: str) -> str:
    """The command result as the ledger sent it (SQLite keeps positions inside it)."""
    stored = json.loads(result)
    stored.pop("positions", None)
    return json.dumps(stored, sort_keys=True)
