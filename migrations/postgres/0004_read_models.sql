-- Read models: tables the projections (projections/src) build from the event log. Nothing here is
-- a source of truth: every row can be dropped and rebuilt from the log (`khaki projections
-- rebuild`). People are referenced by account id only; names and e-mails stay in `accounts`,
-- where they can be erased, and are joined in when a query shows them.
--
-- A rebuild copies each table's definition (columns, primary key, indexes) from the catalog into
-- a shadow table, so this file is the only place the read models are defined. Write each
-- CREATE INDEX as `CREATE [UNIQUE] INDEX name ON table USING …` with nothing in between.
--
-- "Open" below means submitted, acknowledged, assigned or in progress: not yet resolved, closed or
-- cancelled (SPEC §2 "overdue").

-- Where each projection is in the log. The runner writes a batch's rows and this row in one
-- transaction, so every committed event is applied exactly once.
CREATE TABLE projection_checkpoints (
    name               text PRIMARY KEY,
    -- The cursor: readers follow (transaction, position), see projections/src/log.rs.
    cursor_transaction bigint NOT NULL DEFAULT 0,
    cursor_position    bigint NOT NULL DEFAULT 0,
    -- When a batch was last applied; NULL before the first.
    updated_at         timestamptz,
    -- The last failure, kept until a batch succeeds, so status, health and metrics can show it
    -- even when it happened in another process.
    last_error         text,
    last_error_at      timestamptz
);
INSERT INTO projection_checkpoints (name)
VALUES ('request_list'), ('staff_directory'), ('timeline'), ('request_facts');

