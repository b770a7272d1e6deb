""""A command id appears as one group only", checked by DuckDB over Parquet parts.

The check pass would otherwise keep every command id of the file in memory (~170 bytes
each: ~15 GB for a 90M-event region). A command id forms one group exactly when its rows are
contiguous: count = last row - first row + 1. DuckDB computes that per command id out of
core (spilling to a temporary directory); only a refused id is looked at row by row.
"""

from __future__ import annotations

import tempfile
from itertools import pairwise
from pathlib import Path

from letopis.bulk.format import ImportRefused


def _rows_sql(parts: list[Path]) -> tuple[str, list[object]]:
    """The parts' command ids with their row number in the file (1-based, across parts)."""
    offsets, at = [], 0
    import duckdb

    with duckdb.connect() as con:
        for part in parts:
            offsets.append(at)
            found = con.execute("SELECT count(*) FROM read_parquet(?)", [str(part)]).fetchone()
            at += int(found[0]) if found else 0
    values = ", ".join("(?, ?)" for _ in parts)
    params: list[object] = [str(p) for p in parts]
    for part, offset in zip(parts, offsets, strict=True):
        params += [str(part), offset]
    sql = (f"SELECT p.command_id, o.row_offset + p.file_row_number + 1 AS row_number "  # noqa: S608
           f"FROM read_parquet([{', '.join('?' for _ in parts)}], filename = true, "
           f"file_row_number = true) p "
           f"JOIN (VALUES {values}) o(filename, row_offset) ON o.filename = p.filename")
    return sql, params


def refuse_repeated_commands(parts: list[Path]) -> None:
    """Raise ImportRefused naming the row where a command id starts a second group."""
    import duckdb

    rows, params = _rows_sql(parts)
    with tempfile.TemporaryDirectory() as spill, duckdb.connect(config={
            "memory_limit": "1GB", "threads": "2", "temp_directory": spill,
            "preserve_insertion_order": "false"}) as con:
        found = con.execute(
            f"SELECT command_id FROM ({rows}) GROUP BY command_id "  # noqa: S608
            f"HAVING max(row_number) - min(row_number) + 1 <> count(*) LIMIT 1", params,
        ).fetchone()
        if found is None:
            return
        command_id = found[0]
        numbers = [r[0] for r in con.execute(
            f"SELECT row_number FROM ({rows}) WHERE command_id = ? "  # noqa: S608
            f"ORDER BY row_number", [*params, command_id]).fetchall()]
    second = next(b for a, b in pairwise(numbers) if b != a + 1)
    raise ImportRefused(second, f"command id {command_id!r} appears twice in the file "
                        f"(first at line {numbers[0]})")
