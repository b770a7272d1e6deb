"""`financial_registry` tables of the claim side: `claims`, `payments`, `provider_months`.

A claim row keeps the claim's accounts (claimed → payable → paid) as the aggregate posts them,
its current revision's lines and every revision's outcome. `provider_months` sums a provider's
claims of one month by kind; later claim events carry only the claim id, so its key function
finds the provider and month in the claim's row, and the row remembers each claim's figures (a
rejection does not say how much it rejected).
"""

from __future__ import annotations

from projections.base import Fold, Row, Rows
from projections.financial_registry_accounts import (
    CLAIM_TYPES,
    ClaimApproved,
    ClaimOpened,
    ClaimPaid,
    ClaimRejected,
    ClaimSubmitted,
    PaymentRecorded,
    effective_on,
    month_name,
    pair_key,
    post,
    recorded_at,
    sid,
    transfers_of,
    uid,
)
from projections.raw import RawEvent

CLAIMS = "claims"
PAYMENTS = "payments"
PROVIDER_MONTHS = "provider_months"

SUMS = ("submitted", "approved", "paid", "unpaid", "rejected")


# claims


def _claim_key(event: RawEvent, _rows: Rows) -> str | None:
    return sid(event.originator_id) if event.topic in CLAIM_TYPES else None


def _claim_figures(accounts: Row, claim_id: str) -> Row:
    payable = int(accounts.get(f"payable:{claim_id}", 0))
    paid = int(accounts.get(f"paid:{claim_id}", 0))
    return {"approved": payable + paid, "paid": paid, "unpaid": payable}


def _decided(row: Row, event: RawEvent, decision: str, reason: str | None) -> list[Row]:
    revisions = list(row["revisions"])
    if revisions:
        revisions[-1] = {**revisions[-1], "decision": decision,
                         "decided_on": effective_on(event), "reason": reason}
    return revisions


def _apply_claim(row: Row | None, event: RawEvent) -> Row | None:
    claim_id, topic, state = sid(event.originator_id), event.topic, event.state
    if topic == ClaimOpened:
        return {"claim_id": claim_id, "kind": state["kind"]["_data_"],
                "payer_id": uid(state["payer_id"]), "provider_id": uid(state["provider_id"]),
                "month": month_name(state["month"]), "status": None, "revision": 0,
                "opened_on": effective_on(event), "lines": [], "amount": 0,
                "approved": 0, "paid": 0, "unpaid": 0, "accounts": {}, "revisions": [],
                "payments": [], "version": event.originator_version}
    if row is None:  # a claim is opened before anything else happens to it
        return None
    new = {**row, "version": event.originator_version}
    if topic == ClaimSubmitted:
        lines = []
        for stored in state["lines"]:
            line = stored["_data_"]
            lines.append({"contract_id": uid(line["contract_id"]),
                          "certificate_id": uid(line["certificate_id"]),
                          "claimed": line["claimed"], "amount": line["amount"]})
        revision = {"revision": state["revision"], "amount": state["amount"],
                    "lines": len(lines), "submitted_on": effective_on(event),
                    "submitted_at": recorded_at(event), "decision": None, "decided_on": None,
                    "reason": None}
        return {**new, "status": "submitted", "revision": state["revision"], "lines": lines,
                "amount": state["amount"], "revisions": [*row["revisions"], revision]}
    if topic == ClaimApproved:
        new |= {"status": "approved", "revisions": _decided(row, event, "approved", None)}
    elif topic == ClaimRejected:
        return {**new, "status": "rejected",
                "revisions": _decided(row, event, "rejected", state["reason"])}
    elif topic == ClaimPaid:
        transfer = state["transfer"]["_data_"]
        new["payments"] = [*row["payments"], {
            "payment_id": uid(transfer["transfer_id"]), "amount": transfer["amount"],
            "effective_on": effective_on(event)}]
    accounts = post(row["accounts"], transfers_of(event))
    return {**new, "accounts": accounts, **_claim_figures(accounts, claim_id)}


# payments


