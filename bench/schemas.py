"""Dropping the PostgreSQL schemas a benchmark made, in one place; settling a fresh one.

A Letopis store in schema `S` has two companions: `S_keys` (the key store, docs/privacy.md) and
`S_proj` (the projections' tables). `drop_store` removes all three, so a benchmark never leaves
a companion behind; `drop_schema` removes one schema that is not a store (a library baseline's).
"""

from __future__ import annotations

import time
from typing import Any

import psycopg
from psycopg import sql

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"  # every benchmark's --url default
COMPANIONS = ("_keys", "_proj")


def store_schemas(schema: str) -> tuple[str, ...]:
    """The store's schema and its companions, in the order they are dropped."""
    return (schema, *(f"{schema}{suffix}" for suffix in COMPANIONS))


def drop_schema(conn: psycopg.Connection[Any], schema: str) -> None:
    """`DROP SCHEMA IF EXISTS schema CASCADE` (the name quoted as an identifier)."""
    conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


def drop_store(conn: psycopg.Connection[Any], schema: str) -> None:
    """Drop a Letopis store's schema and its companions (`_keys`, `_proj`), if they exist."""
    for name in store_schemas(schema):
        drop_schema(conn, name)


def settle(url: str, schema: str) -> None:
    """VACUUM (ANALYZE) a store's tables before a timed run that reads them, as a store in
    service has been. Right after bench.claims' setup the first claim run cost PostgreSQL 2x the
    CPU per event (103-137 us); an ANALYZE alone brought it to 51 (docs/benchmarks.md)."""
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)).fetchall()]
        for table in tables:
            conn.execute(sql.SQL("VACUUM (ANALYZE) {}").format(sql.Identifier(schema, table)))
    print(f"vacuumed and analyzed (not timed) in {time.perf_counter() - started:.1f} s")
