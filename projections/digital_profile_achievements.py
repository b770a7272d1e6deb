"""The `achievements` of a learner's digital profile: olympiad results as they stand, appeals
applied, past years' imported results marked as such.

One entry per olympiad stage; an appeal decided with a changed score replaces the entry's
score and status (the entry counts the appeals that touched it).
"""

from __future__ import annotations

from typing import Any

from domain.olympiad import Olympiad
from projections.base import Event, Row

_ResultRecorded: type[Any] = getattr(Olympiad, "ResultRecorded")  # noqa: B009
_AppealDecided: type[Any] = getattr(Olympiad, "AppealDecided")  # noqa: B009
_ResultsImported: type[Any] = getattr(Olympiad, "ResultsImported")  # noqa: B009

ACHIEVEMENT_EVENTS: tuple[type[Any], ...] = (_ResultRecorded, _AppealDecided, _ResultsImported)
OLYMPIAD_TOPIC = "domain.olympiad:Olympiad."


def achievement_learners(event: Event) -> list[str]:
    """The learners whose profiles an olympiad event changes."""
    if isinstance(event, _ResultsImported):
        return [str(r.learner_id) for r in event.results]
    if isinstance(event, _ResultRecorded | _AppealDecided):
        return [str(event.learner_id)]
    return []


def _entry(event: Any, stage_id: str, level: str, score: str, status: str,
           imported: bool) -> Row:
    return {"kind": "olympiad", "olympiad_id": str(event.originator_id), "stage_id": stage_id,
            "academic_year": event.academic_year, "subject": event.subject, "stage": level,
            "score": score, "status": status, "imported": imported, "appeals": 0,
            "effective_on": event.meta.effective_on.isoformat()}


def _upsert(achievements: list[Row], entry: Row) -> list[Row]:
    kept = [a for a in achievements if (a["olympiad_id"], a["stage_id"]) !=
            (entry["olympiad_id"], entry["stage_id"])]
    return sorted([*kept, entry], key=lambda a: (a["academic_year"], a["subject"],
                                                 a["effective_on"], a["stage_id"]))


def apply_achievements(achievements: list[Row], learner_id: str, event: Event) -> list[Row]:
    """The learner's achievements after `event` (a new list; the input is left untouched)."""
    if isinstance(event, _ResultsImported):
        for row in event.results:
            if str(row.learner_id) == learner_id:
                return _upsert(achievements, _entry(
                    event, str(event.stage.stage_id), event.stage.level.value, row.score,
                    row.status.value, imported=True))
        return achievements
    result: Any = event  # ResultRecorded or AppealDecided: both carry the result's fields
    entry = _entry(result, str(result.stage_id), result.level.value, result.score,
                   result.status.value, imported=False)
    if isinstance(event, _AppealDecided):
        old = next((a for a in achievements if a["olympiad_id"] == entry["olympiad_id"]
                    and a["stage_id"] == entry["stage_id"]), None)
        if old is not None:
            entry = {**entry, "appeals": old["appeals"] + 1, "effective_on": old["effective_on"]}
    return _upsert(achievements, entry)
