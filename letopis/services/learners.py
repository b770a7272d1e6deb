"""Commands of the learner contingent: registration, enrolment, transfers, leaving, corrections.

Personal data never enters the event stream: the personal-data service encrypts it with the
learner's own data key into a separate record keyed by the pseudonymous id, and seals free text
(a cancellation reason) under the same key before the event is written (docs/privacy.md).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any
from uuid import UUID

from domain.envelope import BasisDocument, Meta
from domain.errors import InvalidInput
from domain.learner import CANCELLATION_REASON, Learner
from domain.learner_values import EducationDocument, EducationLevel, FormOfStudy, LeavingReason
from domain.organisation import Organisation
from domain.sealed import require_text
from letopis.ledger import CommandContext, Ledger
from letopis.privacy.errors import MasterKeyMissing
from letopis.privacy.service import PersonalDataService, require_personal_data
from letopis.store.base import CommandOutcome


class LearnerService:
    def __init__(self, ledger: Ledger, personal_data: PersonalDataService | None = None) -> None:
        self.ledger = ledger
        self.personal_data = personal_data

    def get(self, learner_id: UUID, version: int | None = None) -> Learner:
        return self.ledger.load(Learner, learner_id, "learner", version)

    def _open_organisation(self, organisation_id: UUID) -> Organisation:
        organisation = self.ledger.load(Organisation, organisation_id, "organisation")
        organisation.require_accepting_enrolments()
        return organisation

    def register(self, context: CommandContext, learner_id: UUID,
                 personal_data: dict[str, Any] | None = None) -> CommandOutcome:
        """Register under a pseudonymous id; `personal_data` is encrypted and kept apart."""
        if personal_data is not None:
            # Checked first, so a store without a master key writes neither event nor record.
            if self.personal_data is None:
                raise MasterKeyMissing("personal data needs the personal-data service "
                                       "(a master key and a key store)")
            self.personal_data.master()

        def action(meta: Meta) -> list[Learner]:
            if self.ledger.exists(learner_id):
                raise InvalidInput(f"learner {learner_id} is already registered")
            return [Learner.register(learner_id=learner_id, meta=meta)]

        outcome = self.ledger.execute(context, "register_learner",
                                      {"learner_id": learner_id}, action)
        if (personal_data is not None and self.personal_data is not None
                and self.ledger.store.get_personal_data(learner_id) is None
                and not self.personal_data.is_destroyed(learner_id)):
            self.personal_data.store(learner_id, personal_data)
        return outcome

    def enrol(self, context: CommandContext, learner_id: UUID, *, enrolment_id: UUID,
              organisation_id: UUID, level: EducationLevel, class_or_group: str,
              academic_year: str, form_of_study: FormOfStudy = FormOfStudy.FULL_TIME,
              expected_version: int | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Learner]:
            self._open_organisation(organisation_id)
            learner = self.get(learner_id)
            learner.enrol(enrolment_id=enrolment_id, organisation_id=organisation_id,
                          level=level, class_or_group=class_or_group,
                          academic_year=academic_year, form_of_study=form_of_study, meta=meta)
            return [learner]

        payload = {"learner_id": learner_id, "enrolment_id": enrolment_id,
                   "organisation_id": organisation_id, "level": level.value,
                   "class_or_group": class_or_group, "academic_year": academic_year,
                   "form_of_study": form_of_study.value}
        return self.ledger.execute(context, "enrol", payload, action,
                                   expected_versions=_expected(learner_id, expected_version))

    def transfer_within(self, context: CommandContext, learner_id: UUID, *,
                        enrolment_id: UUID, class_or_group: str, academic_year: str,
                        promotion: bool = False,
                        expected_version: int | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Learner]:
            learner = self.get(learner_id)
            learner.transfer_within(enrolment_id=enrolment_id, class_or_group=class_or_group,
                                    academic_year=academic_year, promotion=promotion, meta=meta)
            return [learner]

        payload = {"learner_id": learner_id, "enrolment_id": enrolment_id,
                   "class_or_group": class_or_group, "academic_year": academic_year,
                   "promotion": promotion}
        return self.ledger.execute(context, "transfer_within", payload, action,
                                   expected_versions=_expected(learner_id, expected_version))

    def transfer_between(self, context: CommandContext, learner_id: UUID, *,
                         enrolment_id: UUID, destination_organisation_id: UUID,
                         new_enrolment_id: UUID, level: EducationLevel, class_or_group: str,
                         academic_year: str, expel_basis: BasisDocument,
                         expelled_on: date,
                         form_of_study: FormOfStudy = FormOfStudy.FULL_TIME) -> CommandOutcome:
        """Expelled by way of transfer (sending order) + enrolled elsewhere (receiving order)."""

        def action(meta: Meta) -> list[Learner]:
            self._open_organisation(destination_organisation_id)
            learner = self.get(learner_id)
            expel_meta = dataclasses.replace(meta, basis=expel_basis, effective_on=expelled_on)
            learner.transfer_between(
                enrolment_id=enrolment_id, destination_organisation_id=destination_organisation_id,
                new_enrolment_id=new_enrolment_id, level=level, class_or_group=class_or_group,
                academic_year=academic_year, form_of_study=form_of_study,
                expel_meta=expel_meta, enrol_meta=meta,
            )
            return [learner]

        payload = {"learner_id": learner_id, "enrolment_id": enrolment_id,
                   "destination": destination_organisation_id, "new_enrolment_id":
                   new_enrolment_id, "level": level.value, "class_or_group": class_or_group,
                   "academic_year": academic_year, "expel_basis": expel_basis,
                   "expelled_on": expelled_on, "form_of_study": form_of_study.value}
        return self.ledger.execute(context, "transfer_between", payload, action)

    def leave(self, context: CommandContext, learner_id: UUID, *, enrolment_id: UUID,
              reason: LeavingReason,
              document: EducationDocument | None = None) -> CommandOutcome:
        def action(meta: Meta) -> list[Learner]:
            learner = self.get(learner_id)
            learner.leave(enrolment_id=enrolment_id, reason=reason, document=document, meta=meta)
            return [learner]

        payload = {"learner_id": learner_id, "enrolment_id": enrolment_id,
                   "reason": reason.value, "document": document}
        return self.ledger.execute(context, "leave", payload, action)

    def cancel(self, context: CommandContext, learner_id: UUID, *, cancelled_version: int,
               reason: str) -> CommandOutcome:
        """Cancel an erroneous move; the reason is sealed under the learner's data key (it may
        name people), and the command fingerprint keeps its keyed digest, not the text."""
        require_text(reason, "cancellation reason must not be empty")
        sealer = require_personal_data(self.personal_data, "cancellation reason")
        sealed, digest = sealer.seal(learner_id, CANCELLATION_REASON, reason)

        def action(meta: Meta) -> list[Learner]:
            learner = self.get(learner_id)
            learner.cancel(cancelled_version=cancelled_version, reason=sealed, meta=meta)
            return [learner]

        payload = {"learner_id": learner_id, "cancelled_version": cancelled_version,
                   "reason_digest": digest}
        return self.ledger.execute(context, "cancel_entry", payload, action)


def _expected(stream_id: UUID, version: int | None) -> dict[UUID, int] | None:
    return None if version is None else {stream_id: version}
