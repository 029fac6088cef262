-- The event log: the only source of truth. Nothing here is ever updated or deleted.
--
-- The columns aggregate_type … metadata are sqlite-es's layout, so sqlite-es reads streams
-- straight from this table. SQLite lets one writer commit at a time, so the rowid `position` is
-- both insertion and commit order: readers follow it directly.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type TEXT    NOT NULL,
    aggregate_id   TEXT    NOT NULL,
    sequence       INTEGER NOT NULL CHECK (sequence >= 1),
    event_type     TEXT    NOT NULL,
    event_version  TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    metadata       TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    -- A second writer of the same sequence fails: optimistic concurrency.
    UNIQUE (aggregate_type, aggregate_id, sequence)
) STRICT;

-- The log is append-only, enforced by the database itself.
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: UPDATE on events is refused');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: DELETE on events is refused');
END;
