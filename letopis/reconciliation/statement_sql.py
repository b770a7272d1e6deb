"""Typing a statement's lines in DuckDB: text → dates, kopecks, INNs, with one defect a line.

View `statement` (over the table `statement_lines`): line_no, number, dated (DATE), amount
(BIGINT kopecks), payer_inn, payee_inn, payee_account, purpose, defect (NULL on a readable
line), defect_column; in line order (the reconciliation lays its verdicts beside the lines by
position).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from letopis.reconciliation.layout import StatementError


def _without_spaces(value: str) -> str:
    """Thousands separators (space, no-break space, narrow no-break space, ') dropped and a
    decimal comma made a point; plain `replace` is several times cheaper than a regex."""
    for separator in (" ", "\u00a0", "\u202f", "''"):
        value = f"replace({value}, '{separator}', '')"
    return f"replace({value}, ',', '.')"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def type_lines(con: duckdb.DuckDBPyConnection, path: Path, separator: str,
               header: Sequence[str], columns: dict[str, int], source: str, *,
               lenient: bool, numbered: bool) -> bool:
    """Create `statement` from a UTF-8 file. `numbered`: each line is prefixed with its line
    number; otherwise the file is the statement itself with its header on line 1 and no blank
    line, so DuckDB's scan order gives the numbers. Returns False (and creates nothing) when an
    unnumbered file has a line with the wrong number of fields: DuckDB leaves such a line out,
    which shifts the numbers after it, so the caller numbers the lines itself and retries.
    Strict: the first defective line is an error and the table is not left behind."""
    names = {f"c{i}": "VARCHAR" for i in range(len(header))}
    types = {**({"line_no": "BIGINT"} if numbered else {}), **names}
    spec = ", ".join(f"{_quote(k)}: {_quote(v)}" for k, v in types.items())
    con.execute("DROP TABLE IF EXISTS statement_rejects")
    scan = (f"read_csv({_quote(str(path))}, delim={_quote(separator)}, header=false, "
            f"skip={0 if numbered else 1}, auto_detect=false, columns={{{spec}}}, quote='\"', "
            "escape='\"', null_padding=true, store_rejects=true, "
            "rejects_table='statement_rejects', rejects_scan='statement_reject_scans')")
    # Unnumbered: the table keeps the file's order (insertion order is preserved), so a row's
    # position (rowid) is its line number less 2 (the header is line 1). Numbering in the view
    # rather than with row_number() while reading keeps the read and the typing parallel.
    raw = f"SELECT * FROM {scan}" if numbered \
        else f"SELECT CAST(NULL AS BIGINT) AS line_no, * FROM {scan}"
    try:
        _create(con, raw, columns, header)
        con.execute("CREATE OR REPLACE TEMP VIEW statement AS " + (
            "SELECT * FROM statement_lines" if numbered
            else "SELECT rowid + 2 AS line_no, * EXCLUDE (line_no) FROM statement_lines"))
    except duckdb.InvalidInputException as error:
        if not numbered:
            return False  # let the caller number the lines and retry
        first = str(error).strip().splitlines()[0]
        raise StatementError(f"{source}: not a readable CSV file ({first})") from None
    if not numbered:
        rejected = con.execute("SELECT count(*) FROM statement_rejects").fetchone()
        if rejected and rejected[0]:
            _drop(con)
            return False
    con.execute("""
        INSERT INTO statement_lines
        SELECT DISTINCT CAST(regexp_extract(csv_line, '^(\\d+)', 1) AS BIGINT), NULL, NULL,
               NULL, NULL, NULL, NULL, NULL,
               'wrong number of fields: ' || lower(CAST(error_type AS VARCHAR))
                   || ' (the header has ' || ? || ' fields)', NULL
        FROM statement_rejects""", [len(header)])
    if numbered and con.execute("SELECT count(*) > 0 FROM statement_rejects").fetchone() \
            == (True,):
        # the rejected lines went in last: back into line order (see the module docstring)
        con.execute("CREATE OR REPLACE TEMP TABLE statement_lines AS "
                    "SELECT * FROM statement_lines ORDER BY line_no")
    if not lenient:
        first_defect = con.execute(
            "SELECT line_no, defect_column, defect FROM statement WHERE defect IS NOT NULL "
            "ORDER BY line_no LIMIT 1").fetchone()
        if first_defect is not None:
            _drop(con)
            line, column, defect = first_defect
            where = f"line {line}" + (f", column {column!r}" if column else "")
            raise StatementError(f"{source}: {where}: {defect}")
    return True


def _drop(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS statement")
    con.execute("DROP TABLE IF EXISTS statement_lines")


def _create(con: duckdb.DuckDBPyConnection, raw: str, columns: dict[str, int],
            header: Sequence[str]) -> None:
    def col(field: str) -> str:
        return f"trim(coalesce(c{columns[field]}, ''))" if field in columns else "''"

    def label(field: str) -> str:
        return _quote(header[columns[field]]) if field in columns else "NULL"

    payee_column = "payee_inn" if "payee_inn" in columns else "payee_account"
    # One statement, so DuckDB streams the file through every step without materialising it.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE statement_lines AS
        WITH raw_lines AS ({raw}),
        statement_text AS (
            SELECT line_no, {col('number')} AS number, {col('dated')} AS dated_text,
                {_without_spaces(col('amount'))} AS amount_text,
                {col('amount')} AS amount_raw,
                {col('payer_inn')} AS payer_inn,
                replace({col('payee_inn')}, ' ', '') AS payee_text,
                replace({col('payee_account')}, ' ', '') AS account_text,
                {col('purpose')} AS purpose
            FROM raw_lines),
        typed AS (
            SELECT *,
                CASE WHEN regexp_full_match(dated_text, '\\d{{2}}\\.\\d{{2}}\\.\\d{{4}}')
                         THEN try_strptime(dated_text, '%d.%m.%Y')::DATE
                     WHEN regexp_full_match(dated_text, '\\d{{4}}-\\d{{2}}-\\d{{2}}')
                         THEN try_strptime(dated_text, '%Y-%m-%d')::DATE END AS dated,
                CASE WHEN regexp_full_match(amount_text, '\\d{{1,15}}(\\.\\d{{1,2}})?')
                         THEN CAST(CAST(amount_text AS DECIMAL(18, 2)) * 100 AS BIGINT)
                     END AS amount,
                CASE WHEN regexp_full_match(payee_text, '\\d{{10}}|\\d{{12}}')
                     THEN payee_text END AS payee_inn,
                CASE WHEN regexp_full_match(account_text, '\\d{{20}}') THEN account_text
                     WHEN regexp_full_match(payee_text, '\\d{{20}}') THEN payee_text
                     END AS payee_account,
                regexp_full_match(payer_inn, '\\d{{10}}|\\d{{12}}') AS payer_ok
            FROM statement_text)
        SELECT line_no, number, dated, amount, payer_inn, payee_inn, payee_account, purpose,
            CASE WHEN number = '' THEN 'empty payment order number'
                 WHEN dated IS NULL THEN 'malformed date ' || {_quote_sql('dated_text')}
                     || ' (expected DD.MM.YYYY or YYYY-MM-DD)'
                 WHEN amount IS NULL THEN 'malformed amount ' || {_quote_sql('amount_raw')}
                     || ' (expected roubles with at most two decimals, e.g. 1 234,50)'
                 WHEN amount = 0 THEN 'zero amount'
                 WHEN NOT payer_ok THEN 'malformed payer INN ' || {_quote_sql('payer_inn')}
                 WHEN payee_inn IS NULL AND payee_account IS NULL
                     THEN 'malformed payee INN or account ' || {_quote_sql('payee_text')}
                 END AS defect,
            CASE WHEN number = '' THEN {label('number')}
                 WHEN dated IS NULL THEN {label('dated')}
                 WHEN amount IS NULL OR amount = 0 THEN {label('amount')}
                 WHEN NOT payer_ok THEN {label('payer_inn')}
                 WHEN payee_inn IS NULL AND payee_account IS NULL THEN {label(payee_column)}
                 END AS defect_column
        FROM typed""")


def _quote_sql(column: str) -> str:
    """SQL text of a column's value in quotes, for a message."""
    return f"'''' || {column} || ''''"
