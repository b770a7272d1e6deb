"""JSON forms of envelope values, shared by the learner history and digital profile read models.

Rows hold only str/int/bool/None/list/dict: dates as ISO strings, UUIDs as str, enums by value.
"""

from __future__ import annotations

from datetime import date, datetime

from domain.envelope import Actor, BasisDocument
from projections.base import Row


def iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def basis_json(basis: BasisDocument | None) -> Row | None:
    """The basis document (e.g. an order, приказ): kind, number and date."""
    if basis is None:
        return None
    return {"kind": basis.kind, "number": basis.number, "dated": basis.dated.isoformat()}


def actor_json(actor: Actor) -> Row:
    return {"user_id": actor.user_id, "role": actor.role.value,
            "organisation_id": None if actor.organisation_id is None
            else str(actor.organisation_id)}

