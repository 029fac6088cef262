//! How each recorded event is bound to the one before it in its stream (SPEC §6 "tamper-evident"):
//! a SHA-256 over the previous event's hash and a canonical encoding of everything recorded —
//! stream, sequence, type, version, payload, metadata and time. Changing, removing, inserting or
//! reordering an event breaks the link of every event after it. Pure: the command side computes
//! links when it appends, auditors recompute them to verify.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// The link before the first event of a stream.
pub const GENESIS: Hash = [0; 32];

/// Everything recorded about one event, as stored.
#[derive(Clone, Copy, Debug)]
pub struct Recorded<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a Value,
    pub metadata: &'a Value,
    pub recorded_at: DateTime<Utc>,
}

/// The event's link: SHA-256 of a domain tag, the previous link, and each field with its length,
/// so no two different events encode alike. JSON is encoded with sorted keys and no spaces, so
/// the link does not depend on how a store keeps JSON.
pub fn link(previous: &Hash, event: &Recorded<'_>) -> Hash {
    let mut digest = Sha256::new();
    digest.update(b"khaki-event-v1");
    digest.update(previous);
    let mut field = |bytes: &[u8]| {
        digest.update((bytes.len() as u64).to_be_bytes());
        digest.update(bytes);
    };
    field(event.aggregate_type.as_bytes());
    field(event.aggregate_id.as_bytes());
    field(&event.sequence.to_be_bytes());
    field(event.event_type.as_bytes());
    field(event.event_version.as_bytes());
    field(&canonical(event.payload));
    field(&canonical(event.metadata));
    field(&event.recorded_at.timestamp_micros().to_be_bytes());
    digest.finalize().into()
}

/// JSON with object keys sorted and no insignificant whitespace (serde_json's maps are ordered).
pub fn canonical(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event<'a>(payload: &'a Value, metadata: &'a Value) -> Recorded<'a> {
        Recorded {
            aggregate_type: "MaintenanceRequest",
            aggregate_id: "r-1",
            sequence: 1,
            event_type: "RequestSubmitted",
            event_version: "1",
            payload,
            metadata,
            recorded_at: DateTime::from_timestamp_micros(1_767_225_600_000_000).unwrap_or_default(),
        }
    }

    #[test]
    fn the_link_does_not_depend_on_key_order() {
        let metadata = json!({"actor": "a"});
        let one: Value = serde_json::from_str(r#"{"b": 1, "a": {"y": 2, "x": 3}}"#).expect("json");
        let two: Value = serde_json::from_str(r#"{"a": {"x": 3, "y": 2}, "b": 1}"#).expect("json");
        assert_eq!(link(&GENESIS, &event(&one, &metadata)), link(&GENESIS, &event(&two, &metadata)));
    }

    #[test]
    fn any_change_changes_the_link() {
        let (payload, metadata) = (json!({"title": "Leak"}), json!({"actor": "a"}));
        let base = link(&GENESIS, &event(&payload, &metadata));
        let edited = json!({"title": "Leek"});
        assert_ne!(base, link(&GENESIS, &event(&edited, &metadata)));
        assert_ne!(base, link(&[1; 32], &event(&payload, &metadata)), "the previous link is bound in");
        assert_ne!(base, link(&GENESIS, &Recorded { sequence: 2, ..event(&payload, &metadata) }));
        assert_ne!(base, link(&GENESIS, &Recorded { aggregate_id: "r-2", ..event(&payload, &metadata) }));
    }
}
