//! Khaki Estate's command side: one async function per use case. Each looks up the facts its
//! rules need, runs the domain's decision, and records the result in the event log together with
//! the cross-aggregate ledger, correctly under any number of concurrent callers and servers.

pub mod accounts;
mod error;
pub mod idempotency;
pub mod ledger;
pub mod log;
mod origin;
pub mod password;
pub mod requests;
pub mod residents;
pub mod roster;
mod rules;
pub mod sessions;
pub mod staff;
mod visibility;

pub use error::{CommandError, Refusal};
pub use log::{Decided, EventLog, Executed, Loaded};
pub use origin::Origin;
pub use rules::Rules;
pub use visibility::{ensure_visible, load_visible_request, reports_for};
