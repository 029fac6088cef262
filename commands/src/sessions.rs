//! Signing in and out: bearer tokens (256 random bits, stored only as a SHA-256) with an expiry,
//! and throttling of failed sign-ins per account and per client address.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use khaki_domain::{AccountId, Actor};
use khaki_migrations::{with_pool, with_tx, Database, Tx};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::standing::{self, StandingRow, STANDING};
use crate::error::CommandError;
use crate::password;

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);
/// The wait after the first failure beyond the allowance; it doubles with each further failure.
pub const FIRST_DELAY: Duration = Duration::seconds(1);
/// The longest wait between attempts, however many have failed.
pub const LONGEST_DELAY: Duration = Duration::minutes(15);
/// A subject (account or address) with no attempt for this long starts again from nothing.
pub const FORGET_AFTER: Duration = Duration::hours(24);

pub struct Session {
    /// The bearer token: shown to the caller once, never stored.
    pub token: String,
    pub account: AccountId,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong username or password")]
    Invalid,
    #[error("too many failed sign-ins; try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: i64 },
    #[error(transparent)]
    Store(#[from] CommandError),
}

impl From<sqlx::Error> for SignInError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error.into())
    }
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Checks the password and opens a session. The attempt is counted against the account and the
/// address before the password is looked at, and refused (without looking) while either has to
/// wait; so however many attempts arrive at once, on however many servers, no more passwords are
/// checked than `failures_allowed`, then one per delay.
pub async fn sign_in(
    db: &Database,
    failures_allowed: u32,
    username: &str,
    password_given: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Session, SignInError> {
    let account = format!("account:{}", username.to_lowercase());
    let address = format!("address:{address}");
    let throttle = Throttle::new(failures_allowed);
    throttle.count_attempt(db, [&account, &address], now).await?;
    let found: Option<(Uuid, Option<String>, bool)> = with_pool!(db, |pool| {
        sqlx::query_as("SELECT id, password_hash, active FROM accounts WHERE lower(username) = lower($1)")
            .bind(username)
            .fetch_optional(pool)
            .await
    })?;
    // The hash is checked even for unknown usernames, so timing does not tell which exist.
    let stored = found.as_ref().and_then(|(_, hash, _)| hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let attempt = password_given.to_owned();
    let matches = password::verify_in_turn(attempt, stored).await;
    match found {
        Some((id, Some(_), true)) if matches => {
            throttle.succeeded(db, &account, &address).await?;
            Ok(open_session(db, AccountId::from_uuid(id), now).await?)
        }
        _ => Err(SignInError::Invalid),
    }
}

/// The sign-in policy: `allowed` failures per subject are checked freely; after that each attempt
/// waits [`FIRST_DELAY`] after the last, doubled for each further failure, up to
/// [`LONGEST_DELAY`]. A refused attempt is not a failure: waiting out a delay never lengthens it.
#[derive(Clone, Copy, Debug)]
struct Throttle {
    allowed: i32,
}

/// Counts one attempt of a subject, unless it must still wait (then no row comes back). The
/// count restarts for a subject quiet since `$4`; the delay after the new count `c` is the same
/// as [`Throttle::delay_after`]: 0 below the allowance `$5`, then `$8 · 2^(c − $5)` for fewer than
/// `$6` doublings, else the cap `$7`.
const COUNT_ATTEMPT: &str = "INSERT INTO sign_in_failures (subject, failures, last_counted_at, refused_until_ms)
     VALUES ($1, 1, $2, $3 + $9)
     ON CONFLICT (subject) DO UPDATE SET
         failures = CASE WHEN sign_in_failures.last_counted_at < $4 THEN 1 ELSE sign_in_failures.failures + 1 END,
         last_counted_at = $2,
         refused_until_ms = $3 + CASE
             WHEN sign_in_failures.last_counted_at < $4 THEN $9
             WHEN sign_in_failures.failures + 1 < $5 THEN 0
             WHEN sign_in_failures.failures + 1 - $5 >= $6 THEN $7
             ELSE $8 * (1 << (sign_in_failures.failures + 1 - $5))
         END
     WHERE sign_in_failures.refused_until_ms <= $3 OR sign_in_failures.last_counted_at < $4
     RETURNING failures";

impl Throttle {
    fn new(allowed: u32) -> Self {
        Self { allowed: i32::try_from(allowed.max(1)).unwrap_or(i32::MAX) }
    }

    /// How many times the first delay doubles before it reaches the cap.
    fn doublings() -> i32 {
        let mut doublings = 0;
        while FIRST_DELAY * (1 << doublings) < LONGEST_DELAY {
            doublings += 1;
        }
        doublings
    }

    /// How long the next attempt waits after the `failures`-th.
    fn delay_after(self, failures: i32) -> Duration {
        match failures - self.allowed {
            beyond if beyond < 0 => Duration::zero(),
            beyond if beyond >= Self::doublings() => LONGEST_DELAY,
            beyond => FIRST_DELAY * (1 << beyond),
        }
    }

    /// Counts the attempt against every subject, or against none if any must still wait.
    async fn count_attempt(self, db: &Database, subjects: [&str; 2], now: DateTime<Utc>) -> Result<(), SignInError> {
        let mut tx = db.begin().await?;
        for subject in subjects {
            if self.count(&mut tx, subject, now).await?.is_none() {
                let until: Option<i64> = with_tx!(&mut tx, |conn| {
                    sqlx::query_scalar("SELECT refused_until_ms FROM sign_in_failures WHERE subject = $1")
                        .bind(subject)
                        .fetch_optional(conn)
                        .await
                })?;
                tx.rollback().await?;
                let left_ms = until.unwrap_or(0) - now.timestamp_millis();
                return Err(SignInError::Throttled { retry_after_seconds: (left_ms + 999).div_euclid(1000).max(1) });
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn count(self, tx: &mut Tx, subject: &str, now: DateTime<Utc>) -> Result<Option<i32>, sqlx::Error> {
        with_tx!(tx, |conn| {
            sqlx::query_scalar(COUNT_ATTEMPT)
                .bind(subject)
                .bind(now)
                .bind(now.timestamp_millis())
                .bind(now - FORGET_AFTER)
                .bind(self.allowed)
                .bind(Self::doublings())
                .bind(LONGEST_DELAY.num_milliseconds())
                .bind(FIRST_DELAY.num_milliseconds())
                .bind(self.delay_after(1).num_milliseconds())
                .fetch_optional(conn)
                .await
        })
    }

    /// A success clears the account's count and takes its own attempt back from the address:
    /// one person's success must not wipe out another's guesses from the same address. An address
    /// back within its allowance has nothing to wait for (its wait may have been set only by
    /// attempts that were still being checked).
    async fn succeeded(self, db: &Database, account: &str, address: &str) -> Result<(), sqlx::Error> {
        let mut tx = db.begin().await?;
        with_tx!(&mut tx, |conn| {
            sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1").bind(account).execute(conn).await.map(|_| ())
        })?;
        with_tx!(&mut tx, |conn| {
            sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1 AND failures <= 1")
                .bind(address)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
        with_tx!(&mut tx, |conn| {
            sqlx::query(
                "UPDATE sign_in_failures SET failures = failures - 1,
                     refused_until_ms = CASE WHEN failures - 1 < $2 THEN 0 ELSE refused_until_ms END
                 WHERE subject = $1 AND failures > 1",
            )
            .bind(address)
            .bind(self.allowed)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
        tx.commit().await
    }
}

/// Forgets subjects with no attempt for [`FORGET_AFTER`] (the count would restart anyway).
pub async fn forget_quiet_attempts(db: &Database, now: DateTime<Utc>) -> Result<u64, CommandError> {
    Ok(with_pool!(db, |pool| sqlx::query("DELETE FROM sign_in_failures WHERE last_counted_at < $1")
        .bind(now - FORGET_AFTER)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
}

/// A hash of a password nobody has, checked for unknown usernames so refusals take equally long.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| password::hash(&Uuid::new_v4().to_string()).unwrap_or_default())
}

async fn open_session(db: &Database, account: AccountId, now: DateTime<Utc>) -> Result<Session, CommandError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = now + SESSION_LIFETIME;
    with_pool!(db, |pool| {
        sqlx::query("INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(account.as_uuid())
            .bind(now)
            .bind(expires_at)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(Session { token, account, expires_at })
}

/// Who a token signs in, as they stand now: `None` if the session is not live or the account is
/// not active. One query, as every authenticated call makes it.
pub async fn actor_for_token(db: &Database, token: &str, now: DateTime<Utc>) -> Result<Option<Actor>, CommandError> {
    let sql = format!(
        "{STANDING} JOIN sessions x ON x.account_id = a.id
         WHERE x.token_hash = $1 AND x.revoked_at IS NULL AND x.expires_at > $2"
    );
    let row: Option<StandingRow> =
        with_pool!(db, |pool| { sqlx::query_as(&sql).bind(token_hash(token)).bind(now).fetch_optional(pool).await })?;
    row.map(standing::actor).transpose().map(Option::flatten)
}

/// Ends a session; signing out twice is harmless.
pub async fn sign_out(db: &Database, token: &str, now: DateTime<Utc>) -> Result<(), CommandError> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL")
            .bind(token_hash(token))
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Ends every session of an account (deactivation, password reset).
pub async fn sign_out_everywhere(db: &Database, account: AccountId, now: DateTime<Utc>) -> Result<(), CommandError> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE sessions SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL")
            .bind(account.as_uuid())
            .bind(now)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_is_free_then_each_failure_doubles_the_wait_up_to_the_cap() {
        let throttle = Throttle::new(10);
        assert_eq!(throttle.delay_after(1), Duration::zero());
        assert_eq!(throttle.delay_after(9), Duration::zero());
        assert_eq!(throttle.delay_after(10), Duration::seconds(1));
        assert_eq!(throttle.delay_after(11), Duration::seconds(2));
        assert_eq!(throttle.delay_after(19), Duration::seconds(512));
        assert_eq!(throttle.delay_after(20), LONGEST_DELAY);
        assert_eq!(throttle.delay_after(1_000), LONGEST_DELAY);
    }

    #[test]
    fn an_allowance_of_nothing_still_lets_the_first_attempt_through() {
        let throttle = Throttle::new(0);
        assert_eq!(throttle.delay_after(1), Duration::seconds(1));
    }
}
