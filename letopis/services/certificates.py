"""Commands of personalised funding: groups, certificates, programmes and contracts.

Every command that moves money loads the certificate that holds the accounts and saves it
atomically with the other aggregates it touches (the group, the contract), so a refusal anywhere
writes nothing and two concurrent commands on one certificate conflict on its version.
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from domain.certificate import CLOSURE_REASON, SUSPENSION_REASON, Certificate
from domain.certificate_group import CertificateGroup, GroupAlreadyEstablished, GroupNotFound
from domain.certificate_values import (
    CertificateKind,
    CertificateNotFound,
    CertificateNumberTaken,
    ReleaseReason,
    certificate_id,
    leg,
)
from domain.contract import Contract, ContractNotFound
from domain.envelope import Meta
from domain.errors import NotFound, RuleViolated
from domain.learner import Learner
from domain.money import Kopecks, Unit
from domain.organisation import Organisation
from domain.programme import Programme, ProgrammeNotFound
from domain.sealed import SealedText, require_text
from letopis.ledger import CommandContext, Ledger
from letopis.privacy.service import PersonalDataService, require_personal_data
from letopis.store.base import CommandOutcome

A = TypeVar("A", bound=Aggregate)


class ProgrammeIdInUse(RuleViolated):
    code = "programme_id_in_use"


class ContractIdInUse(RuleViolated):
    code = "contract_id_in_use"


class CertificateService:
    def __init__(self, ledger: Ledger, personal_data: PersonalDataService | None = None) -> None:
        self.ledger = ledger
        self.personal_data = personal_data  # seals suspension and closure reasons

    def _seal(self, number: str, field: str, text: str, what: str) -> tuple[SealedText, str]:
        """Seal `text` under the certificate holder's data key."""
        require_text(text, f"{what} must not be empty")
        holder = self.certificate(number).learner_id
        return require_personal_data(self.personal_data, what).seal(holder, field, text)

    # Reading.

    def _load(self, cls: type[A], aggregate_id: UUID, what: str,
              error: type[NotFound]) -> A:
        try:
            return self.ledger.load(cls, aggregate_id, what)
        except NotFound as exc:
            raise error(exc.message) from None

    def certificate(self, number: str) -> Certificate:
        """The certificate with this number (a malformed number is refused as such)."""
        return self._load(Certificate, certificate_id(number), f"certificate {number}",
                          CertificateNotFound)

    def group(self, municipality: str, year: int) -> CertificateGroup:
        return self._load(CertificateGroup, CertificateGroup.stream_id(municipality, year),
                          f"certificate group {municipality} {year}", GroupNotFound)

    def programme(self, programme_id: UUID) -> Programme:
        return self._load(Programme, programme_id, "programme", ProgrammeNotFound)

    def contract(self, contract_id: UUID) -> Contract:
        return self._load(Contract, contract_id, "contract", ContractNotFound)

    # Groups and certificates.

    def establish_group(self, context: CommandContext, *, municipality: str, year: int,
                        nominal: Kopecks, unit: Unit, max_certificates: int,
                        max_nominal_sum: Kopecks) -> CommandOutcome:
        def action(meta: Meta) -> list[CertificateGroup]:
            if self.ledger.exists(CertificateGroup.stream_id(municipality, year)):
                raise GroupAlreadyEstablished(
                    f"{municipality} already has a certificate group for {year}")
            return [CertificateGroup.establish(
                municipality=municipality, year=year, nominal=nominal, unit=unit,
                max_certificates=max_certificates, max_nominal_sum=max_nominal_sum, meta=meta)]

        payload = {"municipality": municipality, "year": year, "nominal": nominal,
                   "unit": unit.value, "max_certificates": max_certificates,
                   "max_nominal_sum": max_nominal_sum}
        return self.ledger.execute(context, "establish_certificate_group", payload, action)

    def issue(self, context: CommandContext, *, number: str, learner_id: UUID,
              kind: CertificateKind, municipality: str, year: int) -> CommandOutcome:
        """Issue a certificate and credit the year's nominal from the municipality's group."""

        def action(meta: Meta) -> list[Aggregate]:
            stream = certificate_id(number)  # refuses a malformed number first
            if self.ledger.exists(stream):
                raise CertificateNumberTaken(f"certificate number {number} is already issued")
            self.ledger.load(Learner, learner_id, "learner")
            group = self.group(municipality, year)
            certificate = Certificate.issue(number=number, learner_id=learner_id, kind=kind,
                                            municipality=municipality, meta=meta)
            self._fund(certificate, group, meta)
            return [certificate, group]

        payload = {"number": number, "learner_id": learner_id, "kind": kind.value,
                   "municipality": municipality, "year": year}
        return self.ledger.execute(context, "issue_certificate", payload, action)

    def credit_year(self, context: CommandContext, *, number: str, year: int) -> CommandOutcome:
        """Credit a new calendar year's nominal: an explicit opening entry."""

        def action(meta: Meta) -> list[Aggregate]:
            certificate = self.certificate(number)
            group = self.group(certificate.municipality, year)
            self._fund(certificate, group, meta)
            return [certificate, group]

        return self.ledger.execute(context, "credit_nominal", {"number": number, "year": year},
                                   action)

    def _fund(self, certificate: Certificate, group: CertificateGroup, meta: Meta) -> None:
        group.admit(certificate_id=certificate.id, meta=meta)
        certificate.credit_nominal(year=group.year, amount=group.nominal, unit=group.unit,
                                   transfer_id=leg(certificate.id, f"opening/{group.year}"),
                                   meta=meta)

    def expire_year(self, context: CommandContext, *, number: str, year: int) -> CommandOutcome:
        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.expire_year(year=year, transfer_id=leg(certificate.id, f"expiry/{year}"),
                                    meta=meta)
            return [certificate]

        return self.ledger.execute(context, "expire_year", {"number": number, "year": year},
                                   action)

    def convert(self, context: CommandContext, *, number: str, kind: CertificateKind,
                reason: str) -> CommandOutcome:
        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.convert(kind=kind, reason=reason, meta=meta)
            return [certificate]

        payload = {"number": number, "kind": kind.value, "reason": reason}
        return self.ledger.execute(context, "convert_certificate", payload, action)

    def revert_if_idle(self, context: CommandContext, *, number: str,
                       idle_days: int) -> CommandOutcome:
        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.revert_if_idle(idle_days=idle_days, meta=meta)
            return [certificate]

        payload = {"number": number, "idle_days": idle_days}
        return self.ledger.execute(context, "revert_idle_certificate", payload, action)

    def suspend(self, context: CommandContext, *, number: str, reason: str) -> CommandOutcome:
        sealed, digest = self._seal(number, SUSPENSION_REASON, reason, "suspension reason")

        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.suspend(reason=sealed, meta=meta)
            return [certificate]

        payload = {"number": number, "reason_digest": digest}
        return self.ledger.execute(context, "suspend_certificate", payload, action)

    def resume(self, context: CommandContext, *, number: str) -> CommandOutcome:
        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.resume(meta=meta)
            return [certificate]

        return self.ledger.execute(context, "resume_certificate", {"number": number}, action)

    def close(self, context: CommandContext, *, number: str, reason: str) -> CommandOutcome:
        sealed, digest = self._seal(number, CLOSURE_REASON, reason, "closure reason")

        def action(meta: Meta) -> list[Certificate]:
            certificate = self.certificate(number)
            certificate.close(reason=sealed, operation_id=leg(certificate.id, "closure"),
                              meta=meta)
            return [certificate]

        payload = {"number": number, "reason_digest": digest}
        return self.ledger.execute(context, "close_certificate", payload, action)

    # Programmes.

    def certify_programme(self, context: CommandContext, *, programme_id: UUID,
                          provider_id: UUID, title: str, unit: Unit, price_per_month: Kopecks,
                          normative_price: Kopecks) -> CommandOutcome:
        def action(meta: Meta) -> list[Programme]:
            if self.ledger.exists(programme_id):
                raise ProgrammeIdInUse(f"programme id {programme_id} is already in use")
            provider = self.ledger.load(Organisation, provider_id, "provider")
            provider.require_accepting_enrolments()
            return [Programme.certify(programme_id=programme_id, provider_id=provider_id,
                                      title=title, unit=unit, price_per_month=price_per_month,
                                      normative_price=normative_price, meta=meta)]

        payload = {"programme_id": programme_id, "provider_id": provider_id, "title": title,
                   "unit": unit.value, "price_per_month": price_per_month,
                   "normative_price": normative_price}
        return self.ledger.execute(context, "certify_programme", payload, action)

    # Contracts.

    def request_contract(self, context: CommandContext, *, contract_id: UUID, number: str,
                         programme_id: UUID, group_name: str, first_month: date,
                         last_month: date) -> CommandOutcome:
        """Request a contract: min(price, normative, free balance) per month moves from the
        certificate's free balance into the contract's reserve, in the same transaction."""

        def action(meta: Meta) -> list[Aggregate]:
            if self.ledger.exists(contract_id):
                raise ContractIdInUse(f"contract id {contract_id} is already in use")
            certificate = self.certificate(number)
            programme = self.programme(programme_id)
            programme.require_offered()
            contract = Contract.request(
                contract_id=contract_id, certificate_id=certificate.id,
                programme_id=programme_id, provider_id=programme.provider_id,
                group_name=group_name, first_month=first_month, last_month=last_month,
                price_per_month=programme.price_per_month,
                certificate_share=programme.certificate_share, meta=meta)
            if certificate.kind is CertificateKind.ACCOUNTING:
                certificate.require_can_request()
                certificate.convert(kind=CertificateKind.FUNDING,
                                    reason=f"enrolment in certified programme {programme_id}",
                                    meta=meta)
            certificate.reserve_for_contract(
                contract_id=contract_id, months=contract.months, unit=programme.unit,
                certificate_share=programme.certificate_share,
                price_per_month=programme.price_per_month, operation_id=contract_id,
                meta=meta)
            return [contract, certificate]

        payload = {"contract_id": contract_id, "number": number, "programme_id": programme_id,
                   "group_name": group_name, "first_month": first_month,
                   "last_month": last_month}
        return self.ledger.execute(context, "request_contract", payload, action)

    def confirm_contract(self, context: CommandContext, contract_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[Contract]:
            contract = self.contract(contract_id)
            contract.confirm(meta=meta)
            return [contract]

        return self.ledger.execute(context, "confirm_contract", {"contract_id": contract_id},
                                   action)

    def activate_contract(self, context: CommandContext, contract_id: UUID) -> CommandOutcome:
        def action(meta: Meta) -> list[Contract]:
            contract = self.contract(contract_id)
            contract.activate(meta=meta)
            return [contract]

        return self.ledger.execute(context, "activate_contract", {"contract_id": contract_id},
                                   action)

    def refuse_contract(self, context: CommandContext, contract_id: UUID,
                        reason: str) -> CommandOutcome:
        """Refused: the whole reserve returns to the certificate's free balance."""

        def action(meta: Meta) -> list[Aggregate]:
            contract = self.contract(contract_id)
            contract.refuse(reason=reason, meta=meta)
            certificate = self._load(Certificate, contract.certificate_id, "certificate",
                                     CertificateNotFound)
            certificate.release_reserve(contract_id=contract_id, reason=ReleaseReason.REFUSED,
                                        last_month=None, operation_id=leg(contract_id, "refusal"),
                                        meta=meta)
            return [contract, certificate]

        payload = {"contract_id": contract_id, "reason": reason}
        return self.ledger.execute(context, "refuse_contract", payload, action)

    def terminate_contract(self, context: CommandContext, contract_id: UUID,
                           reason: str) -> CommandOutcome:
        """Terminated at the end of the month of `effective_on`; later months' reserve returns."""

        def action(meta: Meta) -> list[Aggregate]:
            contract = self.contract(contract_id)
            last_month = contract.terminate(reason=reason, meta=meta)
            certificate = self._load(Certificate, contract.certificate_id, "certificate",
                                     CertificateNotFound)
            certificate.release_reserve(contract_id=contract_id,
                                        reason=ReleaseReason.TERMINATED, last_month=last_month,
                                        operation_id=leg(contract_id, "termination"), meta=meta)
            return [contract, certificate]

        payload = {"contract_id": contract_id, "reason": reason}
        return self.ledger.execute(context, "terminate_contract", payload, action)

