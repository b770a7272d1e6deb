"""Read model `admissions_queue`: the kindergarten e-queue of every municipality, from which the
queue position of any application at each organisation it asks for is read.

Tables, in the order their folds run (the helper last: the queue's key reads it as it stood
before the event):

- `queues` (municipality): every active application of the municipality — privilege, queue
  date, age group, desired start, preferences, status, the offer it holds. Withdrawn and enrolled
  applications leave the row. Queues are municipal (an application cannot change municipality
  by a change), so every event of an application touches one row, or two when a new
  application after a withdrawal is for another municipality.
- `queue_applications` (application id): helper; the municipality an application is queued in.

Positions are not stored: they depend on every other application, so `positions` computes them
when read, in the order the allocation serves the queue (`domain.kindergarten_allocation`).
"""

from __future__ import annotations

from typing import Any

from domain.kindergarten_queue import KindergartenApplication
from projections.base import Event, Fold, Projection, Row, Rows

QUEUES = "queues"
APPLICATIONS = "queue_applications"

_A = KindergartenApplication
_Registered: type[Any] = getattr(_A, "Registered")  # noqa: B009
_Reregistered: type[Any] = getattr(_A, "Reregistered")  # noqa: B009
_Changed: type[Any] = getattr(_A, "Changed")  # noqa: B009
_Offered: type[Any] = getattr(_A, "PlaceOffered")  # noqa: B009
_TERMS = (_Registered, _Reregistered, _Changed)
# Event type name → the status it leaves; None removes the application from the queue.
_STATUS: dict[str, str | None] = {
    "Confirmed": "confirmed", "Suspended": "suspended", "Resumed": "confirmed",
    "PlaceOffered": "offered", "OfferAccepted": "accepted", "OfferDeclined": "confirmed",
    "Withdrawn": None, "Enrolled": None}


def _name(event: Event) -> str:
    return type(event).__qualname__.rsplit(".", 1)[-1]


def _known(event: Event, rows: Rows) -> str | None:
    row = rows.get(APPLICATIONS, str(event.originator_id))
    return None if row is None else str(row["municipality"])


def _queue_key(event: Event, rows: Rows) -> list[str]:
    if not isinstance(event, _A.Event):
        return []
    keys = [] if (before := _known(event, rows)) is None else [before]
    if isinstance(event, _TERMS) and event.terms.municipality not in keys:
        keys.append(event.terms.municipality)
    return keys


def _entry(event: Any, status: str) -> Row:
    terms = event.terms
    return {"privilege": terms.privilege.value, "rank": terms.privilege.rank,
            "applied_at": event.applied_at.isoformat(), "age_group": terms.age_group,
            "desired_start": terms.desired_start.isoformat(),
            "preferences": [str(p) for p in terms.preferences], "status": status,
            "offer": None}


def _apply_queue(row: Row | None, event: Event) -> Row | None:
    key = str(event.originator_id)
    if isinstance(event, _TERMS):
        municipality = event.terms.municipality
        if row is not None and row["municipality"] != municipality:  # moved out of this one
            return {**row, "applications": {k: v for k, v in row["applications"].items()
                                            if k != key}}
        base = row or {"municipality": municipality, "applications": {}}
        old = base["applications"].get(key)
        entry = _entry(event, "registered" if old is None or not isinstance(event, _Changed)
                       else old["status"])
        return {**base, "applications": {**base["applications"], key: entry}}
    if row is None or key not in row["applications"]:
        return row
    status = _STATUS.get(_name(event), "")
    if status == "":
        return row
    if status is None:
        return {**row, "applications": {k: v for k, v in row["applications"].items()
                                        if k != key}}
    offer = ({"round_id": str(event.round_id),
              "organisation_id": str(event.offer.organisation_id)}
             if isinstance(event, _Offered) else None)
    entry = {**row["applications"][key], "status": status, "offer": offer}
    return {**row, "applications": {**row["applications"], key: entry}}


def _helper_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, _A.Event) else None


def _apply_helper(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, _TERMS):
        return {"application_id": str(event.originator_id),
                "municipality": event.terms.municipality}
    return row


ADMISSIONS_QUEUE = Projection(
    name="admissions_queue",
    folds=(Fold(QUEUES, _queue_key, _apply_queue), Fold(APPLICATIONS, _helper_key,
                                                        _apply_helper)),
    description="kindergarten e-queue per municipality: queue position of every application",
    topics=("domain.kindergarten_queue:KindergartenApplication.",),
)


# Reading.


def positions(queue: Row) -> dict[str, dict[str, list[str]]]:
    """Organisation id → age group → the confirmed applications asking for it, in the order
    the queue is served (privilege, queue date, application id)."""
    waiting = sorted(((v["rank"], v["applied_at"], k, v) for k, v in
                      queue["applications"].items() if v["status"] == "confirmed"),
                     key=lambda t: (t[0], t[1], t[2]))
    found: dict[str, dict[str, list[str]]] = {}
    for _, _, application_id, entry in waiting:
        for organisation_id in entry["preferences"]:
            found.setdefault(organisation_id, {}).setdefault(entry["age_group"], []).append(
                application_id)
    return found


def queue_position(queue: Row, application_id: str) -> dict[str, int]:
    """Organisation id → the application's 1-based position there (confirmed ones only)."""
    entry = queue["applications"].get(application_id)
    if entry is None or entry["status"] != "confirmed":
        return {}
    table = positions(queue)
    return {org: table[org][entry["age_group"]].index(application_id) + 1
            for org in entry["preferences"]}
