-- The event log: the only source of truth. Nothing here is ever updated or deleted.
--
-- The first seven columns are postgres-es's layout, so postgres-es reads streams straight from
-- this table; the rest are what the estate needs beyond it.
CREATE TABLE events (
    aggregate_type text   NOT NULL,
    aggregate_id   text   NOT NULL,
    -- 1, 2, 3… per stream; the primary key makes a second writer of the same sequence fail,
    -- which is how two conflicting commands are told apart (optimistic concurrency).
    sequence       bigint NOT NULL CHECK (sequence >= 1),
    event_type     text   NOT NULL,
    event_version  text   NOT NULL,
    payload        jsonb  NOT NULL,
    -- Who, when, which command, correlation id, idempotency key, client address (a flat map).
    metadata       jsonb  NOT NULL,
    -- Global position: unique, increasing in insertion order. Insertion order is not commit
    -- order, so readers follow (transaction_id, position) and only read transactions older than
    -- every transaction still running (see docs/architecture.md, "Following the log").
    position       bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id xid8   NOT NULL DEFAULT pg_current_xact_id(),
    -- When the command was executed (UTC), for "as of" questions; equal to metadata.recorded_at.
    recorded_at    timestamptz NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, sequence),
    UNIQUE (position)
);

-- Readers page through committed events in commit-safe order.
CREATE INDEX events_in_commit_order ON events (transaction_id, position);

-- The log is append-only, enforced by the database itself and not only by our code.
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: % on events is refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER events_are_never_updated_or_deleted
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER events_are_never_truncated
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
