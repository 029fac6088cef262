-- Read models: tables the projections (projections/src) build from the event log. Nothing here is
-- a source of truth: every row can be dropped and rebuilt from the log (`khaki projections
-- rebuild`). People are referenced by account id only; names and e-mails stay in `accounts`,
-- where they can be erased, and are joined in when a query shows them.
--
-- The same tables as the PostgreSQL migration of the same name (see its comments); SQLite keeps
-- ids as 16-byte BLOBs, times as RFC 3339 TEXT in UTC (which sorts in time order) and booleans as
-- 0/1. A rebuild copies each table's definition from sqlite_master into a shadow table, so this
-- file is the only place the read models are defined. Write each CREATE INDEX as
-- `CREATE [UNIQUE] INDEX name ON table (…)` with nothing in between.
--
-- "Open" below means submitted, acknowledged, assigned or in progress: not yet resolved, closed or
-- cancelled (SPEC §2 "overdue").

-- Where each projection is in the log. The runner writes a batch's rows and this row in one
-- transaction, so every committed event is applied exactly once.
CREATE TABLE projection_checkpoints (
    name               TEXT PRIMARY KEY,
    -- The cursor: readers follow (transaction, position), see projections/src/log.rs.
    cursor_transaction INTEGER NOT NULL DEFAULT 0,
    cursor_position    INTEGER NOT NULL DEFAULT 0,
    -- When a batch was last applied; NULL before the first.
    updated_at         TEXT,
    -- The last failure, kept until a batch succeeds, so status, health and metrics can show it
    -- even when it happened in another process.
    last_error         TEXT,
    last_error_at      TEXT
) STRICT;
INSERT INTO projection_checkpoints (name)
VALUES ('request_list'), ('staff_directory'), ('timeline'), ('request_facts');

