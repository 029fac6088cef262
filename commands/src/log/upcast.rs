//! Upcasters: how an event stored in an older version is read as today's.
//!
//! Every event type is at version "1" today. When a payload's shape changes incompatibly, its
//! `event_version()` is raised and an upcaster from the old version is registered here (a
//! `cqrs_es::persist::SemanticVersionEventUpcaster` with a function from the old JSON to the new);
//! stored events are never rewritten. docs/architecture.md ("Events are a stored contract")
//! explains when a new field needs one and when `#[serde(default)]` is enough.

use cqrs_es::persist::EventUpcaster;

pub fn upcasters() -> Vec<Box<dyn EventUpcaster>> {
    Vec::new()
}
