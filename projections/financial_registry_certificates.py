"""`financial_registry` tables of the certificate side: `groups`, `certificates` (`contracts`:
financial_registry_contracts.py).

A certificate row keeps the certificate's account balances exactly as the aggregate posts them
(every Certificate event that moves money carries its transfers), and derives from them the
balances readers ask for: free and expired per year, reserved, spent and co-payment per
contract, and totals per unit.
"""

from __future__ import annotations

from projections.base import Fold, Row, Rows
from projections.financial_registry_accounts import (
    CERTIFICATE_TYPES,
    GROUP_TYPES,
    CertClosed,
    CertIssued,
    CertKindChanged,
    CertResumed,
    CertSuspended,
    ContractReserved,
    GroupEstablished,
    NominalCredited,
    YearExpired,
    effective_on,
    first_year,
    post_touching,
    sid,
    transfers_of,
    uid,
)
from projections.raw import RawEvent

GROUPS = "groups"
CERTIFICATES = "certificates"

BALANCES = ("credited", "free", "reserved", "spent", "expired", "copayment")
_ZERO = dict.fromkeys(BALANCES, 0)


# groups: a municipality's nominal and limits for a year


def _group_key(event: RawEvent, _rows: Rows) -> str | None:
    if event.topic in GROUP_TYPES:
        return sid(event.originator_id)
    return None


def _apply_group(row: Row | None, event: RawEvent) -> Row | None:
    state = event.state
    if event.topic == GroupEstablished:
        return {"group_id": sid(event.originator_id), "municipality": state["municipality"],
                "year": state["year"], "unit": state["unit"]["_data_"],
                "nominal": state["nominal"], "max_certificates": state["max_certificates"],
                "max_nominal_sum": state["max_nominal_sum"], "admitted": 0, "nominal_sum": 0,
                "version": event.originator_version}
    if row is None:
        return None
    return {**row, "admitted": row["admitted"] + 1,
            "nominal_sum": row["nominal_sum"] + state["nominal"],
            "version": event.originator_version}


# certificates


def _certificate_key(event: RawEvent, _rows: Rows) -> str | None:
    return sid(event.originator_id) if event.topic in CERTIFICATE_TYPES else None


def _year(units: dict[str, str], expired_years: list[int], accounts: Row, year: str) -> Row:
    return {"unit": units[year], "credited": -int(accounts.get(f"nominal:{year}", 0)),
            "free": int(accounts.get(f"free:{year}", 0)),
            "expired": int(accounts.get(f"expired:{year}", 0)),
            "year_expired": int(year) in expired_years}


def _contract(accounts: Row, contract_id: str, year: int) -> Row:
    return {"year": year, "reserved": int(accounts.get(f"reserve:{contract_id}", 0)),
            "spent": int(accounts.get(f"spent:{contract_id}", 0)),
            "copayment": int(accounts.get(f"copayment:{contract_id}", 0))}


def _totals(units: dict[str, str], years: dict[str, Row], contracts: dict[str, Row]
            ) -> dict[str, dict[str, int]]:
    totals: dict[str, dict[str, int]] = {}
    for year in years.values():
        total = totals.get(year["unit"])
        if total is None:
            total = totals[year["unit"]] = _ZERO.copy()
        total["credited"] += year["credited"]
        total["free"] += year["free"]
        total["expired"] += year["expired"]
    for c in contracts.values():
        unit = units.get(str(c["year"]))
        if unit is None:  # cannot happen: a contract reserves from a funded year
            continue
        total = totals.get(unit)
        if total is None:
            total = totals[unit] = _ZERO.copy()
        total["reserved"] += c["reserved"]
        total["spent"] += c["spent"]
        total["copayment"] += c["copayment"]
    return totals


def derive_balances(units: dict[str, str], expired_years: list[int],
                    contract_years: dict[str, int], accounts: Row) -> Row:
    """`years`, `contracts` and `totals` (per unit) of a certificate from its accounts."""
    years = {year: _year(units, expired_years, accounts, year) for year in sorted(units)}
    contracts = {c: _contract(accounts, c, year) for c, year in contract_years.items()}
    return {"years": years, "contracts": contracts, "totals": _totals(units, years, contracts)}


def _rederive(row: Row, touched: set[str]) -> None:
    """`derive_balances` of `row` in place, recomputing only the years and contracts keyed by
    `touched` (an entry depends on its own accounts, unit, expiry and year alone)."""
    units, accounts = row["units"], row["accounts"]
    years: dict[str, Row] = dict(row["years"])
    contracts: dict[str, Row] = dict(row["contracts"])
    contract_years = row["contract_years"]
    new_year = False
    for key in touched:
        if key in units:
            new_year = new_year or key not in years
            years[key] = _year(units, row["expired_years"], accounts, key)
        if key in contract_years:
            contracts[key] = _contract(accounts, key, contract_years[key])
    if new_year:
        years = dict(sorted(years.items()))
    row["years"], row["contracts"] = years, contracts
    row["totals"] = _totals(units, years, contracts)


def _apply_certificate(row: Row | None, event: RawEvent) -> Row | None:
    version, topic, state = event.originator_version, event.topic, event.state
    if topic == CertIssued:
        base: Row = {"certificate_id": sid(event.originator_id), "number": state["number"],
                     "learner_id": uid(state["learner_id"]), "kind": state["kind"]["_data_"],
                     "status": "active", "municipality": state["municipality"],
                     "issued_on": effective_on(event), "kind_since": effective_on(event),
                     "closed_on": None, "version": version, "units": {},
                     "expired_years": [], "contract_years": {}, "accounts": {},
                     # `derive_balances({}, [], {}, {})`
                     "years": {}, "contracts": {}, "totals": {}}
        return base
    if row is None:  # a certificate is issued before anything else happens to it
        return None
    # A copy, then assignments: the keys keep their order, as in `{**row, "version": …}`.
    new = row.copy()
    new["version"] = version
    if topic == CertKindChanged:
        new["kind"], new["kind_since"] = state["kind"]["_data_"], effective_on(event)
        return new
    if topic == CertSuspended:
        new["status"] = "suspended"
        return new
    if topic == CertResumed:
        new["status"] = "active"
        return new
    touched: set[str] = set()  # the keys of the accounts posted to, then of what they fund
    accounts = post_touching(row["accounts"], transfers_of(event), touched)
    if topic == CertClosed:
        new["status"], new["closed_on"] = "closed", effective_on(event)
    elif topic == NominalCredited:
        new["units"] = {**row["units"], str(state["year"]): state["unit"]["_data_"]}
        touched.add(str(state["year"]))
    elif topic == YearExpired:
        new["expired_years"] = sorted({*row["expired_years"], state["year"]})
        touched.add(str(state["year"]))
    elif topic == ContractReserved:
        contract_id = uid(state["contract_id"])
        new["contract_years"] = {**row["contract_years"], contract_id: first_year(event)}
        touched.add(contract_id)
    new["accounts"] = accounts
    _rederive(new, touched)
    return new


GROUPS_FOLD = Fold(GROUPS, _group_key, _apply_group, GROUP_TYPES)
CERTIFICATES_FOLD = Fold(CERTIFICATES, _certificate_key, _apply_certificate, CERTIFICATE_TYPES)

__all__ = ["BALANCES", "CERTIFICATES", "CERTIFICATES_FOLD", "GROUPS", "GROUPS_FOLD",
           "derive_balances"]
