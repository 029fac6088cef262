//! Reading stored events back as the domain's event enums, so projections match on typed facts
//! and never on JSON.

use chrono::{DateTime, Utc};
use khaki_domain::account::AccountEvent;
use khaki_domain::request::RequestEvent;
use khaki_domain::resident::ResidentEvent;
use khaki_domain::staff::StaffEvent;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::log::{Cursor, RecordedEvent};

/// One recorded event, decoded by its aggregate type.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The aggregate's id (a request's or an account's).
    pub id: Uuid,
    /// Its place in the aggregate's stream.
    pub sequence: i64,
    pub cursor: Cursor,
    /// Who caused it, from the event's metadata (the system's nil id when absent).
    pub actor: Uuid,
    pub recorded_at: DateTime<Utc>,
    pub event: Event,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    Request(RequestEvent),
    Staff(StaffEvent),
    Account(AccountEvent),
    Resident(ResidentEvent),
    /// An aggregate no read model follows yet (a later feature's); skipped, never an error.
    Other,
}

impl Fact {
    pub fn position(&self) -> i64 {
        self.cursor.position
    }

    /// Decodes one stored event. Every event type is at version "1"; a payload that does not read
    /// as today's event is an error the runner reports (and stops at), never a silent skip.
    pub fn decode(recorded: &RecordedEvent) -> Result<Self, ProjectionError> {
        let undecodable = |message: String| ProjectionError::Undecodable {
            position: recorded.position,
            event_type: recorded.event_type.clone(),
            message,
        };
        let id = Uuid::parse_str(&recorded.aggregate_id).map_err(|e| undecodable(e.to_string()))?;
        if recorded.event_version != "1" {
            return Err(undecodable(format!(
                "event version {} has no upcaster on the read side",
                recorded.event_version
            )));
        }
        let event = match recorded.aggregate_type.as_str() {
            "MaintenanceRequest" => Event::Request(payload(recorded).map_err(undecodable)?),
            "Staff" => Event::Staff(payload(recorded).map_err(undecodable)?),
            "Account" => Event::Account(payload(recorded).map_err(undecodable)?),
            "Resident" => Event::Resident(payload(recorded).map_err(undecodable)?),
            _ => Event::Other,
        };
        let actor = recorded
            .metadata
            .get("actor")
            .and_then(|a| a.as_str())
            .and_then(|a| Uuid::parse_str(a).ok())
            .unwrap_or(Uuid::nil());
        Ok(Self {
            id,
            sequence: recorded.sequence,
            cursor: recorded.cursor(),
            actor,
            recorded_at: recorded.recorded_at,
            event,
        })
    }

    pub fn decode_all(recorded: &[RecordedEvent]) -> Result<Vec<Self>, ProjectionError> {
        recorded.iter().map(Self::decode).collect()
    }
}

fn payload<E: DeserializeOwned>(recorded: &RecordedEvent) -> Result<E, String> {
    E::deserialize(&recorded.payload).map_err(|e| e.to_string())
}
