"""Everything held about one learner, for the data subject (152-FZ art. 14): personal data
(decrypted, the read logged), the facts (the learner's event history, replayed) and the free
texts sealed for the learner in any stream (appeal statements, correction reasons...), each
revealed through `PersonalDataService.reveal` (every decrypt logged)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID

from eventsourcing.utils import get_topic

from domain.appeal import Appeal
from domain.certificate import Certificate
from domain.gradebook import Gradebook
from domain.learner import Learner
from domain.sealed import SealedText
from letopis.privacy.service import PersonalDataService
from replay.render import render_json
from replay.report import build_report

PURPOSE = "data subject export (152-FZ art. 14)"
_PAGE = 500

# Every event type that may carry sealed text (docs/privacy.md, "Free-text fields in events").
SEALED_EVENT_TYPES: tuple[type[Any], ...] = (
    getattr(Learner, "EntryCancelled"),  # noqa: B009
    getattr(Gradebook, "MarkCorrected"),  # noqa: B009
    getattr(Appeal, "Filed"),  # noqa: B009
    getattr(Appeal, "NotAccepted"),  # noqa: B009
    getattr(Appeal, "HearingScheduled"),  # noqa: B009
    getattr(Certificate, "Suspended"),  # noqa: B009
    getattr(Certificate, "Closed"),  # noqa: B009
)


def export_subject(service: PersonalDataService, learner_id: UUID, actor: str) -> dict[str, Any]:
    view = service.read(learner_id, actor, PURPOSE)
    report = build_report(service.ledger, "learner", learner_id)
    return {
        "learner_id": str(learner_id),
        "exported_at": service.clock().isoformat(),
        "personal_data": {"status": view.status, "record": view.record},
        "history": json.loads(render_json(report)),
        "free_texts": free_texts(service, learner_id, actor),
    }


def free_texts(service: PersonalDataService, learner_id: UUID, actor: str,
               purpose: str = PURPOSE) -> list[dict[str, Any]]:
    """The learner's sealed free texts in global order, revealed (or "personal data
    destroyed"). A scan of the few event types that carry sealed text; the learner id is
    looked for in the stored bytes before an event is decoded."""
    ledger = service.ledger
    topics = tuple(get_topic(cls) for cls in SEALED_EVENT_TYPES)
    needle = learner_id.hex.encode()
    found: list[dict[str, Any]] = []
    start: int | None = None
    while True:
        page = ledger.store.select_notifications(start, _PAGE, topics=topics,
                                                 inclusive_of_start=False)
        for notification in page:
            if needle not in notification.state:
                continue
            event: Any = ledger.mapper.to_domain_event(notification)
            for sealed in _sealed_in(vars(event)):
                if sealed.learner_id != learner_id:
                    continue
                found.append({
                    "event_type": type(event).__qualname__,
                    "stream_id": str(event.originator_id),
                    "version": event.originator_version,
                    "recorded_at": event.meta.recorded_at.isoformat(),
                    "field": sealed.field,
                    "text": service.reveal(sealed, actor, purpose),
                })
        if len(page) < _PAGE:
            return found
        start = page[-1].id


def _sealed_in(value: Any) -> Iterator[SealedText]:
    """Sealed texts anywhere in an event's fields (a hearing holds one inside)."""
    if isinstance(value, SealedText):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _sealed_in(item)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _sealed_in(getattr(value, f.name))
