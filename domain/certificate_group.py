"""A certificate group (группа сертификатов): a municipality's nominal for one calendar year.

The group counts the certificates it funds for the year and the sum of their nominals, so that
neither limit can be exceeded: every admission touches the group's stream, and two concurrent
admissions conflict on its version instead of both slipping under the limit.
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

import json
from datetime import datetime
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated
from domain.money import Kopecks, Unit, format_amount, require_amount

# Fixed for ever: every group stream id is derived from it.
GROUP_NAMESPACE = UUID("5f0c2a61-8d3e-5b7a-9c41-2e6f8a1b3d70")


class GroupLimitReached(RuleViolated):
    code = "group_limit_reached"


class AlreadyInGroup(RuleViolated):
    code = "already_in_group"


class GroupAlreadyEstablished(RuleViolated):
    code = "group_already_established"


class GroupNotFound(NotFound):
    code = "certificate_group_not_found"


class CertificateGroup(Aggregate):
    """Nominal, maximum count and maximum sum of nominals of a municipality's year."""

    @staticmethod
    def stream_id(municipality: str, year: int) -> UUID:
        return uuid5(GROUP_NAMESPACE, json.dumps([municipality, year]))

    @staticmethod
    def create_id(municipality: str, year: int, nominal: Kopecks, unit: Unit,
                  max_certificates: int, max_nominal_sum: Kopecks, meta: Meta,
                  timestamp: datetime) -> UUID:
        return CertificateGroup.stream_id(municipality, year)

    @classmethod
    def establish(cls, *, municipality: str, year: int, nominal: Kopecks, unit: Unit,
                  max_certificates: int, max_nominal_sum: Kopecks,
                  meta: Meta) -> CertificateGroup:
        if not municipality.strip() or municipality != municipality.strip():
            raise InvalidInput(f"municipality {municipality!r} must be non-empty, trimmed")
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise InvalidInput(f"year {year!r} must be a calendar year")
        require_amount(nominal, "nominal", positive=True)
        require_amount(max_nominal_sum, "maximum sum of nominals")
        if isinstance(max_certificates, bool) or not isinstance(max_certificates, int) \
                or max_certificates < 0:
            raise InvalidInput("maximum number of certificates must be a non-negative integer")
        return cls(municipality=municipality, year=year, nominal=nominal, unit=unit,
                   max_certificates=max_certificates, max_nominal_sum=max_nominal_sum,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Established")
    def __init__(self, municipality: str, year: int, nominal: Kopecks, unit: Unit,
                 max_certificates: int, max_nominal_sum: Kopecks, meta: Meta,
                 timestamp: datetime) -> None:
        self.municipality = municipality
        self.year = year
        self.nominal = nominal
        self.unit = unit
        self.max_certificates = max_certificates
        self.max_nominal_sum = max_nominal_sum
        self.certificate_ids: set[UUID] = set()
        self.nominal_sum: Kopecks = 0

    def admit(self, *, certificate_id: UUID, meta: Meta) -> None:
        """Fund a certificate from this group for the year, within both limits."""
        if certificate_id in self.certificate_ids:
            raise AlreadyInGroup(f"certificate {certificate_id} is already funded by "
                                 f"{self.municipality} for {self.year}")
        if len(self.certificate_ids) + 1 > self.max_certificates:
            raise GroupLimitReached(
                f"{self.municipality} {self.year}: all {self.max_certificates} certificates "
                "of the group are issued"
            )
        if self.nominal_sum + self.nominal > self.max_nominal_sum:
            raise GroupLimitReached(
                f"{self.municipality} {self.year}: another nominal of "
                f"{format_amount(self.nominal, self.unit)} would exceed the group's maximum "
                f"sum of {format_amount(self.max_nominal_sum, self.unit)}"
            )
        self._admitted(certificate_id=certificate_id, nominal=self.nominal, meta=meta,
                       timestamp=meta.recorded_at)

    @event("CertificateAdmitted")
    def _admitted(self, certificate_id: UUID, nominal: Kopecks, meta: Meta,
                  timestamp: datetime) -> None:
        self.certificate_ids.add(certificate_id)
        self.nominal_sum += nominal


VALUE_TYPES: tuple[type, ...] = ()
