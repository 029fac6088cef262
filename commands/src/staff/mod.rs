//! Staff management use cases (SPEC §1 "Staff"): onboarding, roles and flags, the reporting
//! chain, availability and preferences, activation — singly; bulk runs these per member.

mod deactivate;

pub use deactivate::deactivate;

use chrono::NaiveDate;
use khaki_domain::account::AccountKind;
use khaki_domain::staff::{EmployeeId, EmploymentStatus, Onboard, StaffCommand, StaffMember};
use khaki_domain::{AccountId, NotificationPreferences, StaffRole, Text};
use uuid::Uuid;

use crate::accounts::{open_in, NewAccount};
use crate::error::CommandError;
use crate::ledger::supervisor_facts;
use crate::log::{retrying, EventLog, Executed};
use crate::origin::Origin;

#[derive(Clone, Debug)]
pub struct NewStaff {
    pub account: NewAccount,
    pub employee_id: EmployeeId,
    pub role: StaffRole,
    pub department: Text,
    pub employment: EmploymentStatus,
    pub hire_date: NaiveDate,
    pub supervisor: Option<AccountId>,
    pub schedule: Option<Text>,
    pub available_24x7: bool,
    pub notifications: Option<NotificationPreferences>,
}

/// Opens the staff member's account and onboards them, in one transaction.
#[tracing::instrument(skip_all, fields(staff = %new.account.id, role = %new.role))]
pub async fn onboard(log: &EventLog, origin: &Origin, new: NewStaff) -> Result<Executed<StaffMember>, CommandError> {
    let id = new.account.id;
    let loaded = log.load::<StaffMember>(&id.to_string()).await?;
    let mut tx = log.begin().await?;
    let command_id = Uuid::new_v4();
    let supervisor = match new.supervisor {
        Some(proposed) => Some(supervisor_facts(&mut tx, id, proposed).await?),
        None => None,
    };
    let command = StaffCommand::Onboard(Onboard {
        id,
        employee_id: new.employee_id,
        role: new.role,
        department: new.department,
        employment: new.employment,
        hire_date: new.hire_date,
        supervisor,
        schedule: new.schedule,
        available_24x7: new.available_24x7,
        notifications: new.notifications,
    });
    // Permission first, then uniqueness: the decision is made before the account row is written.
    let decided = loaded.decide("onboard", origin.issue(command)).await?;
    open_in(log, &mut tx, origin, &new.account, AccountKind::Staff, false, command_id).await?;
    let executed = decided.append_to(log, &mut tx, origin, command_id).await?;
    tx.commit().await?;
    Ok(executed)
}

/// Runs a staff command that needs no facts from elsewhere (role, flags, profile, availability,
/// preferences, employment status, activation).
#[tracing::instrument(skip_all, fields(staff = %id, command = name))]
pub async fn change(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    name: &'static str,
    command: StaffCommand,
) -> Result<Executed<StaffMember>, CommandError> {
    retrying(origin, || async {
        let loaded = log.load::<StaffMember>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        loaded.decide(name, origin.issue(command.clone())).await?.commit(log, origin).await
    })
    .await
}

/// Sets (or with `None` removes) a staff member's supervisor. The cycle check and the change are
/// one transaction under the reporting-chain lock.
#[tracing::instrument(skip_all, fields(staff = %id))]
pub async fn set_supervisor(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    supervisor: Option<AccountId>,
) -> Result<Executed<StaffMember>, CommandError> {
    retrying(origin, || async {
        let loaded = log.load::<StaffMember>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        let mut tx = log.begin().await?;
        let facts = match supervisor {
            Some(proposed) => Some(supervisor_facts(&mut tx, id, proposed).await?),
            None => None,
        };
        let decided =
            loaded.decide("set_supervisor", origin.issue(StaffCommand::SetSupervisor { supervisor: facts })).await?;
        let executed = decided.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(executed)
    })
    .await
}
