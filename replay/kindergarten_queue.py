"""The kindergarten queue as the record stood at any recorded moment: who was in it, in which
order, and at which position at each kindergarten — what a parent or a prosecutor disputes."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.utils import get_topic

from domain.kindergarten_allocation import queue_order
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_values import ApplicationStatus, QueueEntry
from letopis.ledger import Ledger
from letopis.services.streams import stream_ids_with_topic
from replay.as_of import fold_as, read_stream, recorded_by


def queue_as_of(ledger: Ledger, municipality: str,
                as_of: datetime | None = None) -> tuple[QueueEntry, ...]:
    """The municipality's confirmed applications as recorded by `as_of` (now when None), in the
    order an allocation would serve them."""
    registered = get_topic(getattr(KindergartenApplication, "Registered"))  # noqa: B009
    found = []
    for stream_id in stream_ids_with_topic(ledger, registered):
        known = recorded_by(read_stream(ledger, stream_id), as_of)
        if not known:
            continue
        application = fold_as(KindergartenApplication, known, "kindergarten application")
        if (application.status is ApplicationStatus.CONFIRMED
                and application.terms.municipality == municipality):
            found.append(application.queue_entry())
    return queue_order(found)


def positions_in(queue: tuple[QueueEntry, ...]) -> dict[tuple[str, str], list[QueueEntry]]:
    """(organisation id, age group) → the entries asking for it, in queue order."""
    table: dict[tuple[str, str], list[QueueEntry]] = {}
    for entry in queue:
        for organisation_id in entry.preferences:
            table.setdefault((str(organisation_id), entry.age_group), []).append(entry)
    return table
