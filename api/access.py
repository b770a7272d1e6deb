"""Who may do what: the one policy table, and the scope rule of each role.

Two questions, in this order, for every request:
1. May this role perform the action at all?  No → 401 for the public, 403 otherwise.
2. Is the resource inside the caller's scope (municipality, organisation, class, provider,
   own learner record)?  No → 404 with the same body a missing resource gets, so a caller
   learns nothing about records that are not theirs.
Every denial is logged with the actor.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from uuid import UUID

from api.auth import ApiRole, Principal
from api.errors import Forbidden, ResourceNotFound, Unauthenticated
from domain.errors import NotFound

log = logging.getLogger("letopis.api.access")

R = ApiRole


class Action(Enum):
    REGISTER_ORGANISATION = "register_organisation"
    WRITE_ORGANISATION = "write_organisation"  # details, licence, accreditation, reorganise, close
    WRITE_LEARNER = "write_learner"  # register, enrol, transfer, leave, cancel an entry
    WRITE_MARK = "write_mark"
    ISSUE_CERTIFICATE = "issue_certificate"
    # establish a group; credit / expire a year, convert, revert, suspend, resume, close
    WRITE_CERTIFICATE = "write_certificate"
    CERTIFY_PROGRAMME = "certify_programme"
    REQUEST_CONTRACT = "request_contract"
    WRITE_CONTRACT = "write_contract"  # confirm, activate, refuse, terminate
    SUBMIT_CLAIM = "submit_claim"
    DECIDE_CLAIM = "decide_claim"  # approve, reject
    RECORD_PAYMENT = "record_payment"
    WRITE_EXAM = "write_exam"  # schedule, results day, register participant, record result
    WRITE_APPEAL = "write_appeal"  # file, not accept, schedule hearing, withdraw, decide
    WRITE_COMMISSION = "write_commission"  # form, appoint, dismiss, change chair
    WRITE_ACCEPTANCE = "write_acceptance"  # open campaign, plan, reschedule, confirm remedies
    WRITE_PROTOCOL = "write_protocol"  # open, record an entry, sign
    READ_LEARNER = "read_learner"  # learner history, digital profile
    READ_FINANCE = "read_finance"
    READ_COMMISSION = "read_commission"
    READ_AUDIT = "read_audit"  # raw event history with envelopes
    READ_FEED = "read_feed"
    READ_PUBLIC = "read_public"
    RECONCILE = "reconcile"  # upload a payment statement, get the report (records nothing)
    # Staff, olympiads, organisation cards, admissions (docs/staff.md, olympiads.md,
    # organisation_changes.md, admissions.md).
    WRITE_STAFF = "write_staff"  # hire, change position, leave, class teachers
    FILE_ATTESTATION = "file_attestation"
    DECIDE_ATTESTATION = "decide_attestation"  # assess, decide
    RUN_OLYMPIAD = "run_olympiad"  # announce, stages, results, appeal decisions, import
    ENTER_OLYMPIAD = "enter_olympiad"  # apply, request results, file an appeal
    MANAGE_CARDS = "manage_cards"  # the editable-fields policy, decide change requests
    EDIT_OWN_CARD = "edit_own_card"  # direct edit, submit a change request
    APPLY_KINDERGARTEN = "apply_kindergarten"  # register, change, suspend, resume, withdraw,
    # answer an offer
    RUN_KINDERGARTEN_QUEUE = "run_kindergarten_queue"  # confirm, rounds, offers by hand
    ENROL_FROM_QUEUE = "enrol_from_queue"
    APPLY_FIRST_CLASS = "apply_first_class"
    ADMIT_FIRST_CLASS = "admit_first_class"  # open, refuse, order admission
    GRANT_AGE_EXCEPTION = "grant_age_exception"  # the founder's decision
    APPLY_COLLEGE = "apply_college"  # submit a draft, withdraw
    ADMIT_COLLEGE = "admit_college"  # open, confirm, publish a rating, order enrolment
    READ_STAFF = "read_staff"
    READ_QUEUES = "read_queues"
    READ_COLLEGE_RATINGS = "read_college_ratings"


_EVERYONE = frozenset(R)

# The policy table. Roles scoped by claims (municipality, org, class, learner) are further
# limited by `in_scope`; the others see the whole region for the actions listed here.
POLICY: dict[Action, frozenset[ApiRole]] = {
    Action.REGISTER_ORGANISATION: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.WRITE_ORGANISATION: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.WRITE_LEARNER: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                     R.ORGANISATION_STAFF}),
    Action.WRITE_MARK: frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF, R.CLASS_TEACHER}),
    Action.ISSUE_CERTIFICATE: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.WRITE_CERTIFICATE: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    # The regional operator of personalised funding certifies programmes (the register).
    Action.CERTIFY_PROGRAMME: frozenset({R.REGIONAL_OPERATOR}),
    Action.REQUEST_CONTRACT: frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}),
    Action.WRITE_CONTRACT: frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}),
    Action.SUBMIT_CLAIM: frozenset({R.REGIONAL_OPERATOR, R.PROVIDER}),
    Action.DECIDE_CLAIM: frozenset({R.REGIONAL_OPERATOR, R.FINANCE}),
    Action.RECORD_PAYMENT: frozenset({R.REGIONAL_OPERATOR, R.FINANCE}),
    # ГИА is run region-wide (РЦОИ and the region's appeal commission).
    Action.WRITE_EXAM: frozenset({R.REGIONAL_OPERATOR}),
    Action.WRITE_APPEAL: frozenset({R.REGIONAL_OPERATOR}),
    # A municipal authority forms its own acceptance commission (area = its municipality).
    Action.WRITE_COMMISSION: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.WRITE_ACCEPTANCE: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.WRITE_PROTOCOL: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.READ_LEARNER: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                    R.ORGANISATION_STAFF, R.CLASS_TEACHER, R.AUDITOR,
                                    R.PARENT, R.LEARNER}),
    Action.READ_FINANCE: frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR, R.PROVIDER,
                                    R.MUNICIPAL_AUTHORITY}),
    Action.READ_COMMISSION: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                       R.AUDITOR}),
    Action.READ_AUDIT: frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}),
    Action.READ_FEED: frozenset({R.REGIONAL_OPERATOR, R.AUDITOR}),
    Action.READ_PUBLIC: _EVERYONE,
    Action.RECONCILE: frozenset({R.REGIONAL_OPERATOR, R.FINANCE, R.AUDITOR}),
    Action.WRITE_STAFF: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                   R.ORGANISATION_STAFF}),
    Action.FILE_ATTESTATION: frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF}),
    Action.DECIDE_ATTESTATION: frozenset({R.REGIONAL_OPERATOR}),
    Action.RUN_OLYMPIAD: frozenset({R.REGIONAL_OPERATOR}),
    Action.ENTER_OLYMPIAD: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                      R.ORGANISATION_STAFF, R.PARENT, R.LEARNER}),
    Action.MANAGE_CARDS: frozenset({R.REGIONAL_OPERATOR}),
    Action.EDIT_OWN_CARD: frozenset({R.ORGANISATION_STAFF}),
    Action.APPLY_KINDERGARTEN: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                          R.PARENT}),
    Action.RUN_KINDERGARTEN_QUEUE: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.ENROL_FROM_QUEUE: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                        R.ORGANISATION_STAFF}),
    Action.APPLY_FIRST_CLASS: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                         R.ORGANISATION_STAFF, R.PARENT}),
    Action.ADMIT_FIRST_CLASS: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY,
                                         R.ORGANISATION_STAFF}),
    Action.GRANT_AGE_EXCEPTION: frozenset({R.REGIONAL_OPERATOR, R.MUNICIPAL_AUTHORITY}),
    Action.APPLY_COLLEGE: frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF, R.PARENT,
                                     R.LEARNER}),
    Action.ADMIT_COLLEGE: frozenset({R.REGIONAL_OPERATOR, R.ORGANISATION_STAFF}),
    Action.READ_STAFF: frozenset({R.REGIONAL_OPERATOR, R.AUDITOR, R.ORGANISATION_STAFF}),
    Action.READ_QUEUES: frozenset({R.REGIONAL_OPERATOR, R.AUDITOR, R.MUNICIPAL_AUTHORITY}),
    Action.READ_COLLEGE_RATINGS: frozenset({R.REGIONAL_OPERATOR, R.AUDITOR,
                                            R.ORGANISATION_STAFF}),
}

# Roles that see the whole region for every action the table grants them.
REGION_WIDE = frozenset({R.REGIONAL_OPERATOR, R.AUDITOR, R.FINANCE})


@dataclass(frozen=True)
class Scope:
    """Where a resource sits: any field may be unknown (None)."""

    organisation_id: UUID | None = None
    municipality: str | None = None
    class_name: str | None = None
    provider_id: UUID | None = None
    learner_id: UUID | None = None
    # The class's teacher for the placement's year, as the staff register names them (None when
    # the organisation keeps no register or has not assigned one).
    class_teacher_id: UUID | None = None


def in_scope(principal: Principal, scope: Scope) -> bool:
    role = principal.role
    if role in REGION_WIDE:
        return True
    if role is R.MUNICIPAL_AUTHORITY:
        return scope.municipality is not None and scope.municipality == principal.municipality
    if role is R.ORGANISATION_STAFF:
        return (scope.organisation_id is not None
                and scope.organisation_id == principal.organisation_id)
    if role is R.CLASS_TEACHER:
        return _class_teacher_in_scope(principal, scope)
    if role is R.PROVIDER:
        return scope.provider_id is not None and scope.provider_id == principal.organisation_id
    if role in (R.PARENT, R.LEARNER):
        return scope.learner_id is not None and scope.learner_id == principal.learner_id
    return False


def _class_teacher_in_scope(principal: Principal, scope: Scope) -> bool:
    """Only the learners of the teacher's own class (Smolensk 493, 5.2). The staff register decides
    whose class it is: where it names a class teacher, the caller must be that person (token
    subject = the employee's person id); the token's `class` claim then cannot widen or move
    the scope. Only for a class the register names no teacher for (an organisation that does
    not keep its register in Letopis yet) does the operator-issued `class` claim stand."""
    if scope.organisation_id is None or scope.organisation_id != principal.organisation_id:
        return False
    if scope.class_teacher_id is not None:
        return str(scope.class_teacher_id) == principal.subject
    return scope.class_name is not None and scope.class_name == principal.class_name


def needs_scope(principal: Principal) -> bool:
    """Whether checking this caller requires knowing where the resource sits."""
    return principal.role not in REGION_WIDE


def require(principal: Principal, action: Action) -> None:
    """Step 1: the role may perform the action at all."""
    if principal.role in POLICY[action]:
        return
    log.warning("denied %s to %s: role not allowed", action.value, principal.describe())
    if principal.role is R.PUBLIC:
        raise Unauthenticated("this endpoint needs a bearer token",
                              headers={"WWW-Authenticate": "Bearer"})
    raise Forbidden(f"role {principal.role.value} may not {action.value.replace('_', ' ')}")


def require_in_scope(principal: Principal, action: Action, scopes: Iterable[Scope],
                     what: str) -> None:
    """Step 2: some scope of the resource is the caller's; otherwise a 404 that leaks nothing."""
    if not needs_scope(principal) or any(in_scope(principal, s) for s in scopes):
        return
    log.warning("denied %s on %s to %s: outside the caller's scope", action.value, what,
                principal.describe())
    raise ResourceNotFound(f"{what} is not in the ledger")


def authorise(principal: Principal, action: Action, scopes: Iterable[Scope] = (),
              what: str = "resource") -> None:
    require(principal, action)
    require_in_scope(principal, action, scopes, what)


def authorise_lazily(principal: Principal, action: Action,
                     resolve: Callable[[], Iterable[Scope]], what: str) -> None:
    """Like `authorise`, resolving the resource's scopes only after the role passed, and only
    for scoped roles. A resource that is missing answers a scoped caller exactly as one outside
    its scope does (a domain code such as `contract_not_found` would tell the two apart)."""
    require(principal, action)
    require_in_resolved_scope(principal, action, resolve, what)


def require_in_resolved_scope(principal: Principal, action: Action,
                              resolve: Callable[[], Iterable[Scope]], what: str) -> None:
    """Step 2 of `authorise_lazily` alone (the role already passed): for a scoped caller, the
    resource's scopes are resolved, and a missing resource is the same 404 as one outside."""
    if needs_scope(principal):
        try:
            scopes = list(resolve())
        except NotFound:
            raise ResourceNotFound(f"{what} is not in the ledger") from None
        require_in_scope(principal, action, scopes, what)
