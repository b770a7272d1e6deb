"""Read model `learner_history`: every learner's complete study path (движение контингента).

Tables (docs/projections.md has the row shapes):

- `organisations`, by organisation id: the registry card fields readers need to name an
  organisation (short and full name, kind, municipality, closure), from Organisation events.
- `learners`, by learner id: every enrolment, transfer and leaving as an entry, in stream order,
  cancelled ones kept and marked; the current placements and the status, refolded from the
  entries that stand.

Entries carry organisation ids, not names: a fold's `apply` sees only its own row and the event,
so it cannot look a name up. Readers join with `with_organisations`, which also means a renamed
organisation shows its current name everywhere without rewriting a single learner row.
"""

from __future__ import annotations

from typing import Any

from domain.learner import Learner
from domain.organisation import Organisation
from domain.sealed import DESTROYED, SEALED, placeholder
from projections.base import Event, Fold, Projection, Row, Rows
from projections.json_values import actor_json, basis_json, iso

ORGANISATIONS = "organisations"
LEARNERS = "learners"

ADDITIONAL = "additional"  # EducationLevel.ADDITIONAL.value: not the learner's one general place

# @event-generated classes are invisible to mypy; look them up once, by their stable names.
_Registered: type[Any] = getattr(Learner, "Registered")  # noqa: B009
_TransferredWithin: type[Any] = getattr(Learner, "TransferredWithin")  # noqa: B009
_ExpelledByTransfer: type[Any] = getattr(Learner, "ExpelledByTransfer")  # noqa: B009
_Left: type[Any] = getattr(Learner, "Left")  # noqa: B009
_EntryCancelled: type[Any] = getattr(Learner, "EntryCancelled")  # noqa: B009
PERSONAL_DATA_DESTROYED: type[Any] = getattr(Learner, "PersonalDataDestroyed")  # noqa: B009
_OrgRegistered: type[Any] = getattr(Organisation, "Registered")  # noqa: B009
_OrgDetailsChanged: type[Any] = getattr(Organisation, "DetailsChanged")  # noqa: B009
_OrgReorganised: type[Any] = getattr(Organisation, "Reorganised")  # noqa: B009
_OrgClosed: type[Any] = getattr(Organisation, "Closed")  # noqa: B009

LEARNER_EVENTS: tuple[type[Any], ...] = (
    _Registered, Learner.Enrolled, _TransferredWithin, _ExpelledByTransfer, _Left, _EntryCancelled,
    PERSONAL_DATA_DESTROYED)
_ORGANISATION_EVENTS = (_OrgRegistered, _OrgDetailsChanged, _OrgReorganised, _OrgClosed)

_KIND = {Learner.Enrolled: "enrolled", _TransferredWithin: "transferred_within",
         _ExpelledByTransfer: "expelled_by_transfer", _Left: "left"}


# organisations


def _organisation_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, _ORGANISATION_EVENTS) else None


def _details(details: Any) -> Row:
    return {"full_name": details.full_name, "short_name": details.short_name,
            "kind": details.kind.value, "municipality": details.municipality}


def _apply_organisation(row: Row | None, event: Event) -> Row | None:
    meta: Any = getattr(event, "meta", None)
    if isinstance(event, _OrgRegistered):
        return {"organisation_id": str(event.originator_id), **_details(event.details),
                "closed": False, "closed_on": None, "successor_ids": []}
    if row is None:  # an organisation is registered before anything else happens to it
        return None
    if isinstance(event, _OrgDetailsChanged):
        return {**row, **_details(event.details)}
    if isinstance(event, _OrgReorganised):
        return {**row, "successor_ids": [str(s) for s in event.successor_ids]}
    if isinstance(event, _OrgClosed):
        return {**row, "closed": True, "closed_on": meta.effective_on.isoformat()}
    return row


# learners: entries


def _entry(event: Any, latest: dict[str, Row]) -> Row:
    """The entry an enrolment, transfer or leaving makes; `latest` holds every enrolment's
    placement as the entries standing before it left it."""
    meta = event.meta
    enrolment_id = str(event.enrolment_id)
    if isinstance(event, Learner.Enrolled):
        where: Row = {"organisation_id": str(event.organisation_id), "level": event.level.value,
                      "class_or_group": event.class_or_group,
                      "academic_year": event.academic_year,
                      "form_of_study": event.form_of_study.value}
    else:
        placement = latest.get(enrolment_id, {})
        where = {name: placement.get(name) for name in (
            "organisation_id", "level", "class_or_group", "academic_year", "form_of_study")}
        if isinstance(event, _TransferredWithin):
            where |= {"class_or_group": event.class_or_group,
                      "academic_year": event.academic_year}
    destination = getattr(event, "destination_organisation_id", None)
    document = getattr(event, "document", None)
    reason = getattr(event, "reason", None)
    return {
        "version": event.originator_version,
        "kind": _KIND[type(event)],
        "enrolment_id": enrolment_id,
        **where,
        "promotion": event.promotion if isinstance(event, _TransferredWithin) else None,
        "destination_organisation_id": None if destination is None else str(destination),
        "leaving_reason": None if reason is None else reason.value,
        "document": None if document is None else {
            "kind": document.kind, "series": document.series, "number": document.number,
            "issued_on": document.issued_on.isoformat()},
        "basis": basis_json(meta.basis),
        "effective_on": meta.effective_on.isoformat(),
        "recorded_at": iso(meta.recorded_at),
        "actor": actor_json(meta.actor),
        "cancelled": None,
    }


