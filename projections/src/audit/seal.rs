//! Sealing the log: a checkpoint signs (ed25519) the Merkle root over every event's link up to a
//! cursor. One sealer at a time gets to write each checkpoint: each names its sequence, so a
//! second sealer racing for the same one is refused and simply stops.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use khaki_domain::chain::Hash;
use khaki_migrations::{unique_violation, with_pool, Database};
use serde::{Deserialize, Serialize};

use crate::audit::key::adopt;
use crate::audit::log::links_after;
use crate::audit::merkle::Frontier;
use crate::log::Cursor;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub sequence: i64,
    pub tree_size: u64,
    #[serde(with = "hex::serde")]
    pub root: Hash,
    pub cursor: Cursor,
    #[serde(skip)]
    pub frontier: Frontier,
    pub signed_at: DateTime<Utc>,
    #[serde(with = "hex::serde")]
    pub public_key: [u8; 32],
    #[serde(with = "hex::serde")]
    pub signature: Vec<u8>,
}

/// What a checkpoint's signature covers.
pub fn message(tree_size: u64, root: &Hash, cursor: Cursor) -> Vec<u8> {
    let mut message = b"khaki-checkpoint-v1".to_vec();
    message.extend_from_slice(&tree_size.to_be_bytes());
    message.extend_from_slice(root);
    message.extend_from_slice(&cursor.transaction.to_be_bytes());
    message.extend_from_slice(&cursor.position.to_be_bytes());
    message
}

impl Checkpoint {
    /// Whether the signature is this checkpoint's, made with its public key.
    pub fn signature_holds(&self) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.public_key) else { return false };
        let Ok(signature) = Signature::from_slice(&self.signature) else { return false };
        key.verify(&message(self.tree_size, &self.root, self.cursor), &signature).is_ok()
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    sequence: i64,
    tree_size: i64,
    root: Vec<u8>,
    cursor_transaction: i64,
    cursor_position: i64,
    frontier: Vec<u8>,
    signed_at: DateTime<Utc>,
    public_key: Vec<u8>,
    signature: Vec<u8>,
}

impl Row {
    fn checkpoint(self) -> Option<Checkpoint> {
        Some(Checkpoint {
            sequence: self.sequence,
            tree_size: u64::try_from(self.tree_size).ok()?,
            root: self.root.as_slice().try_into().ok()?,
            cursor: Cursor { transaction: self.cursor_transaction, position: self.cursor_position },
            frontier: Frontier::from_bytes(&self.frontier)?,
            signed_at: self.signed_at,
            public_key: self.public_key.as_slice().try_into().ok()?,
            signature: self.signature,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("a stored checkpoint (number {0}) is malformed")]
    Malformed(i64),
    #[error("the estate's recorded audit key is malformed")]
    MalformedKey,
    /// This server's signing key is not the estate's: sealing with it would fork the record.
    #[error(
        "this server's audit signing key (public key {ours}) is not the estate's ({estate}); give every server the \
         estate's key file with --audit-key-file or KHAKI_AUDIT_KEY_FILE"
    )]
    ForeignKey { estate: String, ours: String },
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Every checkpoint, oldest first.
pub async fn checkpoints(db: &Database) -> Result<Vec<Checkpoint>, SealError> {
    let rows: Vec<Row> = with_pool!(db, |pool| sqlx::query_as("SELECT * FROM audit_checkpoints ORDER BY sequence")
        .fetch_all(pool)
        .await)?;
    rows.into_iter()
        .map(|row| {
            let n = row.sequence;
            row.checkpoint().ok_or(SealError::Malformed(n))
        })
        .collect()
}

pub async fn latest(db: &Database) -> Result<Option<Checkpoint>, SealError> {
    let row: Option<Row> =
        with_pool!(db, |pool| sqlx::query_as("SELECT * FROM audit_checkpoints ORDER BY sequence DESC LIMIT 1")
            .fetch_optional(pool)
            .await)?;
    row.map(|row| {
        let n = row.sequence;
        row.checkpoint().ok_or(SealError::Malformed(n))
    })
    .transpose()
}

/// Seals everything committed since the last checkpoint; `None` when there was nothing new or
/// another sealer wrote this checkpoint first. Refused with any key but the estate's.
pub async fn seal(db: &Database, key: &SigningKey, now: DateTime<Utc>) -> Result<Option<Checkpoint>, SealError> {
    adopt(db, &key.verifying_key().to_bytes(), now).await?;
    let last = latest(db).await?;
    let (mut frontier, mut cursor, sequence) = match &last {
        Some(c) => (c.frontier.clone(), c.cursor, c.sequence + 1),
        None => (Frontier::default(), Cursor::default(), 1),
    };
    let before = frontier.size;
    loop {
        let batch = links_after(db, cursor, 5000).await?;
        let Some(last_event) = batch.last() else { break };
        cursor = last_event.cursor();
        for event in &batch {
            // A malformed stored link is sealed as it is; verification reports it.
            frontier.push(&Hash::try_from(event.hash.as_slice()).unwrap_or_default());
        }
    }
    if frontier.size == before {
        return Ok(None);
    }
    let root = frontier.root();
    let signature = key.sign(&message(frontier.size, &root, cursor)).to_bytes().to_vec();
    let public_key = key.verifying_key().to_bytes();
    let inserted = with_pool!(db, |pool| {
        sqlx::query(
            "INSERT INTO audit_checkpoints (sequence, tree_size, root, cursor_transaction, cursor_position, frontier, signed_at, public_key, signature)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(sequence)
        .bind(i64::try_from(frontier.size).unwrap_or(i64::MAX))
        .bind(root.as_slice())
        .bind(cursor.transaction)
        .bind(cursor.position)
        .bind(frontier.to_bytes())
        .bind(now)
        .bind(public_key.as_slice())
        .bind(signature.as_slice())
        .execute(pool)
        .await
        .map(|_| ())
    });
    match inserted {
        Ok(()) => Ok(Some(Checkpoint {
            sequence,
            tree_size: frontier.size,
            root,
            cursor,
            frontier,
            signed_at: now,
            public_key,
            signature,
        })),
        Err(error) if unique_violation(&error).is_some() => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Events recorded that the latest checkpoint does not cover yet (every event is one leaf).
pub async fn unsealed(db: &Database) -> Result<u64, SealError> {
    let recorded: i64 = with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(pool).await)?;
    let sealed = latest(db).await?.map_or(0, |c| c.tree_size);
    Ok(u64::try_from(recorded).unwrap_or(0).saturating_sub(sealed))
}
