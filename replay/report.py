"""One audit answer: a stream's history as recorded by a moment, and what was in force on a date.

This is what `letopis history` prints; `replay.render` turns it into text or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.appeal import Appeal
from domain.certificate import Certificate
from domain.college_admission import CollegeAdmission
from domain.errors import InvalidInput, NotFound
from domain.first_class_admission import FirstClassAdmission
from domain.gradebook import Gradebook
from domain.kindergarten_queue import KindergartenApplication
from domain.kindergarten_round import AllocationRound
from domain.learner import Learner
from domain.organisation import Organisation
from letopis.ledger import Ledger
from replay.as_of import fold_as, read_stream, recorded_by
from replay.balances import CertificateState, certificate_state
from replay.history import HistoryEntry, history_of
from replay.in_force import LearnerOn, OrganisationOn, organisation_on, placement_on

KINDS: dict[str, type[Aggregate]] = {
    "learner": Learner,
    "organisation": Organisation,
    "gradebook": Gradebook,
    "certificate": Certificate,
    "appeal": Appeal,
    "kindergarten-application": KindergartenApplication,
    "allocation-round": AllocationRound,
    "first-class-admission": FirstClassAdmission,
    "college-admission": CollegeAdmission,
}

# Kinds for which a business date has an answer: a placement, or registry details.
IN_FORCE_KINDS = ("learner", "organisation")


@dataclass(frozen=True)
class HistoryReport:
    kind: str  # "learner", "organisation" or "gradebook"
    stream_id: UUID
    as_of: datetime | None  # None: the record as it stands now
    entries: tuple[HistoryEntry, ...]
    recorded_later: int  # events recorded after `as_of`, not shown
    effective_on: date | None = None
    in_force: LearnerOn | OrganisationOn | None = None
    state: CertificateState | None = None  # a certificate's balances as the record stood


def build_report(ledger: Ledger, kind: str, stream_id: UUID, *, as_of: datetime | None = None,
                 effective_on: date | None = None) -> HistoryReport:
    """Read the stream once; refuse an unknown stream or one of another kind (NotFound)."""
    if kind not in KINDS:
        raise InvalidInput(f"history is kept for {', '.join(KINDS)}, not {kind!r}")
    if effective_on is not None and kind not in IN_FORCE_KINDS:
        raise InvalidInput(f"--effective-on answers for a learner or an organisation, not a {kind}")
    events = read_stream(ledger, stream_id)
    if not events:
        raise NotFound(f"{kind} {stream_id} is not in the ledger")
    first = fold_as(KINDS[kind], events[:1], kind)  # NotFound if the stream is another kind
    known = recorded_by(events, as_of)
    in_force: LearnerOn | OrganisationOn | None = None
    state: CertificateState | None = None  # a certificate's balances as the record stood
    if effective_on is not None and kind == "learner":
        in_force = (placement_on(fold_as(Learner, known, kind), effective_on) if known
                    else LearnerOn(first.id, effective_on, None, ()))
    elif effective_on is not None:
        in_force = organisation_on(first.id, known, effective_on)
    state = (certificate_state(fold_as(Certificate, known, kind))
             if kind == "certificate" and known else None)
    return HistoryReport(kind=kind, stream_id=stream_id, as_of=as_of,
                         entries=tuple(history_of(known)),
                         recorded_later=len(events) - len(known),
                         effective_on=effective_on, in_force=in_force, state=state)
