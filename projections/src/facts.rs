//! Reading stored events back as the domain's event enums, so projections match on typed facts
//! and never on JSON. Every aggregate whose events can be in the log is registered here once
//! ([`AGGREGATES`]); an event of any other type is an error the runner reports, never a skip.

use chrono::{DateTime, Utc};
use cqrs_es::persist::SerializedEvent;
use cqrs_es::Aggregate;
use khaki_domain::account::{Account, AccountEvent};
use khaki_domain::request::{MaintenanceRequest, RequestEvent};
use khaki_domain::resident::{Resident, ResidentEvent};
use khaki_domain::roster::{RosterEntry, RosterEvent};
use khaki_domain::staff::{StaffEvent, StaffMember};
use khaki_domain::{contract, upcast};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ProjectionError;
use crate::log::{Cursor, RecordedEvent};

/// One recorded event, decoded by its aggregate type.
#[derive(Clone, Debug, PartialEq)]
pub struct Fact {
    /// The aggregate's id (a request's or an account's). A stream keyed by something other than
    /// a UUID (a roster entry, by its flat) has the name-based UUID of its key, stable and unique.
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
    Roster(RosterEvent),
}

/// An aggregate the read side decodes: which [`Event`] its events become.
trait Followed: Aggregate {
    fn fact(event: Self::Event) -> Event;
}

impl Followed for MaintenanceRequest {
    fn fact(event: RequestEvent) -> Event {
        Event::Request(event)
    }
}

impl Followed for StaffMember {
    fn fact(event: StaffEvent) -> Event {
        Event::Staff(event)
    }
}

impl Followed for Account {
    fn fact(event: AccountEvent) -> Event {
        Event::Account(event)
    }
}

impl Followed for Resident {
    fn fact(event: ResidentEvent) -> Event {
        Event::Resident(event)
    }
}

impl Followed for RosterEntry {
    fn fact(event: RosterEvent) -> Event {
        Event::Roster(event)
    }
}

type Decode = fn(&RecordedEvent) -> Result<Event, String>;

/// One aggregate as the read side knows it: its stored type name, how its events are decoded, and
/// every event type it can emit (from the event enum's own serde derive).
pub struct Registered {
    pub aggregate_type: &'static str,
    decode: Decode,
    pub event_types: fn() -> &'static [&'static str],
}

const fn registered<A: Followed>() -> Registered {
    Registered { aggregate_type: A::TYPE, decode: decode_as::<A>, event_types: contract::event_types::<A::Event> }
}

/// Every aggregate that can be in the log. A new aggregate adds a line (and a [`Followed`] impl).
pub const AGGREGATES: &[Registered] = &[
    registered::<MaintenanceRequest>(),
    registered::<StaffMember>(),
    registered::<Account>(),
    registered::<Resident>(),
    registered::<RosterEntry>(),
];

fn decode_as<A: Followed>(recorded: &RecordedEvent) -> Result<Event, String> {
    payload::<A>(recorded).map(A::fact)
}

/// Names streams that are not keyed by a UUID ("khaki-estate stream" as a v5 namespace).
const STREAM_NAMESPACE: Uuid = Uuid::from_u128(0x6b68_616b_692d_7374_7265_616d_0000_0001);

fn stream_id(aggregate_id: &str) -> Uuid {
    Uuid::parse_str(aggregate_id).unwrap_or_else(|_| Uuid::new_v5(&STREAM_NAMESPACE, aggregate_id.as_bytes()))
}

impl Fact {
    pub fn position(&self) -> i64 {
        self.cursor.position
    }

    /// Decodes one stored event. A payload that does not read as today's event (or through an
    /// upcaster), or an aggregate type nobody registered, is an error the runner reports (and
    /// retries), never a silent skip.
    pub fn decode(recorded: &RecordedEvent) -> Result<Self, ProjectionError> {
        let undecodable = |message: String| ProjectionError::Undecodable {
            position: recorded.position,
            event_type: recorded.event_type.clone(),
            message,
        };
        let decode =
            AGGREGATES.iter().find(|a| a.aggregate_type == recorded.aggregate_type).map(|a| a.decode).ok_or_else(
                || undecodable(format!("no reader knows the aggregate type '{}'", recorded.aggregate_type)),
            )?;
        let event = decode(recorded).map_err(undecodable)?;
        let id = stream_id(&recorded.aggregate_id);
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
