"""The event id: uuid5 of the stream id and the version, fixed for ever."""

from __future__ import annotations

import hashlib
from uuid import UUID

import pytest

from replay.event_id import EVENT_NAMESPACE, event_id

STREAM = UUID(int=1)


def test_event_id_is_the_documented_uuid5() -> None:
    # RFC 4122 name-based UUID, version 5, computed by hand: SHA-1 of namespace + name.
    digest = bytearray(hashlib.sha1(EVENT_NAMESPACE.bytes + f"{STREAM}/1".encode()).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50
    digest[8] = (digest[8] & 0x3F) | 0x80
    assert event_id(STREAM, 1) == UUID(bytes=bytes(digest))


def test_event_ids_never_change() -> None:
    # Pinned: a changed namespace or name format would rename every event ever shown.
    assert event_id(STREAM, 1) == UUID("82655191-1715-5f96-bd25-388764e193fc")
    assert event_id(UUID("7d3b9c2e-4f1a-4b8e-9c6d-2a5e8f1b3c47"), 2) == UUID(
        "55e2676b-cfc0-5c6e-93ed-111b19db0f7e")


def test_event_ids_differ_by_stream_and_by_version() -> None:
    ids = {event_id(UUID(int=s), v) for s in (1, 2, 12) for v in (1, 2, 21)}
    assert len(ids) == 9  # "1"/"21" and stream 1 vs 12 do not collide
    assert event_id(STREAM, 3) == event_id(UUID(str(STREAM)), 3)


@pytest.mark.parametrize("version", [0, -1])
def test_versions_start_at_one(version: int) -> None:
    with pytest.raises(ValueError, match="start at 1"):
        event_id(STREAM, version)
