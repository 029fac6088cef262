-- Tamper evidence (SPEC §6, docs/audit.md).

-- Each event's link: SHA-256 over the previous event of its stream and everything recorded about
-- this one (domain/src/chain.rs). Written by the append, never changed.
ALTER TABLE events ADD COLUMN hash bytea NOT NULL DEFAULT '\x'::bytea;
ALTER TABLE events ALTER COLUMN hash DROP DEFAULT;

-- Signed checkpoints of the whole log: the Merkle root (RFC 6962 tree hash) over every event's
-- link, in commit-safe order, up to a cursor. An auditor holding the public key can tell whether
-- anything before a checkpoint was changed, removed, inserted or reordered.
CREATE TABLE audit_checkpoints (
    -- 1, 2, 3…; each checkpoint names the one before, so two sealers can never fork the record.
    sequence       bigint PRIMARY KEY CHECK (sequence >= 1),
    tree_size      bigint NOT NULL CHECK (tree_size >= 0),
    root           bytea  NOT NULL,
    -- Where in the log the tree ends (commit-safe cursor).
    cursor_transaction bigint NOT NULL,
    cursor_position    bigint NOT NULL,
    -- The sealer's running Merkle frontier, so the next checkpoint continues without re-reading.
    frontier       bytea  NOT NULL,
    signed_at      timestamptz NOT NULL,
    public_key     bytea  NOT NULL,
    signature      bytea  NOT NULL
);

CREATE TRIGGER audit_checkpoints_are_never_updated_or_deleted
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
