"""Naming the damage at the first place where the store and its seal rows disagree.

The verifier walks events and seal rows side by side and stops at the first disagreement; this
module then says what kind of change explains it, looking the two sides up elsewhere in the
store (full scans, run only once damage is found):

- the event there is the one sealed at another position, and the event sealed there sits
  elsewhere: **reordered events**;
- only the first: an event was taken out and the rest moved up: **missing event**;
- only the second: an event was put in and the rest moved down: **inserted event**;
- neither: the event itself changed: **modified payload** (state bytes) or **modified
  envelope** (position, stream, version or topic);
- an event with no seal row inside the sealed range: **inserted event**; a seal row with no
  event: **missing event**, or **truncated tail** when no event follows at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from replay.audit_store import EventRow, SealRow, Snapshot
from replay.merkle import header_digest, payload_digest

MODIFIED_PAYLOAD = "modified payload"
MODIFIED_ENVELOPE = "modified envelope"
MISSING_EVENT = "missing event"
INSERTED_EVENT = "inserted event"
REORDERED = "reordered events"
TRUNCATED = "truncated tail"
FORGED_SEALS = "forged seal rows"
FORGED_CHECKPOINT = "forged checkpoint"


@dataclass(frozen=True)
class Damage:
    position: int  # the first damaged global position
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.kind}: {self.detail}"


def _sealed_as(event: EventRow, seal: SealRow) -> bool:
    """Whether `event` is exactly the event sealed by `seal` (at the seal's position)."""
    return (payload_digest(event[4]) == seal[3]
            and header_digest(seal[1], event[1], event[2], event[3]) == seal[2])


def _sealed_elsewhere(snapshot: Snapshot, event: EventRow) -> SealRow | None:
    for seal in snapshot.seals_with_payload(payload_digest(event[4])):
        if seal[1] != event[0] and _sealed_as(event, seal):
            return seal
    return None


def _now_elsewhere(snapshot: Snapshot, seal: SealRow) -> EventRow | None:
    for event in snapshot.events_with_payload(seal[3]):
        if event[0] != seal[1] and _sealed_as(event, seal):
            return event
    return None


def diagnose(snapshot: Snapshot, seal: SealRow, event: EventRow | None) -> Damage:
    """The damage at `seal`, where the next event read (`event`) does not match it."""
    position = seal[1]
    moved = _now_elsewhere(snapshot, seal)
    if event is None or event[0] > position:
        if moved is not None:
            return Damage(position, MODIFIED_ENVELOPE,
                          f"the event sealed at {position} now has position {moved[0]}")
        if event is None:
            return Damage(position, TRUNCATED, f"the events sealed from position {position} "
                                               "on are gone, and nothing follows them")
        return Damage(position, MISSING_EVENT, f"no event at sealed position {position}")
    elsewhere = _sealed_elsewhere(snapshot, event)
    if event[0] < position:
        if elsewhere is not None:
            return Damage(event[0], MODIFIED_ENVELOPE, f"the event sealed at {elsewhere[1]} "
                                                       f"now has position {event[0]}")
        return Damage(event[0], INSERTED_EVENT, f"position {event[0]} lies in the sealed range "
                                                "but was never sealed")
    if elsewhere is not None and moved is not None:
        return Damage(position, REORDERED, f"position {position} holds the event sealed at "
                                           f"{elsewhere[1]}; the event sealed here is at "
                                           f"{moved[0]}")
    if elsewhere is not None:
        return Damage(position, MISSING_EVENT, f"the event sealed at {position} is gone; "
                                               f"the event sealed at {elsewhere[1]} moved here")
    if moved is not None:
        return Damage(position, INSERTED_EVENT, f"an unsealed event was put at {position}; the "
                                                f"event sealed here moved to {moved[0]}")
    header_ok = header_digest(event[0], event[1], event[2], event[3]) == seal[2]
    if header_ok:
        return Damage(position, MODIFIED_PAYLOAD, "the stored state differs from the sealed "
                                                  "payload digest")
    what = "envelope" if payload_digest(event[4]) == seal[3] else "envelope and payload"
    return Damage(position, MODIFIED_ENVELOPE, f"the {what} (stream, version, topic) differ "
                                               "from the sealed digests")
