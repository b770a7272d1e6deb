"""Name-based ids (RFC 4122 version 5), as `uuid.uuid5` makes them, made faster.

A claim run derives two ids per contract (the line's operation, its charge transfer);
`uuid.uuid5` spends most of its time in `UUID.__init__`'s checks, not in SHA-1. This builds the
same value directly (tests/unit/test_derived_ids.py compares the two).
"""

from __future__ import annotations

from hashlib import sha1
from uuid import UUID, SafeUUID

_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))  # the variant and version bits
_SET = (0x8000 << 48) | (5 << 76)  # variant RFC 4122, version 5
_new = object.__new__
_set = object.__setattr__
_UNKNOWN = SafeUUID.unknown


def uuid5(namespace: UUID, name: str) -> UUID:
    """`uuid.uuid5(namespace, name)`."""
    digest = sha1(namespace.int.to_bytes(16, "big") + name.encode("utf-8"),
                  usedforsecurity=False).digest()
    made: UUID = _new(UUID)
    _set(made, "int", int.from_bytes(digest[:16], "big") & _CLEAR | _SET)
    _set(made, "is_safe", _UNKNOWN)
    return made
