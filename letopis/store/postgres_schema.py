"""DDL for the PostgreSQL store. Created once by `letopis db init`, never lazily."""

from __future__ import annotations

# One advisory-lock key for schema creation, so two `db init` runs never race.
SCHEMA_LOCK_KEY = 0x4C45544F  # "LETO"
# Key for taking a transaction id and positions together (never held over the commit).
ALLOCATION_LOCK_KEY = 0x4C455450  # "LETP"


def schema_ddl(schema: str) -> list[str]:
    """Statements that create the event store in `schema`; safe to run again."""
    s = f'"{schema}"'
    return [
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE SEQUENCE IF NOT EXISTS {s}.event_position AS bigint START 1",
        # position: the global order. tx_id: the appending transaction, whose id was taken
        # together with the position; readers use it to tell a gap that will never fill
        # (rolled back) from one that still may (in flight). See docs/architecture.md.
        f"""CREATE TABLE IF NOT EXISTS {s}.events (
            position bigint PRIMARY KEY,
            tx_id xid8 NOT NULL,
            stream_id uuid NOT NULL,
            version bigint NOT NULL,
            topic text NOT NULL,
            state bytea NOT NULL,
            committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            UNIQUE (stream_id, version)
        )""",
        f"""CREATE TABLE IF NOT EXISTS {s}.commands (
            command_id text PRIMARY KEY,
            result text NOT NULL,  -- JSON, stored as sent: no parsing on the append path
            positions bigint[] NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        # Large values (a claim's lines, a command's result and positions) are compressed
        # with lz4 instead of the default pglz: 4-5x less CPU per appending transaction, the
        # same stored bytes read back. Values already stored keep their compression; a server
        # built without lz4 keeps pglz.
        f"""DO $lz4$ BEGIN
            IF EXISTS (SELECT 1 FROM pg_attribute
                       WHERE attrelid IN ('{s}.events'::regclass, '{s}.commands'::regclass)
                         AND attname IN ('state', 'result', 'positions')
                         AND attcompression <> 'l') THEN
                ALTER TABLE {s}.events ALTER COLUMN state SET COMPRESSION lz4;
                ALTER TABLE {s}.commands ALTER COLUMN result SET COMPRESSION lz4,
                    ALTER COLUMN positions SET COMPRESSION lz4;
            END IF;
        EXCEPTION WHEN feature_not_supported THEN
            NULL;  -- no lz4 in this server: the columns keep pglz
        END $lz4$""",
        f"""CREATE TABLE IF NOT EXISTS {s}.personal_data (
            learner_id uuid PRIMARY KEY,
            data bytea NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        # Snapshots: a disposable cache of aggregate state at a version (letopis/snapshots.py),
        # never the source of truth; one row per stream, the newest wins.
        f"""CREATE TABLE IF NOT EXISTS {s}.snapshots (
            stream_id uuid PRIMARY KEY,
            version bigint NOT NULL,
            topic text NOT NULL,
            state bytea NOT NULL,
            taken_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        f"""CREATE OR REPLACE FUNCTION {s}.append_events(
                stream_ids uuid[], versions bigint[], topics text[], states bytea[],
                p_command_id text, p_command_result text)
            RETURNS SETOF bigint
            LANGUAGE plpgsql AS $body$
            DECLARE
                n integer := cardinality(stream_ids);
                positions bigint[];
                tx xid8;
            BEGIN
                IF pg_current_xact_id_if_assigned() IS NOT NULL THEN
                    RAISE EXCEPTION 'append_events must run first in its own transaction';
                END IF;
                -- Transaction id and positions are taken together under one short lock, so
                -- among appending transactions id order = position order. A reader that sees
                -- every transaction older than a row's tx_id finished knows every lower
                -- position is final. The lock never covers the commit: writers still share
                -- group commit.
                -- No exception block here (a subtransaction per append costs ~15% throughput):
                -- if anything fails while the lock is held, the recorder closes the
                -- connection, and ending the session releases the lock.
                PERFORM pg_advisory_lock({ALLOCATION_LOCK_KEY});
                tx := pg_current_xact_id();
                positions := ARRAY(SELECT nextval('{schema}.event_position')
                                   FROM generate_series(1, n));
                PERFORM pg_advisory_unlock({ALLOCATION_LOCK_KEY});
                INSERT INTO {s}.events (position, tx_id, stream_id, version, topic, state)
                SELECT positions[i], tx, stream_ids[i], versions[i], topics[i], states[i]
                FROM generate_subscripts(stream_ids, 1) AS i;
                IF p_command_id IS NOT NULL THEN
                    INSERT INTO {s}.commands (command_id, result, positions)
                    VALUES (p_command_id, p_command_result, positions);
                END IF;
                RETURN QUERY SELECT unnest(positions);
            END
            $body$""",
        *audit_ddl(schema),
    ]


def audit_ddl(schema: str) -> list[str]:
    """Tables of tamper evidence (docs/audit.md), written by the sealer, never by appends."""
    s = f'"{schema}"'
    return [
        # One row per sealed event, in global order: leaf_index is its place in the Merkle
        # tree (0, 1, 2, ... without gaps), position its place in the events table.
        f"""CREATE TABLE IF NOT EXISTS {s}.seals (
            leaf_index bigint PRIMARY KEY,
            position bigint NOT NULL UNIQUE,
            header_digest bytea NOT NULL,
            payload_digest bytea NOT NULL,
            chain bytea NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS {s}.seal_state (
            id smallint PRIMARY KEY CHECK (id = 1),
            tree_size bigint NOT NULL,
            last_position bigint NOT NULL,
            chain bytea NOT NULL,
            frontier bytea NOT NULL
        )""",
        f"""CREATE TABLE IF NOT EXISTS {s}.checkpoints (
            tree_size bigint PRIMARY KEY,
            last_position bigint NOT NULL,
            chain_head bytea NOT NULL,
            merkle_root bytea NOT NULL,
            created_at text NOT NULL,
            key_id text NOT NULL,
            signature bytea NOT NULL
        )""",
    ]
