//! An offline proof for one stream: its events with their links, the latest signed checkpoint,
//! and a Merkle inclusion proof that the stream's last sealed event is in the signed tree. With
//! the estate's public key, anyone can check it without the database.

use khaki_domain::chain::{Hash, GENESIS};
use khaki_migrations::Database;
use serde::{Deserialize, Serialize};

use crate::audit::log::{events_after, stream, AuditedEvent};
use crate::audit::merkle::{inclusion_proof, verify_inclusion};
use crate::audit::seal::{latest, Checkpoint, SealError};
use crate::log::Cursor;

pub const FORMAT: &str = "khaki-audit-bundle-v1";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Bundle {
    pub format: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub events: Vec<AuditedEvent>,
    pub checkpoint: Checkpoint,
    /// The last event of the stream the checkpoint covers, its leaf in the signed tree, and the
    /// sibling hashes from that leaf to the root.
    pub sealed_sequence: i64,
    pub leaf_index: u64,
    #[serde(with = "hex_list")]
    pub inclusion_proof: Vec<Hash>,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("no events for {0}")]
    NotFound(String),
    #[error("nothing of this stream is sealed yet; run `khaki audit seal` first")]
    NotSealed,
    #[error(transparent)]
    Seal(#[from] SealError),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

pub async fn export(db: &Database, aggregate_type: &str, aggregate_id: &str) -> Result<Bundle, BundleError> {
    let events = stream(db, aggregate_type, aggregate_id).await?;
    if events.is_empty() {
        return Err(BundleError::NotFound(format!("{aggregate_type} {aggregate_id}")));
    }
    let checkpoint = latest(db).await?.ok_or(BundleError::NotSealed)?;
    let mut leaves: Vec<Hash> = Vec::new();
    let mut head: Option<(i64, u64)> = None;
    let mut cursor = Cursor::default();
    while (leaves.len() as u64) < checkpoint.tree_size {
        let batch = events_after(db, cursor, 10_000).await?;
        let Some(last) = batch.last() else { break };
        cursor = last.cursor();
        for event in batch.into_iter().take((checkpoint.tree_size - leaves.len() as u64) as usize) {
            if event.aggregate_type == aggregate_type && event.aggregate_id == aggregate_id {
                head = Some((event.sequence, leaves.len() as u64));
            }
            leaves.push(event.link().unwrap_or_default());
        }
    }
    let (sealed_sequence, leaf_index) = head.ok_or(BundleError::NotSealed)?;
    let proof = inclusion_proof(&leaves, usize::try_from(leaf_index).unwrap_or(usize::MAX));
    Ok(Bundle {
        format: FORMAT.to_owned(),
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: aggregate_id.to_owned(),
        events,
        checkpoint,
        sealed_sequence,
        leaf_index,
        inclusion_proof: proof,
    })
}

#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct BundleVerification {
    pub events: usize,
    /// Events up to this sequence are under the signed checkpoint; later ones are linked only.
    pub sealed_through_sequence: i64,
}

/// Checks a bundle with no database: the links, the signature (with the estate's public key),
/// and that the sealed head is in the signed tree.
pub fn verify_bundle(bundle: &Bundle, public_key: &[u8; 32]) -> Result<BundleVerification, String> {
    if bundle.format != FORMAT {
        return Err(format!("not a Khaki Estate audit bundle (format '{}')", bundle.format));
    }
    let mut previous = GENESIS;
    let mut sealed_link = None;
    for (expected_sequence, event) in (1..).zip(&bundle.events) {
        if event.sequence != expected_sequence
            || event.aggregate_type != bundle.aggregate_type
            || event.aggregate_id != bundle.aggregate_id
        {
            return Err(format!("event at position {} is out of place in the stream", event.position));
        }
        let link = event.expected_link(&previous);
        if event.link() != Some(link) {
            return Err(format!(
                "event {} (position {}) does not match its link: it was changed",
                event.sequence, event.position
            ));
        }
        if event.sequence == bundle.sealed_sequence {
            sealed_link = Some(link);
        }
        previous = link;
    }
    let checkpoint = &bundle.checkpoint;
    if checkpoint.public_key != *public_key {
        return Err("the checkpoint is signed with another key than the one given".into());
    }
    if !checkpoint.signature_holds() {
        return Err("the checkpoint's signature is not valid".into());
    }
    let sealed_link = sealed_link.ok_or("the sealed event is not in the bundle")?;
    if !verify_inclusion(
        &sealed_link,
        bundle.leaf_index,
        checkpoint.tree_size,
        &bundle.inclusion_proof,
        &checkpoint.root,
    ) {
        return Err("the stream is not in the signed log: the inclusion proof fails".into());
    }
    Ok(BundleVerification { events: bundle.events.len(), sealed_through_sequence: bundle.sealed_sequence })
}

mod hex_list {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(hashes: &[[u8; 32]], serializer: S) -> Result<S::Ok, S::Error> {
        hashes.iter().map(hex::encode).collect::<Vec<_>>().serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<[u8; 32]>, D::Error> {
        Vec::<String>::deserialize(deserializer)?
            .into_iter()
            .map(|text| {
                let bytes = hex::decode(&text).map_err(serde::de::Error::custom)?;
                <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| serde::de::Error::custom("a hash is 32 bytes"))
            })
            .collect()
    }
}
