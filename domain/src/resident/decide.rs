//! `decide` for residents (SPEC §1 "Residents"). The one-owner-and-one-tenant-per-flat rule
//! spans residents, so the command side enforces it where all flats are seen at once.

use crate::actor::Issued;
use crate::request::may_manage_staff;
use crate::resident::command::ResidentCommand;
use crate::resident::event::ResidentEvent;
use crate::resident::refusal::ResidentRefusal;
use crate::resident::state::Resident;

type Decision = Result<Vec<ResidentEvent>, ResidentRefusal>;

pub fn decide(state: &Resident, issued: &Issued<ResidentCommand>) -> Decision {
    let Issued { by, at, command } = issued;
    let at = *at;
    let manager = by.is_system() || may_manage_staff(by);
    match (state, command) {
        (Resident::NotRegistered, ResidentCommand::Register(register)) => {
            if !manager {
                return Err(ResidentRefusal::NotResidentManagement);
            }
            Ok(vec![ResidentEvent::ResidentRegistered {
                id: register.id,
                flat: register.flat.clone(),
                resident_type: register.resident_type,
                committee: register.committee,
                move_in: register.move_in,
                notifications: register.notifications,
                at,
            }])
        }
        (Resident::Registered(_), ResidentCommand::Register(_)) => Err(ResidentRefusal::AlreadyRegistered),
        (Resident::NotRegistered, _) => Err(ResidentRefusal::NotFound),
        (Resident::Registered(record), command) => {
            let own =
                matches!(command, ResidentCommand::SetNotifications { .. } | ResidentCommand::RecordContactChange);
            if !(manager || (own && by.account == record.id)) {
                return Err(if own {
                    ResidentRefusal::NotSelfOrResidentManagement
                } else {
                    ResidentRefusal::NotResidentManagement
                });
            }
            let when = |differs: bool, event: ResidentEvent| {
                if differs {
                    vec![event]
                } else {
                    Vec::new()
                }
            };
            match command {
                ResidentCommand::Register(_) => Err(ResidentRefusal::AlreadyRegistered),
                ResidentCommand::SetCommittee { member } => {
                    Ok(when(*member != record.committee, ResidentEvent::CommitteeMembershipSet { member: *member, at }))
                }
                ResidentCommand::SetNotifications { preferences } => Ok(when(
                    *preferences != record.notifications,
                    ResidentEvent::NotificationPreferencesSet { preferences: *preferences, at },
                )),
                ResidentCommand::RecordContactChange => Ok(vec![ResidentEvent::ContactDetailsRevised { at }]),
                ResidentCommand::MoveOut { .. } if !record.lives_there_on(at.date_naive()) => {
                    Err(ResidentRefusal::MovedOut)
                }
                ResidentCommand::MoveOut { on } if *on < record.move_in => Err(ResidentRefusal::MoveOutBeforeMoveIn),
                ResidentCommand::MoveOut { on } => Ok(vec![ResidentEvent::ResidentMovedOut { on: *on, at }]),
            }
        }
    }
}
