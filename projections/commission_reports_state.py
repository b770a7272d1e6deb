"""The state behind the `commission_reports` rows: one acceptance campaign (municipality and
academic year) as its events leave it, and the report derived from it.

A campaign row holds the source facts (plan, protocols, remedies) and the report computed from
them on every event by `derive`, which mirrors `domain/acceptance_reports.py`: per commission
and day the last signed protocol filed is in force (an amendment replaces what it amends), every
organisation's visits in force give its current result (a repeat visit changes it), and a
deficiency on record stays open until a remedy protocol confirms it.

The same steps build the full row (`public=False`) and the public one (`public=True`), which
leaves out what names people or is internal: the head on the plan entry, reasons for moving a
planned date, remedy evidence, the chair and members who signed.

Order matters in `derive` (the first visit to an organisation, ties in the deficiency order),
and PostgreSQL keeps JSON objects (jsonb) without their key order: everything ordered is a list.
"""

from __future__ import annotations

from typing import Any

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import AcceptanceResult
from projections.base import Row
from projections.json_values import basis_json

# @event-generated classes are invisible to mypy; look them up once, by their stable names.
CampaignOpened: type[Any] = getattr(AcceptanceCampaign, "Opened")  # noqa: B009
Planned: type[Any] = getattr(AcceptanceCampaign, "OrganisationPlanned")  # noqa: B009
DateChanged: type[Any] = getattr(AcceptanceCampaign, "PlannedDateChanged")  # noqa: B009
Filed: type[Any] = getattr(AcceptanceCampaign, "ProtocolFiled")  # noqa: B009
Remedied: type[Any] = getattr(AcceptanceCampaign, "RemediesConfirmed")  # noqa: B009
ProtocolOpened: type[Any] = getattr(AcceptanceProtocol, "Opened")  # noqa: B009
EntryRecorded: type[Any] = getattr(AcceptanceProtocol, "EntryRecorded")  # noqa: B009
Signed: type[Any] = getattr(AcceptanceProtocol, "Signed")  # noqa: B009

CAMPAIGN_EVENTS = (CampaignOpened, Planned, DateChanged, Filed, Remedied)
PROTOCOL_EVENTS = (ProtocolOpened, EntryRecorded, Signed)

RESULTS = tuple(r.value for r in AcceptanceResult)


def _member(member: Any) -> Row:
    return {"member_id": str(member.member_id), "full_name": member.full_name,
            "position": member.position}


def _entry(entry: Any) -> Row:
    return {"organisation_id": str(entry.organisation_id), "result": entry.result.value,
            "deficiencies": [
                {"deficiency_id": str(d.deficiency_id), "category": d.category.value,
                 "description": d.description, "remedy_by": d.remedy_by.isoformat()}
                for d in entry.deficiencies]}


def new_campaign(event: Any, public: bool) -> Row:
    row: Row = {"campaign_id": str(event.originator_id), "municipality": event.municipality,
                "academic_year": event.academic_year,
                "basis_order": basis_json(event.basis_order),
                "plan": [], "pending": [], "protocols": [], "remedies": []}
    if not public:
        row["opened_on"] = event.meta.effective_on.isoformat()
    return {**row, **derive(row)}


def _with_protocol(protocols: list[Row], protocol_id: str, change: Row) -> list[Row]:
    return [{**p, **change} if p["protocol_id"] == protocol_id else p for p in protocols]


def _find(protocols: list[Row], protocol_id: str) -> Row | None:
    return next((p for p in protocols if p["protocol_id"] == protocol_id), None)


