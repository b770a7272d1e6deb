"""The fragment encoder writes exactly the library's JSON text, or declines (and the library
writes it): subclasses of JSON types, equal datetimes at other offsets, odd keys and floats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from enum import IntEnum, StrEnum
from typing import Any
from uuid import UUID

import pytest
from eventsourcing.persistence import DatetimeAsISO, JSONTranscoder, UUIDAsHex

from domain.funding_accounts import Account, AccountKind, Transfer, TransferKind
from letopis.fast_transcoder import FastJSONTranscoder
from letopis.transcodings import DateAsISO, register_value_types
from tests.factories import make_meta


class Colour(StrEnum):  # a str subclass: JSON writes its value, no transcoding is asked
    RED = "red"


class Size(IntEnum):
    BIG = 2


class Tag(str):
    pass


def _pair() -> tuple[JSONTranscoder, FastJSONTranscoder]:
    library, fast = JSONTranscoder(), FastJSONTranscoder()
    for transcoder in (library, fast):
        for transcoding in (UUIDAsHex(), DatetimeAsISO(), DateAsISO()):
            transcoder.register(transcoding)
        register_value_types(transcoder, (AccountKind, Account, TransferKind, Transfer,
                                          Colour, Size))
        from letopis.catalogue import VALUE_TYPES
        register_value_types(transcoder, VALUE_TYPES)
    return library, fast


utc_now = datetime(2026, 9, 1, 8, tzinfo=UTC)
moscow = timezone(timedelta(hours=3))
transfer = Transfer(UUID(int=7), TransferKind.CHARGE, Account(AccountKind.RESERVE, "c"),
                    Account(AccountKind.SPENT, "c"), 320_000, "2026-09 advance «аванс»\n\"q\"")

# A value object's writer inlines a field that is exactly a str, an int or a UUID: anything else
# in those fields (subclasses, bool, None) must still be written as the library writes it.
odd_transfer = Transfer(UUID(int=8), TransferKind.CHARGE, Account(AccountKind.RESERVE, Tag("k")),
                        Account(AccountKind.SPENT, None),  # type: ignore[arg-type]
                        True, Colour.RED)
odd_amounts = [Transfer(UUID(int=9), TransferKind.CHARGE, Account(AccountKind.RESERVE, "c"),
                        Account(AccountKind.SPENT, "c"), amount, "r")  # type: ignore[arg-type]
               for amount in (Size.BIG, 10**30, 2.5, [1, "x"], UUID(int=3))]
CASES: list[Any] = [
    {"odd": odd_transfer, "amounts": odd_amounts},
    {"a": 1, "b": [1, 2.5, None, True, False, "x"], "c": (), "d": {}, "e": []},
    {"colour": Colour.RED, "size": Size.BIG, "tag": Tag("t"), "nested": {"k": (Colour.RED,)}},
    {"at": utc_now, "same_instant": utc_now.astimezone(moscow), "on": date(2026, 9, 1)},
    {"transfer": transfer, "none": None, "id": UUID(int=1), "meta": make_meta()},
    {"t": (transfer, transfer), "meta": make_meta(command_id="x")},
    [1, "two", {"three": 3}],
    "text",
    {"meta": make_meta(), "after": 1},
    {"big": 10**30, "neg": -5, "float": 1e-7},
]


@pytest.mark.parametrize("value", CASES)
def test_writes_the_library_text(value: Any) -> None:
    library, fast = _pair()
    assert fast.encode(value) == library.encode(value)


@pytest.mark.parametrize("value", [{1: "int key"}, {"nan": float("nan")},
                                   {"in_a_value_object": Transfer(
                                       UUID(int=1), TransferKind.CHARGE,
                                       Account(AccountKind.RESERVE, "c"),
                                       Account(AccountKind.SPENT, "c"),
                                       float("inf"), "r")},  # type: ignore[arg-type]
                                   {"inf": [float("inf")]}])
def test_declines_what_it_cannot_write_exactly_and_the_library_writes_it(value: Any) -> None:
    library, fast = _pair()
    assert fast.encode(value) == library.encode(value)


def test_an_unregistered_type_is_refused_as_by_the_library() -> None:
    library, fast = _pair()
    with pytest.raises(TypeError) as by_library:
        library.encode({"x": object()})
    with pytest.raises(TypeError) as by_fast:
        fast.encode({"x": object()})
    assert type(by_fast.value) is type(by_library.value)
