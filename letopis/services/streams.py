"""Finding streams by the topic of their first event, until projections maintain indexes."""

from __future__ import annotations

from uuid import UUID

from letopis.ledger import Ledger

_PAGE = 500


def stream_ids_with_topic(ledger: Ledger, topic: str) -> list[UUID]:
    """Ids of every stream that has an event of `topic`, in global order, without repeats."""
    found: dict[UUID, None] = {}
    start: int | None = None
    while True:
        page = ledger.store.select_notifications(start, _PAGE, topics=(topic,),
                                                 inclusive_of_start=False)
        for notification in page:
            found.setdefault(UUID(str(notification.originator_id)), None)
        if len(page) < _PAGE:
            return list(found)
        start = page[-1].id
