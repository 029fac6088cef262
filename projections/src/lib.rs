//! Khaki Estate's read side: following the event log in commit-safe order, and the read models
//! built from it.
//!
//! - [`log`]: reading committed events after a cursor, never skipping a late commit.
//! - [`Projection`]: the read models — [`request_list`], [`staff_directory`], [`timeline`],
//!   [`request_facts`] — each applying a batch of events to its own typed tables.
//! - [`Runner`]: keeps every projection current inside `khaki serve`, each batch and its
//!   checkpoint in one transaction (exactly once), one process per projection at a time.
//! - [`rebuild()`]: replays the log into shadow tables and swaps them in, readers undisturbed.
//! - [`status()`] and [`wait_for`]: lag for status, health and metrics; read-your-own-writes.
//! - Queries: [`request_list::list_requests`], [`staff_directory::list_staff`],
//!   [`staff_directory::suitable_staff`], [`timeline::timeline`], [`dashboards`],
//!   [`request_facts::analytics`].

pub mod audit;
pub mod checkpoint;
pub mod dashboards;
mod error;
pub mod facts;
mod lifecycle;
pub mod log;
mod money;
mod projection;
mod rebuild;
pub mod request_facts;
pub mod request_list;
mod runner;
mod sql;
pub mod staff_directory;
mod status;
pub mod store;
mod sums;
mod target;
pub mod timeline;

pub use error::{ProjectionError, QueryError};
pub use facts::Fact;
pub use log::{read_after, Cursor, RecordedEvent};
pub use projection::Projection;
pub use rebuild::{rebuild, Rebuilt};
pub use runner::{advance, catch_up, Activity, Advanced, Runner, RunnerHandle, RunnerSettings};
pub use status::{applied, log_head, status, wait_for, ProjectionStatus, WaitError};
pub use target::{Calendar, Target};
