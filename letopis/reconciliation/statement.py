"""Payment statements (выписки) as finance receives them: CSV or XLSX, read into DuckDB.

Structure is checked in Python (encoding, separator, header, sheets); the lines themselves are
read and typed by DuckDB, so a statement of a million lines never loops in Python per value.
The result is the table `statement` (see `statement_sql.py`): one row per line with its line
number in the file (the header is line 1), amounts in integer kopecks, and `defect` set on a
line that could not be read.

Defects of structure reject the whole file: an empty file, a wrong encoding, a missing required
column, an XLSX with several sheets. Defects of one line (a malformed amount, date or INN, a
wrong number of fields) reject the file too unless the caller is lenient; then the line is
classified as unparseable, with its number and the reason.
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb

from letopis.reconciliation.layout import ColumnMapping, StatementError, resolve_columns
from letopis.reconciliation.statement_sql import type_lines

ENCODINGS = ("auto", "utf-8", "cp1251")
_XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class StatementOptions:
    columns: ColumnMapping = field(default_factory=lambda: ColumnMapping({}))
    encoding: str = "auto"  # auto: UTF-8 (with or without BOM), else Windows-1251
    lenient: bool = False  # a defective line becomes "unparseable" instead of an error


@dataclass(frozen=True)
class StatementInfo:
    source: str
    format: str  # csv | xlsx
    encoding: str | None
    separator: str | None
    lines: int


def load_statement(con: duckdb.DuckDBPyConnection, data: bytes, source: str,
                   options: StatementOptions, workdir: Path) -> StatementInfo:
    """Read a statement's bytes into the table `statement` of `con`; `source` names the file in
    error messages. `workdir` receives a normalised UTF-8 copy."""
    if options.encoding not in ENCODINGS:
        raise StatementError(f"unknown encoding {options.encoding!r}; use one of "
                             f"{', '.join(ENCODINGS)}")
    if _blank(data):
        raise StatementError(f"{source}: the file is empty")
    normalised = workdir / "statement.csv"
    if data.startswith(_XLSX_MAGIC) or source.lower().endswith(".xlsx"):
        header, lines = _xlsx_to_csv(data, source, normalised)
        info = StatementInfo(source, "xlsx", None, None, lines)
        separator = ";"
        columns = _columns(header, lines, options, source)
        type_lines(con, normalised, separator, header, columns, source,
                   lenient=options.lenient, numbered=True)
        return info
    text, encoding = _decode(data, source, options.encoding)
    # The checks below look only at ASCII bytes, so they run on UTF-8 bytes: a UTF-8 file is
    # checked and copied as it came, with no pass over a million-line str.
    utf8 = data if encoding == "utf-8" else text.removeprefix("\ufeff").encode("utf-8")
    plain = _plain(utf8)
    if plain is None:  # blank lines: number the lines in Python
        header, separator, lines = _csv_to_csv(text, source, normalised)
    else:
        header, separator, lines = plain
        normalised.write_bytes(utf8)
    info = StatementInfo(source, "csv", encoding, separator, lines)
    columns = _columns(header, lines, options, source)
    if not type_lines(con, normalised, separator, header, columns, source,
                      lenient=options.lenient, numbered=plain is None):
        _csv_to_csv(text, source, normalised)
        type_lines(con, normalised, separator, header, columns, source,
                   lenient=options.lenient, numbered=True)
    return info


def _columns(header: list[str], lines: int, options: StatementOptions,
             source: str) -> dict[str, int]:
    columns = resolve_columns(header, options.columns, source)
    if lines == 0:
        raise StatementError(f"{source}: the file has a header but no payment lines")
    return columns


def _blank(data: bytes) -> bool:
    """Nothing but a BOM and ASCII white space; stops at the first other byte."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    return not body or body.isspace()


def _plain(utf8: bytes) -> tuple[list[str], str, int] | None:
    """Header, separator and number of lines of a statement (UTF-8, no BOM) whose header is its
    first line and which has no blank line (DuckDB can then read it as it is); None
    otherwise."""
    body = utf8.rstrip(b"\r\n")
    first = body.partition(b"\n")[0].decode("utf-8")
    if not first.strip() or re.search(rb"\n[ \t\r]*(?:\n|$)", body):
        return None
    if b"\r" in body and body.count(b"\r\n") != body.count(b"\n"):
        return None  # mixed line ends
    separator = _separator(first)
    if separator is None:
        return None
    header = next(csv.reader([first.rstrip("\r")], delimiter=separator))
    return header, separator, body.count(b"\n")


def _decode(data: bytes, source: str, encoding: str) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf") and encoding in ("auto", "utf-8"):
        return _strict(data[3:], source, "utf-8"), "utf-8 (BOM)"
    if encoding == "auto":
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            return _strict(data, source, "cp1251"), "cp1251"
    return _strict(data, source, encoding), encoding


def _strict(data: bytes, source: str, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise StatementError(
            f"{source}: line {line}, byte {column}: not valid {encoding} "
            f"(byte 0x{data[error.start]:02x}); save the statement as UTF-8 or Windows-1251, "
            "or name the encoding") from None


def _csv_to_csv(text: str, source: str, out: Path) -> tuple[list[str], str, int]:
    """The header, the separator and the number of payment lines; writes the lines, each
    prefixed with its line number, for DuckDB. One payment per line: a purpose text spanning
    lines (a quoted newline) is not supported."""
    rows = text.splitlines()
    first = next((i for i, row in enumerate(rows) if row.strip()), None)
    if first is None:
        raise StatementError(f"{source}: the file is empty")
    head = rows[first]
    separator = _separator(head)
    if separator is None:
        raise StatementError(f"{source}: line {first + 1}: no column separator (';' or ',') in "
                             "the header")
    header = next(csv.reader([head], delimiter=separator))
    prefix = f"{{}}{separator}{{}}".format
    body = [prefix(n, row) for n, row in enumerate(rows[first + 1:], start=first + 2)
            if row and not row.isspace()]
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write("\n".join(body))
        handle.write("\n")
    return header, separator, len(body)


def _separator(header: str) -> str | None:
    return ";" if ";" in header else "," if "," in header else "\t" if "\t" in header else None


def _xlsx_to_csv(data: bytes, source: str, out: Path) -> tuple[list[str], int]:
    from io import BytesIO

    from openpyxl import load_workbook

    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise StatementError(f"{source}: not a readable XLSX workbook ({error})") from None
    try:
        if len(book.worksheets) != 1:
            names = ", ".join(repr(s.title) for s in book.worksheets)
            raise StatementError(f"{source}: the workbook has {len(book.worksheets)} sheets "
                                 f"({names}); a statement must have exactly one")
        rows = book.worksheets[0].iter_rows(values_only=True)
        header: list[str] | None = None
        written = 0
        with out.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\n")
            for number, row in enumerate(rows, start=1):
                cells = [_cell(v) for v in row]
                if header is None:
                    if any(cells):
                        header = cells
                    continue
                if any(cells):
                    writer.writerow([number, *cells[:len(header)]])
                    written += 1
        if header is None:
            raise StatementError(f"{source}: the sheet is empty")
        return header, written
    finally:
        book.close()


def _cell(value: object) -> str:
    """An XLSX cell as the text a CSV would hold: numbers exact (via their shortest decimal
    form, never through float arithmetic), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return str(value).strip()
