-- Facts the command side checks across aggregates, written in the same transaction as the events
-- that change them (see the PostgreSQL migration of the same name for the reasoning). SQLite
-- writers take the database's write lock at BEGIN IMMEDIATE, so these rules hold by
-- serialisation; the constraints are the same as on PostgreSQL.

CREATE TABLE ticket_counters (
    year          INTEGER PRIMARY KEY,
    last_sequence INTEGER NOT NULL CHECK (last_sequence >= 0)
) STRICT;

-- Credentials and personal data, never in the log (SPEC §6).
CREATE TABLE accounts (
    id                      BLOB PRIMARY KEY,
    username                TEXT NOT NULL,
    email                   TEXT,
    display_name            TEXT,
    phone                   TEXT,
    alternate_phone         TEXT,
    emergency_contact_name  TEXT,
    emergency_contact_phone TEXT,
    password_hash           TEXT,
    kind                    TEXT NOT NULL CHECK (kind IN ('resident', 'staff', 'account_only')),
    administrator           INTEGER NOT NULL DEFAULT 0,
    auditor                 INTEGER NOT NULL DEFAULT 0,
    active                  INTEGER NOT NULL DEFAULT 1,
    created_at              TEXT NOT NULL,
    erased_at               TEXT
) STRICT;
CREATE UNIQUE INDEX accounts_username_unique ON accounts (lower(username));
CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email));

CREATE TABLE staff_ledger (
    staff_id           BLOB PRIMARY KEY REFERENCES accounts (id),
    employee_id        TEXT NOT NULL UNIQUE,
    role               TEXT NOT NULL,
    access_all         INTEGER NOT NULL,
    can_assign         INTEGER NOT NULL,
    can_close          INTEGER NOT NULL,
    manage_finances    INTEGER NOT NULL,
    send_announcements INTEGER NOT NULL,
    employed           INTEGER NOT NULL,
    account_active     INTEGER NOT NULL,
    supervisor_id      BLOB REFERENCES staff_ledger (staff_id),
    available_24x7     INTEGER NOT NULL,
    open_assignments   INTEGER NOT NULL DEFAULT 0 CHECK (open_assignments >= 0),
    rating_sum         INTEGER NOT NULL DEFAULT 0,
    rating_count       INTEGER NOT NULL DEFAULT 0,
    last_assigned_at   TEXT
) STRICT;
CREATE INDEX staff_ledger_by_supervisor ON staff_ledger (supervisor_id);

CREATE TABLE request_holdings (
    request_id BLOB PRIMARY KEY,
    staff_id   BLOB NOT NULL REFERENCES staff_ledger (staff_id),
    since      TEXT NOT NULL
) STRICT;
CREATE INDEX request_holdings_by_staff ON request_holdings (staff_id);

CREATE TABLE residents (
    account_id    BLOB PRIMARY KEY REFERENCES accounts (id),
    flat          TEXT NOT NULL,
    block         TEXT NOT NULL,
    resident_type TEXT NOT NULL CHECK (resident_type IN ('owner', 'tenant', 'family')),
    committee     INTEGER NOT NULL,
    active        INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX one_active_owner_per_flat ON residents (flat) WHERE active AND resident_type = 'owner';
CREATE UNIQUE INDEX one_active_tenant_per_flat ON residents (flat) WHERE active AND resident_type = 'tenant';
