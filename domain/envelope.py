"""The event envelope: who, when and on what basis a fact was recorded.

Every command carries a `Meta`; every event stores it. The aggregate never reads a clock or
makes ids: `recorded_at`, `command_id` and the rest come in with the command.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from uuid import UUID

SOURCE_SYSTEM_DEFAULT = "letopis"


class Role(Enum):
    """Roles of the people and systems that record facts."""

    REGISTRAR = "registrar"  # contingent clerk of an organisation / authority
    TEACHER = "teacher"
    ADMINISTRATOR = "administrator"
    FINANCE = "finance"
    COMMISSION = "commission"
    AUDITOR = "auditor"
    SYSTEM = "system"  # imports, generators, integrations


@dataclass(frozen=True)
class Actor:
    """Who recorded the fact: a user id, the role they acted in, and their organisation."""

    user_id: str
    role: Role
    organisation_id: UUID | None = None


@dataclass(frozen=True)
class BasisDocument:
    """The document a fact rests on, e.g. an order (приказ) with its number and date."""

    kind: str
    number: str
    dated: date


@dataclass(frozen=True)
class Meta:
    """Envelope fields supplied with every command and kept with every event it produces."""

    recorded_at: datetime  # aware UTC, from the injected clock
    effective_on: date  # business date the fact takes effect
    actor: Actor
    command_id: str  # client command id: the idempotency key
    basis: BasisDocument | None = None
    correlation_id: UUID | None = None
    causation_id: UUID | None = None
    source_system: str = SOURCE_SYSTEM_DEFAULT

    def __post_init__(self) -> None:
        if self.recorded_at.tzinfo is None or self.recorded_at.utcoffset() is None:
            raise ValueError("recorded_at must be an aware datetime (UTC)")
        if not self.command_id:
            raise ValueError("command_id must not be empty")