def refold(entries: list[Row]) -> tuple[dict[str, Row], dict[str, Row]]:
    """Placements from the entries that stand (not cancelled), oldest first: every enrolment's
    latest placement, and the active ones, both by enrolment id in order of enrolment."""
    latest: dict[str, Row] = {}
    active: dict[str, Row] = {}
    for entry in entries:
        if entry["cancelled"] is not None:
            continue
        enrolment_id = entry["enrolment_id"]
        if entry["kind"] == "enrolled":
            placement: Row = {
                "enrolment_id": enrolment_id, "organisation_id": entry["organisation_id"],
                "level": entry["level"], "class_or_group": entry["class_or_group"],
                "academic_year": entry["academic_year"],
                "form_of_study": entry["form_of_study"],
                "enrolled_on": entry["effective_on"], "placed_on": entry["effective_on"]}
        elif entry["kind"] == "transferred_within" and enrolment_id in latest:
            placement = {**latest[enrolment_id], "class_or_group": entry["class_or_group"],
                         "academic_year": entry["academic_year"],
                         "placed_on": entry["effective_on"]}
        else:  # expelled by transfer or left: the enrolment ends
            active.pop(enrolment_id, None)
            continue
        latest[enrolment_id] = placement
        active[enrolment_id] = placement
    return latest, active


def personal_data_destroyed(event: Any) -> Row:
    """The marker a row carries once the learner's personal data is destroyed. Rows never held
    personal data (only the pseudonymous id); the marker tells portals to drop theirs."""
    return {"personal_data": "destroyed",
            "personal_data_destroyed_at": iso(event.meta.recorded_at)}


def _shredded(entries: list[Row]) -> list[Row]:
    """Sealed cancellation reasons read as destroyed once the learner's key is gone."""
    return [{**e, "cancelled": {**e["cancelled"], "reason": DESTROYED}}
            if (e.get("cancelled") or {}).get("reason") == SEALED else e for e in entries]


def _new_learner(learner_id: str) -> Row:
    return {"learner_id": learner_id, "registered_at": None, "status": "registered",
            "version": 0, "entries": [], "current": {"general": None, "additional": []}}


def _with_entries(row: Row, entries: list[Row], version: int) -> Row:
    _, active = refold(entries)
    general = [p for p in active.values() if p["level"] != ADDITIONAL]
    additional = [p for p in active.values() if p["level"] == ADDITIONAL]
    standing = any(e["cancelled"] is None for e in entries)
    status = "enrolled" if active else "left" if standing else "registered"
    return {**row, "status": status, "version": version, "entries": entries,
            "current": {"general": general[-1] if general else None, "additional": additional}}


def _learner_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, LEARNER_EVENTS) else None


def _apply_learner(row: Row | None, event: Event) -> Row | None:
    base = row if row is not None else _new_learner(str(event.originator_id))
    if isinstance(event, _Registered):
        return {**base, "registered_at": iso(event.meta.recorded_at),
                "version": event.originator_version}
    if isinstance(event, PERSONAL_DATA_DESTROYED):
        return {**base, **personal_data_destroyed(event), "entries": _shredded(base["entries"]),
                "version": event.originator_version}
    entries: list[Row] = base["entries"]
    if isinstance(event, _EntryCancelled):
        # A sealed reason shows as a placeholder: its text only through a logged read.
        cancelled = {"by_version": event.originator_version,
                     "reason": placeholder(event.reason),
                     "recorded_at": iso(event.meta.recorded_at)}
        entries = [{**e, "cancelled": cancelled} if e["version"] == event.cancelled_version
                   else e for e in entries]
    else:
        latest, _ = refold(entries)
        entries = [*entries, _entry(event, latest)]
    return _with_entries(base, entries, event.originator_version)


LEARNER_HISTORY = Projection(
    name="learner_history",
    folds=(Fold(ORGANISATIONS, _organisation_key, _apply_organisation),
           Fold(LEARNERS, _learner_key, _apply_learner)),
    description="every learner's study path: enrolments, transfers, leavings, cancellations",
    topics=("domain.organisation:Organisation.", "domain.learner:Learner."),
)


# Reading.


def _card(rows: Rows, organisation_id: str | None) -> Row | None:
    if organisation_id is None:
        return None
    card = rows.get(ORGANISATIONS, organisation_id)
    if card is None:
        return None
    return {name: card[name] for name in ("short_name", "full_name", "kind", "municipality",
                                          "closed")}


def with_organisations(learner: Row, rows: Rows) -> Row:
    """A copy of a `learners` row whose entries and placements also carry `organisation` (and
    entries `destination_organisation`): the registry card as it stands now, or None when the
    organisation is not in `organisations`."""
    entries = [{**e, "organisation": _card(rows, e["organisation_id"]),
                "destination_organisation": _card(rows, e["destination_organisation_id"])}
               for e in learner["entries"]]
    general = learner["current"]["general"]
    current = {
        "general": None if general is None
        else {**general, "organisation": _card(rows, general["organisation_id"])},
        "additional": [{**p, "organisation": _card(rows, p["organisation_id"])}
                       for p in learner["current"]["additional"]],
    }
    return {**learner, "entries": entries, "current": current}
