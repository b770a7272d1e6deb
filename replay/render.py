"""`letopis history` output: a report as text for people, or as JSON for tools.

Text shows every envelope field of every event on a line of its own, so an auditor can quote
any of them; JSON carries the same fields with the same names as `HistoryEntry`.
"""

from __future__ import annotations

import json
from uuid import UUID

from domain.envelope import Actor, BasisDocument
from domain.gradebook_values import MarkValue
from replay.balances import certificate_state_lines
from replay.history import Correction, HistoryEntry, plain
from replay.in_force import LearnerOn, OrganisationOn, PlacementInForce
from replay.report import HistoryReport

NONE = "—"
_LABEL = 16


def _line(label: str, value: str) -> str:
    return f"    {label:<{_LABEL}}{value}"


def _opt(value: UUID | None) -> str:
    return NONE if value is None else str(value)


def actor_text(actor: Actor) -> str:
    organisation = f" of organisation {actor.organisation_id}" if actor.organisation_id else ""
    return f"{actor.user_id} ({actor.role.value}){organisation}"


def basis_text(basis: BasisDocument | None) -> str:
    if basis is None:
        return NONE
    return f"{basis.kind} № {basis.number} of {basis.dated.isoformat()}"


def _mark(value: MarkValue) -> str:
    return f"{value.value} ({value.scale.value})"


def correction_text(correction: Correction) -> str:
    target = f"v{correction.version} {correction.event_type} (event {correction.event_id})"
    if correction.mark_id is None:
        return target
    previous = _mark(correction.previous_value) if correction.previous_value else NONE
    return f"mark {correction.mark_id} recorded in {target}; previous value {previous}"


def entry_text(entry: HistoryEntry) -> list[str]:
    lines = [
        f"v{entry.version}  {entry.event_type}",
        _line("event id", str(entry.event_id)),
        _line("recorded at", entry.recorded_at.isoformat()),
        _line("effective on", entry.effective_on.isoformat()),
        _line("by", actor_text(entry.actor)),
        _line("basis", basis_text(entry.basis)),
        _line("command", entry.command_id),
        _line("correlation", _opt(entry.correlation_id)),
        _line("causation", _opt(entry.causation_id)),
        _line("source", entry.source_system),
    ]
    if entry.data:
        lines.append(_line("data", json.dumps(entry.data, ensure_ascii=False, sort_keys=True)))
    if entry.corrects is not None:
        lines.append(_line("corrects", correction_text(entry.corrects)))
    if entry.corrected_by:
        label = "cancelled by" if entry.event_type.startswith("Learner.") else "corrected by"
        lines.append(_line(label, ", ".join(f"v{ref.version} {ref.event_type} "
                                            f"(event {ref.event_id})"
                                            for ref in entry.corrected_by)))
    return lines


def _record(report: HistoryReport) -> str:
    if report.as_of is None:
        return "the record as it stands now"
    return f"the record as of {report.as_of.isoformat()}"


def _placement(placed: PlacementInForce) -> list[str]:
    p = placed.placement
    return [
        f"    organisation {p.organisation_id}, class {p.class_or_group}, "
        f"level {p.level.value}, academic year {p.academic_year}, "
        f"form of study {p.form_of_study.value}",
        f"    enrolled {p.enrolled_on.isoformat()} (enrolment {p.enrolment_id}), "
        f"in this class since {p.placed_on.isoformat()}; "
        f"by v{placed.version} (event {placed.event_id})",
    ]


def learner_on_text(answer: LearnerOn) -> list[str]:
    lines = ["  general education:" + ("" if answer.general else " none")]
    if answer.general is not None:
        lines += _placement(answer.general)
    lines.append("  additional education:" + ("" if answer.additional else " none"))
    for placed in answer.additional:
        lines += _placement(placed)
    return lines


def organisation_on_text(answer: OrganisationOn) -> list[str]:
    details = answer.details
    if details is None:
        return ["  not registered on that date"]
    since = answer.details_effective_on.isoformat() if answer.details_effective_on else NONE
    lines = [f"  details in force since {since} "
             f"(v{answer.details_version}, event {answer.details_event_id}):"]
    for label, value in (("full name", details.full_name), ("short name", details.short_name),
                         ("kind", details.kind.value), ("INN", details.inn),
                         ("OGRN", details.ogrn), ("municipality", details.municipality),
                         ("legal address", details.legal_address),
                         ("actual address", details.actual_address)):
        lines.append(_line(label, value))
    if answer.closed_on is None:
        lines.append("  status: open")
    else:
        lines.append(f"  status: closed since {answer.closed_on.isoformat()} "
                     f"(v{answer.closed_version})")
    return lines


def render_text(report: HistoryReport) -> str:
    shown = len(report.entries)
    later = (f"; {report.recorded_later} recorded later not shown"
             if report.recorded_later else "")
    lines = [f"{report.kind} {report.stream_id}",
             f"{_record(report)}: {shown} event{'s' if shown != 1 else ''}{later}"]
    for entry in report.entries:
        lines.append("")
        lines += entry_text(entry)
    if report.effective_on is not None:
        lines += ["", f"in force on {report.effective_on.isoformat()} according to "
                      f"{_record(report)}:"]
        if isinstance(report.in_force, LearnerOn):
            lines += learner_on_text(report.in_force)
        elif isinstance(report.in_force, OrganisationOn):
            lines += organisation_on_text(report.in_force)
    if report.state is not None:
        lines += ["", f"balances according to {_record(report)}:"]
        lines += certificate_state_lines(report.state)
    return "\n".join(lines)


def render_json(report: HistoryReport) -> str:
    body = {
        "kind": report.kind,
        "stream_id": str(report.stream_id),
        "as_of": report.as_of.isoformat() if report.as_of else None,
        "recorded_later": report.recorded_later,
        "events": [plain(entry) for entry in report.entries],
        "effective_on": report.effective_on.isoformat() if report.effective_on else None,
        "in_force": plain(report.in_force),
    }
    if report.state is not None:
        body["state"] = plain(report.state)
    return json.dumps(body, ensure_ascii=False, indent=2)
