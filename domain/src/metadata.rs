//! What every recorded event carries beside its payload (SPEC §6): who, in which role, when, the
//! command that caused it, the correlation id shared by everything one API call caused, the
//! client's idempotency key and address.
//!
//! A stored contract like the events: the keys below are in the log forever. The log keeps it as a
//! flat map of strings, which is what `cqrs-es` envelopes carry.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::AccountId;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventMetadata {
    pub actor: AccountId,
    /// The actor's role when they acted (e.g. `plumber`, `resident`, `system`).
    pub actor_role: String,
    pub recorded_at: DateTime<Utc>,
    pub correlation_id: Uuid,
    /// The command that caused the event, e.g. `assign`.
    pub command: String,
    /// Unique per executed command; all events of one command share it.
    pub command_id: Uuid,
    pub idempotency_key: Option<String>,
    pub client_address: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("event metadata field '{0}' is missing or malformed")]
pub struct MetadataError(pub &'static str);

impl EventMetadata {
    pub fn to_map(&self) -> HashMap<String, String> {
        let mut map = HashMap::from([
            ("actor".to_owned(), self.actor.to_string()),
            ("actor_role".to_owned(), self.actor_role.clone()),
            ("recorded_at".to_owned(), self.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
            ("correlation_id".to_owned(), self.correlation_id.to_string()),
            ("command".to_owned(), self.command.clone()),
            ("command_id".to_owned(), self.command_id.to_string()),
        ]);
        if let Some(key) = &self.idempotency_key {
            map.insert("idempotency_key".to_owned(), key.clone());
        }
        if let Some(address) = &self.client_address {
            map.insert("client_address".to_owned(), address.clone());
        }
        map
    }

    pub fn from_map(map: &HashMap<String, String>) -> Result<Self, MetadataError> {
        fn field<'m, T>(
            map: &'m HashMap<String, String>,
            key: &'static str,
            parse: impl Fn(&'m str) -> Option<T>,
        ) -> Result<T, MetadataError> {
            map.get(key).and_then(|v| parse(v)).ok_or(MetadataError(key))
        }
        Ok(Self {
            actor: field(map, "actor", |v| v.parse().ok())?,
            actor_role: field(map, "actor_role", |v| Some(v.to_owned()))?,
            recorded_at: field(map, "recorded_at", |v| {
                DateTime::parse_from_rfc3339(v).ok().map(|t| t.with_timezone(&Utc))
            })?,
            correlation_id: field(map, "correlation_id", |v| v.parse().ok())?,
            command: field(map, "command", |v| Some(v.to_owned()))?,
            command_id: field(map, "command_id", |v| v.parse().ok())?,
            idempotency_key: map.get("idempotency_key").cloned(),
            client_address: map.get("client_address").cloned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_reads_back_from_its_stored_map() {
        let metadata = EventMetadata {
            actor: AccountId::from_uuid(Uuid::from_u128(7)),
            actor_role: "plumber".into(),
            recorded_at: DateTime::parse_from_rfc3339("2026-03-01T09:30:00.123456Z")
                .map(|t| t.with_timezone(&Utc))
                .expect("time"),
            correlation_id: Uuid::from_u128(8),
            command: "assign".into(),
            command_id: Uuid::from_u128(9),
            idempotency_key: Some("key-1".into()),
            client_address: None,
        };
        assert_eq!(EventMetadata::from_map(&metadata.to_map()), Ok(metadata));
    }

    #[test]
    fn a_missing_field_is_named() {
        assert_eq!(EventMetadata::from_map(&HashMap::new()), Err(MetadataError("actor")));
    }
}
