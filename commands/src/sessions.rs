//! Signing in and out: bearer tokens (256 random bits, stored only as a SHA-256) with an expiry,
//! and throttling of failed sign-ins per account and per client address.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use khaki_domain::{AccountId, Actor};
use khaki_migrations::{with_pool, Database};
use rand::RngCore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::accounts::standing::{self, StandingRow, STANDING};
use crate::error::CommandError;
use crate::password;

/// How long a session lasts.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);
/// Failed sign-ins allowed per account or address within [`FAILURE_WINDOW`] before refusing.
pub const FAILURES_ALLOWED: i32 = 5;
pub const FAILURE_WINDOW: Duration = Duration::minutes(15);

pub struct Session {
    /// The bearer token: shown to the caller once, never stored.
    pub token: String,
    pub account: AccountId,
    pub expires_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("wrong username or password")]
    Invalid { failures: i32 },
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

/// Checks the password and opens a session. Refused while either the account or the address has
/// had too many recent failures, before the password is even looked at.
pub async fn sign_in(
    db: &Database,
    username: &str,
    password_given: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Session, SignInError> {
    let subjects = [format!("account:{}", username.to_lowercase()), format!("address:{address}")];
    for subject in &subjects {
        if let Some(retry_after) = throttled(db, subject, now).await? {
            return Err(SignInError::Throttled { retry_after_seconds: retry_after });
        }
    }
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
            with_pool!(db, |pool| sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
                .bind(&subjects[0])
                .execute(pool)
                .await
                .map(|_| ()))?;
            Ok(open_session(db, AccountId::from_uuid(id), now).await?)
        }
        _ => {
            let mut failures = 0;
            for subject in &subjects {
                failures = failures.max(record_failure(db, subject, now).await?);
            }
            Err(SignInError::Invalid { failures })
        }
    }
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

/// Seconds until `subject` may try again, if it has used up its failures in the current window.
async fn throttled(db: &Database, subject: &str, now: DateTime<Utc>) -> Result<Option<i64>, CommandError> {
    let row: Option<(i32, DateTime<Utc>)> = with_pool!(db, |pool| {
        sqlx::query_as("SELECT failures, window_started_at FROM sign_in_failures WHERE subject = $1")
            .bind(subject)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.and_then(|(failures, started)| {
        let ends = started + FAILURE_WINDOW;
        (failures >= FAILURES_ALLOWED && ends > now).then(|| (ends - now).num_seconds().max(1))
    }))
}

/// Counts one failure (starting a new window if the last has passed); returns the count.
async fn record_failure(db: &Database, subject: &str, now: DateTime<Utc>) -> Result<i32, CommandError> {
    let window_start = now - FAILURE_WINDOW;
    Ok(with_pool!(db, |pool| {
        sqlx::query_scalar(
            "INSERT INTO sign_in_failures (subject, failures, window_started_at) VALUES ($1, 1, $2)
             ON CONFLICT (subject) DO UPDATE SET
                 failures = CASE WHEN sign_in_failures.window_started_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
                 window_started_at = CASE WHEN sign_in_failures.window_started_at < $3 THEN $2 ELSE sign_in_failures.window_started_at END
             RETURNING failures",
        )
        .bind(subject)
        .bind(now)
        .bind(window_start)
        .fetch_one(pool)
        .await
    })?)
}
