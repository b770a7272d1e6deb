"""A faster writer of the library's JSON: the same text, built as strings by type-directed code.

`JSONTranscoder.encode` runs the C JSON encoder with a Python `default` hook: every UUID, date,
enum and dataclass of an event calls back into Python, returns a new `{"_type_", "_data_"}`
dict, which the encoder then walks again. Writing a month's claims spends a quarter of its
client time there. `FragmentEncoder` writes the same text directly: a handler per type, chosen
once per type and in the order the C encoder decides (a `str`, `int`, `float`, `list`, `tuple`
or `dict`, subclasses included, is written as JSON before any transcoding is looked up, exactly
as `default` is only called for what JSON cannot write), the constant parts of each tagged
value prepared once, and values that repeat within a command (dates, datetimes, enum members)
written once. Anything it does not know how to write exactly as the library would (a non-string
dict key, a non-finite float, an unregistered type) raises `Unsupported`, and the caller falls
back to the library's encoder. tests/integration/test_fast_transcoder.py compares the bytes.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from json.encoder import encode_basestring
from typing import Any
from uuid import UUID

from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, Transcoding, UUIDAsHex

from letopis.transcodings import DataclassAsDict, DateAsISO, EnumAsValue

Handler = Callable[[Any], str]
_CACHE_LIMIT = 4_096


class Unsupported(Exception):
    """A value the fragment encoder does not write: use the library's encoder instead."""


def _float(value: float) -> str:
    if not math.isfinite(value):
        raise Unsupported("non-finite float")
    return float.__repr__(value)


def _tag(transcoding: Transcoding) -> str:
    return '{"_type_":' + encode_basestring(transcoding.name) + ',"_data_":'


