"""`financial_registry` table `contracts`: a contract row joins the Contract stream (parties,
prices, status) with the certificate's view of it (schedule, charges, settlements, reserve).
"""

from __future__ import annotations

from projections.base import Fold, Row, Rows
from projections.financial_registry_accounts import (
    CONTRACT_MONEY_TYPES,
    CONTRACT_TYPES,
    ChargeReversed,
    ContractActivated,
    ContractConfirmed,
    ContractRefused,
    ContractRequested,
    ContractReserved,
    ContractTerminated,
    MonthCharged,
    MonthSettled,
    ReserveReleased,
    effective_on,
    first_year,
    month_name,
    moved,
    sid,
    transfers_of,
    uid,
)
from projections.raw import RawEvent

CONTRACTS = "contracts"


def _contract_key(event: RawEvent, _rows: Rows) -> str | None:
    if event.topic in CONTRACT_TYPES:
        return sid(event.originator_id)
    if event.topic in CONTRACT_MONEY_TYPES:
        return uid(event.state["contract_id"])
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


_STATUS = {ContractConfirmed: "confirmed", ContractActivated: "active",
           ContractRefused: "refused", ContractTerminated: "terminated"}


def _apply_contract_event(row: Row, event: RawEvent) -> Row:
    state = event.state
    new = row.copy()  # then assignments: the keys keep their order, as in `{**row, …}`
    if event.topic == ContractRequested:
        on = effective_on(event)
        new["certificate_id"] = uid(state["certificate_id"])
        new["programme_id"] = uid(state["programme_id"])
        new["provider_id"] = uid(state["provider_id"])
        new["group_name"] = state["group_name"]
        new["first_month"] = month_name(state["first_month"])
        new["last_month"] = month_name(state["last_month"])
        new["price_per_month"] = state["price_per_month"]
        new["certificate_share"] = state["certificate_share"]
        new["status"], new["requested_on"], new["status_on"] = "requested", on, on
        new["version"] = event.originator_version
        return new
    new["status"] = _STATUS[event.topic]
    new["status_on"] = effective_on(event)
    new["version"] = event.originator_version
    new["reason"] = state.get("reason")
    if event.topic == ContractTerminated:
        new["last_month"] = month_name(state["last_month"])
    return new


def _month(months: Row, name: str) -> Row:
    return dict(months.get(name) or {"amount": 0, "advance": None, "final": None,
                                     "settled": False})


def _apply_money_event(row: Row, event: RawEvent) -> Row:
    contract_id, topic, state = row["contract_id"], event.topic, event.state
    released = row["released"]
    months: Row
    if topic == ContractReserved:
        months = {}
        for scheduled in state["schedule"]:
            m = scheduled["_data_"]
            months[month_name(m["month"])] = {"amount": m["amount"], "advance": None,
                                              "final": None, "settled": False}
        year: int | None = first_year(event)
    else:
        months = dict(row["months"])
        year = row["year"]
    if topic == ReserveReleased:
        last = state.get("last_month")
        last_name = None if last is None else month_name(last)
        months = {m: v for m, v in months.items() if last_name is not None and m <= last_name}
    elif topic == MonthCharged:
        name = month_name(state["month"])
        month = _month(months, name)
        transfer = state.get("transfer")
        charged = 0 if transfer is None else transfer["_data_"]["amount"]
        if state["kind"]["_data_"] == "advance":
            month["advance"] = {"claim_id": uid(state["claim_id"]), "claimed": state["claimed"]}
        else:
            month["final"] = {"claim_id": uid(state["claim_id"]), "claimed": state["claimed"],
                              "charged": charged}
        months[name] = month
    elif topic == MonthSettled:
        name = month_name(state["month"])
        months[name] = {**_month(months, name), "settled": True}
    elif topic == ChargeReversed:
        name = month_name(state["month"])
        months[name] = {**_month(months, name), state["kind"]["_data_"]: None}
    transfers = transfers_of(event)
    sums = moved(transfers, contract_id)
    for transfer in transfers:
        if transfer["kind"]["_data_"] == "release":
            released += transfer["amount"]
    new = row.copy()  # then assignments: the keys keep their order, as in `{**row, …}`
    new["year"], new["months"], new["released"] = year, months, released
    new["reserved"] = row["reserved"] + sums.get("reserve", 0)
    new["spent"] = row["spent"] + sums.get("spent", 0)
    new["copayment"] = row["copayment"] + sums.get("copayment", 0)
    new["months_charged"] = sorted([m for m, v in months.items()
                                    if v["advance"] is not None or v["final"] is not None])
    return new


def _apply_contract(row: Row | None, event: RawEvent) -> Row | None:
    if event.topic in CONTRACT_TYPES:
        base = row if row is not None else _new_contract(sid(event.originator_id))
        return _apply_contract_event(base, event)
    base = row if row is not None else _new_contract(uid(event.state["contract_id"]))
    return _apply_money_event(base, event)


CONTRACTS_FOLD = Fold(CONTRACTS, _contract_key, _apply_contract,
                      CONTRACT_TYPES | CONTRACT_MONEY_TYPES)

__all__ = ["CONTRACTS", "CONTRACTS_FOLD"]
