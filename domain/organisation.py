"""Organisation registry: schools, kindergartens, colleges, providers, education authorities."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, RuleViolated
from domain.identifiers import validate_inn, validate_ogrn


class OrganisationKind(Enum):
    SCHOOL = "school"
    KINDERGARTEN = "kindergarten"
    COLLEGE = "college"
    ADDITIONAL_EDUCATION = "additional_education"
    EDUCATION_AUTHORITY = "education_authority"


class OrganisationClosed(RuleViolated):
    code = "organisation_closed"


@dataclass(frozen=True)
class OrganisationDetails:
    """The registry card of an organisation: everything that may change over its life."""

    full_name: str
    short_name: str
    kind: OrganisationKind
    inn: str
    ogrn: str
    municipality: str
    legal_address: str
    actual_address: str

    def validated(self) -> OrganisationDetails:
        validate_inn(self.inn)
        validate_ogrn(self.ogrn)
        for name in ("full_name", "short_name", "municipality", "legal_address", "actual_address"):
            if not getattr(self, name).strip():
                raise InvalidInput(f"organisation {name.replace('_', ' ')} must not be empty")
        return self


@dataclass(frozen=True)
class Licence:
    number: str
    issued_on: date
    issued_by: str


@dataclass(frozen=True)
class Accreditation:
    number: str
    issued_on: date
    valid_until: date | None
    levels: tuple[str, ...]


class Organisation(Aggregate):
    """An organisation as the regional registry knows it. Organisation data is public."""

    @staticmethod
    def create_id(organisation_id: UUID, details: OrganisationDetails, meta: Meta,
                  timestamp: datetime) -> UUID:
        return organisation_id

    @classmethod
    def register(cls, *, organisation_id: UUID, details: OrganisationDetails,
                 meta: Meta) -> Organisation:
        details.validated()
        return cls(organisation_id=organisation_id, details=details, meta=meta,
                   timestamp=meta.recorded_at)

    @event("Registered")
    def __init__(self, organisation_id: UUID, details: OrganisationDetails, meta: Meta,
                 timestamp: datetime) -> None:
        self.details = details
        self.licences: list[Licence] = []
        self.accreditations: list[Accreditation] = []
        self.closed_on: date | None = None
        self.successor_ids: tuple[UUID, ...] = ()

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def _require_open(self) -> None:
        if self.closed_on is not None:
            raise OrganisationClosed(
                f"organisation {self.id} ({self.details.short_name}) is closed "
                f"since {self.closed_on.isoformat()}"
            )

    def change_details(self, *, details: OrganisationDetails, meta: Meta) -> None:
        self._require_open()
        details.validated()
        if details == self.details:
            raise InvalidInput("the new details are the same as the current ones")
        self._details_changed(details=details, meta=meta, timestamp=meta.recorded_at)

    @event("DetailsChanged")
    def _details_changed(self, details: OrganisationDetails, meta: Meta,
                         timestamp: datetime) -> None:
        self.details = details

    def record_licence(self, *, licence: Licence, meta: Meta) -> None:
        self._require_open()
        if not licence.number.strip():
            raise InvalidInput("licence number must not be empty")
        self._licence_recorded(licence=licence, meta=meta, timestamp=meta.recorded_at)

    @event("LicenceRecorded")
    def _licence_recorded(self, licence: Licence, meta: Meta, timestamp: datetime) -> None:
        self.licences.append(licence)

    def record_accreditation(self, *, accreditation: Accreditation, meta: Meta) -> None:
        self._require_open()
        if accreditation.valid_until and accreditation.valid_until < accreditation.issued_on:
            raise InvalidInput("accreditation cannot expire before it is issued")
        self._accreditation_recorded(accreditation=accreditation, meta=meta,
                                     timestamp=meta.recorded_at)

    @event("AccreditationRecorded")
    def _accreditation_recorded(self, accreditation: Accreditation, meta: Meta,
                                timestamp: datetime) -> None:
        self.accreditations.append(accreditation)

    def reorganise(self, *, form: str, successor_ids: tuple[UUID, ...], meta: Meta) -> None:
        """Record a reorganisation (merger, split, accession...). The successors must exist."""
        self._require_open()
        if not form.strip():
            raise InvalidInput("reorganisation form must not be empty")
        if self.id in successor_ids:
            raise InvalidInput("an organisation cannot be its own successor")
        self._reorganised(form=form, successor_ids=successor_ids, meta=meta,
                          timestamp=meta.recorded_at)

    @event("Reorganised")
    def _reorganised(self, form: str, successor_ids: tuple[UUID, ...], meta: Meta,
                     timestamp: datetime) -> None:
        self.successor_ids = successor_ids

    def close(self, *, reason: str, meta: Meta) -> None:
        self._require_open()
        if not reason.strip():
            raise InvalidInput("closure reason must not be empty")
        self._closed(reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Closed")
    def _closed(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.closed_on = meta.effective_on

    def require_accepting_enrolments(self) -> None:
        """Guard used by enrolment commands: no enrolment into a closed organisation."""
        self._require_open()


VALUE_TYPES: tuple[type, ...] = (OrganisationKind, OrganisationDetails, Licence, Accreditation)