def _payment_key(event: RawEvent, _rows: Rows) -> str | None:
    return sid(event.originator_id) if event.topic == PaymentRecorded else None


def _party(stored: Row) -> Row:
    party = stored["_data_"]
    return {"organisation_id": uid(party["organisation_id"]), "name": party["name"],
            "inn": party["inn"], "account_number": party["account_number"]}


def _apply_payment(_row: Row | None, event: RawEvent) -> Row | None:
    order = event.state["order"]["_data_"]
    return {"payment_id": sid(event.originator_id), "claim_id": uid(event.state["claim_id"]),
            "number": order["number"], "dated": order["dated"]["_data_"],
            "amount": order["amount"], "payer": _party(order["payer"]),
            "payee": _party(order["payee"]), "purpose": order["purpose"],
            "effective_on": effective_on(event), "recorded_at": recorded_at(event)}


# provider × month


def provider_month_key(provider_id: str, month: str) -> str:
    """`"{provider id}|{YYYY-MM}"`: the key of a `provider_months` row."""
    return pair_key(provider_id, month)


def _provider_month_key(event: RawEvent, rows: Rows) -> str | None:
    if event.topic == ClaimOpened:
        return provider_month_key(uid(event.state["provider_id"]),
                                  month_name(event.state["month"]))
    if event.topic not in CLAIM_TYPES:
        return None
    claim = rows.get(CLAIMS, sid(event.originator_id))
    return None if claim is None else provider_month_key(claim["provider_id"], claim["month"])


def _sums(claims: Row, kind: str | None) -> Row:
    sums = dict.fromkeys(SUMS, 0)
    for claim in claims.values():
        if kind is not None and claim["kind"] != kind:
            continue
        if claim["status"] == "submitted":
            sums["submitted"] += claim["amount"]
        elif claim["status"] == "rejected":
            sums["rejected"] += claim["amount"]
        sums["approved"] += claim["approved"]
        sums["paid"] += claim["paid"]
    sums["unpaid"] = sums["approved"] - sums["paid"]
    return sums


def _apply_provider_month(row: Row | None, event: RawEvent) -> Row | None:
    claim_id, topic, state = sid(event.originator_id), event.topic, event.state
    if topic == ClaimOpened:
        base: Row = row if row is not None else {
            "provider_id": uid(state["provider_id"]), "month": month_name(state["month"]),
            "claims": {}}
        claim: Row = {"kind": state["kind"]["_data_"], "payer_id": uid(state["payer_id"]),
                      "status": None, "amount": 0, "approved": 0, "paid": 0}
    else:
        if row is None or claim_id not in row["claims"]:
            return row
        base, claim = row, dict(row["claims"][claim_id])
        if topic == ClaimSubmitted:
            claim |= {"status": "submitted", "amount": state["amount"]}
        elif topic == ClaimApproved:
            transfer = state.get("transfer")
            approved = 0 if transfer is None else transfer["_data_"]["amount"]
            claim |= {"status": "approved", "approved": claim["approved"] + approved}
        elif topic == ClaimRejected:
            claim["status"] = "rejected"
        elif topic == ClaimPaid:
            claim["paid"] += state["transfer"]["_data_"]["amount"]
    claims = {**base["claims"], claim_id: claim}
    return {**base, "claims": claims, "advance": _sums(claims, "advance"),
            "final": _sums(claims, "final"), "total": _sums(claims, None)}


CLAIMS_FOLD = Fold(CLAIMS, _claim_key, _apply_claim, CLAIM_TYPES)
PAYMENTS_FOLD = Fold(PAYMENTS, _payment_key, _apply_payment, frozenset((PaymentRecorded,)))

__all__ = ["CLAIMS", "CLAIMS_FOLD", "PAYMENTS", "PAYMENTS_FOLD", "PROVIDER_MONTHS",
           "PROVIDER_MONTHS_FOLD", "SUMS", "provider_month_key"]
PROVIDER_MONTHS_FOLD = Fold(PROVIDER_MONTHS, _provider_month_key, _apply_provider_month,
                            CLAIM_TYPES)
