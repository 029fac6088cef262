-- Tamper evidence (see the PostgreSQL migration of the same name, and docs/audit.md).

ALTER TABLE events ADD COLUMN hash BLOB NOT NULL DEFAULT x'';

CREATE TABLE audit_checkpoints (
    sequence           INTEGER PRIMARY KEY CHECK (sequence >= 1),
    tree_size          INTEGER NOT NULL CHECK (tree_size >= 0),
    root               BLOB    NOT NULL,
    cursor_transaction INTEGER NOT NULL,
    cursor_position    INTEGER NOT NULL,
    frontier           BLOB    NOT NULL,
    signed_at          TEXT    NOT NULL,
    public_key         BLOB    NOT NULL,
    signature          BLOB    NOT NULL
) STRICT;

CREATE TRIGGER audit_checkpoints_are_never_updated BEFORE UPDATE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;

CREATE TRIGGER audit_checkpoints_are_never_deleted BEFORE DELETE ON audit_checkpoints
BEGIN
    SELECT RAISE(ABORT, 'audit checkpoints are append-only');
END;
