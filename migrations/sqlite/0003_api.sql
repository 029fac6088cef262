-- What the HTTP API keeps beside the log (see the PostgreSQL migration of the same name).

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    account_id  BLOB NOT NULL REFERENCES accounts (id),
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    revoked_at  TEXT
) STRICT;
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE sign_in_failures (
    subject           TEXT PRIMARY KEY,
    failures          INTEGER NOT NULL CHECK (failures > 0),
    window_started_at TEXT NOT NULL
) STRICT;

CREATE TABLE idempotency_keys (
    account_id  BLOB NOT NULL,
    key         TEXT NOT NULL,
    fingerprint BLOB NOT NULL,
    status      INTEGER,
    response    TEXT,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (account_id, key)
) STRICT;
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

CREATE TABLE request_tickets (
    ticket     TEXT PRIMARY KEY,
    request_id BLOB NOT NULL UNIQUE
) STRICT;

-- The owners' roster (see the PostgreSQL migration of the same name).
CREATE TABLE roster_entries (
    flat        TEXT PRIMARY KEY,
    block       TEXT NOT NULL,
    owner_names TEXT NOT NULL,
    phone       TEXT,
    email       TEXT,
    claimed_by  BLOB REFERENCES accounts (id),
    updated_at  TEXT NOT NULL
) STRICT;
