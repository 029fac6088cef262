//! Reading stored events back as the domain's event enums, so projections match on typed facts
//! and never on JSON.

use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use khaki_domain::account::{Account, AccountEvent};
use khaki_domain::request::{MaintenanceRequest, RequestEvent};
use khaki_domain::resident::{Resident, ResidentEvent};
use khaki_domain::staff::{StaffEvent, StaffMember};
use khaki_domain::upcast;
use serde::Deserialize;
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
        let event = match recorded.aggregate_type.as_str() {
            "MaintenanceRequest" => Event::Request(payload::<MaintenanceRequest>(recorded).map_err(undecodable)?),
            "Staff" => Event::Staff(payload::<StaffMember>(recorded).map_err(undecodable)?),
            "Account" => Event::Account(payload::<Account>(recorded).map_err(undecodable)?),
            "Resident" => Event::Resident(payload::<Resident>(recorded).map_err(undecodable)?),
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

/// The event as today's type: read as stored, or through the domain's upcasters when an older
/// version is stored (the same upcasters the command side reads through).
fn payload<A: Aggregate>(recorded: &RecordedEvent) -> Result<A::Event, String> {
    if !upcast::needs_upcast(&recorded.event_type, &recorded.event_version) {
        return A::Event::deserialize(&recorded.payload).map_err(|e| e.to_string());
    }
    let stored = SerializedEvent::new(
        recorded.aggregate_id.clone(),
        usize::try_from(recorded.sequence).unwrap_or(0),
        recorded.aggregate_type.clone(),
        recorded.event_type.clone(),
        recorded.event_version.clone(),
        recorded.payload.clone(),
        recorded.metadata.clone(),
    );
    upcast::decode::<A>(stored).map(|envelope| envelope.payload)
}
