"""The event id: one UUID naming one event, derived from where it lives in its stream.

An event is identified by its stream id and its version in that stream; the UUID form is
`uuid5(EVENT_NAMESPACE, "<stream id>/<version>")`, the stream id in canonical lowercase form and
the version in decimal. Anyone holding the stream id and version can recompute it, so the id
needs no column of its own and never changes.
"""

from __future__ import annotations

from uuid import UUID, uuid5

# Fixed for ever: every event id is derived from it.
EVENT_NAMESPACE = UUID("bbe75867-aac2-4788-b781-e1e3e5440346")


def event_id(stream_id: UUID, version: int) -> UUID:
    """The UUID of the event at `version` (1, 2, ...) of stream `stream_id`."""
    if version < 1:
        raise ValueError(f"stream versions start at 1, not {version}")
    return uuid5(EVENT_NAMESPACE, f"{stream_id}/{version}")
