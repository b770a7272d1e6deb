"""Commands of a certificate's life after issue, and of the municipality's certificate group.

A certificate is addressed by its number; its stream id is derived from it, so If-Match names
the certificate stream's version. A municipal authority acts on its own municipality's only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Path

from api import commands, scopes
from api.access import Action, Scope, authorise
from api.auth import Principal
from api.deps import CommandDep, CommandHeaders, PrincipalDep, ServicesDep, VersionedDep
from api.gates import Endpoint, GatedRoute, gate
from api.routes.contingent import ERRORS
from api.schemas import CommandFields, CommandResult
from api.schemas_funding import (
    CertificateReason,
    CertificateYear,
    ConvertCertificate,
    EstablishGroup,
    RevertIdleCertificate,
)
from domain.certificate_values import certificate_id
from letopis.bootstrap import Services
from letopis.ledger import CommandContext
from letopis.store.base import CommandOutcome

router = APIRouter(tags=["commands"], responses=ERRORS, route_class=GatedRoute)

NUMBER = r"^[0-9]{10}$"
Number = Annotated[str, Path(pattern=NUMBER, description="the certificate's number",
                             examples=["5600000001"])]


def _number(text: str) -> str:
    if re.fullmatch(NUMBER, text) is None:
        raise ValueError(text)  # the gate leaves a malformed number to the route's 422
    return text


def _certificate_gate() -> Callable[[Endpoint], Endpoint]:
    """The role, then the certificate `number` in the path must be in the caller's
    municipality (404 if not, or if there is no such certificate)."""
    return gate(Action.WRITE_CERTIFICATE,
                lambda services, number: [scopes.certificate(services, number)], "number",
                "certificate", key=_number)


def _on_certificate(services: Services, caller: Principal, headers: CommandHeaders,
                    body: CommandFields, number: str,
                    command: Callable[[CommandContext], CommandOutcome]) -> CommandResult:
    """Run on the certificate's stream (If-Match); its gate checked the caller."""
    return commands.run(services, caller, headers, body, command,
                        versioned=certificate_id(number))


@router.post("/certificate-groups", status_code=201,
             summary="Establish a municipality's certificate group (nominal, limits) for a year")
@gate(Action.WRITE_CERTIFICATE)
def establish_group(body: EstablishGroup, services: ServicesDep, caller: PrincipalDep,
                    headers: CommandDep) -> CommandResult:
    authorise(caller, Action.WRITE_CERTIFICATE, [Scope(municipality=body.municipality)],
              f"municipality {body.municipality}")
    return commands.run(services, caller, headers, body, lambda c: services.certificates
                        .establish_group(c, municipality=body.municipality, year=body.year,
                                         nominal=body.nominal, unit=body.unit,
                                         max_certificates=body.max_certificates,
                                         max_nominal_sum=body.max_nominal_sum))


@router.post("/certificates/{number}/yearly-credits", status_code=201,
             summary="Credit a new calendar year's nominal from the group")
@_certificate_gate()
def credit_year(number: Number, body: CertificateYear, services: ServicesDep,
                caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.credit_year(c, number=number, year=body.year))


@router.post("/certificates/{number}/expiries", status_code=201,
             summary="Expire what is left of a year's nominal")
@_certificate_gate()
def expire_year(number: Number, body: CertificateYear, services: ServicesDep,
                caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.expire_year(c, number=number, year=body.year))


@router.post("/certificates/{number}/conversions", status_code=201,
             summary="Change a certificate's kind (funding ↔ accounting)")
@_certificate_gate()
def convert(number: Number, body: ConvertCertificate, services: ServicesDep,
            caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.convert(c, number=number, kind=body.kind,
                                                 reason=body.reason))


@router.post("/certificates/{number}/idle-reversion", status_code=201,
             summary="Revert an idle funding certificate to an accounting one")
@_certificate_gate()
def revert_if_idle(number: Number, body: RevertIdleCertificate, services: ServicesDep,
                   caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.revert_if_idle(c, number=number,
                                                        idle_days=body.idle_days))


@router.post("/certificates/{number}/suspension", status_code=201,
             summary="Suspend a certificate")
@_certificate_gate()
def suspend(number: Number, body: CertificateReason, services: ServicesDep,
            caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.suspend(c, number=number, reason=body.reason))


@router.post("/certificates/{number}/resumption", status_code=201,
             summary="Resume a suspended certificate")
@_certificate_gate()
def resume(number: Number, services: ServicesDep, caller: PrincipalDep,
           headers: VersionedDep, body: commands.EmptyCommand | None = None) -> CommandResult:
    return _on_certificate(services, caller, headers, body or commands.EmptyCommand(), number,
                           lambda c: services.certificates.resume(c, number=number))


@router.post("/certificates/{number}/closure", status_code=201,
             summary="Close a certificate (what is free expires, never paid out)")
@_certificate_gate()
def close(number: Number, body: CertificateReason, services: ServicesDep,
          caller: PrincipalDep, headers: VersionedDep) -> CommandResult:
    return _on_certificate(services, caller, headers, body, number, lambda c: services
                           .certificates.close(c, number=number, reason=body.reason))
