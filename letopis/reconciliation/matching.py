"""Matching statement lines to approved claims, in DuckDB SQL (no Python loop over lines).

Tiers, the first that finds a claim wins (`matched_by`):
1. `recorded`: the ledger already holds this payment order (number, date, payer INN);
2. `reference`: the purpose names the claim's reference (the first 13 characters of its id,
   e.g. `3f2a9c1b-12ab`, or the whole id);
3. `inn_amount_period`: payee INN = the claim's provider INN, amount = what is due on it, and
   the month named in the purpose (or `--period`) is the claim's month (any month if neither);
4. `inn_period`: the payee's only claim of that month, but the amount differs → amount mismatch;
5. `amount`: the only claim with exactly this amount due: a last resort, flagged weak.

Every line gets exactly one class; see CLASSES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

CLASSES = ("matched", "partially_paid", "overpaid", "duplicate", "wrong_provider", "no_claim",
           "amount_mismatch", "unparseable", "unpaid_past_due")
LINE_CLASSES = CLASSES[:-1]  # unpaid_past_due rows are claims, not statement lines

# "09.2026" (not the tail of a date "10.09.2026") or "2026-09": one pass, four groups.
_MONTH = (r"(?:^|[^\d.])(0[1-9]|1[0-2])\.(20\d{2})\b"
          r"|\b(20\d{2})-(0[1-9]|1[0-2])\b")
_REFERENCE = r"\b[0-9a-f]{8}-[0-9a-f]{4}\b"


@dataclass(frozen=True)
class MatchOptions:
    period: date | None = None  # first day of the month the registry side is limited to
    municipality: str | None = None
    due_days: int = 10  # a claim is due this many days after its approval
    as_of: date | None = None  # "past due" is judged on this day (default: the statement's last)


def _money(column: str) -> str:
    return f"printf('%d.%02d', ({column}) // 100, ({column}) % 100)"


def match(con: duckdb.DuckDBPyConnection, options: MatchOptions) -> None:
    """Build the table `reconciliation` from `statement`, `claims` and `payments`."""
    # The working tables are sets keyed by line or claim: letting DuckDB store them in any
    # order saves the ordered (batch) inserts. `reconciliation` is built in order.
    setting = con.execute("SELECT current_setting('preserve_insertion_order')").fetchone()
    try:
        con.execute("SET preserve_insertion_order = false")
        _assign(con, options)
        con.execute("SET preserve_insertion_order = true")
        _classify(con, options)
    finally:
        con.execute(f"SET preserve_insertion_order = {bool(setting and setting[0])}")


def _assign(con: duckdb.DuckDBPyConnection, options: MatchOptions) -> None:
    """`lines`, `candidates` and `assigned`: each readable line with the claim it pays and the
    tier that found it (NULL when none did)."""
    # Views cannot take parameters: the two filters are inlined as quoted literals.
    period = "NULL" if options.period is None else f"DATE '{options.period.isoformat()}'"
    municipality = "NULL" if options.municipality is None \
        else "'" + options.municipality.replace("'", "''") + "'"
    # One narrow table of the claims in scope with what is due on each: the view would
    # recompute the filter and the reference on every scan.
    open_claims = f"""
        SELECT claim_id, kind, provider_inn, month, approved, approved_on,
               substr(lower(claim_id), 1, 13) AS reference
        FROM claims
        WHERE status = 'approved'
          AND ({period} IS NULL OR month = {period})
          AND ({municipality} IS NULL OR municipality = {municipality})"""
    # Narrow tables from here on: the purpose text is read once (month, references) and joined
    # back only into the final report.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE lines AS
        WITH texts AS (
            SELECT line_no, number, dated, amount, payer_inn, payee_inn,
                regexp_extract(purpose, '{_MONTH}', ['month', 'year', 'iso_year', 'iso_month'])
                    AS named,
                -- case-insensitive match; only the few tokens found are lower-cased
                regexp_extract_all(purpose, '(?i){_REFERENCE}') AS tokens
            FROM statement WHERE defect IS NULL)
        SELECT line_no, number, dated, amount, payer_inn, payee_inn, tokens,
            min(line_no) OVER (PARTITION BY number, dated, payer_inn) AS first_line,
            coalesce(
                CASE WHEN named.month <> '' THEN make_date(CAST(named.year AS INTEGER),
                                                           CAST(named.month AS INTEGER), 1)
                     WHEN named.iso_month <> '' THEN make_date(
                         CAST(named.iso_year AS INTEGER), CAST(named.iso_month AS INTEGER), 1)
                     END,
                $period) AS line_month
        FROM texts""",
                {"period": options.period})
    # What is due on a claim: approved, less payments recorded by orders not in this statement.
    # `payments` is small next to the claims: aggregated first, then joined once.
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE candidates AS
        WITH orders AS (SELECT DISTINCT number, dated, payer_inn FROM lines),
        recorded AS (
            SELECT p.claim_id, sum(p.amount) FILTER (WHERE k.number IS NULL) AS elsewhere,
                   sum(p.amount) AS paid
            FROM payments p
            LEFT JOIN orders k
                ON k.number = p.number AND k.dated = p.dated AND k.payer_inn = p.payer_inn
            GROUP BY p.claim_id)
        SELECT c.claim_id, c.reference, c.provider_inn, c.month, c.kind, c.approved_on,
               CAST(c.approved - coalesce(r.elsewhere, 0) AS BIGINT) AS due,
               CAST(c.approved - coalesce(r.paid, 0) AS BIGINT) AS unpaid
        FROM ({open_claims}) c LEFT JOIN recorded r USING (claim_id)""")
    # Tiers 1-2 over every line; tiers 3-5 only over the (few) lines still unmatched.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE assigned AS
        WITH recorded AS (
            SELECT l.line_no, min(p.claim_id) AS claim_id FROM lines l
            JOIN payments p ON p.number = l.number AND p.dated = l.dated
                AND p.payer_inn = l.payer_inn
            JOIN candidates c ON c.claim_id = p.claim_id GROUP BY l.line_no),
        tokens AS (SELECT line_no, lower(unnest(tokens)) AS token FROM lines),
        by_reference AS (
            SELECT t.line_no, min(c.claim_id) AS claim_id FROM tokens t
            JOIN candidates c ON c.reference = t.token GROUP BY t.line_no)
        SELECT l.line_no, l.amount, l.payee_inn, l.first_line,
            l.line_no > l.first_line AS repeated,
            CASE WHEN r.claim_id IS NOT NULL THEN 'recorded'
                 WHEN b.claim_id IS NOT NULL THEN 'reference' END AS matched_by,
            coalesce(r.claim_id, b.claim_id) AS claim_id
        FROM lines l
        LEFT JOIN recorded r USING (line_no) LEFT JOIN by_reference b USING (line_no)""")
    con.execute("""
        CREATE OR REPLACE TEMP TABLE later_tiers AS
        WITH rest AS (
            SELECT l.line_no, l.amount, l.payee_inn, l.line_month FROM lines l
            ANTI JOIN (SELECT line_no FROM assigned WHERE claim_id IS NOT NULL) a
                USING (line_no)),
        exact AS (
            SELECT l.line_no, arg_min(c.claim_id, (c.month, c.kind, c.claim_id)) AS claim_id
            FROM rest l JOIN candidates c ON c.provider_inn = l.payee_inn AND c.due = l.amount
                AND (l.line_month IS NULL OR c.month = l.line_month)
            GROUP BY l.line_no),
        only_of_month AS (
            SELECT provider_inn, month, any_value(claim_id) AS claim_id FROM candidates
            GROUP BY provider_inn, month HAVING count(*) = 1),
        mismatch AS (
            SELECT l.line_no, o.claim_id FROM rest l
            JOIN only_of_month o ON o.provider_inn = l.payee_inn AND o.month = l.line_month),
        only_of_amount AS (
            SELECT due, any_value(claim_id) AS claim_id FROM candidates
            WHERE due > 0 GROUP BY due HAVING count(*) = 1),
        weak AS (
            SELECT l.line_no, o.claim_id FROM rest l JOIN only_of_amount o ON o.due = l.amount)
        SELECT l.line_no,
            CASE WHEN e.claim_id IS NOT NULL THEN 'inn_amount_period'
                 WHEN m.claim_id IS NOT NULL THEN 'inn_period'
                 WHEN w.claim_id IS NOT NULL THEN 'amount' END AS matched_by,
            coalesce(e.claim_id, m.claim_id, w.claim_id) AS claim_id
        FROM rest l LEFT JOIN exact e USING (line_no) LEFT JOIN mismatch m USING (line_no)
        LEFT JOIN weak w USING (line_no)
        WHERE coalesce(e.claim_id, m.claim_id, w.claim_id) IS NOT NULL""")
    con.execute("""
        UPDATE assigned SET matched_by = t.matched_by, claim_id = t.claim_id
        FROM later_tiers t WHERE assigned.line_no = t.line_no""")


