"""Commands and queries of the staff registry, class teachers and teacher attestation."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from domain.attestation import Attestation
from domain.envelope import Meta
from domain.errors import InvalidInput, NotFound
from domain.organisation import Organisation
from domain.staff import StaffRegister
from domain.staff_values import (
    AttestationCategory,
    AttestationNotFound,
    AttestationOutcome,
    NotEmployed,
    Position,
)
from letopis.ledger import CommandContext, Ledger
from letopis.store.base import CommandOutcome


class StaffService:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    # -- reading -------------------------------------------------------------------------------

    def register(self, organisation_id: UUID) -> StaffRegister:
        return self.ledger.load(StaffRegister, StaffRegister.stream_id(organisation_id),
                                "staff register")

    def _register_or_none(self, organisation_id: UUID) -> StaffRegister | None:
        stream_id = StaffRegister.stream_id(organisation_id)
        return self.register(organisation_id) if self.ledger.exists(stream_id) else None

    def classes_of(self, teacher_id: UUID, organisation_id: UUID,
                   academic_year: str) -> list[str]:
        """The classes `teacher_id` is class teacher of at the organisation in the year
        (empty if none, or if the organisation has no staff register): the API's "a class
        teacher sees only their own class" rule reads this."""
        register = self._register_or_none(organisation_id)
        return [] if register is None else register.classes_of(teacher_id, academic_year)

    def class_teacher_of(self, organisation_id: UUID, class_name: str,
                         academic_year: str) -> UUID | None:
        register = self._register_or_none(organisation_id)
        return None if register is None else register.class_teacher_of(class_name, academic_year)

    def attestation(self, application_id: UUID) -> Attestation:
        try:
            return self.ledger.load(Attestation, application_id, "attestation application")
        except NotFound:
            raise AttestationNotFound(f"there is no attestation application {application_id}: "
                                      "a decision needs an application") from None

    # -- employment ----------------------------------------------------------------------------

    def hire(self, context: CommandContext, organisation_id: UUID, person_id: UUID,
             full_name: str, position: Position) -> CommandOutcome:
        """Hire by the order in `context.basis`; the first hiring opens the register."""
        def action(meta: Meta) -> list[StaffRegister]:
            organisation = self.ledger.load(Organisation, organisation_id, "organisation")
            register = self._register_or_none(organisation_id)
            if register is None:
                register = StaffRegister.open(organisation=organisation, meta=meta)
            register.hire(organisation=organisation, person_id=person_id, full_name=full_name,
                          position=position, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "hire_employee",
            {"organisation_id": organisation_id, "person_id": person_id,
             "full_name": full_name, "position": position.title,
             "subjects": list(position.subjects)}, action,
        )

    def change_position(self, context: CommandContext, organisation_id: UUID, person_id: UUID,
                        position: Position) -> CommandOutcome:
        def action(meta: Meta) -> list[StaffRegister]:
            register = self._employer(organisation_id, person_id)
            register.change_position(person_id=person_id, position=position, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "change_position",
            {"organisation_id": organisation_id, "person_id": person_id,
             "position": position.title, "subjects": list(position.subjects)}, action,
        )

    def leave(self, context: CommandContext, organisation_id: UUID, person_id: UUID,
              reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[StaffRegister]:
            register = self._employer(organisation_id, person_id)
            register.leave(person_id=person_id, reason=reason, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "employee_leaves",
            {"organisation_id": organisation_id, "person_id": person_id, "reason": reason},
            action,
        )

    def _employer(self, organisation_id: UUID, person_id: UUID) -> StaffRegister:
        register = self._register_or_none(organisation_id)
        if register is None:
            raise NotEmployed(f"{person_id} is not employed at organisation {organisation_id}")
        return register

    # -- class teachers ------------------------------------------------------------------------

    def assign_class_teacher(self, context: CommandContext, organisation_id: UUID,
                             class_name: str, academic_year: str,
                             person_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[StaffRegister]:
            register = self._employer(organisation_id, person_id)
            register.assign_class_teacher(class_name=class_name, academic_year=academic_year,
                                          person_id=person_id, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "assign_class_teacher",
            {"organisation_id": organisation_id, "class_name": class_name,
             "academic_year": academic_year, "person_id": person_id}, action,
        )

    def replace_class_teacher(self, context: CommandContext, organisation_id: UUID,
                              class_name: str, academic_year: str, person_id: UUID,
                              reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[StaffRegister]:
            register = self._employer(organisation_id, person_id)
            register.replace_class_teacher(class_name=class_name, academic_year=academic_year,
                                           person_id=person_id, reason=reason, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "replace_class_teacher",
            {"organisation_id": organisation_id, "class_name": class_name,
             "academic_year": academic_year, "person_id": person_id, "reason": reason}, action,
        )

    def unassign_class_teacher(self, context: CommandContext, organisation_id: UUID,
                               class_name: str, academic_year: str,
                               reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[StaffRegister]:
            register = self.register(organisation_id)
            register.unassign_class_teacher(class_name=class_name, academic_year=academic_year,
                                            reason=reason, meta=meta)
            return [register]

        return self.ledger.execute(
            context, "unassign_class_teacher",
            {"organisation_id": organisation_id, "class_name": class_name,
             "academic_year": academic_year, "reason": reason}, action,
        )

    # -- attestation ---------------------------------------------------------------------------

    def file_attestation(self, context: CommandContext, application_id: UUID,
                         organisation_id: UUID, person_id: UUID,
                         category: AttestationCategory) -> CommandOutcome:
        """A teacher's application; they must be employed at `organisation_id`."""
        def action(meta: Meta) -> list[Attestation]:
            if self.ledger.exists(application_id):
                raise InvalidInput(f"application {application_id} is already filed")
            employee = self._employer(organisation_id, person_id).employee(person_id)
            return [Attestation.file(application_id=application_id, person_id=person_id,
                                     organisation_id=organisation_id, category=category,
                                     position=employee.position.title, meta=meta)]

        return self.ledger.execute(
            context, "file_attestation",
            {"application_id": application_id, "organisation_id": organisation_id,
             "person_id": person_id, "category": category.value}, action,
        )

    def assess_attestation(self, context: CommandContext, application_id: UUID,
                           conclusion: str, recommended: bool) -> CommandOutcome:
        def action(meta: Meta) -> list[Attestation]:
            attestation = self.attestation(application_id)
            attestation.assess(conclusion=conclusion, recommended=recommended, meta=meta)
            return [attestation]

        return self.ledger.execute(
            context, "assess_attestation",
            {"application_id": application_id, "conclusion": conclusion,
             "recommended": recommended}, action,
        )

    def decide_attestation(self, context: CommandContext, application_id: UUID,
                           outcome: AttestationOutcome, valid_from: date | None = None,
                           valid_until: date | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Attestation]:
            attestation = self.attestation(application_id)
            attestation.decide(outcome=outcome, valid_from=valid_from, valid_until=valid_until,
                               meta=meta)
            return [attestation]

        return self.ledger.execute(
            context, "decide_attestation",
            {"application_id": application_id, "outcome": outcome.value,
             "valid_from": valid_from, "valid_until": valid_until}, action,
        )
