"""JSON transcodings for the domain's value objects (dataclasses and enums).

Each type is stored under a stable name (`letopis.<TypeName>`): renaming a module does not change
stored bytes. Dataclasses are stored field by field; nested values go through the transcoder again.
"""

from __future__ import annotations

import dataclasses
import typing
from enum import Enum
from types import UnionType
from typing import Any

from eventsourcing.persistence import JSONTranscoder, Transcoding


def _enum_class(hint: Any) -> type[Enum] | None:
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint
    if isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union:
        for arg in typing.get_args(hint):
            found = _enum_class(arg)
            if found is not None:
                return found
    return None


class DataclassAsDict(Transcoding):
    """Encode a frozen dataclass as a dict of its fields."""

    def __init__(self, cls: type[Any]) -> None:
        self.type = cls
        self.name = f"letopis.{cls.__name__}"
        self._fields = [f.name for f in dataclasses.fields(cls)]
        self._enums: dict[str, type[Enum] | None] | None = None

    def encode(self, obj: Any) -> dict[str, Any]:
        return {name: getattr(obj, name) for name in self._fields}

    def _enum_fields(self) -> dict[str, type[Enum] | None]:
        # Resolved on first use (forward references need their modules loaded), then cached:
        # resolving type hints per decode would dominate the cost of reading events.
        if self._enums is None:
            hints = typing.get_type_hints(self.type)
            self._enums = {name: _enum_class(hints[name]) for name in self._fields}
        return self._enums

    def decode(self, data: Any) -> Any:
        assert isinstance(data, dict)
        enums = self._enum_fields()
        values: dict[str, Any] = {}
        for name, value in data.items():
            if name not in enums:
                continue  # a field removed in a later version: ignore
            enum_cls = enums[name]
            if enum_cls is not None and value is not None and not isinstance(value, Enum):
                value = enum_cls(value)
            values[name] = value
        return self.type(**values)


class EnumAsValue(Transcoding):
    """Encode an enum member as its value."""

    def __init__(self, cls: type[Enum]) -> None:
        self.type = cls
        self.name = f"letopis.{cls.__name__}"

    def encode(self, obj: Any) -> Any:
        return obj.value

    def decode(self, data: Any) -> Any:
        return self.type(data)


def register_value_types(transcoder: JSONTranscoder, types: typing.Iterable[type[Any]]) -> None:
    """Register a transcoding for each dataclass or enum in `types`."""
    for cls in types:
        if isinstance(cls, type) and issubclass(cls, Enum):
            transcoder.register(EnumAsValue(cls))
        elif dataclasses.is_dataclass(cls):
            transcoder.register(DataclassAsDict(cls))
        else:
            raise TypeError(f"{cls!r} is neither a dataclass nor an enum")


class DateAsISO(Transcoding):
    """Encode a `date` (not a datetime) as ISO 8601."""

    type = __import__("datetime").date
    name = "date_iso"

    def encode(self, obj: Any) -> str:
        return str(obj.isoformat())

    def decode(self, data: Any) -> Any:
        assert isinstance(data, str)
        return self.type.fromisoformat(data)
