"""A faster reader of the same stored bytes: one C-level JSON parse, then a type-directed walk.

The library's `JSONTranscoder` decodes with an `object_hook` that runs Python code for every
JSON object (every UUID, datetime, enum and envelope field is one), then calls the transcoding.
This transcoder writes exactly the same bytes and reads them back to the same objects:

- the bytes are parsed without a hook into plain dicts at C speed, by `orjson` (2-3x the speed
  of `json.loads` on events); anything it refuses (an integer past 64 bits, a lone surrogate)
  is parsed again by `json.loads`, so the same bytes give the same values;
- a walk then rebuilds only the tagged values (`{"_type_": name, "_data_": …}`), with decoders
  specialised per name: enum members come from their value map, UUIDs are built from their int,
  dataclasses of `letopis.transcodings.DataclassAsDict` from a cached field plan, and small
  caches keep the UUIDs, dates and datetimes that repeat across events, and frozen dataclasses
  made only of scalars (an `Account`, a `MonthAmount`) are built once per distinct stored form;
- the envelope (`meta`, the last field of every event) is decoded once per distinct text: the
  events of one command share it byte for byte, and a `Meta` is immutable.

Anything unexpected falls back to the library's decoder, so stored bytes stay readable as
before; upcasting (`class_version`) runs afterwards in the mapper, unchanged.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from json.encoder import encode_basestring
from typing import Any
from uuid import UUID, SafeUUID

from eventsourcing.persistence import (
    DatetimeAsISO,
    JSONTranscoder,
    Transcoding,
    TranscodingNotRegisteredError,
    UUIDAsHex,
)

from letopis.fast_encoder import FragmentEncoder, Unsupported
from letopis.stored_json import META_CACHE_LIMIT, split_envelope
from letopis.stored_json import loads as _loads
from letopis.transcodings import DataclassAsDict, DateAsISO, EnumAsValue

_CACHE_LIMIT = 50_000
_SHARE_TRIAL = 1_000  # values of a class decoded before deciding whether sharing pays
_set = object.__setattr__

_UNKNOWN = SafeUUID.unknown

Decoder = Callable[[Any], Any]
_MISSING = object()


def _cached(build: Callable[[str], Any]) -> Decoder:
    cache: dict[str, Any] = {}

    def decode(text: Any) -> Any:
        try:
            value = cache.get(text, _MISSING)  # most ids and timestamps miss: no KeyError
        except TypeError:  # not hashable: not ours, let the builder complain
            return build(text)
        if value is not _MISSING:
            return value
        if len(cache) >= _CACHE_LIMIT:
            cache.clear()
        value = cache[text] = build(text)
        return value

    return decode


def _uuid(text: str) -> UUID:
    if type(text) is not str or len(text) != 32:
        return UUID(text)
    value = object.__new__(UUID)
    _set(value, "int", int(text, 16))
    _set(value, "is_safe", _UNKNOWN)
    return value


class FastJSONTranscoder(JSONTranscoder):
    """`JSONTranscoder` with the same encoding and a faster decoding (see the module doc)."""

    def __init__(self) -> None:
        super().__init__()
        self._decoders: dict[str, Decoder] = {}
        self._meta_cache: dict[bytes, Any] = {}
        self._last_meta: tuple[Any, str] = (None, "")
        self._meta_type: type | None = None
        self._fragments = FragmentEncoder(self)

    def register(self, transcoding: Transcoding) -> None:
        super().register(transcoding)
        if transcoding.name == "letopis.Meta":
            self._meta_type = transcoding.type
        self._decoders.clear()  # rebuilt lazily with the new transcoding
        self._fragments.reset()
        self._last_meta = (None, "")

    # -- encoding ---------------------------------------------------------------------------

    def encode(self, obj: Any) -> bytes:
        # Written by letopis/fast_encoder.py (same text, no `default` hook per value); the
        # events of one command carry the same `Meta` object as their last field: its text is
        # made once and reused. Anything unusual goes through the library's encoder.
        try:
            if type(obj) is dict:
                return self._encode_state(obj).encode("utf8")
            return self._fragments.encode(obj).encode("utf8")
        except Unsupported:
            return super().encode(obj)

    def _encode_state(self, state: dict[str, Any]) -> str:
        fragments = self._fragments
        handlers, encode = fragments.handlers, fragments.encode
        parts = []
        for key, value in state.items():
            if type(key) is not str:
                raise Unsupported("non-string key")
            if key == "meta" and type(value) is self._meta_type:
                last = self._last_meta  # one tuple, replaced whole: safe across threads
                if last[0] is not value:
                    last = self._last_meta = (value, encode(value))
                text = last[1]
            else:
                handler = handlers.get(type(value))
                text = handler(value) if handler is not None else encode(value)
            parts.append(encode_basestring(key) + ":" + text)
        return "{" + ",".join(parts) + "}"

    # -- decoding ---------------------------------------------------------------------------

    def decode(self, data: bytes) -> Any:
        data = bytes(data)
        parts = split_envelope(data)
        if parts is not None:
            head, envelope = parts  # envelope: b'{"_type_":…}' of the meta
            meta = self._meta_cache.get(envelope)
            if meta is None:
                try:
                    meta = self._tagged(_loads(envelope))
                except ValueError:  # 'meta' was nested deeper than the event: no shortcut
                    return self._walk(_loads(data))
                if len(self._meta_cache) >= META_CACHE_LIMIT:
                    self._meta_cache.clear()
                self._meta_cache[envelope] = meta
            state = self._walk(_loads(head))
            state["meta"] = meta
            return state
        return self._walk(_loads(data))

    def _walk(self, value: Any) -> Any:
        kind = type(value)
        if kind is dict:
            if len(value) == 2 and "_type_" in value and "_data_" in value:
                return self._tagged(value)
            return self._walk_dict(value)
        if kind is list:
            return self._walk_list(value)
        return value

    def _walk_dict(self, value: dict[str, Any]) -> dict[str, Any]:
        decoders = self._decoders
        for key, item in value.items():
            kind = type(item)
            if kind is dict:
                if len(item) == 2 and "_type_" in item and "_data_" in item:
                    decoder = decoders.get(item["_type_"]) or self._decoder(item["_type_"])
                    value[key] = decoder(item["_data_"])
                else:
                    value[key] = self._walk_dict(item)
            elif kind is list:
                value[key] = self._walk_list(item)
        return value

    def _walk_list(self, value: list[Any]) -> list[Any]:
        walk = self._walk
        return [walk(item) if type(item) in (dict, list) else item for item in value]

    def _tagged(self, value: dict[str, Any]) -> Any:
        name = value["_type_"]
        decoder = self._decoders.get(name) or self._decoder(name)
        return decoder(value["_data_"])

    def _decoder(self, name: Any) -> Decoder:
        decoder = self._decoders[name] = self._decoder_for(name)
        return decoder

    def _decoder_for(self, name: str) -> Decoder:
        try:
            transcoding = self.names[name]
        except (KeyError, TypeError) as error:
            raise TranscodingNotRegisteredError(
                f"Data serialized with name '{name}' is not deserializable. "
                "Please register a custom transcoding for this type."
            ) from error
        kind = type(transcoding)
        if kind is DataclassAsDict and isinstance(transcoding, DataclassAsDict):
            return self._dataclass_decoder(transcoding)
        if kind is UUIDAsHex:
            return _cached(_uuid)
        if kind is DatetimeAsISO:
            return _cached(datetime.fromisoformat)
        if kind is DateAsISO:
            return _cached(date.fromisoformat)
        if kind is EnumAsValue:
            return self._enum_decoder(transcoding.type)
        walk, decode = self._walk, transcoding.decode
        return lambda data: decode(walk(data))

    @staticmethod
    def _enum_decoder(cls: type[Enum]) -> Decoder:
        members = cls._value2member_map_

        def decode(data: Any) -> Any:
            try:
                return members[data]
            except (KeyError, TypeError):
                return cls(data)

        return decode

    def _dataclass_decoder(self, transcoding: DataclassAsDict) -> Decoder:
        enums = transcoding._enum_fields()
        build = transcoding.type
        walk, decoders = self._walk, self._decoders
        fields = dataclasses.fields(build)
        # Built without __init__ (a frozen dataclass sets each field through object.__setattr__)
        # when every field is present and the class validates nothing in __post_init__.
        direct = not hasattr(build, "__post_init__") and not hasattr(build, "__slots__")
        every = len(fields)
        # A frozen value made only of scalars (an account, a month's amount) repeats across
        # events: it is built once per distinct stored form and shared (it cannot change).
        # A class whose values rarely repeat (a transfer, with its own id: under a quarter of
        # its first values found) stops trying.
        shared: dict[tuple[Any, ...], Any] | None = \
            {} if build.__dataclass_params__.frozen else None  # type: ignore[attr-defined]
        tries = [0, 0]  # values looked up, values found

        def decode(data: Any) -> Any:
            nonlocal shared
            if type(data) is not dict:
                return transcoding.decode(walk(data))
            cache = shared  # one read: another thread may stop the sharing meanwhile
            if cache is None:
                return build_value(data)
            key = _scalar_key(data)
            tries[0] += 1
            if key is not None:
                try:
                    value = cache[key]
                    tries[1] += 1
                    return value
                except KeyError:
                    pass
            if tries[0] >= _SHARE_TRIAL and tries[1] * 4 < tries[0]:
                shared = None
                return build_value(data)
            value = build_value(data)
            if key is not None:
                if len(cache) >= _CACHE_LIMIT:
                    cache.clear()
                cache[key] = value
            return value

        def build_value(data: dict[str, Any]) -> Any:
            values: dict[str, Any] = {}
            for name, value in data.items():
                if name not in enums:
                    continue  # a field removed in a later version: ignore
                kind = type(value)
                if kind is dict:
                    if len(value) == 2 and "_type_" in value and "_data_" in value:
                        decoder = decoders.get(value["_type_"]) or self._decoder(value["_type_"])
                        value = decoder(value["_data_"])
                    else:
                        value = walk(value)
                elif kind is list:
                    value = walk(value)
                enum_cls = enums[name]
                if enum_cls is not None and value is not None and not isinstance(value, Enum):
                    value = enum_cls(value)
                values[name] = value
            if direct and len(values) == every:
                made: Any = object.__new__(build)
                _set(made, "__dict__", values)
                return made
            return build(**values)

        return decode


_SCALARS = (str, int, bool, float, type(None))


def _scalar_key(data: dict[str, Any]) -> tuple[Any, ...] | None:
    """A hashable form of a stored dataclass made only of scalars and tagged scalars (an enum
    member, a date, a UUID), or None when a field holds anything else."""
    key: list[Any] = []
    for name, value in data.items():
        kind = type(value)
        if kind is dict:
            if len(value) != 2:
                return None
            tag, inner = value.get("_type_"), value.get("_data_")
            if tag is None or type(inner) not in _SCALARS:
                return None
            key += (name, tag, type(inner), inner)
        elif kind in _SCALARS:
            key += (name, kind, value)
        else:
            return None
    return tuple(key)