def step(row: Row, event: Any, public: bool) -> Row:
    """The campaign row after `event` (a campaign or protocol event of this campaign)."""
    new = {**row}
    if isinstance(event, Planned):
        entry = event.entry
        planned: Row = {"organisation_id": str(entry.organisation_id),
                        "planned_on": entry.planned_on.isoformat(),
                        "commission_id": str(entry.commission_id), "founder": entry.founder}
        if not public:
            planned |= {"head": entry.head, "reschedules": []}
        new["plan"] = [*row["plan"], planned]
    elif isinstance(event, DateChanged):
        organisation_id, planned_on = str(event.organisation_id), event.planned_on.isoformat()
        change = {"planned_on": planned_on, "reason": event.reason,
                  "effective_on": event.meta.effective_on.isoformat()}
        new["plan"] = [
            ({**p, "planned_on": planned_on} if public else
             {**p, "planned_on": planned_on, "reschedules": [*p["reschedules"], change]})
            if p["organisation_id"] == organisation_id else p for p in row["plan"]]
    elif isinstance(event, ProtocolOpened):
        protocol: Row = {"protocol_id": str(event.protocol_id),
                         "commission_id": str(event.commission_id),
                         "held_on": event.held_on.isoformat(),
                         "amends": None if event.amends is None else str(event.amends),
                         "signed": False, "entries": []}
        if not public:
            protocol |= {"chair": None, "members_present": []}
        new["pending"] = [*row["pending"], protocol]
    elif isinstance(event, EntryRecorded | Signed):
        protocol_id = str(event.originator_id)
        change = {"signed": True} if isinstance(event, Signed) else {}
        if isinstance(event, Signed) and not public:
            change |= {"chair": _member(event.chair),
                       "members_present": [_member(m) for m in event.members_present]}
        for part in ("pending", "protocols"):
            found = _find(row[part], protocol_id)
            if found is not None:
                if isinstance(event, EntryRecorded):
                    change = {"entries": [*found["entries"], _entry(event.entry)]}
                new[part] = _with_protocol(row[part], protocol_id, change)
    elif isinstance(event, Filed):
        protocol_id = str(event.protocol_id)
        pending = _find(row["pending"], protocol_id)
        if pending is None:  # not opened in this campaign's view: nothing to count
            pending = {"protocol_id": protocol_id, "commission_id": str(event.commission_id),
                       "held_on": event.held_on.isoformat(),
                       "amends": None if event.amends is None else str(event.amends),
                       "signed": False, "entries": []}
            if not public:
                pending |= {"chair": None, "members_present": []}
        new["pending"] = [p for p in row["pending"] if p["protocol_id"] != protocol_id]
        new["protocols"] = [*row["protocols"], pending]
    elif isinstance(event, Remedied):
        remedies = []
        for remedy in event.remedies:
            done: Row = {"deficiency_id": str(remedy.deficiency_id),
                         "organisation_id": str(event.organisation_id),
                         "remedied_on": remedy.remedied_on.isoformat(),
                         "remedy_protocol_id": str(event.remedy_protocol_id)}
            if not public:
                done["evidence"] = remedy.evidence
            remedies.append(done)
        new["remedies"] = [*row["remedies"], *remedies]
    else:
        return row
    if isinstance(event, PROTOCOL_EVENTS) and new["protocols"] is row["protocols"]:
        return new  # only a protocol still being filled in changed: the report stands
    return {**new, **derive(new)}


def in_force(protocols: list[Row]) -> list[Row]:
    """Signed protocols in force, as `effective_protocols`: per commission and day the last
    one filed; by day, then by filing order."""
    latest: dict[tuple[str, str], tuple[int, Row]] = {}
    for n, protocol in enumerate(protocols):
        if protocol["signed"]:
            latest[(protocol["commission_id"], protocol["held_on"])] = (n, protocol)
    return [p for _, p in sorted(latest.values(), key=lambda np: (np[1]["held_on"], np[0]))]


def derive(row: Row) -> Row:
    """The report fields of a campaign row, from its plan, protocols and remedies."""
    found: dict[str, list[Row]] = {}
    for protocol in in_force(row["protocols"]):
        for entry in protocol["entries"]:
            found.setdefault(entry["organisation_id"], []).append(
                {"protocol_id": protocol["protocol_id"], "held_on": protocol["held_on"],
                 "result": entry["result"], "deficiencies": entry["deficiencies"]})
    remedied = {r["deficiency_id"]: r["remedied_on"] for r in row["remedies"]}
    by_id: dict[str, Row] = {}
    for organisation_id, org_visits in found.items():
        for visit in org_visits:
            for d in visit["deficiencies"]:
                by_id.setdefault(d["deficiency_id"], {
                    "deficiency_id": d["deficiency_id"], "organisation_id": organisation_id,
                    "found_on": visit["held_on"], "category": d["category"],
                    "description": d["description"], "remedy_by": d["remedy_by"],
                    "remedied_on": remedied.get(d["deficiency_id"])})
    deficiencies = sorted(by_id.values(), key=lambda d: (d["remedy_by"], d["organisation_id"]))
    by_result = dict.fromkeys(RESULTS, 0)
    for org_visits in found.values():
        by_result[org_visits[-1]["result"]] += 1
    open_by_org: dict[str, int] = {}
    for d in deficiencies:
        if d["remedied_on"] is None:
            open_by_org[d["organisation_id"]] = open_by_org.get(d["organisation_id"], 0) + 1
    plan = sorted(row["plan"], key=lambda p: (p["planned_on"], p["organisation_id"]))
    organisations = []
    for planned in plan:
        visits = [{k: v[k] for k in ("protocol_id", "held_on", "result")}
                  for v in found.get(planned["organisation_id"], [])]
        organisations.append({
            "organisation_id": planned["organisation_id"], "planned_on": planned["planned_on"],
            "result": visits[-1]["result"] if visits else None,
            "inspected_from": visits[0]["held_on"] if visits else None,
            "inspected_to": visits[-1]["held_on"] if visits else None,
            "visits": visits,
            "open_deficiencies": open_by_org.get(planned["organisation_id"], 0),
        })
    return {
        "planned": len(plan),
        "by_result": by_result,
        "not_inspected": [{"organisation_id": p["organisation_id"],
                           "planned_on": p["planned_on"]}
                          for p in plan if p["organisation_id"] not in found],
        "open_deficiencies": sum(1 for d in deficiencies if d["remedied_on"] is None),
        "organisations": organisations,
        "deficiencies": deficiencies,
    }
