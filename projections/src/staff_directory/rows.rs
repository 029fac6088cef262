//! The staff directory's rows: a staff member as their events describe them, and per request the
//! facts staff figures are summed from (who holds it, who resolved it, whose work was rated).

use chrono::{DateTime, NaiveDate, Utc};
use khaki_domain::request::RequestEvent;
use khaki_domain::staff::StaffEvent;
use khaki_domain::{Permission, Permissions};
use serde::Serialize;
use uuid::Uuid;

use crate::facts::Fact;
use crate::lifecycle::Lifecycle;
use crate::store::Cell;

#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct StaffRow {
    pub staff_id: Uuid,
    pub employee_id: String,
    pub role: String,
    pub department: String,
    pub employment: String,
    pub hire_date: NaiveDate,
    pub supervisor_id: Option<Uuid>,
    pub schedule: Option<String>,
    pub available_24x7: bool,
    /// The staff record's active flag.
    pub employed: bool,
    pub access_all: bool,
    pub can_assign: bool,
    pub can_close: bool,
    pub manage_finances: bool,
    pub send_announcements: bool,
    pub onboarded_at: DateTime<Utc>,
    pub last_assigned_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

pub const STAFF_COLUMNS: &[&str] = &[
    "staff_id",
    "employee_id",
    "role",
    "department",
    "employment",
    "hire_date",
    "supervisor_id",
    "schedule",
    "available_24x7",
    "employed",
    "access_all",
    "can_assign",
    "can_close",
    "manage_finances",
    "send_announcements",
    "onboarded_at",
    "last_assigned_at",
    "updated_at",
    "version",
];

impl StaffRow {
    pub fn onboarded(fact: &Fact, event: &StaffEvent) -> Option<Self> {
        let StaffEvent::StaffOnboarded {
            id,
            employee_id,
            role,
            department,
            employment,
            hire_date,
            supervisor,
            schedule,
            available_24x7,
            permissions,
            at,
            ..
        } = event
        else {
            return None;
        };
        let mut row = Self {
            staff_id: id.as_uuid(),
            employee_id: employee_id.to_string(),
            role: role.name().to_owned(),
            department: department.to_string(),
            employment: employment.name().to_owned(),
            hire_date: *hire_date,
            supervisor_id: supervisor.map(|s| s.as_uuid()),
            schedule: schedule.as_ref().map(ToString::to_string),
            available_24x7: *available_24x7,
            employed: true,
            access_all: false,
            can_assign: false,
            can_close: false,
            manage_finances: false,
            send_announcements: false,
            onboarded_at: *at,
            last_assigned_at: None,
            updated_at: *at,
            version: fact.sequence,
        };
        row.set_flags(permissions);
        Some(row)
    }

    pub fn apply(&mut self, fact: &Fact, event: &StaffEvent) {
        match event {
            StaffEvent::StaffOnboarded { .. } | StaffEvent::NotificationPreferencesSet { .. } => {}
            StaffEvent::StaffAppointed { to, .. } => to.name().clone_into(&mut self.role),
            StaffEvent::PermissionGranted { permission, .. } => self.set_flag(*permission, true),
            StaffEvent::PermissionRevoked { permission, .. } => self.set_flag(*permission, false),
            StaffEvent::PermissionsReset { permissions, .. } => self.set_flags(permissions),
            StaffEvent::SupervisorSet { supervisor, .. } => self.supervisor_id = supervisor.map(|s| s.as_uuid()),
            StaffEvent::ProfileRevised { department, .. } => self.department = department.to_string(),
            StaffEvent::AvailabilitySet { available_24x7, schedule, .. } => {
                self.available_24x7 = *available_24x7;
                self.schedule = schedule.as_ref().map(ToString::to_string);
            }
            StaffEvent::EmploymentStatusSet { status, .. } => status.name().clone_into(&mut self.employment),
            StaffEvent::StaffActivated { .. } => self.employed = true,
            StaffEvent::StaffDeactivated { .. } => self.employed = false,
        }
        self.updated_at = fact.recorded_at;
        self.version = self.version.max(fact.sequence);
    }

    fn set_flags(&mut self, permissions: &Permissions) {
        for permission in Permission::ALL {
            self.set_flag(permission, permissions.contains(&permission));
        }
    }

