-- See the PostgreSQL migration of the same name.
ALTER TABLE projection_checkpoints ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;

CREATE TABLE audit_keys (
    estate      TEXT PRIMARY KEY,
    public_key  BLOB NOT NULL CHECK (length(public_key) = 32),
    recorded_at TEXT NOT NULL
) STRICT;

CREATE TRIGGER audit_keys_are_never_updated BEFORE UPDATE ON audit_keys
BEGIN
    SELECT RAISE(ABORT, 'the estate audit key is never changed');
END;

CREATE TRIGGER audit_keys_are_never_deleted BEFORE DELETE ON audit_keys
BEGIN
    SELECT RAISE(ABORT, 'the estate audit key is never removed');
END;

ALTER TABLE residents ADD COLUMN moves_out_on TEXT;