class FragmentEncoder:
    """Writes what `json.JSONEncoder(default=transcoder._encode_obj, separators=(",", ":"),
    ensure_ascii=False)` writes, for the types `transcoder` has transcodings for."""

    def __init__(self, transcoder: JSONTranscoder) -> None:
        self.transcoder = transcoder
        self.handlers: dict[type, Handler] = {}
        self.reset()

    def reset(self) -> None:
        """Forget the handlers (a transcoding was registered since they were made)."""
        self.handlers.clear()
        self.handlers.update({
            str: encode_basestring, int: int.__repr__, float: _float,
            bool: lambda value: "true" if value else "false", type(None): lambda _: "null",
            list: self.sequence, tuple: self.sequence, dict: self.mapping,
        })

    def encode(self, value: Any) -> str:
        """The JSON text of `value`, or `Unsupported`."""
        handler = self.handlers.get(type(value)) or self._handler(type(value))
        return handler(value)

    def sequence(self, values: Any) -> str:
        handlers, find = self.handlers, self._handler
        return "[" + ",".join([(handlers.get(type(v)) or find(type(v)))(v)
                               for v in values]) + "]"

    def mapping(self, values: Any) -> str:
        handlers, find = self.handlers, self._handler
        parts = []
        for key, value in values.items():
            if type(key) is not str:
                raise Unsupported("non-string key")
            parts.append(encode_basestring(key) + ":"
                         + (handlers.get(type(value)) or find(type(value)))(value))
        return "{" + ",".join(parts) + "}"

    def _handler(self, cls: type) -> Handler:
        handler = self.handlers[cls] = self._handler_for(cls)
        return handler

    def _handler_for(self, cls: type) -> Handler:
        # Subclasses of the JSON types are written as JSON, as the C encoder writes them.
        if issubclass(cls, str):
            return lambda value: encode_basestring(str.__str__(value))
        if issubclass(cls, int):
            return int.__repr__
        if issubclass(cls, float):
            return _float
        if issubclass(cls, list | tuple):
            return self.sequence
        if issubclass(cls, dict):
            return self.mapping
        transcoding = self.transcoder.types.get(cls)
        if transcoding is None:
            raise Unsupported(f"no transcoding for {cls}")
        kind, tag = type(transcoding), _tag(transcoding)
        if kind is UUIDAsHex:
            return lambda value: tag + '"' + value.hex + '"}'
        if kind is DateAsISO:
            return _repeated(lambda value: tag + encode_basestring(value.isoformat()) + "}")
        if kind is DatetimeAsISO:
            # Equal instants at other offsets are equal datetimes but not equal text.
            text = _repeated(lambda key: tag + encode_basestring(key[0].isoformat()) + "}")
            return _same_as_last(lambda value: text((value, value.utcoffset())))
        if kind is EnumAsValue:
            # Members live as long as their class: their text is kept by identity (an enum's
            # hash is Python code, its id is not).
            return _by_identity(lambda value: tag + self.encode(value.value) + "}")
        if kind is DataclassAsDict and isinstance(transcoding, DataclassAsDict):
            return self._dataclass(transcoding, tag)
        encode = transcoding.encode
        return lambda value: tag + self.encode(encode(value)) + "}"

    def _dataclass(self, transcoding: DataclassAsDict, tag: str) -> Handler:
        fields = list(transcoding._fields)
        handlers, find = self.handlers, self._handler
        head = tag + "{"
        if fields and all(name.isidentifier() for name in fields):
            return self._compiled(fields, head)
        names = [(name, encode_basestring(name) + ":") for name in fields]

        def write(value: Any) -> str:
            parts = []
            for name, key in names:
                item = getattr(value, name)
                parts.append(key + (handlers.get(type(item)) or find(type(item)))(item))
            return head + ",".join(parts) + "}}"

        return write

    def _compiled(self, fields: list[str], head: str) -> Handler:
        """A dataclass's writer as one expression (as `dataclasses` writes `__init__`): a
        field's str, int or UUID written inline, anything else by its handler. A value object
        in every event (a transfer and its accounts, a claim line) is written in two thirds of
        the time of a loop over its fields."""
        handlers, find = self.handlers, self._handler
        uuid = self.transcoder.types.get(UUID)
        inline_uuid = type(uuid) is UUIDAsHex
        scope: dict[str, Any] = {
            "_head": head, "_str": encode_basestring, "_int": int.__repr__, "_UUID": UUID,
            "_uuid": (_tag(uuid) + '"') if inline_uuid and uuid is not None else "",
            "_get": handlers.get, "_find": find,
        }
        lines, parts = ["def write(value):"], []
        for i, name in enumerate(fields):
            scope[f"_k{i}"] = ("," if i else "") + encode_basestring(name) + ":"
            lines.append(f"    v{i} = value.{name}; t{i} = type(v{i})")
            text = f"_str(v{i}) if t{i} is str else _int(v{i}) if t{i} is int else "
            if inline_uuid:
                text += f"_uuid + v{i}.hex + '\"}}' if t{i} is _UUID else "
            parts.append(f"_k{i} + ({text}(_get(t{i}) or _find(t{i}))(v{i}))")
        lines.append(f"    return _head + {' + '.join(parts)} + '}}}}'")
        exec("\n".join(lines), scope)  # noqa: S102  # our own text, from field names
        write: Handler = scope["write"]
        return write


def _same_as_last(write: Handler) -> Handler:
    """`write` for values that repeat as the same object (a command's recorded time is every
    event's timestamp): the last object's text is reused while it is the same object."""
    last: tuple[Any, str] = (None, "")  # replaced whole: safe across threads

    def cached(value: Any) -> str:
        nonlocal last
        seen = last
        if seen[0] is value:
            return seen[1]
        text = write(value)
        last = (value, text)
        return text

    return cached


def _by_identity(write: Handler) -> Handler:
    """`write` for enum members: each member's text, kept by the member's identity."""
    written: dict[int, tuple[Any, str]] = {}

    def cached(value: Any) -> str:
        found = written.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        text = write(value)
        written[id(value)] = (value, text)
        return text

    return cached


def _repeated(write: Handler) -> Handler:
    """`write` for values that repeat (a command's dates, an enum's members): each distinct
    value written once (they are immutable and hashable; equal values write equal text)."""
    written: dict[Any, str] = {}

    def cached(value: Any) -> str:
        try:
            return written[value]
        except KeyError:
            pass
        if len(written) >= _CACHE_LIMIT:
            written.clear()
        text = written[value] = write(value)
        return text

    return cached

