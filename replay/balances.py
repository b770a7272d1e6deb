"""A certificate's money as the record stood: every account's balance, in its unit.

This is the "state at a past recorded time" an auditor asks for most: what the certificate
held on a date, before later entries (a charge, a year-end expiry) changed it. The balances
come from folding the events recorded by that moment (`replay.as_of.recorded_by`), so they are
exactly what a reader of the ledger saw then.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.certificate import Certificate
from domain.funding_accounts import Account, AccountKind
from domain.money import Kopecks, Unit, format_amount

# Accounts keyed by a year; the rest are keyed by a contract id.
_YEAR_KEYED = (AccountKind.NOMINAL, AccountKind.FREE, AccountKind.EXPIRED)


@dataclass(frozen=True)
class AccountBalance:
    account: str  # "free:2026", "reserve:<contract id>"
    amount: Kopecks
    unit: Unit

    def text(self) -> str:
        return format_amount(self.amount, self.unit)


@dataclass(frozen=True)
class CertificateState:
    """What the certificate was at one version: status, kind and non-zero balances."""

    number: str
    version: int
    status: str
    kind: str
    credited: tuple[AccountBalance, ...]  # nominal credited per year (shown positive)
    balances: tuple[AccountBalance, ...]  # free, reserve, spent, expired


def _unit(certificate: Certificate, account: Account) -> Unit:
    if account.kind in _YEAR_KEYED:
        return certificate.units.get(int(account.key), Unit.ROUBLES)
    try:
        contract = certificate.contracts.get(UUID(account.key))
    except ValueError:
        contract = None
    if contract is None:
        return Unit.ROUBLES
    return certificate.units.get(contract.year, Unit.ROUBLES)


def certificate_state(certificate: Certificate) -> CertificateState:
    """The balances of a certificate (pure: give it `state_as_of(...)` or a fold)."""
    credited: list[AccountBalance] = []
    balances: list[AccountBalance] = []
    for account, amount in sorted(certificate.accounts.balances().items(), key=lambda i: str(i[0])):
        unit = _unit(certificate, account)
        if account.kind is AccountKind.NOMINAL:
            credited.append(AccountBalance(str(account), -amount, unit))
        elif not account.kind.is_source and amount:
            balances.append(AccountBalance(str(account), amount, unit))
    return CertificateState(number=certificate.number, version=certificate.version,
                            status=certificate.status.value, kind=certificate.kind.value,
                            credited=tuple(credited), balances=tuple(balances))


def certificate_state_lines(state: CertificateState) -> list[str]:
    """Text lines for `letopis history certificate`."""
    lines = [f"  certificate {state.number}: {state.status}, kind {state.kind} "
             f"(v{state.version})"]
    for entry in state.credited:
        lines.append(f"    {'credited ' + entry.account.split(':', 1)[1]:<24}{entry.text()}")
    if not state.balances:
        lines.append("    no balances")
    for entry in state.balances:
        lines.append(f"    {entry.account:<24}{entry.text()}")
    return lines
