"""Everything held about one learner, for the data subject (152-FZ art. 14): personal data
(decrypted, the read logged) and the facts (the learner's event history, replayed)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from letopis.privacy.service import PersonalDataService
from replay.render import render_json
from replay.report import build_report

PURPOSE = "data subject export (152-FZ art. 14)"


def export_subject(service: PersonalDataService, learner_id: UUID, actor: str) -> dict[str, Any]:
    view = service.read(learner_id, actor, PURPOSE)
    report = build_report(service.ledger, "learner", learner_id)
    return {
        "learner_id": str(learner_id),
        "exported_at": service.clock().isoformat(),
        "personal_data": {"status": view.status, "record": view.record},
        "history": json.loads(render_json(report)),
    }
