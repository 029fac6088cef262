//! Audit: tamper evidence over the log (links per stream, signed Merkle checkpoints of the whole
//! log), verification, offline bundles, and the history of a request or staff member as an
//! auditor reads it. docs/audit.md explains the design.

pub mod bundle;
pub mod history;
pub mod key;
pub mod log;
pub mod merkle;
pub mod seal;
pub mod verify;

pub use seal::{checkpoints, latest, seal, unsealed, Checkpoint, SealError};
pub use verify::{verify_log, verify_log_in_batches, verify_stream, Problem, Verification};
