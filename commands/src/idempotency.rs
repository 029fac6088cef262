//! Idempotency keys: the first answer to a write is kept, and the same caller sending the same
//! key and body again gets that answer without the write happening twice.

use chrono::{DateTime, Duration, Utc};
use khaki_domain::AccountId;
use khaki_migrations::{with_pool, Database};

use crate::error::CommandError;

/// Keys are kept at least this long.
pub const RETENTION: Duration = Duration::hours(48);
/// A first request still unanswered after this long is taken to have died with its server.
pub const ABANDONED_AFTER: Duration = Duration::seconds(60);

/// What the store says about a key when a write arrives with it.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// This request is the first with the key: run it, then [`remember`] the answer.
    First,
    /// Answered before with this body.
    Answered { status: u16, response: String },
    /// The same key came with another body.
    Mismatch,
    /// The first request with this key is still running.
    InFlight,
}

/// Fingerprint, status, answer and creation time of a kept key.
type KeyRow = (Vec<u8>, Option<i32>, Option<String>, DateTime<Utc>);

pub async fn claim(
    db: &Database,
    account: AccountId,
    key: &str,
    fingerprint: &[u8],
    now: DateTime<Utc>,
) -> Result<Claim, CommandError> {
    let inserted = with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO idempotency_keys (account_id, key, fingerprint, created_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (account_id, key) DO NOTHING",
        )
        .bind(account.as_uuid())
        .bind(key)
        .bind(fingerprint)
        .bind(now)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    if inserted == 1 {
        return Ok(Claim::First);
    }
    let row: Option<KeyRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT fingerprint, status, response, created_at FROM idempotency_keys WHERE account_id = $1 AND key = $2",
        )
        .bind(account.as_uuid())
        .bind(key)
        .fetch_optional(pool)
        .await
    })?;
    let Some((stored, status, response, created_at)) = row else {
        // Swept between the two statements: try once more.
        return Box::pin(claim(db, account, key, fingerprint, now)).await;
    };
    if stored != fingerprint {
        return Ok(Claim::Mismatch);
    }
    match (status, response) {
        (Some(status), Some(response)) => {
            Ok(Claim::Answered { status: u16::try_from(status).unwrap_or(500), response })
        }
        _ if created_at + ABANDONED_AFTER < now => {
            // Take over an abandoned first request, once: only one caller wins the update.
            let taken = with_pool!(db, |pool| {
                sqlx::query("UPDATE idempotency_keys SET created_at = $3 WHERE account_id = $1 AND key = $2 AND status IS NULL AND created_at = $4")
                    .bind(account.as_uuid())
                    .bind(key)
                    .bind(now)
                    .bind(created_at)
                    .execute(pool)
                    .await
                    .map(|done| done.rows_affected())
            })?;
            Ok(if taken == 1 { Claim::First } else { Claim::InFlight })
        }
        _ => Ok(Claim::InFlight),
    }
}

/// Keeps the answer to the first request with a key.
pub async fn remember(
    db: &Database,
    account: AccountId,
    key: &str,
    status: u16,
    response: &str,
) -> Result<(), CommandError> {
    with_pool!(db, |pool| {
        sqlx::query("UPDATE idempotency_keys SET status = $3, response = $4 WHERE account_id = $1 AND key = $2")
            .bind(account.as_uuid())
            .bind(key)
            .bind(i32::from(status))
            .bind(response)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Lets a key be used again when its first request failed on our side (5xx) or was throttled.
pub async fn release(db: &Database, account: AccountId, key: &str) -> Result<(), CommandError> {
    with_pool!(db, |pool| {
        sqlx::query("DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND status IS NULL")
            .bind(account.as_uuid())
            .bind(key)
            .execute(pool)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// Forgets keys past retention; run now and then.
pub async fn sweep(db: &Database, now: DateTime<Utc>) -> Result<u64, CommandError> {
    Ok(with_pool!(db, |pool| {
        sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(now - RETENTION)
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })?)
}
