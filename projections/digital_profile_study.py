"""History of study for the digital profile: spans of study, and the `placements` helper table.

A span is a stretch of study in one class (or group) under one enrolment: an enrolment or a
transfer within opens one; the next transfer within, an expulsion by transfer or a leaving closes
it. A cancelled entry (EntryCancelled) is undone exactly: the spans it opened go, the span it
closed reopens. The domain lets only the latest standing entry be cancelled, so this is the
same as refolding the entries that stand.
"""

from __future__ import annotations

from typing import Any

from domain.learner import Learner
from projections.base import Event, Fold, Row, Rows
from projections.learner_history import ADDITIONAL, LEARNER_EVENTS

PLACEMENTS = "placements"

_TransferredWithin: type[Any] = getattr(Learner, "TransferredWithin")  # noqa: B009
_ExpelledByTransfer: type[Any] = getattr(Learner, "ExpelledByTransfer")  # noqa: B009
_Left: type[Any] = getattr(Learner, "Left")  # noqa: B009
_EntryCancelled: type[Any] = getattr(Learner, "EntryCancelled")  # noqa: B009

_CLOSED_BY = {_TransferredWithin: "transferred_within",
              _ExpelledByTransfer: "expelled_by_transfer", _Left: "left"}


def _span(event: Any, base: Row, *, opened_by: str, promotion: bool) -> Row:
    return {**base, "class_or_group": event.class_or_group, "academic_year": event.academic_year,
            "since": event.meta.effective_on.isoformat(), "until": None,
            "opened_by": opened_by, "promotion": promotion,
            "opened_version": event.originator_version, "closed_by": None,
            "closed_version": None}


def apply_study(study: list[Row], event: Any) -> list[Row]:
    """The spans after a learner event (a new list; `study` is left as it was)."""
    if isinstance(event, _EntryCancelled):
        version = event.cancelled_version
        return [{**s, "until": None, "closed_by": None, "closed_version": None}
                if s["closed_version"] == version else s
                for s in study if s["opened_version"] != version]
    if isinstance(event, Learner.Enrolled):
        base = {"enrolment_id": str(event.enrolment_id),
                "organisation_id": str(event.organisation_id), "level": event.level.value,
                "form_of_study": event.form_of_study.value}
        return [*study, _span(event, base, opened_by="enrolled", promotion=False)]
    closed_by = _CLOSED_BY.get(type(event))
    if closed_by is None:  # Registered
        return study
    enrolment_id = str(event.enrolment_id)
    open_span = next((s for s in study
                      if s["enrolment_id"] == enrolment_id and s["closed_version"] is None), None)
    if open_span is None:
        return study
    closed = {**open_span, "until": event.meta.effective_on.isoformat(), "closed_by": closed_by,
              "closed_version": event.originator_version}
    spans = [closed if s is open_span else s for s in study]
    if isinstance(event, _TransferredWithin):
        base = {name: open_span[name] for name in (
            "enrolment_id", "organisation_id", "level", "form_of_study")}
        spans.append(_span(event, base, opened_by="transferred_within",
                           promotion=event.promotion))
    return spans


def open_spans(study: list[Row]) -> tuple[Row | None, list[Row]]:
    """The open general span (the current placement), if any, and the open additional ones."""
    current = [s for s in study if s["closed_version"] is None]
    general = [s for s in current if s["level"] != ADDITIONAL]
    return (general[-1] if general else None), [s for s in current if s["level"] == ADDITIONAL]


# The `placements` helper: small rows the average folds' key functions read.


def _placements_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, LEARNER_EVENTS) else None


def _apply_placements(row: Row | None, event: Event) -> Row | None:
    base = row if row is not None else {
        "learner_id": str(event.originator_id), "general": None, "study": [], "seen": []}
    study = apply_study(base["study"], event)
    general, _ = open_spans(study)
    seen: list[list[str]] = base["seen"]
    if general is not None:
        where = [general["organisation_id"], general["class_or_group"]]
        if where not in seen:
            seen = [*seen, where]
    return {**base, "general": general, "study": study, "seen": seen}


PLACEMENTS_FOLD = Fold(PLACEMENTS, _placements_key, _apply_placements)


def placement_for_year(placements: Row, academic_year: str) -> tuple[str, str] | None:
    """(organisation id, class) a mark of `academic_year` is averaged in, as the learner stands
    now: the current general placement if it is for that year, else the latest standing general
    span of that year (the learner has since been promoted, moved or left), else none."""
    general = placements["general"]
    if general is not None and general["academic_year"] == academic_year:
        return general["organisation_id"], general["class_or_group"]
    for span in reversed(placements["study"]):
        if span["level"] != ADDITIONAL and span["academic_year"] == academic_year:
            return span["organisation_id"], span["class_or_group"]
    return None


def seen_placements(placements: Row) -> list[tuple[str, str]]:
    """Every (organisation id, class) the learner has had a general placement in, cancelled or
    not: the only places a mark of theirs can have been averaged in."""
    return [(organisation_id, class_or_group)
            for organisation_id, class_or_group in placements["seen"]]