def _classify(con: duckdb.DuckDBPyConnection, options: MatchOptions) -> None:
    """`reconciliation`: every statement line with its class, then the unpaid claims, stored
    in report order (line, then claim) so that the files are plain scans of it. Classes and
    reasons are worked out on narrow rows (`verdicts`, one per line, in line order); the
    statement's own columns are then laid beside them by position: no join and no sort of the
    wide rows."""
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE verdicts AS
        WITH a AS (
            SELECT l.line_no, l.amount, l.first_line, l.repeated, l.matched_by, l.claim_id,
                   c.kind AS claim_kind, c.month AS claim_month, c.reference,
                   c.provider_inn, c.due,
                   l.matched_by = 'reference' AND l.payee_inn IS DISTINCT FROM c.provider_inn
                       AS wrong_provider
            FROM assigned l LEFT JOIN candidates c USING (claim_id)),
        paid AS (
            SELECT claim_id, sum(amount) AS paid_here FROM a
            WHERE claim_id IS NOT NULL AND NOT repeated AND NOT wrong_provider
                AND matched_by <> 'inn_period'
            GROUP BY claim_id),
        classified AS (
            SELECT CASE WHEN repeated THEN 'duplicate'
                        WHEN claim_id IS NULL THEN 'no_claim'
                        WHEN matched_by = 'inn_period' THEN 'amount_mismatch'
                        WHEN wrong_provider THEN 'wrong_provider'
                        WHEN paid_here = due THEN 'matched'
                        WHEN paid_here < due THEN 'partially_paid'
                        ELSE 'overpaid' END AS class,
                   *
            FROM a LEFT JOIN paid USING (claim_id)),
        narrow AS (
            SELECT class, line_no, claim_kind, claim_month, provider_inn AS claim_provider_inn,
                CASE WHEN class IN ('duplicate', 'no_claim') THEN NULL ELSE claim_id END
                    AS claim_id,
                CASE WHEN class IN ('duplicate', 'no_claim') THEN NULL ELSE reference END
                    AS claim_reference,
                CASE WHEN class IN ('duplicate', 'no_claim') THEN NULL ELSE due END
                    AS claim_due,
                CASE WHEN class IN ('duplicate', 'no_claim') THEN NULL ELSE matched_by END
                    AS matched_by,
                class = 'matched' AND matched_by = 'amount' AS weak,
                class = 'matched' AND matched_by = 'recorded' AS recorded,
                CASE class
                    WHEN 'matched' THEN 'paid in full (' || matched_by || ')'
                    WHEN 'partially_paid' THEN 'the statement pays ' || {_money('paid_here')}
                        || ' of ' || {_money('due')} || ' due'
                    WHEN 'overpaid' THEN 'the statement pays ' || {_money('paid_here')}
                        || ', only ' || {_money('due')} || ' is due'
                    WHEN 'duplicate' THEN 'repeats line ' || first_line
                        || ' (same order number, date and payer INN)'
                    WHEN 'no_claim' THEN 'no approved claim matches the purpose, payee or amount'
                    WHEN 'amount_mismatch' THEN 'the payee''s claim for '
                        || strftime(claim_month, '%m.%Y') || ' is due ' || {_money('due')}
                    END AS reason
            FROM classified)
        -- every line of the statement (an unparseable one has no row in `narrow`)
        SELECT s.line_no, n.* EXCLUDE (line_no)
        FROM (SELECT line_no FROM statement) s LEFT JOIN narrow n USING (line_no)
        ORDER BY s.line_no""")
    # `statement` is stored in line order (statement_sql.py), so row k of both tables is the
    # same line; error() makes a broken alignment loud instead of silently wrong.
    # Not TEMP: the report files are written by two cursors of this (in-memory) database at
    # once, and a temporary table is visible to its own connection only (report.py).
    con.execute("""
        CREATE OR REPLACE TABLE reconciliation AS
        SELECT coalesce(v.class, 'unparseable') AS class,
            CASE WHEN s.line_no = v.line_no THEN s.line_no
                 ELSE error('reconciliation: statement and verdicts out of step') END
                AS line_no,
            s.number, s.dated, s.amount, s.payer_inn, s.payee_inn, s.payee_account, s.purpose,
            v.claim_id, v.claim_reference, v.claim_kind, v.claim_month, v.claim_provider_inn,
            v.claim_due, v.matched_by, coalesce(v.weak, false) AS weak,
            coalesce(v.recorded, false) AS recorded,
            CASE WHEN s.defect IS NOT NULL
                     THEN coalesce('column ''' || s.defect_column || ''': ', '') || s.defect
                 WHEN v.class = 'wrong_provider'
                     THEN 'the claim is payable to INN ' || v.claim_provider_inn || ', not '
                         || coalesce(s.payee_inn, 'account ' || s.payee_account)
                 ELSE v.reason END AS reason
        FROM statement s POSITIONAL JOIN verdicts v""")
    as_of = options.as_of
    if as_of is None:
        last = con.execute("SELECT max(dated) FROM statement").fetchone()
        as_of = last[0] if last and last[0] is not None else None
    con.execute(f"""
        INSERT INTO reconciliation BY NAME
        SELECT 'unpaid_past_due' AS class, c.unpaid AS amount, c.claim_id,
            c.reference AS claim_reference, c.kind AS claim_kind, c.month AS claim_month,
            c.provider_inn AS claim_provider_inn, c.unpaid AS claim_due, false AS weak,
            false AS recorded,
            'approved on ' || c.approved_on || ', due ' || (c.approved_on + $days)
                || ', ' || {_money('c.unpaid')} || ' unpaid' AS reason
        FROM candidates c
        ANTI JOIN (SELECT claim_id FROM assigned WHERE claim_id IS NOT NULL AND NOT repeated) a
            USING (claim_id)
        WHERE c.unpaid > 0 AND c.approved_on + $days < $as_of
        ORDER BY c.claim_id""",
                {"days": options.due_days, "as_of": as_of})
