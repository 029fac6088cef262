//! A staff member as administrators, facility managers and the member themself see them.

use chrono::NaiveDate;
use khaki_commands::accounts::display_names;
use khaki_commands::ledger::candidate;
use khaki_domain::request::may_manage_staff;
use khaki_domain::staff::{StaffMember, StaffRecord};
use khaki_domain::{AccountId, Actor};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::error::ApiError;
use crate::http::requests::view::PersonRef;

#[derive(Serialize, ToSchema)]
pub struct Preferences {
    pub email: bool,
    pub sms: bool,
    pub urgent_only: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StaffView {
    pub id: Uuid,
    pub employee_id: String,
    pub username: String,
    pub display_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    pub department: String,
    pub employment_status: String,
    pub hire_date: NaiveDate,
    pub supervisor: Option<PersonRef>,
    pub schedule: Option<String>,
    pub available_24x7: bool,
    /// Employed; deactivated staff can neither act as staff nor be assigned.
    pub active: bool,
    pub permissions: Vec<String>,
    pub permissions_beyond_role: Vec<String>,
    pub permissions_missing_from_role: Vec<String>,
    pub notifications: Preferences,
    pub open_assignments: u32,
    pub version: u64,
}

/// Who may look at a staff record: staff management and the member themself.
pub fn may_view(viewer: &Actor, staff: AccountId) -> bool {
    may_manage_staff(viewer) || viewer.account == staff
}

pub async fn render(db: &Database, record: &StaffRecord, version: u64) -> Result<StaffView, ApiError> {
    let (username, display_name, email, phone): (String, Option<String>, Option<String>, Option<String>) =
        with_pool!(db, |pool| {
            sqlx::query_as("SELECT username, display_name, email, phone FROM accounts WHERE id = $1")
                .bind(record.id.as_uuid())
                .fetch_one(pool)
                .await
        })
        .map_err(ApiError::from)?;
    let supervisor = match record.supervisor {
        Some(id) => {
            let names = display_names(db, &[id]).await?;
            Some(PersonRef { id: id.as_uuid(), name: names.get(&id).cloned().unwrap_or_default() })
        }
        None => None,
    };
    let difference = record.flags_differing_from_role().unwrap_or_default();
    let names = |flags: &[khaki_domain::Permission]| flags.iter().map(|p| p.name().to_owned()).collect::<Vec<_>>();
    let open = candidate(db, record.id).await?.map_or(0, |c| c.open_assignments);
    Ok(StaffView {
        id: record.id.as_uuid(),
        employee_id: record.employee_id.to_string(),
        username,
        display_name,
        email,
        phone,
        role: record.role.to_string(),
        department: record.department.to_string(),
        employment_status: record.employment.name().to_owned(),
        hire_date: record.hire_date,
        supervisor,
        schedule: record.schedule.as_ref().map(ToString::to_string),
        available_24x7: record.available_24x7,
        active: record.active,
        permissions: record.permissions.iter().map(|p| p.name().to_owned()).collect(),
        permissions_beyond_role: names(&difference.granted_beyond_role),
        permissions_missing_from_role: names(&difference.missing_from_role),
        notifications: Preferences {
            email: record.notifications.email,
            sms: record.notifications.sms,
            urgent_only: record.notifications.urgent_only,
        },
        open_assignments: open,
        version,
    })
}

pub fn record_of(state: &StaffMember, id: AccountId) -> Result<&StaffRecord, ApiError> {
    state.record().ok_or_else(|| ApiError::not_found(format!("no staff member {id}")))
}