-- request_list: one row per request, everything the list shows and filters on.
CREATE TABLE request_list (
    id                 BLOB PRIMARY KEY,
    -- The submission's global position: a stable integer per request (the full-text index is keyed by
    -- it).
    submitted_position INTEGER NOT NULL,
    ticket             TEXT NOT NULL,
    title              TEXT NOT NULL,
    category           TEXT NOT NULL,
    -- Copied from the category at submission: decides which staff see it unassigned.
    trade              TEXT NOT NULL,
    priority           INTEGER NOT NULL,
    status             TEXT NOT NULL,
    location           TEXT NOT NULL,
    submitter          BLOB NOT NULL,
    filed_by           BLOB,
    -- The domain's current assignee: set while assigned, in progress, resolved or closed.
    assignee           BLOB,
    assigned_by        BLOB,
    -- The submitter's flat when the request was filed (a later move does not change it).
    block              TEXT,
    flat               TEXT,
    submitted_at       TEXT NOT NULL,
    -- The time each status was first reached (SPEC §2).
    acknowledged_at    TEXT,
    assigned_at        TEXT,
    started_at         TEXT,
    resolved_at        TEXT,
    closed_at          TEXT,
    cancelled_at       TEXT,
    due_at             TEXT NOT NULL,
    escalation_level   INTEGER NOT NULL,
    escalated_at       TEXT,
    -- Money in paise, never a float.
    estimated_cost     INTEGER,
    actual_cost        INTEGER,
    rating             INTEGER,
    updated_at         TEXT NOT NULL,
    -- The stream's last sequence: the version a command may pin with If-Match.
    version            INTEGER NOT NULL,
    last_position      INTEGER NOT NULL
) STRICT;
CREATE INDEX request_list_by_submitted ON request_list (submitted_at, id);
CREATE INDEX request_list_by_updated ON request_list (updated_at, id);
CREATE INDEX request_list_by_due ON request_list (due_at, id);
CREATE INDEX request_list_by_priority ON request_list (priority, submitted_at, id);
-- Status filters (few open requests among many finished ones) in the default order.
CREATE INDEX request_list_by_status ON request_list (status, submitted_at, id);
-- "Assigned to", "my requests" (residents), a flat's requests: selective filters.
CREATE INDEX request_list_by_assignee ON request_list (assignee, submitted_at);
CREATE INDEX request_list_by_submitter ON request_list (submitter, submitted_at);
CREATE INDEX request_list_by_flat ON request_list (flat, submitted_at);
-- Requests a staff member filed for a resident (they see those); most have no filer.
CREATE INDEX request_list_by_filer ON request_list (filed_by) WHERE filed_by IS NOT NULL;
CREATE INDEX request_list_by_resolved ON request_list (resolved_at);
-- Overdue = open and past due: only open requests are indexed, so the index stays small.
CREATE INDEX request_list_open_by_due ON request_list (due_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
-- A staff member's open work, soonest due first (their dashboard, their overdue count).
CREATE INDEX request_list_open_by_assignee ON request_list (assignee, due_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
CREATE INDEX request_list_escalated ON request_list (submitted_at) WHERE escalation_level > 0;
-- The full-text index is keyed by this.
CREATE UNIQUE INDEX request_list_by_submitted_position ON request_list (submitted_position);

-- Full-text search over ticket, title, description and location (FTS5; rowid =
-- request_list.submitted_position). The default tokenizer splits at punctuation, so
-- `MNT-2026-0001` and `A-101` are searchable by their parts, as on PostgreSQL.
CREATE VIRTUAL TABLE request_list_search USING fts5(ticket, title, description, location);

-- Everyone who ever held a request: staff see requests formerly assigned to them (SPEC §2).
CREATE TABLE request_assignees (
    staff_id   BLOB NOT NULL,
    request_id BLOB NOT NULL,
    -- When they first held it.
    since      TEXT NOT NULL,
    PRIMARY KEY (staff_id, request_id)
) STRICT;

-- Residents' flats, from Resident events, so a new request records its submitter's flat.
CREATE TABLE request_list_flats (
    account_id BLOB PRIMARY KEY,
    flat       TEXT NOT NULL,
    block      TEXT NOT NULL
) STRICT;

-- How many requests there are per status, category and priority: list totals and dashboard
-- counts without counting a million rows. Rows whose count falls to zero are deleted.
CREATE TABLE request_list_counts (
    status   TEXT NOT NULL,
    category TEXT NOT NULL,
    trade    TEXT NOT NULL,
    priority INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    PRIMARY KEY (status, category, trade, priority)
) STRICT;

-- How many requests each person has per status, as submitter and as current assignee: a
-- resident's and a staff member's totals and dashboards without counting their requests.
CREATE TABLE request_list_people (
    account_id BLOB NOT NULL,
    -- 'submitter' or 'assignee'.
    relation   TEXT NOT NULL,
    status     TEXT NOT NULL,
    requests   INTEGER NOT NULL,
    PRIMARY KEY (account_id, relation, status)
) STRICT;

-- staff_directory: one row per staff member, as their Staff events say.
CREATE TABLE staff_directory (
    staff_id           BLOB PRIMARY KEY,
    employee_id        TEXT NOT NULL,
    role               TEXT NOT NULL,
    department         TEXT NOT NULL,
    employment         TEXT NOT NULL,
    hire_date          TEXT NOT NULL,
    supervisor_id      BLOB,
    schedule           TEXT,
    available_24x7     INTEGER NOT NULL,
    -- The staff record's active flag (employed); the account's own flag is in the next table.
    employed           INTEGER NOT NULL,
    -- The five permission flags of SPEC §1.
    access_all         INTEGER NOT NULL,
    can_assign         INTEGER NOT NULL,
    can_close          INTEGER NOT NULL,
    manage_finances    INTEGER NOT NULL,
    send_announcements INTEGER NOT NULL,
    onboarded_at       TEXT NOT NULL,
    -- The last time they were given (or took on) new work: the ranking's last tie-breaker.
    last_assigned_at   TEXT,
    updated_at         TEXT NOT NULL,
    version            INTEGER NOT NULL
) STRICT;
CREATE INDEX staff_directory_by_supervisor ON staff_directory (supervisor_id);

-- Every account's active flag, from Account events: a staff member is assignable only while
-- their account is active.
CREATE TABLE staff_directory_accounts (
    account_id BLOB PRIMARY KEY,
    active     INTEGER NOT NULL
) STRICT;

-- Per request, what staff figures are made of: who holds it, who resolved it and when, whose
-- work was rated.
CREATE TABLE staff_directory_requests (
    request_id         BLOB PRIMARY KEY,
    submitted_at       TEXT NOT NULL,
    status             TEXT NOT NULL,
    assignee           BLOB,
    -- The first resolution and the assignee at that moment.
    resolved_at        TEXT,
    resolved_by        BLOB,
    resolution_seconds INTEGER,
    rated_assignee     BLOB,
    rating             INTEGER
) STRICT;
-- "Completed this month" for one staff member.
CREATE INDEX staff_directory_requests_by_resolver ON staff_directory_requests (resolved_by, resolved_at);

-- Each staff member's running figures, summed from staff_directory_requests; rows whose sums
-- all fall to zero are deleted.
CREATE TABLE staff_directory_figures (
    staff_id           BLOB PRIMARY KEY,
    -- Requests they hold assigned or in progress: their workload.
    open_assignments   INTEGER NOT NULL,
    resolved           INTEGER NOT NULL,
    resolution_seconds INTEGER NOT NULL,
    rated              INTEGER NOT NULL,
    rating_sum         INTEGER NOT NULL
) STRICT;

-- timeline: a request's comments and status changes, in the order they happened.
CREATE TABLE request_timeline (
    request_id  BLOB NOT NULL,
    -- The stream sequence of the event: the order, and idempotency for re-applied events.
    sequence    INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    at          TEXT NOT NULL,
    actor       BLOB NOT NULL,
    -- 'comment', 'status' (the status changed) or 'reassigned' (same status, new assignee).
    kind        TEXT NOT NULL,
    status_from TEXT,
    status_to   TEXT,
    assignee    BLOB,
    comment_id  BLOB,
    -- The comment, or the reason / resolution note / how it was closed.
    body        TEXT,
    -- Internal comments are for staff only (SPEC §2).
    internal    INTEGER NOT NULL,
    PRIMARY KEY (request_id, sequence)
) STRICT;

-- Each request's current status, so a status change knows where it came from.
CREATE TABLE timeline_requests (
    request_id BLOB PRIMARY KEY,
    status     TEXT NOT NULL
) STRICT;

-- request_facts: per request, the facts SPEC §4's analytics are defined over.
CREATE TABLE request_facts (
    id                 BLOB PRIMARY KEY,
    category           TEXT NOT NULL,
    trade              TEXT NOT NULL,
    status             TEXT NOT NULL,
    -- The most recent staff member given or taking on the request; kept after it ends. The
    -- "staff member" filter of analytics means this.
    assignee           BLOB,
    submitted_at       TEXT NOT NULL,
    -- First times: acknowledged, first assigned, first resolved, first closed, cancelled.
    acknowledged_at    TEXT,
    assigned_at        TEXT,
    resolved_at        TEXT,
    closed_at          TEXT,
    cancelled_at       TEXT,
    due_at             TEXT NOT NULL,
    -- acknowledged − submitted and first resolved − submitted, in seconds.
    response_seconds   INTEGER,
    resolution_seconds INTEGER,
    -- The first resolution was at or before the due time then in force.
    resolved_on_time   INTEGER,
    estimated_cost     INTEGER,
    actual_cost        INTEGER,
    -- (actual − estimated) ÷ estimated in basis points, rounded down; only with both costs.
    -- Indexed so "more than N % over the estimate" is a range scan.
    overrun_bp         INTEGER,
    rating             INTEGER,
    rated_at           TEXT,
    -- Estate-local calendar months (first day) of submission, first resolution, first closing
    -- and rating, fixed when projected so the monthly sums always match these rows.
    submitted_month    TEXT NOT NULL,
    resolved_month     TEXT,
    closed_month       TEXT,
    rated_month        TEXT,
    version            INTEGER NOT NULL
) STRICT;
-- Analytics for a period: each metric is a range over one of these times.
CREATE INDEX request_facts_by_submitted ON request_facts (submitted_at);
CREATE INDEX request_facts_by_acknowledged ON request_facts (acknowledged_at);
CREATE INDEX request_facts_by_assigned ON request_facts (assigned_at);
CREATE INDEX request_facts_by_resolved ON request_facts (resolved_at);
CREATE INDEX request_facts_by_closed ON request_facts (closed_at);
CREATE INDEX request_facts_by_rated ON request_facts (rated_at);
CREATE INDEX request_facts_open ON request_facts (submitted_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
CREATE INDEX request_facts_by_overrun ON request_facts (overrun_bp, id) WHERE overrun_bp IS NOT NULL;

-- Monthly sums per category and staff member (the request's assignee; the nil id for none):
-- dashboards' trends and the accountant's cost summary read a few hundred rows, not a million.
-- Each request counts in the month of the event concerned: submitted in its submission month,
-- resolved and costs in its first resolution month, closed in its first closing month, ratings in
-- the month rated. Rows whose sums are all zero are deleted.
CREATE TABLE request_monthly (
    month              TEXT NOT NULL,
    category           TEXT NOT NULL,
    trade              TEXT NOT NULL,
    staff_id           BLOB NOT NULL,
    submitted          INTEGER NOT NULL,
    resolved           INTEGER NOT NULL,
    resolved_on_time   INTEGER NOT NULL,
    resolution_seconds INTEGER NOT NULL,
    closed             INTEGER NOT NULL,
    -- Resolved requests with an actual cost, and its sum.
    with_actual        INTEGER NOT NULL,
    actual_cost        INTEGER NOT NULL,
    -- Resolved requests with an estimate, and its sum.
    with_estimate      INTEGER NOT NULL,
    estimated_cost     INTEGER NOT NULL,
    -- Resolved requests with both, and both sums over them (variance and efficiency).
    costed             INTEGER NOT NULL,
    costed_estimated   INTEGER NOT NULL,
    costed_actual      INTEGER NOT NULL,
    rated              INTEGER NOT NULL,
    rating_sum         INTEGER NOT NULL,
    PRIMARY KEY (month, category, trade, staff_id)
) STRICT;
