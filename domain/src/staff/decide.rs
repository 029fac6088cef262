//! `decide` for staff records: SPEC §1 "Staff" and staff management.

use chrono::{DateTime, Utc};

use crate::actor::{Actor, Issued};
use crate::ids::AccountId;
use crate::request::may_manage_staff;
use crate::staff::command::{Onboard, StaffCommand, SupervisorFacts};
use crate::staff::event::StaffEvent;
use crate::staff::refusal::StaffRefusal;
use crate::staff::state::{StaffMember, StaffRecord};

type Decision = Result<Vec<StaffEvent>, StaffRefusal>;

pub fn decide(state: &StaffMember, issued: &Issued<StaffCommand>) -> Decision {
    let Issued { by, at, command } = issued;
    let at = *at;
    match (state, command) {
        (StaffMember::NotOnboarded, StaffCommand::Onboard(onboard)) => {
            managing(by)?;
            onboard_member(onboard, at)
        }
        (StaffMember::Onboarded(_), StaffCommand::Onboard(_)) => Err(StaffRefusal::AlreadyOnboarded),
        (StaffMember::NotOnboarded, _) => Err(StaffRefusal::NotFound),
        (StaffMember::Onboarded(record), command) => {
            let own_settings =
                matches!(command, StaffCommand::SetAvailability { .. } | StaffCommand::SetNotifications { .. });
            if own_settings && by.account == record.id {
                // Staff set their own availability and preferences.
            } else if !may_manage_staff(by) {
                return Err(if own_settings {
                    StaffRefusal::NotSelfOrStaffManagement
                } else {
                    StaffRefusal::NotStaffManagement
                });
            }
            decide_on_record(record, at, command)
        }
    }
}

fn managing(by: &Actor) -> Result<(), StaffRefusal> {
    if may_manage_staff(by) {
        Ok(())
    } else {
        Err(StaffRefusal::NotStaffManagement)
    }
}

fn onboard_member(onboard: &Onboard, at: DateTime<Utc>) -> Decision {
    if let Some(supervisor) = &onboard.supervisor {
        check_supervisor(onboard.id, supervisor)?;
    }
    Ok(vec![StaffEvent::StaffOnboarded {
        id: onboard.id,
        employee_id: onboard.employee_id.clone(),
        role: onboard.role,
        department: onboard.department.clone(),
        employment: onboard.employment,
        hire_date: onboard.hire_date,
        supervisor: onboard.supervisor.as_ref().map(|s| s.staff),
        schedule: onboard.schedule.clone(),
        available_24x7: onboard.available_24x7,
        permissions: onboard.role.default_permissions(),
        notifications: onboard.notifications.unwrap_or_else(|| onboard.role.default_notifications()),
        at,
    }])
}

fn decide_on_record(record: &StaffRecord, at: DateTime<Utc>, command: &StaffCommand) -> Decision {
    // Commands that would change nothing record nothing, so bulk operations can say "unchanged".
    let when = |differs: bool, event: StaffEvent| if differs { vec![event] } else { Vec::new() };
    Ok(match command {
        StaffCommand::Onboard(_) => return Err(StaffRefusal::AlreadyOnboarded),
        StaffCommand::ChangeRole { role, reset_permissions } => {
            let mut events =
                when(*role != record.role, StaffEvent::StaffAppointed { from: record.role, to: *role, at });
            let defaults = role.default_permissions();
            if *reset_permissions && defaults != record.permissions {
                events.push(StaffEvent::PermissionsReset { permissions: defaults, at });
            }
            events
        }
        StaffCommand::Grant { permission } => when(
            !record.permissions.contains(permission),
            StaffEvent::PermissionGranted { permission: *permission, at },
        ),
        StaffCommand::Revoke { permission } => {
            when(record.permissions.contains(permission), StaffEvent::PermissionRevoked { permission: *permission, at })
        }
        StaffCommand::ResetPermissions => {
            let defaults = record.role.default_permissions();
            when(defaults != record.permissions, StaffEvent::PermissionsReset { permissions: defaults, at })
        }
        StaffCommand::SetSupervisor { supervisor } => {
            if let Some(facts) = supervisor {
                check_supervisor(record.id, facts)?;
            }
            let chosen = supervisor.as_ref().map(|s| s.staff);
            when(chosen != record.supervisor, StaffEvent::SupervisorSet { supervisor: chosen, at })
        }
        StaffCommand::ReviseProfile { department } => {
            when(*department != record.department, StaffEvent::ProfileRevised { department: department.clone(), at })
        }
        StaffCommand::SetAvailability { available_24x7, schedule } => when(
            *available_24x7 != record.available_24x7 || *schedule != record.schedule,
            StaffEvent::AvailabilitySet { available_24x7: *available_24x7, schedule: schedule.clone(), at },
        ),
        StaffCommand::SetNotifications { preferences } => when(
            *preferences != record.notifications,
            StaffEvent::NotificationPreferencesSet { preferences: *preferences, at },
        ),
        StaffCommand::SetEmployment { status } => {
            when(*status != record.employment, StaffEvent::EmploymentStatusSet { status: *status, at })
        }
        StaffCommand::Activate => when(!record.active, StaffEvent::StaffActivated { at }),
        StaffCommand::Deactivate => when(record.active, StaffEvent::StaffDeactivated { at }),
    })
}

/// A supervisor is another active staff member, and the choice never closes a loop in the
/// reporting chain.
fn check_supervisor(member: AccountId, supervisor: &SupervisorFacts) -> Result<(), StaffRefusal> {
    if supervisor.staff == member {
        Err(StaffRefusal::SupervisorIsSelf)
    } else if !supervisor.active_staff {
        Err(StaffRefusal::SupervisorNotActive)
    } else if supervisor.reports_to_member {
        Err(StaffRefusal::SupervisorCycle)
    } else {
        Ok(())
    }
}
