-- What the HTTP API keeps beside the log: sessions, sign-in throttling, idempotency keys, and the
-- ticket-number index. None of it is history; all of it is about serving callers safely.

-- Bearer tokens are 256 random bits, shown to the caller once; only their SHA-256 is stored, so a
-- copy of this table signs nobody in.
CREATE TABLE sessions (
    token_hash  bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES accounts (id),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL,
    -- Set by sign-out; a revoked session never comes back.
    revoked_at  timestamptz
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Failed sign-ins, per account ('account:<username>') and per client address ('address:<ip>'):
-- answers slow down as failures mount, then are refused (429) until the window passes.
CREATE TABLE sign_in_failures (
    subject           text PRIMARY KEY,
    failures          integer NOT NULL CHECK (failures > 0),
    window_started_at timestamptz NOT NULL
);

-- The first answer to a write sent with an Idempotency-Key, replayed when the same caller sends
-- the same key and body again. `status` is NULL while that first request is still running.
CREATE TABLE idempotency_keys (
    account_id  uuid NOT NULL,
    key         text NOT NULL,
    -- SHA-256 of method, path and body: the same key with another body is refused.
    fingerprint bytea NOT NULL,
    status      integer,
    response    text,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, key)
);
-- Keys older than the retention period are swept by age.
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Ticket numbers to request ids, written in the submitting transaction, so `{id}` in a URL may be
-- either.
CREATE TABLE request_tickets (
    ticket     text PRIMARY KEY,
    request_id uuid NOT NULL UNIQUE
);

-- The owners' roster (SPEC §1): flats waiting to be claimed by their owner's account. Names,
-- phones and e-mails are personal data and live here, not in the log; the RosterEntry events
-- record only that a flat was imported, revised or claimed.
CREATE TABLE roster_entries (
    flat        text PRIMARY KEY,
    block       text NOT NULL,
    owner_names text NOT NULL,
    phone       text,
    email       text,
    -- The owner account that claimed the flat, once registered.
    claimed_by  uuid REFERENCES accounts (id),
    updated_at  timestamptz NOT NULL
);
