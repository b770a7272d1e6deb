"""`financial_registry` tables of the certificate side: `groups`, `certificates`, `contracts`.

A certificate row keeps the certificate's account balances exactly as the aggregate posts them
(every Certificate event that moves money carries its transfers), and derives from them the
balances readers ask for: free and expired per year, reserved, spent and co-payment per
contract, and totals per unit. A contract row joins the Contract stream (parties, prices,
status) with the certificate's view of it (schedule, charges, settlements, reserve).
"""

from __future__ import annotations

from typing import Any

from projections.base import Event, Fold, Row, Rows
from projections.financial_registry_accounts import (
    CERTIFICATE_TYPES,
    CONTRACT_EVENTS,
    CONTRACT_MONEY_TYPES,
    CONTRACT_TYPES,
    GROUP_TYPES,
    CertClosed,
    CertIssued,
    CertKindChanged,
    CertResumed,
    CertSuspended,
    ChargeReversed,
    ContractActivated,
    ContractConfirmed,
    ContractRefused,
    ContractRequested,
    ContractReserved,
    ContractTerminated,
    GroupEstablished,
    MonthCharged,
    MonthSettled,
    NominalCredited,
    ReserveReleased,
    YearExpired,
    effective_on,
    month_name,
    moved,
    post,
    sid,
    transfers_of,
)

GROUPS = "groups"
CERTIFICATES = "certificates"
CONTRACTS = "contracts"

BALANCES = ("credited", "free", "reserved", "spent", "expired", "copayment")
_ZERO = dict.fromkeys(BALANCES, 0)


# groups: a municipality's nominal and limits for a year


def _group_key(event: Event, _rows: Rows) -> str | None:
    if type(event) in GROUP_TYPES:
        return sid(event.originator_id)
    return None


def _apply_group(row: Row | None, event: Event) -> Row | None:
    if isinstance(event, GroupEstablished):
        return {"group_id": str(event.originator_id), "municipality": event.municipality,
                "year": event.year, "unit": event.unit.value, "nominal": event.nominal,
                "max_certificates": event.max_certificates,
                "max_nominal_sum": event.max_nominal_sum, "admitted": 0, "nominal_sum": 0,
                "version": event.originator_version}
    if row is None:
        return None
    return {**row, "admitted": row["admitted"] + 1,
            "nominal_sum": row["nominal_sum"] + event.nominal,  # type: ignore[attr-defined]
            "version": event.originator_version}


# certificates


def _certificate_key(event: Event, _rows: Rows) -> str | None:
    return sid(event.originator_id) if type(event) in CERTIFICATE_TYPES else None


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
        total = totals.setdefault(year["unit"], dict(_ZERO))
        for name in ("credited", "free", "expired"):
            total[name] += year[name]
    for c in contracts.values():
        unit = units.get(str(c["year"]))
        if unit is None:  # cannot happen: a contract reserves from a funded year
            continue
        total = totals.setdefault(unit, dict(_ZERO))
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


def _apply_certificate(row: Row | None, event: Event) -> Row | None:
    version = event.originator_version
    if isinstance(event, CertIssued):
        base: Row = {"certificate_id": sid(event.originator_id), "number": event.number,
                     "learner_id": str(event.learner_id), "kind": event.kind.value,
                     "status": "active", "municipality": event.municipality,
                     "issued_on": effective_on(event), "kind_since": effective_on(event),
                     "closed_on": None, "version": version, "units": {},
                     "expired_years": [], "contract_years": {}, "accounts": {}}
        return {**base, **derive_balances({}, [], {}, {})}
    if row is None:  # a certificate is issued before anything else happens to it
        return None
    new = {**row, "version": version}
    if isinstance(event, CertKindChanged):
        return {**new, "kind": event.kind.value, "kind_since": effective_on(event)}
    if isinstance(event, CertSuspended):
        return {**new, "status": "suspended"}
    if isinstance(event, CertResumed):
        return {**new, "status": "active"}
    transfers = transfers_of(event)
    touched = {key for t in transfers for key in (t.debit.key, t.credit.key)}
    if isinstance(event, CertClosed):
        new |= {"status": "closed", "closed_on": effective_on(event)}
    elif isinstance(event, NominalCredited):
        new["units"] = {**row["units"], str(event.year): event.unit.value}
        touched.add(str(event.year))
    elif isinstance(event, YearExpired):
        new["expired_years"] = sorted({*row["expired_years"], event.year})
        touched.add(str(event.year))
    elif isinstance(event, ContractReserved):
        contract_id = sid(event.contract_id)
        new["contract_years"] = {**row["contract_years"],
                                 contract_id: event.schedule[0].month.year}
        touched.add(contract_id)
    new["accounts"] = post(row["accounts"], transfers)
    _rederive(new, touched)
    return new


# contracts


