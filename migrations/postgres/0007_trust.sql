-- How often each read model has failed, never reset: /metrics reports it as a counter, so a
-- follower that failed and recovered between two scrapes is still seen.
ALTER TABLE projection_checkpoints ADD COLUMN failures bigint NOT NULL DEFAULT 0;

-- The estate's audit key: the public half of the key every checkpoint must be signed with,
-- recorded on first use. A server holding another key refuses to seal instead of forking the
-- record into checkpoints no single key verifies. Keyed by estate so that one database can later
-- hold several.
CREATE TABLE audit_keys (
    estate      text PRIMARY KEY,
    public_key  bytea NOT NULL CHECK (length(public_key) = 32),
    recorded_at timestamptz NOT NULL
);

CREATE TRIGGER audit_keys_are_never_updated_or_deleted
    BEFORE UPDATE OR DELETE ON audit_keys
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

-- The day a resident moves out, recorded ahead of time: they stay active (and hold their flat's
-- owner or tenant place) until that day. `active` is what was true when the row was written;
-- readers also compare this date with today, and registering someone at the flat first retires
-- the rows whose day has come.
ALTER TABLE residents ADD COLUMN moves_out_on date;
