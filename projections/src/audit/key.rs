//! The estate's one audit key: the public key every checkpoint is signed with, recorded in the
//! database on first use, so that several servers (each with its own key file) can never fork the
//! record into checkpoints that no single key verifies.

use chrono::{DateTime, Utc};
use khaki_migrations::{with_pool, Database};

use crate::audit::seal::{latest, SealError};

/// The only estate a database holds today; the table is keyed by estate for when it holds more.
const ESTATE: &str = "estate";

/// The public key the estate's checkpoints are signed with, if one is recorded.
pub async fn estate_key(db: &Database) -> Result<Option<[u8; 32]>, SealError> {
    let stored: Option<Vec<u8>> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT public_key FROM audit_keys WHERE estate = $1")
            .bind(ESTATE)
            .fetch_optional(pool)
            .await
    })?;
    stored.map(|bytes| bytes.as_slice().try_into().map_err(|_| SealError::MalformedKey)).transpose()
}

/// Makes sure `ours` is the estate's key: records it when no key is recorded yet (or the key of
/// checkpoints sealed before keys were recorded), and refuses any other.
pub async fn adopt(db: &Database, ours: &[u8; 32], now: DateTime<Utc>) -> Result<(), SealError> {
    let recorded = match estate_key(db).await? {
        Some(key) => key,
        None => {
            let first = latest(db).await?.map_or(*ours, |checkpoint| checkpoint.public_key);
            // Two servers starting at once: the first insert wins, the other reads it back.
            with_pool!(db, |pool| {
                sqlx::query(
                    "INSERT INTO audit_keys (estate, public_key, recorded_at) VALUES ($1, $2, $3) ON CONFLICT (estate) DO NOTHING",
                )
                .bind(ESTATE)
                .bind(first.as_slice())
                .bind(now)
                .execute(pool)
                .await
                .map(|_| ())
            })?;
            estate_key(db).await?.ok_or(SealError::MalformedKey)?
        }
    };
    if &recorded == ours {
        Ok(())
    } else {
        Err(SealError::ForeignKey { estate: hex::encode(recorded), ours: hex::encode(ours) })
    }
}