def _contract_key(event: Event, _rows: Rows) -> str | None:
    if type(event) in CONTRACT_TYPES:
        return sid(event.originator_id)
    if type(event) in CONTRACT_MONEY_TYPES:
        return sid(event.contract_id)  # type: ignore[attr-defined]
    return None


def _new_contract(contract_id: str) -> Row:
    """A contract row before both its Contract and its reserve are folded (in one transaction
    the streams' events may come in either order)."""
    return {"contract_id": contract_id, "certificate_id": None, "programme_id": None,
            "provider_id": None, "group_name": None, "first_month": None, "last_month": None,
            "price_per_month": None, "certificate_share": None, "status": None,
            "requested_on": None, "status_on": None, "reason": None, "version": 0,
            "year": None, "reserved": 0, "spent": 0, "copayment": 0, "released": 0,
            "months": {}, "months_charged": []}


def _apply_contract_event(row: Row, event: Any) -> Row:
    status = {ContractConfirmed: "confirmed", ContractActivated: "activated",
              ContractRefused: "refused", ContractTerminated: "terminated"}
    if isinstance(event, ContractRequested):
        return {**row, "certificate_id": str(event.certificate_id),
                "programme_id": str(event.programme_id), "provider_id": str(event.provider_id),
                "group_name": event.group_name, "first_month": month_name(event.first_month),
                "last_month": month_name(event.last_month),
                "price_per_month": event.price_per_month,
                "certificate_share": event.certificate_share, "status": "requested",
                "requested_on": effective_on(event), "status_on": effective_on(event),
                "version": event.originator_version}
    value = status[type(event)]
    new = {**row, "status": "active" if value == "activated" else value,
           "status_on": effective_on(event), "version": event.originator_version,
           "reason": getattr(event, "reason", None)}
    if isinstance(event, ContractTerminated):
        new["last_month"] = month_name(event.last_month)
    return new


def _month(months: Row, name: str) -> Row:
    return dict(months.get(name) or {"amount": 0, "advance": None, "final": None,
                                     "settled": False})


def _apply_money_event(row: Row, event: Any) -> Row:
    contract_id = row["contract_id"]
    months: Row = dict(row["months"])
    released = row["released"]
    if isinstance(event, ContractReserved):
        months = {month_name(m.month): {"amount": m.amount, "advance": None, "final": None,
                                        "settled": False} for m in event.schedule}
        year: int | None = event.schedule[0].month.year
    else:
        year = row["year"]
    if isinstance(event, ReserveReleased):
        last = None if event.last_month is None else month_name(event.last_month)
        months = {m: v for m, v in months.items() if last is not None and m <= last}
    elif isinstance(event, MonthCharged):
        name, month = month_name(event.month), _month(months, month_name(event.month))
        charged = 0 if event.transfer is None else event.transfer.amount
        if event.kind.value == "advance":
            month["advance"] = {"claim_id": str(event.claim_id), "claimed": event.claimed}
        else:
            month["final"] = {"claim_id": str(event.claim_id), "claimed": event.claimed,
                              "charged": charged}
        months[name] = month
    elif isinstance(event, MonthSettled):
        name = month_name(event.month)
        months[name] = {**_month(months, name), "settled": True}
    elif isinstance(event, ChargeReversed):
        name = month_name(event.month)
        months[name] = {**_month(months, name), event.kind.value: None}
    transfers = transfers_of(event)
    sums = moved(transfers, contract_id)
    for transfer in transfers:
        if transfer.kind.value == "release":
            released += transfer.amount
    return {**row, "year": year, "months": months, "released": released,
            "reserved": row["reserved"] + sums.get("reserve", 0),
            "spent": row["spent"] + sums.get("spent", 0),
            "copayment": row["copayment"] + sums.get("copayment", 0),
            "months_charged": sorted(m for m, v in months.items()
                                     if v["advance"] is not None or v["final"] is not None)}


def _apply_contract(row: Row | None, event: Event) -> Row | None:
    key = sid(event.originator_id) if isinstance(event, CONTRACT_EVENTS) \
        else sid(event.contract_id)  # type: ignore[attr-defined]
    base = row if row is not None else _new_contract(key)
    if isinstance(event, CONTRACT_EVENTS):
        return _apply_contract_event(base, event)
    return _apply_money_event(base, event)


GROUPS_FOLD = Fold(GROUPS, _group_key, _apply_group, GROUP_TYPES)
CERTIFICATES_FOLD = Fold(CERTIFICATES, _certificate_key, _apply_certificate, CERTIFICATE_TYPES)
CONTRACTS_FOLD = Fold(CONTRACTS, _contract_key, _apply_contract,
                      CONTRACT_TYPES | CONTRACT_MONEY_TYPES)

__all__ = ["BALANCES", "CERTIFICATES", "CERTIFICATES_FOLD", "CONTRACTS", "CONTRACTS_FOLD",
           "GROUPS", "GROUPS_FOLD", "derive_balances"]