-- request_list: one row per request, everything the list shows and filters on.
CREATE TABLE request_list (
    id                 uuid PRIMARY KEY,
    -- The submission's global position: a stable integer per request (SQLite's full-text index is
    -- keyed by it).
    submitted_position bigint NOT NULL,
    ticket             text NOT NULL,
    title              text NOT NULL,
    category           text NOT NULL,
    -- Copied from the category at submission: decides which staff see it unassigned.
    trade              text NOT NULL,
    priority           integer NOT NULL,
    status             text NOT NULL,
    location           text NOT NULL,
    submitter          uuid NOT NULL,
    filed_by           uuid,
    -- The domain's current assignee: set while assigned, in progress, resolved or closed.
    assignee           uuid,
    assigned_by        uuid,
    -- The submitter's flat when the request was filed (a later move does not change it).
    block              text,
    flat               text,
    submitted_at       timestamptz NOT NULL,
    -- The time each status was first reached (SPEC §2).
    acknowledged_at    timestamptz,
    assigned_at        timestamptz,
    started_at         timestamptz,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    cancelled_at       timestamptz,
    due_at             timestamptz NOT NULL,
    escalation_level   integer NOT NULL,
    escalated_at       timestamptz,
    -- Money in paise, never a float.
    estimated_cost     bigint,
    actual_cost        bigint,
    rating             integer,
    updated_at         timestamptz NOT NULL,
    -- The stream's last sequence: the version a command may pin with If-Match.
    version            bigint NOT NULL,
    last_position      bigint NOT NULL
);
CREATE INDEX request_list_by_submitted ON request_list USING btree (submitted_at, id);
CREATE INDEX request_list_by_updated ON request_list USING btree (updated_at, id);
CREATE INDEX request_list_by_due ON request_list USING btree (due_at, id);
CREATE INDEX request_list_by_priority ON request_list USING btree (priority, submitted_at, id);
-- Status filters (few open requests among many finished ones) in the default order.
CREATE INDEX request_list_by_status ON request_list USING btree (status, submitted_at, id);
-- "Assigned to", "my requests" (residents), a flat's requests: selective filters.
CREATE INDEX request_list_by_assignee ON request_list USING btree (assignee, submitted_at);
CREATE INDEX request_list_by_submitter ON request_list USING btree (submitter, submitted_at);
CREATE INDEX request_list_by_flat ON request_list USING btree (flat, submitted_at);
-- Requests a staff member filed for a resident (they see those); most have no filer.
CREATE INDEX request_list_by_filer ON request_list USING btree (filed_by) WHERE filed_by IS NOT NULL;
CREATE INDEX request_list_by_resolved ON request_list USING btree (resolved_at);
-- Overdue = open and past due: only open requests are indexed, so the index stays small.
CREATE INDEX request_list_open_by_due ON request_list USING btree (due_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
-- A staff member's open work, soonest due first (their dashboard, their overdue count).
CREATE INDEX request_list_open_by_assignee ON request_list USING btree (assignee, due_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
CREATE INDEX request_list_escalated ON request_list USING btree (submitted_at) WHERE escalation_level > 0;

-- Full-text search over ticket, title, description and location: one row per request, written once
-- at submission (these texts never change), so list rows change without re-indexing words.
-- Punctuation becomes space first, so `MNT-2026-0001` and `A-101` are words, as SQLite's tokenizer
-- sees them.
CREATE TABLE request_list_search (
    id          uuid PRIMARY KEY,
    ticket      text NOT NULL,
    title       text NOT NULL,
    description text NOT NULL,
    location    text NOT NULL,
    search      tsvector GENERATED ALWAYS AS (to_tsvector('simple', regexp_replace(
                    ticket || ' ' || title || ' ' || description || ' ' || location,
                    '[^[:alnum:]]+', ' ', 'g'))) STORED
);
CREATE INDEX request_list_search_words ON request_list_search USING gin (search);

-- Everyone who ever held a request: staff see requests formerly assigned to them (SPEC §2).
CREATE TABLE request_assignees (
    staff_id   uuid NOT NULL,
    request_id uuid NOT NULL,
    -- When they first held it.
    since      timestamptz NOT NULL,
    PRIMARY KEY (staff_id, request_id)
);

-- Residents' flats, from Resident events, so a new request records its submitter's flat.
CREATE TABLE request_list_flats (
    account_id uuid PRIMARY KEY,
    flat       text NOT NULL,
    block      text NOT NULL
);

-- How many requests there are per status, category and priority: list totals and dashboard
-- counts without counting a million rows. Rows whose count falls to zero are deleted.
CREATE TABLE request_list_counts (
    status   text NOT NULL,
    category text NOT NULL,
    trade    text NOT NULL,
    priority integer NOT NULL,
    requests bigint NOT NULL,
    PRIMARY KEY (status, category, trade, priority)
);

-- How many requests each person has per status, as submitter and as current assignee: a
-- resident's and a staff member's totals and dashboards without counting their requests.
CREATE TABLE request_list_people (
    account_id uuid NOT NULL,
    -- 'submitter' or 'assignee'.
    relation   text NOT NULL,
    status     text NOT NULL,
    requests   bigint NOT NULL,
    PRIMARY KEY (account_id, relation, status)
);

-- staff_directory: one row per staff member, as their Staff events say.
CREATE TABLE staff_directory (
    staff_id           uuid PRIMARY KEY,
    employee_id        text NOT NULL,
    role               text NOT NULL,
    department         text NOT NULL,
    employment         text NOT NULL,
    hire_date          date NOT NULL,
    supervisor_id      uuid,
    schedule           text,
    available_24x7     boolean NOT NULL,
    -- The staff record's active flag (employed); the account's own flag is in the next table.
    employed           boolean NOT NULL,
    -- The five permission flags of SPEC §1.
    access_all         boolean NOT NULL,
    can_assign         boolean NOT NULL,
    can_close          boolean NOT NULL,
    manage_finances    boolean NOT NULL,
    send_announcements boolean NOT NULL,
    onboarded_at       timestamptz NOT NULL,
    -- The last time they were given (or took on) new work: the ranking's last tie-breaker.
    last_assigned_at   timestamptz,
    updated_at         timestamptz NOT NULL,
    version            bigint NOT NULL
);
CREATE INDEX staff_directory_by_supervisor ON staff_directory USING btree (supervisor_id);

-- Every account's active flag, from Account events: a staff member is assignable only while
-- their account is active.
CREATE TABLE staff_directory_accounts (
    account_id uuid PRIMARY KEY,
    active     boolean NOT NULL
);

-- Per request, what staff figures are made of: who holds it, who resolved it and when, whose
-- work was rated.
CREATE TABLE staff_directory_requests (
    request_id         uuid PRIMARY KEY,
    submitted_at       timestamptz NOT NULL,
    status             text NOT NULL,
    assignee           uuid,
    -- The first resolution and the assignee at that moment.
    resolved_at        timestamptz,
    resolved_by        uuid,
    resolution_seconds bigint,
    rated_assignee     uuid,
    rating             integer
);
-- "Completed this month" for one staff member.
CREATE INDEX staff_directory_requests_by_resolver ON staff_directory_requests USING btree (resolved_by, resolved_at);

-- Each staff member's running figures, summed from staff_directory_requests; rows whose sums
-- all fall to zero are deleted.
CREATE TABLE staff_directory_figures (
    staff_id           uuid PRIMARY KEY,
    -- Requests they hold assigned or in progress: their workload.
    open_assignments   bigint NOT NULL,
    resolved           bigint NOT NULL,
    resolution_seconds bigint NOT NULL,
    rated              bigint NOT NULL,
    rating_sum         bigint NOT NULL
);

-- timeline: a request's comments and status changes, in the order they happened.
CREATE TABLE request_timeline (
    request_id  uuid NOT NULL,
    -- The stream sequence of the event: the order, and idempotency for re-applied events.
    sequence    bigint NOT NULL,
    position    bigint NOT NULL,
    at          timestamptz NOT NULL,
    actor       uuid NOT NULL,
    -- 'comment', 'status' (the status changed) or 'reassigned' (same status, new assignee).
    kind        text NOT NULL,
    status_from text,
    status_to   text,
    assignee    uuid,
    comment_id  uuid,
    -- The comment, or the reason / resolution note / how it was closed.
    body        text,
    -- Internal comments are for staff only (SPEC §2).
    internal    boolean NOT NULL,
    PRIMARY KEY (request_id, sequence)
);

-- Each request's current status, so a status change knows where it came from.
CREATE TABLE timeline_requests (
    request_id uuid PRIMARY KEY,
    status     text NOT NULL
);

-- request_facts: per request, the facts SPEC §4's analytics are defined over.
CREATE TABLE request_facts (
    id                 uuid PRIMARY KEY,
    category           text NOT NULL,
    trade              text NOT NULL,
    status             text NOT NULL,
    -- The most recent staff member given or taking on the request; kept after it ends. The
    -- "staff member" filter of analytics means this.
    assignee           uuid,
    submitted_at       timestamptz NOT NULL,
    -- First times: acknowledged, first assigned, first resolved, first closed, cancelled.
    acknowledged_at    timestamptz,
    assigned_at        timestamptz,
    resolved_at        timestamptz,
    closed_at          timestamptz,
    cancelled_at       timestamptz,
    due_at             timestamptz NOT NULL,
    -- acknowledged − submitted and first resolved − submitted, in seconds.
    response_seconds   bigint,
    resolution_seconds bigint,
    -- The first resolution was at or before the due time then in force.
    resolved_on_time   boolean,
    estimated_cost     bigint,
    actual_cost        bigint,
    -- (actual − estimated) ÷ estimated in basis points, rounded down; only with both costs.
    -- Indexed so "more than N % over the estimate" is a range scan.
    overrun_bp         bigint,
    rating             integer,
    rated_at           timestamptz,
    -- Estate-local calendar months (first day) of submission, first resolution, first closing
    -- and rating, fixed when projected so the monthly sums always match these rows.
    submitted_month    date NOT NULL,
    resolved_month     date,
    closed_month       date,
    rated_month        date,
    version            bigint NOT NULL
);
-- Analytics for a period: each metric is a range over one of these times.
CREATE INDEX request_facts_by_submitted ON request_facts USING btree (submitted_at);
CREATE INDEX request_facts_by_acknowledged ON request_facts USING btree (acknowledged_at);
CREATE INDEX request_facts_by_assigned ON request_facts USING btree (assigned_at);
CREATE INDEX request_facts_by_resolved ON request_facts USING btree (resolved_at);
CREATE INDEX request_facts_by_closed ON request_facts USING btree (closed_at);
CREATE INDEX request_facts_by_rated ON request_facts USING btree (rated_at);
CREATE INDEX request_facts_open ON request_facts USING btree (submitted_at) WHERE status IN ('submitted', 'acknowledged', 'assigned', 'in_progress');
CREATE INDEX request_facts_by_overrun ON request_facts USING btree (overrun_bp, id) WHERE overrun_bp IS NOT NULL;

-- Monthly sums per category and staff member (the request's assignee; the nil id for none):
-- dashboards' trends and the accountant's cost summary read a few hundred rows, not a million.
-- Each request counts in the month of the event concerned: submitted in its submission month,
-- resolved and costs in its first resolution month, closed in its first closing month, ratings in
-- the month rated. Rows whose sums are all zero are deleted.
CREATE TABLE request_monthly (
    month              date NOT NULL,
    category           text NOT NULL,
    trade              text NOT NULL,
    staff_id           uuid NOT NULL,
    submitted          bigint NOT NULL,
    resolved           bigint NOT NULL,
    resolved_on_time   bigint NOT NULL,
    resolution_seconds bigint NOT NULL,
    closed             bigint NOT NULL,
    -- Resolved requests with an actual cost, and its sum.
    with_actual        bigint NOT NULL,
    actual_cost        bigint NOT NULL,
    -- Resolved requests with an estimate, and its sum.
    with_estimate      bigint NOT NULL,
    estimated_cost     bigint NOT NULL,
    -- Resolved requests with both, and both sums over them (variance and efficiency).
    costed             bigint NOT NULL,
    costed_estimated   bigint NOT NULL,
    costed_actual      bigint NOT NULL,
    rated              bigint NOT NULL,
    rating_sum         bigint NOT NULL,
    PRIMARY KEY (month, category, trade, staff_id)
);
