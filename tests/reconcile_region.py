"""A generated region for reconciliation equivalence tests: `n` claims and a statement of `n`
lines with every class and every matching tier, written as files (claims.parquet,
payments.parquet, statement.csv) by DuckDB, no ledger. Deterministic: no `hash()`, no random.

Line i pays claim i: 70% by reference (some lower case, some naming two references, some the
whole id), 10% by payee INN + amount + month (half of them `2026-MM`), 5% short, 8% over
(three of them repeat an earlier order: duplicates), 3% an unknown payee, 2% a reference with
another INN, 1% a wrong amount, 1% a defect (empty number, bad date, bad INN, bad amount, an
account for a payee). Claims past 80% of the range have a provider of their own (amount
mismatch, weak matches by amount alone); every 50th claim has a payment already recorded,
half of them by an order that is in the statement; every 97th is not approved.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

_CLAIM_ID = ("substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-' || substr(h, 13, 4) || '-' "
             "|| substr(h, 17, 4) || '-' || substr(h, 21, 12)")
_REFERENCE = "substr({h}, 1, 8) || '-' || substr({h}, 9, 4)"  # a claim id's first 13 characters
_PROVIDER = "CASE WHEN {i} < {n} * 8 // 10 THEN {i} % 1000 ELSE 1000 + {i} END"
_APPROVED = "CASE WHEN {i} % 501 = 3 THEN 500000 ELSE 100000 + ({i} * 7919) % 9999991 END"

_CLAIMS = """
COPY (
    WITH ids AS (SELECT i, md5('claim' || i) AS h FROM range({n}) t(i))
    SELECT {claim_id} AS claim_id, CASE WHEN i % 2 = 0 THEN 'advance' ELSE 'final' END AS kind,
        'payer-' || (i % 40) AS payer_id, printf('56%08d', i % 40) AS payer_inn,
        'УО ' || (i % 40) AS payer_name, 'provider-' || ({provider}) AS provider_id,
        printf('77%08d', {provider}) AS provider_inn, 'ДДТ ' || (i % 1000) AS provider_name,
        'M' || (i % 7) AS municipality, make_date(2026, CAST(1 + i % 12 AS INTEGER), 1) AS month,
        CASE WHEN i % 97 = 5 THEN 'draft' ELSE 'approved' END AS status,
        {approved} AS approved, 0 AS paid,
        make_date(2026, CAST(1 + i % 12 AS INTEGER), 5) AS approved_on
    FROM ids) TO '{dir}/claims.parquet' (FORMAT parquet)"""

_PAYMENTS = """
COPY (
    WITH ids AS (SELECT i, md5('claim' || i) AS h FROM range({n}) t(i) WHERE i % 50 = 7)
    SELECT 'pay-' || i AS payment_id, {claim_id} AS claim_id, 'R' || i AS number,
        CASE WHEN i % 100 = 7 THEN DATE '2026-12-20' ELSE DATE '2026-11-01' END AS dated,
        printf('56%08d', i % 40) AS payer_inn, 50000 AS amount
    FROM ids) TO '{dir}/payments.parquet' (FORMAT parquet)"""

_STATEMENT = """
COPY (
    WITH l AS (SELECT i, i % 100 AS k,
                      CASE WHEN i % 100 BETWEEN 90 AND 92 THEN i - (i % 100 - 89) ELSE i END
                          AS base
               FROM range({n}) t(i)),
    c AS (SELECT l.*, md5('claim' || base) AS h, md5('claim' || (base + 1)) AS h2,
                 {approved} AS approved, printf('77%08d', {provider}) AS provider_inn,
                 printf('56%08d', base % 40) AS payer_inn,
                 printf('%02d.2026', 1 + base % 12) AS month_text,
                 printf('2026-%02d', 1 + base % 12) AS iso_month
          FROM l),
    p AS (
        SELECT i, k, h, h2, month_text, iso_month, payer_inn, provider_inn, base,
            CASE WHEN base % 50 = 7 THEN 'R' || base WHEN k = 99 AND i % 7 = 0 THEN ''
                 ELSE CAST(base AS VARCHAR) END AS number,
            CASE WHEN base % 100 = 7 THEN '20.12.2026' WHEN k = 99 AND i % 7 = 1 THEN '31.02.2026'
                 WHEN k = 99 AND i % 7 = 2 THEN 'вчера' WHEN i % 3 = 0 THEN '2026-12-20'
                 ELSE '20.12.2026' END AS dated,
            CASE WHEN k BETWEEN 80 AND 84 THEN approved - 1000
                 WHEN k BETWEEN 85 AND 92 THEN approved + 1000
                 WHEN k BETWEEN 93 AND 95 THEN 12345
                 WHEN k = 98 THEN approved + 7 ELSE approved END AS kopecks
        FROM c)
    SELECT number AS "Номер платёжного поручения", dated AS "Дата",
        CASE WHEN k = 99 AND i % 7 = 6 THEN '1,2,3'
             WHEN kopecks % 13 = 0 THEN printf('%d %03d,%02d', kopecks // 100000,
                                               (kopecks // 100) % 1000, kopecks % 100)
             ELSE printf('%d,%02d', kopecks // 100, kopecks % 100) END AS "Сумма",
        CASE WHEN k = 99 AND i % 7 = 3 THEN '56x' ELSE payer_inn END AS "ИНН плательщика",
        CASE WHEN k BETWEEN 93 AND 95 THEN '9900000000'
             WHEN k BETWEEN 96 AND 97 THEN '9911111111'
             WHEN k = 99 AND i % 7 = 4 THEN '12345'
             WHEN k = 99 AND i % 7 = 5 THEN '40702810900000000001'
             WHEN k = 66 THEN '9922222222' ELSE provider_inn END AS "ИНН/счёт получателя",
        CASE WHEN k BETWEEN 70 AND 74 OR k = 98 THEN 'ПФДО за ' || month_text
             WHEN k BETWEEN 75 AND 79 THEN 'ПФДО за ' || iso_month || ' по договору'
             WHEN k BETWEEN 93 AND 95 THEN 'Возврат средств'
             WHEN k = 66 THEN 'Оплата услуг от 10.09.2026'
             WHEN k = 67 THEN 'Оплата по заявкам ' || lower({reference}) || ' и '
                 || upper({reference2})
             WHEN k = 68 THEN 'Заявка ' || {claim_id}
             ELSE 'Оплата по заявке ' || upper({reference}) || ' за ' || month_text
             END AS "Назначение платежа"
    FROM p ORDER BY i) TO '{dir}/statement.csv' (FORMAT csv, HEADER, DELIMITER ';')"""


def write_region(directory: Path, n: int) -> Path:
    """claims.parquet, payments.parquet and statement.csv (UTF-8, `;`, decimal comma) in
    `directory`; returns the statement's path."""
    claim = {"claim_id": _CLAIM_ID, "dir": str(directory).replace("'", "''"), "n": n}
    con = duckdb.connect()
    try:
        con.execute(_CLAIMS.format(provider=_PROVIDER.format(i="i", n=n),
                                   approved=_APPROVED.format(i="i"), **claim))
        con.execute(_PAYMENTS.format(**claim))
        con.execute(_STATEMENT.format(provider=_PROVIDER.format(i="base", n=n),
                                      approved=_APPROVED.format(i="base"),
                                      reference=_REFERENCE.format(h="h"),
                                      reference2=_REFERENCE.format(h="h2"), **claim))
    finally:
        con.close()
    return directory / "statement.csv"


def awkward_copy(statement: Path) -> bytes:
    """The same statement as Windows-1251 with CRLF, two blank lines and a line with one field
    too many (line 12): the path where the lines are numbered in Python."""
    lines = statement.read_text(encoding="utf-8").split("\n")
    extra = "77;20.12.2026;1,00;5600000001;7700000001;extra;field"
    awkward = [*lines[:10], "", extra, *lines[10:50], "   ", *lines[50:]]
    return "\r\n".join(awkward).encode("cp1251")
