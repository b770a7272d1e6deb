"""Import files on disk: NDJSON (one file) or Parquet (a directory of parts), written and read
as a stream of rows in global order, in bounded memory.

A Parquet part holds the same six columns as an NDJSON line (docs/import.md), `command_result`
NULL on a command's later rows. Parts are named `part-NNNNNN.parquet` and read in name order;
a command may continue from one part into the next. DuckDB (already a dependency) writes and
reads them: rows are spooled to a delimited text chunk (fields separated by U+001F, which
JSON text never holds raw, so nothing needs quoting) that DuckDB turns into a zstd Parquet
part, so neither pyarrow nor a whole region in memory is needed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Protocol
from uuid import UUID

from letopis.bulk.format import Line, StreamIds, format_line, parse_fields, parse_line

FORMATS = ("parquet", "ndjson")
PART_ROWS = 1_000_000  # rows per Parquet part: the CSV chunk on disk is ~1 GB at most
_COLUMNS = ("{'command_id': 'VARCHAR', 'command_result': 'VARCHAR', 'stream_id': 'VARCHAR', "
            "'version': 'BIGINT', 'topic': 'VARCHAR', 'state': 'VARCHAR'}")
_SELECT = "SELECT command_id, command_result, stream_id, version, topic, state FROM "


class RowWriter(Protocol):
    rows: int

    def write(self, command_id: str, result: str | None, stream_id: UUID, version: int,
              topic: str, state: bytes) -> None:
        """Append one stored event (with its command's result on the command's first row)."""

    def write_text(self, command_id: str, result: str | None, stream_id: str, version: int,
                   topic: str, state: str) -> None:
        """The same from text fields (the generator's hot path)."""

    def close(self) -> None:
        """Finish the file(s)."""


class NDJSONWriter:
    def __init__(self, path: Path) -> None:
        self.out: IO[str] = path.open("w", encoding="utf-8")
        self.rows = 0

    def write(self, command_id: str, result: str | None, stream_id: UUID, version: int,
              topic: str, state: bytes) -> None:
        self.out.write(format_line(command_id, result, stream_id, version, topic, state))
        self.out.write("\n")
        self.rows += 1

    def write_text(self, command_id: str, result: str | None, stream_id: str, version: int,
                   topic: str, state: str) -> None:
        self.write(command_id, result, UUID(stream_id), version, topic, state.encode())

    def close(self) -> None:
        self.out.close()


class ParquetWriter:
    """Parts of `part_rows` rows in `directory`, each converted from a CSV chunk by DuckDB."""

    def __init__(self, directory: Path, part_rows: int | None = None,
                 prefix: str = "part") -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.part_rows = part_rows or PART_ROWS
        self.prefix = prefix  # parts are `{prefix}-NNNNNN.parquet`
        self.parts = 0
        self.rows = 0
        self._in_part = 0
        self._chunk = directory / f".{prefix}.chunk.txt"
        self._out: IO[str] | None = None

    def _open(self) -> IO[str]:
        self._out = self._chunk.open("w", encoding="utf-8", newline="\n",
                                     buffering=1 << 20)
        return self._out

    def write(self, command_id: str, result: str | None, stream_id: UUID, version: int,
              topic: str, state: bytes) -> None:
        self.write_text(command_id, result, str(stream_id), version, topic, state.decode())

    def write_text(self, command_id: str, result: str | None, stream_id: str, version: int,
                   topic: str, state: str) -> None:
        text = f"{command_id}\x1f{result or ''}\x1f{stream_id}\x1f{version}\x1f{topic}\x1f{state}\n"
        if text.count("\x1f") != 5 or text.count("\n") != 1:  # JSON escapes both: never
            raise ValueError(f"command {command_id!r}: a field holds U+001F or a newline")
        (self._out or self._open()).write(text)
        self.rows += 1
        self._in_part += 1
        if self._in_part >= self.part_rows:
            self._finish_part()

    def _finish_part(self) -> None:
        if self._out is None:
            return
        import duckdb

        self._out.close()
        self._out = None
        part = self.directory / f"{self.prefix}-{self.parts:06d}.parquet"
        with duckdb.connect(config={"memory_limit": "1GB", "threads": "2"}) as con:
            # An empty field (a command's later rows have no result) reads as NULL.
            con.execute(
                f"COPY (SELECT * FROM read_csv(?, header = false, delim = '\x1f', "  # noqa: S608
                f"quote = '', escape = '', columns = {_COLUMNS}, parallel = false)) "
                f"TO '{part}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 100000)",
                [str(self._chunk)])
        self._chunk.unlink()
        self.parts += 1
        self._in_part = 0

    def close(self) -> None:
        self._finish_part()


def open_writer(out: Path, file_format: str) -> RowWriter:
    """A writer for `out`: a directory of Parquet parts, or one NDJSON file."""
    if file_format == "parquet":
        return ParquetWriter(out)
    if file_format == "ndjson":
        return NDJSONWriter(out)
    raise ValueError(f"unknown import file format {file_format!r}; one of {FORMATS}")


def input_parts(path: Path) -> list[Path]:
    """The files to read for `path`: itself, or a directory's Parquet (else NDJSON) files."""
    if path.is_dir():
        return sorted(path.glob("*.parquet")) or sorted(path.glob("*.ndjson"))
    return [path]


Advance = Callable[[int], None]


def read_lines(path: Path, advance: Advance | None = None) -> Iterator[Line]:
    """Every row of `path` (file or directory) in order, checked for shape; `advance(bytes)`
    reports progress in bytes of the input files. Rows are numbered from 1 across parts."""
    number = 0
    for part in input_parts(path):
        reader = _parquet_lines if part.suffix == ".parquet" else _ndjson_lines
        for line in reader(part, number, advance):
            number = line.number
            yield line


def _ndjson_lines(path: Path, before: int, advance: Advance | None) -> Iterator[Line]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=before + 1):
            if advance is not None:
                advance(len(raw))
            if raw.strip():
                yield parse_line(number, raw)


