"""Domain queries over acceptance campaigns: acts of readiness and the readiness reports.

Pure functions of aggregates already loaded: the municipal report and the consolidated regional
report "on the readiness of organisations for the start of the school year" (о готовности
организаций, осуществляющих образовательную деятельность, к началу учебного года). The
projections issue turns them into maintained read models; the public subset (plans, results,
deficiencies, remedy deadlines) holds no personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from domain.acceptance import AcceptanceCampaign
from domain.acceptance_protocol import AcceptanceProtocol
from domain.acceptance_values import AcceptanceResult, Deficiency, ProtocolEntry
from domain.commission import CommissionMember
from domain.envelope import BasisDocument
from domain.organisation import Organisation


@dataclass(frozen=True)
class Visit:
    held_on: date
    protocol_id: UUID
    entry: ProtocolEntry
    chair: CommissionMember
    members: tuple[CommissionMember, ...]


@dataclass(frozen=True)
class OpenDeficiency:
    organisation_id: UUID
    found_on: date
    deficiency: Deficiency


@dataclass(frozen=True)
class NotInspected:
    organisation_id: UUID
    planned_on: date
    overdue: bool  # the planned date has passed


@dataclass(frozen=True)
class ReadinessReport:
    """The municipal report (доклад органа управления образованием) on a given day."""

    municipality: str
    academic_year: str
    as_of: date
    planned: int
    by_result: Mapping[AcceptanceResult, int]  # the current result of each inspected org
    not_inspected: tuple[NotInspected, ...]
    open_deficiencies: int
    overdue_deficiencies: tuple[OpenDeficiency, ...]


@dataclass(frozen=True)
class RegionalReadinessReport:
    """The consolidated regional report (сводный доклад) over the municipal ones."""

    academic_year: str
    as_of: date
    municipalities: tuple[ReadinessReport, ...]
    planned: int
    by_result: Mapping[AcceptanceResult, int]
    not_inspected: int
    open_deficiencies: int
    overdue_deficiencies: int


@dataclass(frozen=True)
class ActOfReadiness:
    """Act of readiness (акт готовности) of one organisation, derived from the streams."""

    organisation_id: UUID
    organisation_name: str
    founder: str
    legal_address: str
    actual_address: str
    head: str
    basis_order: BasisDocument
    inspected_from: date
    inspected_to: date
    result: AcceptanceResult
    chair: CommissionMember
    members: tuple[CommissionMember, ...]
    open_deficiencies: tuple[Deficiency, ...]


def effective_protocols(campaign: AcceptanceCampaign,
                        protocols: Mapping[UUID, AcceptanceProtocol]
                        ) -> tuple[AcceptanceProtocol, ...]:
    """Signed protocols in force: per commission and day, the last one filed (an amendment
    supersedes what it amends)."""
    latest: dict[tuple[UUID, date], AcceptanceProtocol] = {}
    for protocol_id in campaign.protocol_ids:
        protocol = protocols[protocol_id]
        if protocol.signed:
            latest[(protocol.commission_id, protocol.held_on)] = protocol
    return tuple(sorted(latest.values(), key=lambda p: (p.held_on, campaign.protocol_ids.index(
        p.id))))


def visits(campaign: AcceptanceCampaign,
           protocols: Mapping[UUID, AcceptanceProtocol]) -> dict[UUID, list[Visit]]:
    """Every organisation's visits in force, oldest first: the last one gives its result."""
    found: dict[UUID, list[Visit]] = {}
    for protocol in effective_protocols(campaign, protocols):
        assert protocol.chair is not None  # signed protocols have a chair
        for entry in protocol.entries.values():
            found.setdefault(entry.organisation_id, []).append(
                Visit(protocol.held_on, protocol.id, entry, protocol.chair,
                      protocol.members_present))
    return found


