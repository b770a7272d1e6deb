"""A certified programme (сертифицированная программа) of a provider, with its prices."""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound, RuleViolated
from domain.money import Kopecks, Unit, require_amount


class ProgrammeNotFound(NotFound):
    code = "programme_not_found"


class ProgrammeWithdrawn(RuleViolated):
    code = "programme_withdrawn"


class Programme(Aggregate):
    """A provider's programme: price per month and the normative price (нормативная стоимость)."""

    @staticmethod
    def create_id(programme_id: UUID, provider_id: UUID, title: str, unit: Unit,
                  price_per_month: Kopecks, normative_price: Kopecks, meta: Meta,
                  timestamp: datetime) -> UUID:
        return programme_id

    @classmethod
    def certify(cls, *, programme_id: UUID, provider_id: UUID, title: str, unit: Unit,
                price_per_month: Kopecks, normative_price: Kopecks, meta: Meta) -> Programme:
        if not title.strip():
            raise InvalidInput("programme title must not be empty")
        require_amount(price_per_month, "price per month", positive=True)
        require_amount(normative_price, "normative price per month", positive=True)
        return cls(programme_id=programme_id, provider_id=provider_id, title=title, unit=unit,
                   price_per_month=price_per_month, normative_price=normative_price,
                   meta=meta, timestamp=meta.recorded_at)

    @event("Certified")
    def __init__(self, programme_id: UUID, provider_id: UUID, title: str, unit: Unit,
                 price_per_month: Kopecks, normative_price: Kopecks, meta: Meta,
                 timestamp: datetime) -> None:
        self.provider_id = provider_id
        self.title = title
        self.unit = unit
        self.price_per_month = price_per_month
        self.normative_price = normative_price
        self.withdrawn = False

    @property
    def certificate_share(self) -> Kopecks:
        """What a certificate pays per month at most: min(price, normative price)."""
        return min(self.price_per_month, self.normative_price)

    def change_prices(self, *, price_per_month: Kopecks, normative_price: Kopecks,
                      meta: Meta) -> None:
        """New prices apply to contracts requested from now on, never to existing ones."""
        self.require_offered()
        require_amount(price_per_month, "price per month", positive=True)
        require_amount(normative_price, "normative price per month", positive=True)
        if (price_per_month, normative_price) == (self.price_per_month, self.normative_price):
            raise InvalidInput("the new prices are the same as the current ones")
        self._prices_changed(price_per_month=price_per_month, normative_price=normative_price,
                             meta=meta, timestamp=meta.recorded_at)

    @event("PricesChanged")
    def _prices_changed(self, price_per_month: Kopecks, normative_price: Kopecks, meta: Meta,
                        timestamp: datetime) -> None:
        self.price_per_month = price_per_month
        self.normative_price = normative_price

    def withdraw(self, *, reason: str, meta: Meta) -> None:
        self.require_offered()
        if not reason.strip():
            raise InvalidInput("withdrawal reason must not be empty")
        self._withdrawn(reason=reason, meta=meta, timestamp=meta.recorded_at)

    @event("Withdrawn")
    def _withdrawn(self, reason: str, meta: Meta, timestamp: datetime) -> None:
        self.withdrawn = True

    def require_offered(self) -> None:
        if self.withdrawn:
            raise ProgrammeWithdrawn(f"programme {self.id} ({self.title}) is withdrawn")


VALUE_TYPES: tuple[type, ...] = ()