    fn set_flag(&mut self, permission: Permission, held: bool) {
        let flag = match permission {
            Permission::AccessAllRequests => &mut self.access_all,
            Permission::Assign => &mut self.can_assign,
            Permission::Close => &mut self.can_close,
            Permission::ManageFinances => &mut self.manage_finances,
            Permission::SendAnnouncements => &mut self.send_announcements,
        };
        *flag = held;
    }

    /// The flags as the domain's permission set.
    pub fn permissions(&self) -> Permissions {
        let held = [self.access_all, self.can_assign, self.can_close, self.manage_finances, self.send_announcements];
        Permission::ALL.into_iter().zip(held).filter(|(_, held)| *held).map(|(p, _)| p).collect()
    }

    pub fn cells(&self) -> Vec<Cell> {
        vec![
            self.staff_id.into(),
            self.employee_id.as_str().into(),
            self.role.as_str().into(),
            self.department.as_str().into(),
            self.employment.as_str().into(),
            self.hire_date.into(),
            self.supervisor_id.into(),
            self.schedule.clone().into(),
            self.available_24x7.into(),
            self.employed.into(),
            self.access_all.into(),
            self.can_assign.into(),
            self.can_close.into(),
            self.manage_finances.into(),
            self.send_announcements.into(),
            self.onboarded_at.into(),
            self.last_assigned_at.into(),
            self.updated_at.into(),
            self.version.into(),
        ]
    }
}

/// One request as staff figures see it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct HoldingRow {
    pub request_id: Uuid,
    pub submitted_at: DateTime<Utc>,
    pub status: String,
    pub assignee: Option<Uuid>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<Uuid>,
    pub resolution_seconds: Option<i64>,
    pub rated_assignee: Option<Uuid>,
    pub rating: Option<i32>,
}

pub const HOLDING_COLUMNS: &[&str] = &[
    "request_id",
    "submitted_at",
    "status",
    "assignee",
    "resolved_at",
    "resolved_by",
    "resolution_seconds",
    "rated_assignee",
    "rating",
];

/// The figures one request adds to its staff: open assignments, resolutions and their time,
/// ratings and their sum.
pub const FIGURES: &[&str] = &["open_assignments", "resolved", "resolution_seconds", "rated", "rating_sum"];

impl HoldingRow {
    pub fn submitted(fact: &Fact, event: &RequestEvent) -> Option<Self> {
        let RequestEvent::RequestSubmitted { at, .. } = event else { return None };
        Some(Self {
            request_id: fact.id,
            submitted_at: *at,
            status: Lifecycle::submitted().status.name().to_owned(),
            assignee: None,
            resolved_at: None,
            resolved_by: None,
            resolution_seconds: None,
            rated_assignee: None,
            rating: None,
        })
    }

    pub fn apply(&mut self, event: &RequestEvent) {
        // Only the assignee matters here; who assigned is the list's business.
        let mut life = Lifecycle::from_row(&self.status, self.assignee, None);
        life.apply(event);
        life.status.name().clone_into(&mut self.status);
        self.assignee = life.assignee;
        match event {
            RequestEvent::RequestResolved { at, .. } if self.resolved_at.is_none() => {
                self.resolved_at = Some(*at);
                self.resolved_by = self.assignee;
                self.resolution_seconds = Some((*at - self.submitted_at).num_seconds());
            }
            RequestEvent::WorkRated { rating, assignee, .. } => {
                self.rated_assignee = Some(assignee.as_uuid());
                self.rating = Some(i32::from(rating.stars()));
            }
            _ => {}
        }
    }

    /// (staff member, figures) this request adds.
    pub fn figures(&self) -> Vec<(Uuid, [i64; 5])> {
        let mut figures = Vec::new();
        let open = self.status == "assigned" || self.status == "in_progress";
        if let (true, Some(holder)) = (open, self.assignee) {
            figures.push((holder, [1, 0, 0, 0, 0]));
        }
        if let (Some(by), Some(seconds)) = (self.resolved_by, self.resolution_seconds) {
            figures.push((by, [0, 1, seconds, 0, 0]));
        }
        if let (Some(staff), Some(rating)) = (self.rated_assignee, self.rating) {
            figures.push((staff, [0, 0, 0, 1, i64::from(rating)]));
        }
        figures
    }

    pub fn cells(&self) -> Vec<Cell> {
        vec![
            self.request_id.into(),
            self.submitted_at.into(),
            self.status.as_str().into(),
            self.assignee.into(),
            self.resolved_at.into(),
            self.resolved_by.into(),
            self.resolution_seconds.into(),
            self.rated_assignee.into(),
            self.rating.into(),
        ]
    }
}
