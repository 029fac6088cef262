-- Facts the command side checks across aggregates. Each table is written in the same transaction
-- as the events that change it, so a rule that spans aggregates (unique ticket numbers, the
-- workload limit, one owner per flat) holds under any concurrency. Everything here except the
-- accounts' credentials and personal data can be rebuilt from the log.

-- Ticket numbers MNT-<year>-<sequence>: the row lock on a year serialises submissions within
-- that year only for the instant between taking a number and committing, which makes the numbers
-- gap-free (a rolled-back submission gives its number back).
CREATE TABLE ticket_counters (
    year          integer PRIMARY KEY,
    last_sequence integer NOT NULL CHECK (last_sequence >= 0)
);

-- Sign-in accounts. Credentials and personal data live here, never in the log, so they can be
-- erased (SPEC §6); the flags mirror the Account aggregate.
CREATE TABLE accounts (
    id                      uuid PRIMARY KEY,
    username                text NOT NULL,
    email                   text,
    display_name            text,
    phone                   text,
    alternate_phone         text,
    emergency_contact_name  text,
    emergency_contact_phone text,
    -- argon2id PHC string; NULL once erased or never set.
    password_hash           text,
    kind                    text NOT NULL CHECK (kind IN ('resident', 'staff', 'account_only')),
    administrator           boolean NOT NULL DEFAULT false,
    auditor                 boolean NOT NULL DEFAULT false,
    active                  boolean NOT NULL DEFAULT true,
    created_at              timestamptz NOT NULL,
    erased_at               timestamptz
);
-- Usernames and e-mails are unique regardless of case, also under concurrent sign-ups.
CREATE UNIQUE INDEX accounts_username_unique ON accounts (lower(username));
CREATE UNIQUE INDEX accounts_email_unique ON accounts (lower(email));

-- What decides whether a staff member can be given work, and how much they hold. The workload
-- guard is a single conditional UPDATE of one row, so twenty concurrent assignments to someone
-- one short of the limit give exactly one success.
CREATE TABLE staff_ledger (
    staff_id           uuid PRIMARY KEY REFERENCES accounts (id),
    employee_id        text NOT NULL UNIQUE,
    role               text NOT NULL,
    access_all         boolean NOT NULL,
    can_assign         boolean NOT NULL,
    can_close          boolean NOT NULL,
    manage_finances    boolean NOT NULL,
    send_announcements boolean NOT NULL,
    employed           boolean NOT NULL,
    account_active     boolean NOT NULL,
    supervisor_id      uuid REFERENCES staff_ledger (staff_id),
    available_24x7     boolean NOT NULL,
    open_assignments   integer NOT NULL DEFAULT 0 CHECK (open_assignments >= 0),
    rating_sum         integer NOT NULL DEFAULT 0,
    rating_count       integer NOT NULL DEFAULT 0,
    last_assigned_at   timestamptz
);
-- Reporting-chain walks go from a supervisor to their reports.
CREATE INDEX staff_ledger_by_supervisor ON staff_ledger (supervisor_id);

-- Which requests each staff member holds open (assigned or in progress); deactivation returns
-- exactly these.
CREATE TABLE request_holdings (
    request_id uuid PRIMARY KEY,
    staff_id   uuid NOT NULL REFERENCES staff_ledger (staff_id),
    since      timestamptz NOT NULL
);
CREATE INDEX request_holdings_by_staff ON request_holdings (staff_id);

-- Residents by flat. The partial unique indexes are SPEC §1's "a flat has at most one active
-- owner account and at most one active tenant account".
CREATE TABLE residents (
    account_id    uuid PRIMARY KEY REFERENCES accounts (id),
    flat          text NOT NULL,
    block         text NOT NULL,
    resident_type text NOT NULL CHECK (resident_type IN ('owner', 'tenant', 'family')),
    committee     boolean NOT NULL,
    active        boolean NOT NULL
);
CREATE UNIQUE INDEX one_active_owner_per_flat ON residents (flat) WHERE active AND resident_type = 'owner';
CREATE UNIQUE INDEX one_active_tenant_per_flat ON residents (flat) WHERE active AND resident_type = 'tenant';
