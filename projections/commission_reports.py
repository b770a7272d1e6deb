"""Read model `commission_reports`: acceptance for the new school year (приёмка), plan against
results per municipality and per region, deficiencies with their remedy deadlines, and the
public-access subset.

Tables, in the order their folds run for each event (the helper first: later key functions
read it):

- `protocols` (protocol id): helper; which campaign a protocol belongs to (`EntryRecorded` and
  `Signed` carry only the protocol's stream id).
- `campaigns` (campaign id): one municipality's campaign for one academic year: plan, protocols,
  remedies, and the report derived from them. For the education authorities: keeps the heads on
  the plan, reasons for moving dates, remedy evidence, who signed each protocol.
- `public_campaigns` (campaign id): the same report without personal or internal data, for
  portals (plans, results, deficiencies, remedy deadlines).
- `years` (academic year): the campaigns of the year, by municipality: the index the regional
  report reads.

Rows hold no "as of" facts: whether a planned date or a remedy deadline has passed depends on
the day a reader asks, so `municipal`, `regional` and `overdue` take the date. The shapes are in
docs/projections.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from domain.acceptance import AcceptanceCampaign
from projections.base import Event, Fold, Projection, Row, Rows
from projections.commission_reports_state import (
    CAMPAIGN_EVENTS,
    RESULTS,
    CampaignOpened,
    EntryRecorded,
    ProtocolOpened,
    Signed,
    new_campaign,
    step,
)

PROTOCOLS = "protocols"
CAMPAIGNS = "campaigns"
PUBLIC_CAMPAIGNS = "public_campaigns"
YEARS = "years"

__all__ = [
    "CAMPAIGNS", "COMMISSION_REPORTS", "PROTOCOLS", "PUBLIC_CAMPAIGNS", "YEARS", "campaign_key",
    "municipal", "overdue", "regional",
]


# protocols (helper)


def _protocol_key(event: Event, _rows: Rows) -> str | None:
    return str(event.originator_id) if isinstance(event, ProtocolOpened) else None


def _apply_protocol(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, ProtocolOpened):
        return {"protocol_id": str(event.originator_id), "campaign_id": str(event.campaign_id)}
    return row


# campaigns and public_campaigns


def _campaign_key(event: Event, rows: Rows) -> str | None:
    if isinstance(event, CAMPAIGN_EVENTS):
        return str(event.originator_id)
    if isinstance(event, ProtocolOpened):
        return str(event.campaign_id)
    if isinstance(event, EntryRecorded | Signed):
        protocol = rows.get(PROTOCOLS, str(event.originator_id))
        return None if protocol is None else str(protocol["campaign_id"])
    return None


def _applier(public: bool) -> Callable[[Row | None, Event], Row | None]:
    def apply(row: Row | None, event: Event) -> Row | None:
        if isinstance(event, CampaignOpened):
            return new_campaign(event, public)
        if row is None:  # a campaign is opened before anything else happens to it
            return None
        return step(row, event, public)

    return apply


# years


def _year_key(event: Event, _rows: Rows) -> str | None:
    return str(event.academic_year) if isinstance(event, CampaignOpened) else None


def _apply_year(row: Row | None, event: Event) -> Row | None:
    opened: Any = event
    base = row if row is not None else {"academic_year": opened.academic_year, "campaigns": []}
    campaign = {"campaign_id": str(opened.originator_id), "municipality": opened.municipality}
    others = [c for c in base["campaigns"] if c["campaign_id"] != campaign["campaign_id"]]
    return {**base, "campaigns": sorted([*others, campaign],
                                        key=lambda c: (c["municipality"], c["campaign_id"]))}


COMMISSION_REPORTS = Projection(
    name="commission_reports",
    folds=(Fold(PROTOCOLS, _protocol_key, _apply_protocol),
           Fold(CAMPAIGNS, _campaign_key, _applier(public=False)),
           Fold(PUBLIC_CAMPAIGNS, _campaign_key, _applier(public=True)),
           Fold(YEARS, _year_key, _apply_year)),
    description="acceptance for the school year: plan vs results, deficiencies, public subset",
    topics=("domain.acceptance:AcceptanceCampaign.",
            "domain.acceptance_protocol:AcceptanceProtocol."),
)


# Reading.


def campaign_key(municipality: str, academic_year: str) -> str:
    """The key of a municipality's campaign of a year in `campaigns` and `public_campaigns`."""
    return str(AcceptanceCampaign.stream_id(municipality, academic_year))


def overdue(rows: Iterable[Row], on: date) -> list[Row]:
    """Open deficiencies past their remedy deadline on `on` (deadline before that day), from
    campaign rows of either table; each with its campaign's municipality and academic year.
    By deadline, municipality, organisation."""
    found = [{**d, "municipality": row["municipality"], "academic_year": row["academic_year"]}
             for row in rows for d in row["deficiencies"]
             if d["remedied_on"] is None and d["remedy_by"] < on.isoformat()]
    return sorted(found, key=lambda d: (d["remedy_by"], d["municipality"], d["organisation_id"]))


def municipal(row: Row, as_of: date) -> Row:
    """The municipal readiness report of a campaign row on `as_of` (`municipal_report`)."""
    day = as_of.isoformat()
    return {
        "municipality": row["municipality"], "academic_year": row["academic_year"],
        "as_of": day, "planned": row["planned"], "by_result": dict(row["by_result"]),
        "not_inspected": [{**n, "overdue": n["planned_on"] < day} for n in row["not_inspected"]],
        "open_deficiencies": row["open_deficiencies"],
        "overdue_deficiencies": overdue([row], as_of),
    }


def regional(rows: Rows, academic_year: str, as_of: date, table: str = PUBLIC_CAMPAIGNS) -> Row:
    """The consolidated regional report of a year on `as_of` (`regional_report`), from the
    campaigns `years` lists; `table` is `public_campaigns` or `campaigns`. A region has tens
    of municipalities: summing their rows when asked is cheap, and keeps every campaign's
    events off one hot regional row."""
    index = rows.get(YEARS, academic_year)
    reports = []
    for campaign in [] if index is None else index["campaigns"]:
        row = rows.get(table, campaign["campaign_id"])
        if row is not None:
            reports.append(municipal(row, as_of))
    return {
        "academic_year": academic_year, "as_of": as_of.isoformat(), "municipalities": reports,
        "planned": sum(r["planned"] for r in reports),
        "by_result": {result: sum(r["by_result"][result] for r in reports)
                      for result in RESULTS},
        "not_inspected": sum(len(r["not_inspected"]) for r in reports),
        "open_deficiencies": sum(r["open_deficiencies"] for r in reports),
        "overdue_deficiencies": sum(len(r["overdue_deficiencies"]) for r in reports),
    }
