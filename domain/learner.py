"""The learner contingent (контингент): enrolment, transfer, leaving and their corrections.

A learner is known here only by a pseudonymous id: personal data lives apart (152-FZ), so no
event of this stream carries any in plaintext (a cancellation reason, which people may write
names into, is sealed text under the learner's data key: domain/sealed.py).
"""

# Event method parameters are the event's stored fields, used by the body or not.

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.academic_year import validate_academic_year
from domain.envelope import Meta
from domain.errors import InvalidInput
from domain.learner_contingent import Contingent
from domain.learner_values import (
    AlreadyEnrolledInGeneral,
    ContingentEntry,
    EducationDocument,
    EducationDocumentNotExpected,
    EducationDocumentRequired,
    EducationLevel,
    EnrolmentIdInUse,
    EntryAlreadyCancelled,
    EntryKind,
    EntryNotAMove,
    EntryNotFound,
    FormOfStudy,
    LeavingReason,
    NotLatestMove,
    PersonalDataAlreadyDestroyed,
    Placement,
    TransferToSameOrganisation,
    check_class_change,
    require_basis,
    require_class,
)
from domain.sealed import SealedText, require_sealed

CANCELLATION_REASON = "Learner.EntryCancelled.reason"


class Learner(Aggregate):
    """A learner's contingent history: where they study, since when, and on what basis."""

    @staticmethod
    def create_id(learner_id: UUID, meta: Meta, timestamp: datetime) -> UUID:
        return learner_id

    @classmethod
    def register(cls, *, learner_id: UUID, meta: Meta) -> Learner:
        return cls(learner_id=learner_id, meta=meta, timestamp=meta.recorded_at)

    @event("Registered")
    def __init__(self, learner_id: UUID, meta: Meta, timestamp: datetime) -> None:
        self._contingent = Contingent()
        self._personal_data_destroyed = False

    # Read-only state.

    @property
    def personal_data_destroyed(self) -> bool:
        """True once `PersonalDataDestroyed` is recorded: readers treat the data as gone."""
        return self._personal_data_destroyed

    @property
    def active_general(self) -> Placement | None:
        """The one active general-education enrolment (everything but additional), if any."""
        return self._contingent.active_general

    @property
    def active_additional(self) -> dict[UUID, Placement]:
        """Active additional-education enrolments by enrolment id (a copy)."""
        return dict(self._contingent.active_additional)

    @property
    def last_move_on(self) -> date | None:
        """Effective date of the latest non-cancelled enrolment, transfer or leaving."""
        return self._contingent.last_move_on

    @property
    def entries(self) -> tuple[ContingentEntry, ...]:
        """The non-cancelled contingent history, oldest first."""
        return self._contingent.entries

    # Guards.

    def _require_in_order(self, effective_on: date, previous_on: date | None) -> None:
        self._contingent.require_in_order(effective_on, previous_on)

    def _active_placement(self, enrolment_id: UUID) -> Placement:
        return self._contingent.active_placement(self.id, enrolment_id)

    def _guard_enrol(self, *, enrolment_id: UUID, level: EducationLevel, class_or_group: str,
                     academic_year: str, meta: Meta, freed: UUID | None,
                     previous_on: date | None) -> None:
        require_basis(meta, "enrolment")
        require_class(class_or_group)
        validate_academic_year(academic_year)
        self._require_in_order(meta.effective_on, previous_on)
        if enrolment_id in self._contingent.used_enrolment_ids:
            raise EnrolmentIdInUse(f"enrolment id {enrolment_id} already names an enrolment")
        active = self._contingent.active_general
        if level.is_general and active is not None and active.enrolment_id != freed:
            raise AlreadyEnrolledInGeneral(
                f"learner {self.id} is already enrolled in general education: class "
                f"{active.class_or_group} of organisation {active.organisation_id} "
                f"(enrolment {active.enrolment_id}); leave or transfer first"
            )

    def _guard_expel(self, enrolment_id: UUID, destination_organisation_id: UUID | None,
                     meta: Meta) -> None:
        require_basis(meta, "expulsion by transfer")
        placement = self._active_placement(enrolment_id)
        if destination_organisation_id == placement.organisation_id:
            raise TransferToSameOrganisation(
                "a transfer inside one organisation is a transfer within, not an expulsion"
            )
        self._require_in_order(meta.effective_on, self._contingent.last_move_on)

    # Commands.

    def enrol(self, *, enrolment_id: UUID, organisation_id: UUID, level: EducationLevel,
              class_or_group: str, academic_year: str, meta: Meta,
              form_of_study: FormOfStudy = FormOfStudy.FULL_TIME) -> None:
        """Enrol (зачисление) by the organisation's order, effective on `meta.effective_on`."""
        self._guard_enrol(enrolment_id=enrolment_id, level=level, class_or_group=class_or_group,
                          academic_year=academic_year, meta=meta, freed=None,
                          previous_on=self._contingent.last_move_on)
        self._enrolled(enrolment_id=enrolment_id, organisation_id=organisation_id, level=level,
                       class_or_group=class_or_group, academic_year=academic_year, meta=meta,
                       form_of_study=form_of_study, timestamp=meta.recorded_at)

    def transfer_within(self, *, enrolment_id: UUID, class_or_group: str, academic_year: str,
                        promotion: bool, meta: Meta) -> None:
        """Move to another class of the same organisation; `promotion` is the yearly one."""
        require_basis(meta, "transfer")
        require_class(class_or_group)
        validate_academic_year(academic_year)
        placement = self._active_placement(enrolment_id)
        self._require_in_order(meta.effective_on, self._contingent.last_move_on)
        check_class_change(placement, class_or_group, academic_year, promotion)
        self._transferred_within(enrolment_id=enrolment_id, class_or_group=class_or_group,
                                 academic_year=academic_year, promotion=promotion, meta=meta,
                                 timestamp=meta.recorded_at)

    def expel_by_transfer(self, *, enrolment_id: UUID, destination_organisation_id: UUID | None,
                          meta: Meta) -> None:
        """The sending organisation's order "expelled by way of transfer" (в порядке перевода)."""
        self._guard_expel(enrolment_id, destination_organisation_id, meta)
        self._expelled_by_transfer(enrolment_id=enrolment_id,
                                   destination_organisation_id=destination_organisation_id,
                                   meta=meta, timestamp=meta.recorded_at)

    def transfer_between(self, *, enrolment_id: UUID, destination_organisation_id: UUID,
                         new_enrolment_id: UUID, level: EducationLevel, class_or_group: str,
                         academic_year: str, expel_meta: Meta, enrol_meta: Meta,
                         form_of_study: FormOfStudy = FormOfStudy.FULL_TIME) -> None:
        """Transfer to another organisation: expelled by transfer, then enrolled there."""
        # Both guards run before either event exists, so a refusal leaves nothing half done.
        self._guard_expel(enrolment_id, destination_organisation_id, expel_meta)
        self._guard_enrol(enrolment_id=new_enrolment_id, level=level,
                          class_or_group=class_or_group, academic_year=academic_year,
                          meta=enrol_meta, freed=enrolment_id,
                          previous_on=expel_meta.effective_on)
        self._expelled_by_transfer(enrolment_id=enrolment_id,
                                   destination_organisation_id=destination_organisation_id,
                                   meta=expel_meta, timestamp=expel_meta.recorded_at)
        self._enrolled(enrolment_id=new_enrolment_id,
                       organisation_id=destination_organisation_id, level=level,
                       class_or_group=class_or_group, academic_year=academic_year,
                       meta=enrol_meta, form_of_study=form_of_study,
                       timestamp=enrol_meta.recorded_at)

    def leave(self, *, enrolment_id: UUID, reason: LeavingReason,
              document: EducationDocument | None, meta: Meta) -> None:
        """Leave (отчисление, 273-FZ art. 61); completion requires the document issued."""
        require_basis(meta, "leaving")
        if reason is LeavingReason.COMPLETION:
            if document is None:
                raise EducationDocumentRequired(
                    "leaving on completion needs the education document issued"
                )
            document.validated()
        elif document is not None:
            raise EducationDocumentNotExpected(
                f"an education document is issued only on completion, not for {reason.value}"
            )
        self._active_placement(enrolment_id)
        self._require_in_order(meta.effective_on, self._contingent.last_move_on)
        self._left(enrolment_id=enrolment_id, reason=reason, document=document, meta=meta,
                   timestamp=meta.recorded_at)

    def cancel(self, *, cancelled_version: int, reason: SealedText, meta: Meta) -> None:
        """Cancel an erroneous enrolment or transfer; the history keeps both facts. The reason
        is sealed under the learner's data key (the application seals it, never this class)."""
        require_sealed(reason, self.id, CANCELLATION_REASON)
        if not 1 <= cancelled_version <= self.version:
            raise EntryNotFound(
                f"learner {self.id} has no entry with version {cancelled_version}"
            )
        entry = next((e for e in self._contingent.all_entries
                      if e.version == cancelled_version), None)
        if entry is None or not entry.kind.is_move:
            raise EntryNotAMove(
                f"version {cancelled_version} is not an enrolment, transfer within or "
                "expulsion by transfer; only those can be cancelled"
            )
        if cancelled_version in self._contingent.cancelled_versions:
            raise EntryAlreadyCancelled(f"version {cancelled_version} is already cancelled")
        # Only the latest entry: what follows a cancelled move could depend on it.
        latest = self.entries[-1]
        if latest.version != cancelled_version:
            raise NotLatestMove(
                f"only the latest entry can be cancelled: version {latest.version} "
                f"({latest.kind.value}) stands after version {cancelled_version}"
            )
        self._entry_cancelled(cancelled_version=cancelled_version, reason=reason, meta=meta,
                              timestamp=meta.recorded_at)

    def destroy_personal_data(self, *, grounds: str, categories: tuple[str, ...],
                              meta: Meta) -> None:
        """Record that the learner's personal data was destroyed (152-FZ art. 21), on `grounds`
        (the act or reason: never the person's data); the facts of the ledger stay."""
        if not grounds.strip():
            raise InvalidInput("the basis of destruction must not be empty")
        if self._personal_data_destroyed:
            raise PersonalDataAlreadyDestroyed(
                f"personal data of learner {self.id} is already destroyed")
        self._personal_data_destroyed_event(grounds=grounds, categories=tuple(categories),
                                            meta=meta, timestamp=meta.recorded_at)

    # Events: bodies only apply state.

    class Enrolled(Aggregate.Event):
        """Version 2 added `form_of_study`. Version 1 recorded no form: it reads as full-time."""

        class_version = 2

        enrolment_id: UUID
        organisation_id: UUID
        level: EducationLevel
        class_or_group: str
        academic_year: str
        meta: Meta
        form_of_study: FormOfStudy

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # Runs on decoded state (after the transcoder), so the value is the enum member.
            state["form_of_study"] = FormOfStudy.FULL_TIME

    @event(Enrolled)
    def _enrolled(self, enrolment_id: UUID, organisation_id: UUID, level: EducationLevel,
                  class_or_group: str, academic_year: str, meta: Meta,
                  form_of_study: FormOfStudy, timestamp: datetime) -> None:
        self._contingent.used_enrolment_ids.add(enrolment_id)
        placement = Placement(enrolment_id=enrolment_id, organisation_id=organisation_id,
                              level=level, class_or_group=class_or_group,
                              academic_year=academic_year, enrolled_on=meta.effective_on,
                              placed_on=meta.effective_on, form_of_study=form_of_study)
        self._record(EntryKind.ENROLLED, enrolment_id, meta.effective_on, placement)

    @event("TransferredWithin")
    def _transferred_within(self, enrolment_id: UUID, class_or_group: str, academic_year: str,
                            promotion: bool, meta: Meta, timestamp: datetime) -> None:
        placement = replace(self._contingent.placements[enrolment_id],
                            class_or_group=class_or_group, academic_year=academic_year,
                            placed_on=meta.effective_on)
        self._record(EntryKind.TRANSFERRED_WITHIN, enrolment_id, meta.effective_on, placement)

    @event("ExpelledByTransfer")
    def _expelled_by_transfer(self, enrolment_id: UUID, destination_organisation_id: UUID | None,
                              meta: Meta, timestamp: datetime) -> None:
        self._record(EntryKind.EXPELLED_BY_TRANSFER, enrolment_id, meta.effective_on, None)

    @event("Left")
    def _left(self, enrolment_id: UUID, reason: LeavingReason,
              document: EducationDocument | None, meta: Meta, timestamp: datetime) -> None:
        self._record(EntryKind.LEFT, enrolment_id, meta.effective_on, None)

    class EntryCancelled(Aggregate.Event):
        """Version 2 seals `reason` (a `SealedText`). Version 1 stored it as plain text: it
        reads back as the plain `str` it was (nothing to seal after the fact; history is never
        rewritten)."""

        class_version = 2

        cancelled_version: int
        reason: SealedText | str
        meta: Meta

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            # The v1 shape already fits v2 (`reason` may be a plain str): nothing to change.
            return None

    @event(EntryCancelled)
    def _entry_cancelled(self, cancelled_version: int, reason: SealedText | str, meta: Meta,
                         timestamp: datetime) -> None:
        self._contingent.cancel(cancelled_version)

    @event("PersonalDataDestroyed")
    def _personal_data_destroyed_event(self, grounds: str, categories: tuple[str, ...],
                                       meta: Meta, timestamp: datetime) -> None:
        self._personal_data_destroyed = True

    # State folding (domain/learner_contingent.py).

    def _record(self, kind: EntryKind, enrolment_id: UUID, effective_on: date,
                placement: Placement | None) -> None:
        # Runs before the library bumps the version, so this entry's version is the next one.
        self._contingent.record(ContingentEntry(
            version=self.version + 1, kind=kind, enrolment_id=enrolment_id,
            effective_on=effective_on, placement=placement))


VALUE_TYPES: tuple[type, ...] = (EducationLevel, FormOfStudy, LeavingReason, EducationDocument)
