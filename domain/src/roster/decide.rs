//! `decide` for roster entries.

use crate::actor::Issued;
use crate::request::may_manage_staff;
use crate::roster::{RosterCommand, RosterEntry, RosterEvent, RosterRefusal};

pub fn decide(state: &RosterEntry, issued: &Issued<RosterCommand>) -> Result<Vec<RosterEvent>, RosterRefusal> {
    let Issued { by, at, command } = issued;
    let at = *at;
    if !(by.is_system() || may_manage_staff(by)) {
        return Err(RosterRefusal::NotRosterManagement);
    }
    match (state, command) {
        (RosterEntry::NotImported, RosterCommand::Import { flat, line }) => {
            Ok(vec![RosterEvent::RosterEntryImported { flat: flat.clone(), line: *line, at }])
        }
        (_, RosterCommand::Import { .. }) => Err(RosterRefusal::AlreadyImported),
        (RosterEntry::NotImported, _) => Err(RosterRefusal::NotFound),
        (_, RosterCommand::Revise { line }) => Ok(vec![RosterEvent::RosterEntryRevised { line: *line, at }]),
        (RosterEntry::Waiting { .. }, RosterCommand::Claim { account }) => {
            Ok(vec![RosterEvent::RosterEntryClaimed { account: *account, at }])
        }
        (RosterEntry::Claimed { .. }, RosterCommand::Claim { .. }) => Err(RosterRefusal::AlreadyClaimed),
    }
}
