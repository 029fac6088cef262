-- Sign-in attempts counted before the password is checked (see the PostgreSQL migration of the
-- same name). Numbered as there, so one change has one number on both stores; 0006 changed only
-- PostgreSQL's word search.

ALTER TABLE sign_in_failures RENAME COLUMN window_started_at TO last_counted_at;
ALTER TABLE sign_in_failures ADD COLUMN refused_until_ms INTEGER NOT NULL DEFAULT 0;
CREATE INDEX sign_in_failures_by_age ON sign_in_failures (last_counted_at);
