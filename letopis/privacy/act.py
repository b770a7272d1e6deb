"""The act of destruction (акт об уничтожении персональных данных) and its proof.

`write_act` puts three files into a directory: the act as JSON and as XLSX (who, when, which
categories, on what basis, the event that records it), and an extract of the learner's event
log ending with that event. None of them holds the destroyed data: only the pseudonymous id.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from letopis.ledger import Ledger
from letopis.privacy.destruction import Destruction
from replay.render import render_json
from replay.report import build_report

INFORMATION_SYSTEM = "Letopis (event-sourced ledger of the regional education system)"
METHOD = ("cryptographic erasure: the learner's AES-256-GCM data key was deleted from the key "
          "store, then the encrypted record from the event store")


def act_body(destruction: Destruction, operator: str | None = None) -> dict[str, Any]:
    actor = destruction.actor
    return {
        "document": "act of destruction of personal data (152-FZ art. 21; Roskomnadzor order "
                    "No. 179 of 28.10.2022); keep for 3 years",
        "operator": operator,
        "information_system": INFORMATION_SYSTEM,
        "learner_id": str(destruction.learner_id),
        "destroyed_by": {"user_id": actor.user_id, "role": actor.role.value,
                         "organisation_id": None if actor.organisation_id is None
                         else str(actor.organisation_id)},
        "destroyed_at": destruction.recorded_at.isoformat(),
        "categories": list(destruction.categories),
        "basis": destruction.grounds,
        "method": METHOD,
        "event": {"type": "Learner.PersonalDataDestroyed", "event_id": str(destruction.event_id),
                  "stream_id": str(destruction.learner_id), "version": destruction.version,
                  "position": destruction.position},
    }


def write_act(ledger: Ledger, destruction: Destruction, out: Path,
              operator: str | None = None) -> list[Path]:
    """Write the act (JSON, XLSX) and the event-log extract into `out`; returns the paths.
    `operator` is the operator's name and address, as the act is to state them."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"destruction-{destruction.learner_id}"
    body = act_body(destruction, operator)
    json_path = out / f"{stem}.json"
    json_path.write_text(json.dumps(body, ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    xlsx_path = out / f"{stem}.xlsx"
    _workbook(body).save(xlsx_path)
    log_path = out / f"{stem}-event-log.json"
    report = build_report(ledger, "learner", destruction.learner_id)
    log_path.write_text(render_json(report) + "\n", encoding="utf-8")
    return [json_path, xlsx_path, log_path]


def _workbook(body: dict[str, Any]) -> Workbook:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Act"
    actor = body["destroyed_by"]
    event = body["event"]
    rows = [
        ("Act of destruction of personal data", "152-FZ art. 21; keep for 3 years"),
        ("Operator (name, address)", body["operator"] or ""),
        ("Information system", body["information_system"]),
        ("Learner (pseudonymous id)", body["learner_id"]),
        ("Destroyed at (UTC)", body["destroyed_at"]),
        ("Destroyed by", f"{actor['user_id']} ({actor['role']})"),
        ("Organisation", actor["organisation_id"] or ""),
        ("Categories of personal data", ", ".join(body["categories"]) or "none held"),
        ("Basis", body["basis"]),
        ("Method", body["method"]),
        ("Event", event["type"]),
        ("Event id", event["event_id"]),
        ("Stream version", event["version"]),
        ("Global position", event["position"] if event["position"] is not None else ""),
        ("Signature of who destroyed", ""),
    ]
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 90
    return book