def deficiencies_on_record(campaign: AcceptanceCampaign,
                           protocols: Mapping[UUID, AcceptanceProtocol],
                           organisation_id: UUID) -> dict[UUID, Deficiency]:
    """Deficiencies of an organisation in protocols in force, by id (remedied or not)."""
    return {d.deficiency_id: d for v in visits(campaign, protocols).get(organisation_id, [])
            for d in v.entry.deficiencies}


def _open_deficiencies(campaign: AcceptanceCampaign,
                       found: Mapping[UUID, list[Visit]]) -> list[OpenDeficiency]:
    rows: dict[UUID, OpenDeficiency] = {}
    for organisation_id, org_visits in found.items():
        for visit in org_visits:
            for deficiency in visit.entry.deficiencies:
                if deficiency.deficiency_id not in campaign.remedies:
                    rows.setdefault(deficiency.deficiency_id,
                                    OpenDeficiency(organisation_id, visit.held_on, deficiency))
    return sorted(rows.values(), key=lambda r: (r.deficiency.remedy_by, str(r.organisation_id)))


def municipal_report(campaign: AcceptanceCampaign,
                     protocols: Mapping[UUID, AcceptanceProtocol], as_of: date) -> ReadinessReport:
    """Counts by current result, organisations not yet inspected, deficiencies past deadline."""
    found = visits(campaign, protocols)
    by_result = dict.fromkeys(AcceptanceResult, 0)
    for org_visits in found.values():
        by_result[org_visits[-1].entry.result] += 1
    not_inspected = tuple(
        NotInspected(e.organisation_id, e.planned_on, overdue=e.planned_on < as_of)
        for e in sorted(campaign.plan.values(), key=lambda e: (e.planned_on,
                                                               str(e.organisation_id)))
        if e.organisation_id not in found
    )
    open_rows = _open_deficiencies(campaign, found)
    return ReadinessReport(
        municipality=campaign.municipality, academic_year=campaign.academic_year, as_of=as_of,
        planned=len(campaign.plan), by_result=by_result, not_inspected=not_inspected,
        open_deficiencies=len(open_rows),
        overdue_deficiencies=tuple(r for r in open_rows if r.deficiency.remedy_by < as_of),
    )


def regional_report(academic_year: str, as_of: date,
                    reports: Iterable[ReadinessReport]) -> RegionalReadinessReport:
    """Consolidate the municipal reports of one academic year."""
    municipal = tuple(sorted((r for r in reports if r.academic_year == academic_year),
                             key=lambda r: r.municipality))
    by_result = {result: sum(r.by_result[result] for r in municipal)
                 for result in AcceptanceResult}
    return RegionalReadinessReport(
        academic_year=academic_year, as_of=as_of, municipalities=municipal,
        planned=sum(r.planned for r in municipal), by_result=by_result,
        not_inspected=sum(len(r.not_inspected) for r in municipal),
        open_deficiencies=sum(r.open_deficiencies for r in municipal),
        overdue_deficiencies=sum(len(r.overdue_deficiencies) for r in municipal),
    )


def act_of_readiness(campaign: AcceptanceCampaign,
                     protocols: Mapping[UUID, AcceptanceProtocol],
                     organisation: Organisation) -> ActOfReadiness | None:
    """The organisation's act of readiness, or None if it has not been inspected yet."""
    org_visits = visits(campaign, protocols).get(organisation.id)
    if not org_visits:
        return None
    planned = campaign.entry(organisation.id)
    last = org_visits[-1]
    open_rows = _open_deficiencies(campaign, {organisation.id: org_visits})
    return ActOfReadiness(
        organisation_id=organisation.id, organisation_name=organisation.details.full_name,
        founder=planned.founder, legal_address=organisation.details.legal_address,
        actual_address=organisation.details.actual_address, head=planned.head,
        basis_order=campaign.basis_order, inspected_from=org_visits[0].held_on,
        inspected_to=last.held_on, result=last.entry.result, chair=last.chair,
        members=last.members, open_deficiencies=tuple(r.deficiency for r in open_rows),
    )
