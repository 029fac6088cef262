//! Khaki Estate's domain: the rules of maintenance requests and staff, as pure functions.
//!
//! Nothing here does I/O, reads a clock or draws a random number: time, the acting person and new
//! ids arrive inside each command, and facts from elsewhere (is the assignee active, how many
//! requests do they hold) are looked up by the command side and passed in. Each aggregate is a
//! folder with `decide` (state + command → events or a refusal) and `evolve` (state + event →
//! state); the `cqrs_es::Aggregate` impls are thin adapters over them.

pub mod account;
pub mod actor;
pub mod assignment;
pub mod category;
pub mod chain;
pub mod contract;
pub mod ids;
pub mod metadata;
pub mod money;
pub mod preferences;
pub mod request;
pub mod resident;
pub mod roles;
pub mod roster;
pub mod staff;
pub mod ticket;
pub mod upcast;
pub mod values;

pub use actor::{Actor, Issued, StaffStanding, Standing, SYSTEM_ACCOUNT};
pub use assignment::{rank_suitable, Candidate, RankedCandidate, Unassignable};
pub use category::{initial_catalogue, Category, Trade};
pub use ids::{AccountId, CommentId, RequestId};
pub use metadata::EventMetadata;
pub use money::Rupees;
pub use preferences::NotificationPreferences;
pub use roles::{can_take_trade, Permission, Permissions, StaffRole};
pub use ticket::TicketNumber;
pub use values::{limits, Priority, Rating, Text};
