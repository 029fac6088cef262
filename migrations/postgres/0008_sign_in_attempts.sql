-- Sign-in throttling counts an attempt before its password is checked. One upsert per subject
-- (account, address) adds the attempt and, in the same statement, refuses it while the subject has
-- to wait; the row lock orders attempts that arrive together, also from several servers on one
-- database, so a burst of parallel guesses has no more passwords checked than the allowance. A
-- success takes its own attempt back (and clears the account's count); failures stay counted.

-- The time of the subject's last counted attempt: a subject quiet for a day starts again from
-- nothing, and the hourly sweep forgets it.
ALTER TABLE sign_in_failures RENAME COLUMN window_started_at TO last_counted_at;
-- Milliseconds since 1970 before which the subject's next attempt is refused (429): 0 until the
-- allowance is used, then a delay that doubles with each further failure, up to a cap. An integer,
-- so both stores add the delay to the time in the same SQL.
ALTER TABLE sign_in_failures ADD COLUMN refused_until_ms bigint NOT NULL DEFAULT 0;
-- The sweep finds quiet subjects by age.
CREATE INDEX sign_in_failures_by_age ON sign_in_failures (last_counted_at);
