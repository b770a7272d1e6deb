"""Helpers for personal-data tests: a small region, byte dumps of every table, PD searches."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg

from domain.envelope import Actor, BasisDocument, Role
from letopis.ledger import CommandContext, Ledger
from letopis.privacy import PersonalDataService, keystore_schema, open_keystore
from letopis.privacy.keys import MasterKey
from letopis.privacy.keystore import sqlite_keystore_path
from letopis.services.learners import LearnerService
from letopis.services.organisations import OrganisationService
from tests.integration.test_learners import details

SCHOOL = UUID(int=1)
YEAR = "2026/2027"
SEP_1 = date(2026, 9, 1)
CLERK = Actor(user_id="clerk-1", role=Role.REGISTRAR)
DPO = Actor(user_id="dpo-1", role=Role.ADMINISTRATOR)  # who destroys
ORDER = BasisDocument(kind="order", number="15-к", dated=date(2026, 8, 30))


def ctx(command_id: str, actor: Actor = CLERK,
        basis: BasisDocument | None = ORDER) -> CommandContext:
    return CommandContext(actor=actor, command_id=command_id, effective_on=SEP_1, basis=basis)


@dataclass
class Region:
    """One school and its learners over a ledger and a personal-data service."""

    ledger: Ledger
    personal_data: PersonalDataService
    learners: LearnerService = field(init=False)

    def __post_init__(self) -> None:
        self.learners = LearnerService(self.ledger, self.personal_data)
        if not self.ledger.exists(SCHOOL):
            OrganisationService(self.ledger).register(ctx("org", basis=None), SCHOOL,
                                                      details(1))

    def register(self, learner_id: UUID, record: dict[str, Any] | None) -> None:
        self.learners.register(ctx(f"register/{learner_id}", basis=None), learner_id, record)

    def enrol(self, learner_id: UUID, enrolment_id: UUID, class_or_group: str = "5А") -> None:
        from domain.learner_values import EducationLevel

        self.learners.enrol(ctx(f"enrol/{learner_id}"), learner_id, enrolment_id=enrolment_id,
                            organisation_id=SCHOOL, level=EducationLevel.BASIC_GENERAL,
                            class_or_group=class_or_group, academic_year=YEAR)


def service(ledger: Ledger, url: str, schema: str, master: MasterKey) -> PersonalDataService:
    return PersonalDataService(ledger, open_keystore(url, schema), master, ledger.clock)


# -- dumps --------------------------------------------------------------------------------------


def sqlite_files(url: str) -> list[Path]:
    """The store file (events, side tables, projections) and its key-store file, with WALs."""
    store = Path(url[len("sqlite:///"):])
    keys = Path(sqlite_keystore_path(str(store)))
    return [p for base in (store, keys)
            for p in (base, base.with_name(base.name + "-wal")) if p.exists()]


def dump(url: str, schema: str) -> bytes:
    """Every byte of every table of the store, its projections and its key store."""
    if url.startswith("sqlite:///"):
        return b"".join(path.read_bytes() for path in sqlite_files(url))
    chunks: list[bytes] = []
    schemas = [schema, f"{schema}_proj", keystore_schema(schema)]
    with psycopg.connect(url) as conn:
        tables = conn.execute(
            "SELECT table_schema, table_name FROM information_schema.tables "
            "WHERE table_schema = ANY(%s) AND table_type = 'BASE TABLE'", (schemas,)).fetchall()
        for table_schema, table_name in tables:
            # Binary COPY: bytea and text columns as their raw bytes, not escaped.
            with conn.cursor().copy(
                    f'COPY "{table_schema}"."{table_name}" TO STDOUT (FORMAT binary)'
                    .encode()) as copy:
                chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


def forms(value: str) -> list[bytes]:
    """How a value could appear in plaintext: raw UTF-8, or JSON-escaped."""
    return sorted({value.encode(), json.dumps(value)[1:-1].encode()})


def leaked(haystack: bytes, record: dict[str, Any]) -> list[str]:
    """The fields of `record` whose value appears in `haystack` in plaintext."""
    return [name for name, value in record.items()
            if isinstance(value, str) and any(f in haystack for f in forms(value))]
