"""Generations built aside on PostgreSQL: UNLOGGED while a rebuild (or `verify`) writes them,
made LOGGED before the swap, built again from position 0 if the server restarted meanwhile
(docs/projections.md, "Built aside")."""

from __future__ import annotations

from typing import Any

import psycopg

from projections.base import Projection
from projections.storage import physical


class AsideGenerations:
    """Mixed into PostgresProjectionStore: its connection and quoting of names."""

    conn: psycopg.Connection[Any]
    _q: str

    def _t(self, name: str) -> str:
        return f'{self._q}."{name}"'

    def _restart_if_emptied(self, projection: Projection, generation: int) -> None:
        """Truncate and reset to position 0 an unlogged generation last written before the
        server started (crash recovery may have emptied it; its position survived)."""
        restarted = self.conn.execute(
            f"SELECT position > 0 AND updated_at < pg_postmaster_start_time() "
            f"FROM {self._q}.projection_state WHERE name = %s AND generation = %s "
            "AND NOT active".encode(), (projection.name, generation)).fetchone()
        tables = self._tables(projection, generation)
        if restarted is None or not restarted[0] or not self._unlogged(tables):
            return
        self.conn.execute(f"TRUNCATE {', '.join(tables)}".encode())
        self.conn.execute(
            f"UPDATE {self._q}.projection_state SET position = 0, updated_at = now(), "
            "state = 'building', error = NULL WHERE name = %s AND generation = %s".encode(),
            (projection.name, generation))

    def make_durable(self, projection: Projection, generation: int) -> None:
        with self.conn.transaction():
            self._set_logged(projection, generation)

    def _set_logged(self, projection: Projection, generation: int) -> list[str]:
        """Make the generation's unlogged tables LOGGED (each rewritten and WAL-logged once);
        returns all its tables."""
        tables = self._tables(projection, generation)
        for t in self._unlogged(tables):
            self.conn.execute(f"ALTER TABLE {t} SET LOGGED".encode())
        return tables

    def _tables(self, projection: Projection, generation: int) -> list[str]:
        """The generation's tables, qualified and quoted, in the projection's order."""
        return [self._t(physical(projection.name, table, generation))
                for table in projection.tables]

    def _unlogged(self, tables: list[str]) -> list[str]:
        """Those of `tables` that are UNLOGGED."""
        rows = self.conn.execute(
            "SELECT t FROM unnest(%s::text[]) AS t WHERE "
            "(SELECT relpersistence FROM pg_class WHERE oid = to_regclass(t)) = 'u'",
            (tables,)).fetchall()
        return [r[0] for r in rows]
