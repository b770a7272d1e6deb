"""Read model `organisation_registry`: the public registry card of every organisation."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum
from typing import Any

from domain.organisation import Organisation
from projections.base import Event, Fold, Projection, Row, Rows

# @event-generated classes are invisible to mypy; look them up once, by their stable names.
_Registered: type[Any] = getattr(Organisation, "Registered")  # noqa: B009
_DetailsChanged: type[Any] = getattr(Organisation, "DetailsChanged")  # noqa: B009
_LicenceRecorded: type[Any] = getattr(Organisation, "LicenceRecorded")  # noqa: B009
_AccreditationRecorded: type[Any] = getattr(Organisation, "AccreditationRecorded")  # noqa: B009
_Reorganised: type[Any] = getattr(Organisation, "Reorganised")  # noqa: B009
_Closed: type[Any] = getattr(Organisation, "Closed")  # noqa: B009


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | bool):
        return value
    return str(value)


def _key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, Organisation.Event) else None


def _apply(row: Row | None, event: Event) -> Row | None:
    meta = getattr(event, "meta", None)
    changed_on = meta.effective_on.isoformat() if meta is not None else None
    if isinstance(event, _Registered):
        return {"organisation_id": str(event.originator_id), **_plain(asdict(event.details)),
                "licences": [], "accreditations": [], "closed_on": None, "closure_reason": None,
                "successor_ids": [], "registered_on": changed_on, "version": 1}
    if row is None:
        return None
    new = {**row, "version": event.originator_version}
    if isinstance(event, _DetailsChanged):
        new.update(_plain(asdict(event.details)))
    elif isinstance(event, _LicenceRecorded):
        new["licences"] = [*row["licences"], _plain(asdict(event.licence))]
    elif isinstance(event, _AccreditationRecorded):
        new["accreditations"] = [*row["accreditations"], _plain(asdict(event.accreditation))]
    elif isinstance(event, _Reorganised):
        new["successor_ids"] = [str(s) for s in event.successor_ids]
        new["reorganisation_form"] = event.form
    elif isinstance(event, _Closed):
        new["closed_on"] = changed_on
        new["closure_reason"] = event.reason
    return new


ORGANISATION_REGISTRY = Projection(
    name="organisation_registry",
    folds=(Fold("organisations", _key, _apply),),
    description="public registry card of every organisation",
    topics=("domain.organisation:Organisation.",),
)
