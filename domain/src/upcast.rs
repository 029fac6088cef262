//! Upcasters: how an event stored in an older version is read as today's.
//!
//! Every event type is at version "1" today. When a payload's shape changes incompatibly, its
//! `event_version()` is raised and an upcaster from the old version is registered here (a
//! `cqrs_es::persist::SemanticVersionEventUpcaster` with a function from the old JSON to the new);
//! stored events are never rewritten. Everything that reads the log — the command side loading an
//! aggregate, auditors folding history — reads through [`decode`], so they agree.
//! docs/architecture.md ("Events are a stored contract") explains when a new field needs one and
//! when `#[serde(default)]` is enough.

use cqrs_es::persist::{EventUpcaster, SerializedEvent};
use cqrs_es::{Aggregate, EventEnvelope};

pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    Vec::new()
}

/// A stored event, upcast to today's version and deserialised.
pub fn decode<A: Aggregate>(event: SerializedEvent) -> Result<EventEnvelope<A>, String> {
    let mut event = event;
    for upcaster in upcasters() {
        if upcaster.can_upcast(&event.event_type, &event.event_version) {
            event = upcaster.upcast(event);
        }
    }
    EventEnvelope::<A>::try_from(event).map_err(|e| e.to_string())
}

/// Whether some upcaster applies to this type and version (if none does, the stored payload is
/// today's shape and can be read as it is).
pub fn needs_upcast(event_type: &str, event_version: &str) -> bool {
    upcasters().iter().any(|u| u.can_upcast(event_type, event_version))
}
