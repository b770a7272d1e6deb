"""DDL for the PostgreSQL store. Created once by `letopis db init`, never lazily."""

from __future__ import annotations

# One advisory-lock key for schema creation, so two `db init` runs never race.
SCHEMA_LOCK_KEY = 0x4C45544F  # "LETO"
# Key for allocating a block of positions to a multi-event append (never held over commit).
ALLOCATION_LOCK_KEY = 0x4C455450  # "LETP"


def schema_ddl(schema: str) -> list[str]:
    """Statements that create the event store in `schema`; safe to run again."""
    s = f'"{schema}"'
    return [
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE SEQUENCE IF NOT EXISTS {s}.event_position AS bigint START 1",
        # position: the global order. horizon: the next transaction id not yet assigned when
        # this row's position was allocated; readers use it to tell a gap that will never
        # fill (rolled back) from one that still may (in flight). See docs/architecture.md.
        f"""CREATE TABLE IF NOT EXISTS {s}.events (
            position bigint PRIMARY KEY,
            horizon xid8 NOT NULL,
            stream_id uuid NOT NULL,
            version bigint NOT NULL,
            topic text NOT NULL,
            state bytea NOT NULL,
            committed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
            UNIQUE (stream_id, version)
        )""",
        f"""CREATE TABLE IF NOT EXISTS {s}.commands (
            command_id text PRIMARY KEY,
            result jsonb NOT NULL,
            recorded_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        f"""CREATE TABLE IF NOT EXISTS {s}.personal_data (
            learner_id uuid PRIMARY KEY,
            data bytea NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
        )""",
        f"""CREATE OR REPLACE FUNCTION {s}.append_events(
                stream_ids uuid[], versions bigint[], topics text[], states bytea[],
                p_command_id text, p_command_result text)
            RETURNS SETOF bigint
            LANGUAGE plpgsql AS $body$
            DECLARE
                n integer := cardinality(stream_ids);
                positions bigint[];
                horizon xid8;
            BEGIN
                -- Take our transaction id BEFORE any position: a reader that sees every
                -- transaction older than a row's horizon finished knows all lower positions.
                PERFORM pg_current_xact_id();
                IF n = 1 THEN
                    positions := ARRAY[nextval('{schema}.event_position')];
                ELSE
                    -- A command's events get consecutive positions. The lock covers only
                    -- the allocation, never the commit, so concurrent writers still
                    -- share group commit.
                    PERFORM pg_advisory_lock({ALLOCATION_LOCK_KEY});
                    BEGIN
                        positions := ARRAY(SELECT nextval('{schema}.event_position')
                                           FROM generate_series(1, n));
                    EXCEPTION WHEN OTHERS OR QUERY_CANCELED THEN
                        PERFORM pg_advisory_unlock({ALLOCATION_LOCK_KEY});
                        RAISE;
                    END;
                    PERFORM pg_advisory_unlock({ALLOCATION_LOCK_KEY});
                END IF;
                -- A fresh statement snapshot, taken after the allocation above.
                horizon := pg_snapshot_xmax(pg_current_snapshot());
                INSERT INTO {s}.events (position, horizon, stream_id, version, topic, state)
                SELECT positions[i], horizon, stream_ids[i], versions[i], topics[i], states[i]
                FROM generate_subscripts(stream_ids, 1) AS i;
                IF p_command_id IS NOT NULL THEN
                    INSERT INTO {s}.commands (command_id, result)
                    VALUES (p_command_id, p_command_result::jsonb
                            || jsonb_build_object('positions', to_jsonb(positions)));
                END IF;
                RETURN QUERY SELECT unnest(positions);
            END
            $body$""",
    ]