def _parquet_lines(path: Path, before: int, advance: Advance | None,
                   fetch: int = 20_000) -> Iterator[Line]:
    import duckdb

    size = path.stat().st_size
    with duckdb.connect() as con:
        con.execute("SET preserve_insertion_order = true")
        total = con.execute("SELECT count(*) FROM read_parquet(?)", [str(path)]).fetchone()
        rows = int(total[0]) if total else 0
        cursor = con.execute(_SELECT + "read_parquet(?)", [str(path)])
        number = before
        stream_ids = StreamIds()
        while batch := cursor.fetchmany(fetch):
            for command_id, result, stream_id, version, topic, state in batch:
                number += 1
                yield parse_fields(number, command_id, result, stream_id, version, topic,
                                   state, stream_ids)
            if advance is not None and rows:
                advance(size * len(batch) // rows)


def part_rows(parts: list[Path]) -> list[int]:
    """Rows of each Parquet part (from the parts' metadata)."""
    import duckdb

    with duckdb.connect() as con:
        return [int(found[0]) if (found := con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(part)]).fetchone()) else 0
            for part in parts]


def parquet_lines_from(parts: list[Path], first: int, before: int) -> Iterator[Line]:
    """The rows of `parts[first:]` in order, numbered from `before + 1`."""
    number = before
    for part in parts[first:]:
        for line in _parquet_lines(part, number, None):
            number = line.number
            yield line


def stream_lines(parts: list[Path], streams: list[UUID]) -> Iterator[Line]:
    """The rows of `streams` in Parquet `parts`, in order, numbered as in the whole file: DuckDB
    reads the parts and only those rows reach Python (plus any row whose stream id is not
    lowercase canonical text; the caller filters by stream again)."""
    import duckdb

    rows = part_rows(parts)
    offsets = [sum(rows[:i]) for i in range(len(parts))]
    number_of = {str(part): offset for part, offset in zip(parts, offsets, strict=True)}
    stream_ids = StreamIds()
    with duckdb.connect() as con:
        con.execute("CREATE TEMP TABLE wanted AS SELECT unnest(?::VARCHAR[]) AS stream_id",
                    [[str(s) for s in streams]])
        cursor = con.execute(
            "SELECT filename, file_row_number, command_id, command_result, stream_id, version, "
            "topic, state FROM read_parquet(?, filename = true, file_row_number = true) "
            "WHERE stream_id IN (SELECT stream_id FROM wanted) OR NOT regexp_full_match("
            "stream_id, '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}') "
            "ORDER BY filename, file_row_number", [[str(p) for p in parts]])
        while batch := cursor.fetchmany(20_000):
            for filename, row, command_id, result, stream_id, version, topic, state in batch:
                yield parse_fields(number_of[filename] + row + 1, command_id, result,
                                   stream_id, version, topic, state, stream_ids)


def input_size(path: Path) -> int:
    """Bytes of the input files (the progress bar's total)."""
    return sum(part.stat().st_size for part in input_parts(path))
