"""Raw events: the light view of a stored event, for projections that fold the stored JSON.

Building a domain event costs more than most folds do with it: every UUID, date, enum and value
object of the event is made an object, and a fold then reads a few of them. A projection that
declares `raw=True` is given instead a `RawEvent`: the stored JSON parsed into plain dicts (at
C speed, by orjson), the envelope's ids, and the topic of the event's current class. Tagged
values stay as stored: `{"_type_": "uuid_hex", "_data_": "…"}`, `{"_type_": "letopis.Account",
"_data_": {…}}`; the folds read the `_data_` they need.

Old versions: the folds read the current shape only. A stored event whose `class_version` is
not its class's current one is read through the mapper (which upcasts it) and encoded again,
as it would be stored today, then parsed like any other. The mapper's cipher and compressor,
if any, are applied before parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from letopis.stored_json import META_CACHE_LIMIT, META_MARK, META_START, split_envelope
from letopis.stored_json import loads as parse

# The envelope every Letopis event ends with (`Meta`, its last field) is parsed once per
# distinct text and shared, as `FastJSONTranscoder` does (letopis/stored_json.py).
_loads = orjson.loads


@dataclass(slots=True)
class RawEvent:
    """A stored event as a raw fold sees it; `state` must not be changed by a fold."""

    topic: str  # the topic of the event's class as it is named now (renamed topics resolved)
    originator_id: UUID
    originator_version: int
    position: int  # the global position; 0 outside the engine (the in-memory reference)
    state: dict[str, Any]  # the stored JSON, parsed; without `class_version`

    @property
    def timestamp(self) -> str:
        """When the event was recorded, ISO 8601 as stored."""
        return str(self.state["timestamp"]["_data_"])


class RawReader:
    """Reads stored events (or notifications) into `RawEvent`s, upcasting through the mapper."""

    def __init__(self, mapper: Mapper[UUID]) -> None:
        self.mapper = mapper
        self._topics: dict[str, tuple[str, int]] = {}  # stored topic: (current topic, version)
        self.upcast = 0  # events read through the mapper (an old version)
        self._metas: dict[bytes, Any] = {}
        self._coded = bool(mapper.cipher or mapper.compressor)  # stored bytes are not JSON

    def _topic(self, stored: str) -> tuple[str, int]:
        cls = resolve_topic(stored)
        found = self._topics[stored] = (get_topic(cls), getattr(cls, "class_version", 1))
        return found

    def _bytes(self, data: bytes) -> bytes:
        if self.mapper.cipher:
            data = self.mapper.cipher.decrypt(data)
        if self.mapper.compressor:
            data = self.mapper.compressor.decompress(data)
        return data

    def read(self, stored: StoredEvent, position: int = 0) -> RawEvent:
        topic, version = self._topics.get(stored.topic) or self._topic(stored.topic)
        state = self._parse(self._bytes(stored.state) if self._coded else stored.state)
        if state.pop("class_version", 1) != version:
            state = current_state(self.mapper.to_domain_event(stored), self.mapper.transcoder)
            self.upcast += 1
        originator_id = stored.originator_id
        if type(originator_id) is not UUID:  # a recorder that gives ids as text
            originator_id = UUID(str(originator_id))
        return RawEvent(topic, originator_id, stored.originator_version, position, state)

    def read_rows(self, rows: Sequence[Sequence[Any]], topics: tuple[str, ...] = ()
                  ) -> list[tuple[int, RawEvent]]:
        """`(position, read(…))` of each selected row `(…, position, originator id, version,
        topic, state)` whose stored topic starts with one of `topics` (every row if none): a
        page read in one loop, without a `Notification` per event (the GIL-bound part of a
        catch-up)."""
        events: list[tuple[int, RawEvent]] = []
        append, known, parse = events.append, self._topics.get, self._parse
        coded, metas = self._coded, self._metas
        for row in rows:
            stored_topic = row[4]
            if topics and not stored_topic.startswith(topics):
                continue
            topic, version = known(stored_topic) or self._topic(stored_topic)
            data = self._bytes(row[5]) if coded else row[5]
            # `parse(data)`, inline for the usual case: the envelope last, seen before
            cut = data.rfind(META_MARK)
            meta = metas.get(data[cut + META_START:-1]) if cut > 0 else None
            if meta is not None and data.endswith(b"}}}"):
                try:
                    state = _loads(data[:cut] + b"}")
                except orjson.JSONDecodeError:
                    state = parse(data)
                else:
                    state["meta"] = meta
            else:
                state = parse(data)
            originator_id, position = row[2], row[1]
            if state.pop("class_version", 1) != version:
                stored = StoredEvent(originator_id, row[3], stored_topic, bytes(row[5]))
                state = current_state(self.mapper.to_domain_event(stored),
                                      self.mapper.transcoder)
                self.upcast += 1
            if type(originator_id) is not UUID:  # a recorder that gives ids as text
                originator_id = UUID(str(originator_id))
            append((position, RawEvent(topic, originator_id, row[3], position, state)))
        return events

    def _parse(self, data: bytes) -> dict[str, Any]:
        """`parse`, with the envelope parsed once per distinct text and shared (read-only)."""
        parts = split_envelope(data)
        if parts is not None:
            head, envelope = parts
            try:
                meta = self._metas.get(envelope)
                if meta is None:
                    if len(self._metas) >= META_CACHE_LIMIT:
                        self._metas.clear()
                    meta = self._metas[envelope] = _loads(envelope)
                state: dict[str, Any] = _loads(head)
            except orjson.JSONDecodeError:
                pass  # not the last field of the event after all: parse it whole
            else:
                state["meta"] = meta
                return state
        whole: dict[str, Any] = parse(data)
        return whole


def current_state(event: DomainEventProtocol[Any], transcoder: Any) -> dict[str, Any]:
    """The parsed JSON of a domain event as the mapper would store it now."""
    state = dict(vars(event))
    del state["originator_id"], state["originator_version"]
    encoded: dict[str, Any] = parse(transcoder.encode(state))
    return encoded


_TRANSCODER: list[JSONTranscoder] = []


def view_of(event: DomainEventProtocol[Any] | RawEvent,
            transcoder: JSONTranscoder | None = None) -> RawEvent:
    """The raw view of a domain event (as the engine would read it once stored): how the
    in-memory reference and the tests give raw projections their events."""
    if isinstance(event, RawEvent):
        return event
    if transcoder is None:
        if not _TRANSCODER:
            from letopis.ledger import ledger_transcoder  # the composition root's transcodings
            _TRANSCODER.append(ledger_transcoder())
        transcoder = _TRANSCODER[0]
    return RawEvent(get_topic(type(event)), event.originator_id, event.originator_version, 0,
                    current_state(event, transcoder))
