"""Attestation of a teacher for a qualification category (аттестация педагогических
работников, Smolensk 493 item 5.4: a public service provided electronically).

One stream per application: filed by the teacher, assessed by experts, decided by the
attestation commission. A decision without an application does not exist: the stream is
created by the application, and a decision needs an assessment first.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import BasisDocument, Meta
from domain.errors import InvalidInput
from domain.staff_values import (
    AttestationCategory,
    AttestationDecided,
    AttestationNotAssessed,
    AttestationOutcome,
    InvalidValidity,
)

# A category is set for five years (Order of the Ministry of Education No. 196 of 24.03.2023).
MAX_VALIDITY_YEARS = 5


def _years_later(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + years, day=28)


class Attestation(Aggregate):
    """A teacher's application for the first or the highest category, and what became of it."""

    @staticmethod
    def create_id(application_id: UUID, person_id: UUID, organisation_id: UUID,
                  category: AttestationCategory, position: str, meta: Meta,
                  timestamp: datetime) -> UUID:
        return application_id

    @classmethod
    def file(cls, *, application_id: UUID, person_id: UUID, organisation_id: UUID,
             category: AttestationCategory, position: str, meta: Meta) -> Attestation:
        """The teacher's application (заявление), for the post held at `organisation_id`."""
        if not position.strip():
            raise InvalidInput("the application names the position to be attested in")
        return cls(application_id=application_id, person_id=person_id,
                   organisation_id=organisation_id, category=category, position=position,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Filed")
    def __init__(self, application_id: UUID, person_id: UUID, organisation_id: UUID,
                 category: AttestationCategory, position: str, meta: Meta,
                 timestamp: datetime) -> None:
        self.person_id = person_id
        self.organisation_id = organisation_id
        self.category = category
        self.position = position
        self.filed_on = meta.effective_on
        self.assessment: str | None = None
        self.outcome: AttestationOutcome | None = None
        self.valid_from: date | None = None
        self.valid_until: date | None = None

    def _require_open(self) -> None:
        if self.outcome is not None:
            raise AttestationDecided(f"application {self.id} was decided: {self.outcome.value}")

    def assess(self, *, conclusion: str, recommended: bool, meta: Meta) -> None:
        """The experts' assessment of the teacher's results (экспертное заключение)."""
        self._require_open()
        if not conclusion.strip():
            raise InvalidInput("an assessment states its conclusion")
        if meta.effective_on < self.filed_on:
            raise InvalidInput("an assessment cannot precede the application")
        self._assessed(conclusion=conclusion, recommended=recommended, meta=meta,
                       timestamp=meta.recorded_at)

    @event("Assessed")
    def _assessed(self, conclusion: str, recommended: bool, meta: Meta,
                  timestamp: datetime) -> None:
        self.assessment = conclusion

    def decide(self, *, outcome: AttestationOutcome, valid_from: date | None,
               valid_until: date | None, meta: Meta) -> None:
        """The commission's decision, by the order in `meta.basis`; a category granted has
        its period of validity (at most five years), a refusal has none."""
        self._require_open()
        if self.assessment is None:
            raise AttestationNotAssessed(f"application {self.id} has not been assessed yet")
        if meta.basis is None:
            raise InvalidInput("an attestation decision is made by an order: give the basis")
        if outcome is AttestationOutcome.GRANTED:
            if valid_from is None or valid_until is None:
                raise InvalidValidity("a category granted needs its validity period")
            if valid_from < self.filed_on or valid_until <= valid_from:
                raise InvalidValidity(f"validity {valid_from}–{valid_until} must start on or "
                                      f"after the application ({self.filed_on}) and end later")
            if valid_until > _years_later(valid_from, MAX_VALIDITY_YEARS):
                raise InvalidValidity(f"a category is set for at most {MAX_VALIDITY_YEARS} "
                                      "years")
        elif valid_from is not None or valid_until is not None:
            raise InvalidValidity("a refusal has no validity period")
        self._decided(outcome=outcome, category=self.category, valid_from=valid_from,
                      valid_until=valid_until, order=meta.basis, meta=meta,
                      timestamp=meta.recorded_at)

    @event("Decided")
    def _decided(self, outcome: AttestationOutcome, category: AttestationCategory,
                 valid_from: date | None, valid_until: date | None, order: BasisDocument,
                 meta: Meta, timestamp: datetime) -> None:
        self.outcome = outcome
        self.valid_from = valid_from
        self.valid_until = valid_until


VALUE_TYPES: tuple[type, ...] = (AttestationCategory, AttestationOutcome)
