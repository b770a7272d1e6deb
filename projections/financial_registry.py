"""Read model `financial_registry` (реестр ПФДО): certificates with balances by account,
contracts with reserves and status, claims and invoices with status, payments — per
certificate, per provider, per municipality, per month.

Tables, in the order their folds run for each event (later folds' key functions read earlier
tables of the same event):

- `groups` (group id): a municipality's nominal, unit and limits for a year, and what it funds.
- `certificates` (certificate id): number, learner, kind, status, municipality, every account
  balance as the aggregate holds it, and the balances derived from them.
- `contracts` (contract id): parties, prices, status; the reserve, spent, co-payment and the
  month-by-month schedule with its charges and settlements.
- `claims` (claim id): advance claims and final invoices: kind, payer, provider, month, status,
  lines, amounts claimed, approved, paid.
- `payments` (payment id): payment orders.
- `provider_months` (`"{provider id}|{YYYY-MM}"`): a provider's claims of a month, summed.
- `municipality_months` (`"{municipality}|{YYYY-MM}"`): the certificates' money movements of a
  municipality booked in a month (by effective date), summed by transfer kind and nominal year.

Amounts are integers in minor units: kopecks, or hundredths of an hour where the year's
nominal is in hours (the unit is on `groups` and on each certificate year). Row shapes are in
docs/projections.md.
"""

from __future__ import annotations

from projections.base import Fold, Projection, Row, Rows
from projections.financial_registry_accounts import (
    CERTIFICATE_TYPES,
    effective_on,
    moves_money,
    pair_key,
    sid,
    transfer_year,
    transfers_of,
)
from projections.financial_registry_certificates import (
    BALANCES,
    CERTIFICATES,
    CERTIFICATES_FOLD,
    GROUPS,
    GROUPS_FOLD,
    derive_balances,
)
from projections.financial_registry_claims import (
    CLAIMS,
    CLAIMS_FOLD,
    PAYMENTS,
    PAYMENTS_FOLD,
    PROVIDER_MONTHS,
    PROVIDER_MONTHS_FOLD,
    SUMS,
    provider_month_key,
)
from projections.financial_registry_contracts import CONTRACTS, CONTRACTS_FOLD
from projections.raw import RawEvent

MUNICIPALITY_MONTHS = "municipality_months"

# Transfer kinds a certificate posts, in the order of a contract's life.
CERTIFICATE_TRANSFERS = ("opening", "reserve", "copayment", "charge", "reversal", "release",
                         "recovery", "expiry")

__all__ = [
    "BALANCES", "CERTIFICATES", "CERTIFICATE_TRANSFERS", "CLAIMS", "CONTRACTS",
    "FINANCIAL_REGISTRY", "GROUPS", "MUNICIPALITY_MONTHS", "PAYMENTS", "PROVIDER_MONTHS",
    "SUMS", "derive_balances", "municipality_month_key", "provider_month_key", "split_key",
]


def municipality_month_key(municipality: str, month: str) -> str:
    """`"{municipality}|{YYYY-MM}"` (a `|` or `\\` in the name escaped with `\\`)."""
    return pair_key(municipality, month)


def _municipality_month_key(event: RawEvent, rows: Rows) -> str | None:
    if event.topic not in CERTIFICATE_TYPES or not moves_money(event):
        return None
    certificate = rows.get(CERTIFICATES, sid(event.originator_id))
    if certificate is None:
        return None
    return municipality_month_key(certificate["municipality"], _booked(event))


def _booked(event: RawEvent) -> str:
    """The month a movement is booked in: that of its effective date."""
    return effective_on(event)[:7]


def split_key(key: str) -> tuple[str, str]:
    """(municipality or provider id, "YYYY-MM") of a `municipality_months` or
    `provider_months` key."""
    first, month = key.rsplit("|", 1)
    plain, escaped = [], False
    for char in first:
        if char == "\\" and not escaped:
            escaped = True
            continue
        plain.append(char)
        escaped = False
    return "".join(plain), month


def _apply_municipality_month(row: Row | None, event: RawEvent) -> Row | None:
    # The municipality is in the key only: `apply` does not see the certificate's row.
    new: Row = row.copy() if row is not None else {"month": _booked(event), "years": {}}
    years: Row = dict(new["years"])
    copied: list[str] = []  # the years whose sums this event copied (and may change in place)
    for transfer in transfers_of(event):
        year = str(transfer_year(transfer, event))
        if year not in copied:
            sums = years.get(year)
            years[year] = sums = sums.copy() if sums else dict.fromkeys(CERTIFICATE_TRANSFERS, 0)
            copied.append(year)
        else:
            sums = years[year]
        sums[transfer["kind"]["_data_"]] += transfer["amount"]
    if len(years) > 1:  # keys in order (one key is in order)
        years = dict(sorted(years.items()))
    new["years"] = years
    return new


MUNICIPALITY_MONTHS_FOLD = Fold(MUNICIPALITY_MONTHS, _municipality_month_key,
                                _apply_municipality_month, CERTIFICATE_TYPES)

FINANCIAL_REGISTRY = Projection(
    name="financial_registry",
    folds=(GROUPS_FOLD, CERTIFICATES_FOLD, CONTRACTS_FOLD, CLAIMS_FOLD, PAYMENTS_FOLD,
           PROVIDER_MONTHS_FOLD, MUNICIPALITY_MONTHS_FOLD),
    description="personalised funding: certificates, contracts, claims, payments; "
                "per provider and per municipality by month",
    raw=True,  # the folds read the stored JSON (projections/raw.py), not domain events
    topics=("domain.certificate_group:CertificateGroup.", "domain.certificate:Certificate.",
            "domain.contract:Contract.", "domain.claim:Claim.", "domain.payment:Payment."),
)
