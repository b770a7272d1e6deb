"""The registry side of a reconciliation: approved claims and recorded payments in DuckDB.

From the projections (`financial_registry` claims and payments, `organisation_registry` for
INNs, names and municipalities), written once to a temporary CSV and read by DuckDB in bulk;
or from a Parquet export (`claims.parquet`, `payments.parquet` with the same columns), which is
how the benchmark feeds a registry of a million claims.

Tables: `claims` (claim_id, kind, payer_id, payer_inn, payer_name, provider_id, provider_inn,
provider_name, municipality, month DATE, status, approved, paid, approved_on DATE) and
`payments` (payment_id, claim_id, number, dated DATE, payer_inn, amount).
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import duckdb

from projections.storage import ProjectionStore

CLAIM_COLUMNS = {
    "claim_id": "VARCHAR", "kind": "VARCHAR", "payer_id": "VARCHAR", "payer_inn": "VARCHAR",
    "payer_name": "VARCHAR", "provider_id": "VARCHAR", "provider_inn": "VARCHAR",
    "provider_name": "VARCHAR", "municipality": "VARCHAR", "month": "DATE",
    "status": "VARCHAR", "approved": "BIGINT", "paid": "BIGINT", "approved_on": "DATE",
}
PAYMENT_COLUMNS = {
    "payment_id": "VARCHAR", "claim_id": "VARCHAR", "number": "VARCHAR", "dated": "DATE",
    "payer_inn": "VARCHAR", "amount": "BIGINT",
}


def load_from_projections(con: duckdb.DuckDBPyConnection, store: ProjectionStore,
                          workdir: Path) -> int:
    """Claims and payments of the live projections into `claims` and `payments`; returns the
    number of claims."""
    organisations = dict(store.scan("organisation_registry", "organisations"))
    claims = []
    for claim_id, row in store.scan("financial_registry", "claims"):
        payer = organisations.get(row["payer_id"], {})
        provider = organisations.get(row["provider_id"], {})
        approved_on = next((r["decided_on"] for r in reversed(row["revisions"])
                            if r.get("decision") == "approved"), None)
        claims.append((claim_id, row["kind"], row["payer_id"], payer.get("inn"),
                       payer.get("short_name"), row["provider_id"], provider.get("inn"),
                       provider.get("short_name"), provider.get("municipality"),
                       f"{row['month']}-01", row["status"], row["approved"], row["paid"],
                       approved_on))
    payments = [(payment_id, row["claim_id"], row["number"], row["dated"],
                 row["payer"]["inn"], row["amount"])
                for payment_id, row in store.scan("financial_registry", "payments")]
    _bulk(con, "claims", CLAIM_COLUMNS, claims, workdir)
    _bulk(con, "payments", PAYMENT_COLUMNS, payments, workdir)
    return len(claims)


def load_from_parquet(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """`claims.parquet` and `payments.parquet` of an export; returns the number of claims."""
    for table, columns in (("claims", CLAIM_COLUMNS), ("payments", PAYMENT_COLUMNS)):
        path = str(directory / f"{table}.parquet").replace("'", "''")
        select = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in columns.items())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS "
                    f"SELECT {select} FROM read_parquet('{path}')")
    found = con.execute("SELECT count(*) FROM claims").fetchone()
    return int(found[0]) if found else 0


def _bulk(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, str],
          rows: Iterable[Sequence[object]], workdir: Path) -> None:
    """One CSV file and one `read_csv`, never a Python insert per row."""
    path = workdir / f"{table}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    spec = ", ".join(f"'{name}': '{kind}'" for name, kind in columns.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_csv("
                f"'{str(path).replace(chr(39), chr(39) * 2)}', header=false, "
                f"auto_detect=false, columns={{{spec}}}, quote='\"', escape='\"')")


def projection_registry(store: ProjectionStore
                        ) -> Callable[[duckdb.DuckDBPyConnection, Path], int]:
    """A registry loader for `service.reconcile` over a projection store (as the API holds
    one); the caller decides whether to catch the projections up first."""

    def load(con: duckdb.DuckDBPyConnection, workdir: Path) -> int:
        return load_from_projections(con, store, workdir)

    return load
