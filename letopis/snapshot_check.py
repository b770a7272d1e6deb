"""Checking snapshots against the events they stand for (`letopis snapshots verify`).

A snapshot is a cache outside the seals: `letopis verify` proves the events were not altered,
but a snapshot changed in the database (or written by a faulty codec) would make commands
decide on a state the events never produced (a certificate's balance, say), and nothing would
show it. This check replays every snapshotted stream from its events up to the snapshot's
version and compares the restored aggregate with the replayed one, attribute by attribute.
A snapshot that differs can be deleted: its stream is then read from its events, which is
always safe. A snapshot in a format this code no longer reads is counted apart (loads ignore
it and replay the stream in full).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from letopis import snapshots

if TYPE_CHECKING:
    from letopis.ledger import Ledger


@dataclass(frozen=True)
class SnapshotCheck:
    """What `check_snapshots` found."""

    checked: int  # snapshots compared with a replay of their stream
    unread: int  # snapshots in a format this code no longer reads (loads ignore them)
    differing: tuple[UUID, ...]  # streams whose snapshot is not what their events give


def check_snapshots(ledger: Ledger, batch: int = 1_000) -> SnapshotCheck:
    """Compare every stored snapshot with its stream replayed up to the snapshot's version."""
    to_domain_event = ledger.mapper.to_domain_event
    checked, unread, differing = 0, 0, list[UUID]()
    for page in _pages(ledger, batch):
        streams = ledger.store.select_streams([_id(s) for s in page])
        for snapshot in page:
            try:
                restored: object = snapshots.restore(snapshot)
            except (ValueError, TypeError, KeyError, IndexError, AttributeError):
                restored = _UNDECODABLE  # it cannot stand for any state
            if restored is None:
                unread += 1
                continue
            checked += 1
            replayed: Any = None
            for stored in streams.get(_id(snapshot), []):
                if stored.originator_version > snapshot.originator_version:
                    break
                replayed = to_domain_event(stored).mutate(replayed)  # type: ignore[attr-defined]
            # vars() holds the version too: a snapshot claiming a version its stream never
            # reached differs from the replay that stops at the last event.
            if (replayed is None or type(restored) is not type(replayed)
                    or vars(restored) != vars(replayed)):
                differing.append(_id(snapshot))
    return SnapshotCheck(checked, unread, tuple(differing))


_UNDECODABLE = object()


def _pages(ledger: Ledger, batch: int) -> Iterator[list[StoredEvent]]:
    after = UUID(int=0)
    while page := ledger.store.select_snapshots(after, batch):
        yield page
        after = _id(page[-1])


def _id(stored: StoredEvent) -> UUID:
    return UUID(str(stored.originator_id))
