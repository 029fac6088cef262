//! The owners' roster: importing the estate's CSV, and owners claiming their flat.

mod import;
mod parse;

pub use import::{claim_in, import, ImportReport};
pub use parse::{normalise_phone, owner_names, parse, LineError, RosterLine};
