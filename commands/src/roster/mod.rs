//! The owners' roster: importing the estate's CSV, owners claiming their flat, and reading it.

mod import;
mod list;
mod parse;

pub use import::{claim_in, import, ImportReport};
pub use list::{list_roster, RosterFilter, RosterListing, RosterPage, RosterPageAsked, MOST_PER_PAGE};
pub use parse::{normalise_phone, owner_names, parse, LineError, RosterLine};
