//! Khaki Estate's read side: following the event log in commit-safe order, and the read models
//! built from it.

pub mod log;

pub use log::{read_after, Cursor, RecordedEvent};
