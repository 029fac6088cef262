//! An estate to act in: an administrator, and helpers that add staff, residents and requests
//! through the real commands.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use khaki_commands::accounts::{actor_for, open_account, NewAccount, Username};
use khaki_commands::requests::{self, NewRequest};
use khaki_commands::residents::ContactDetails;
use khaki_commands::staff::{onboard, NewStaff};
use khaki_commands::{residents, EventLog, Origin};
use khaki_domain::resident::{FlatNumber, Register, ResidentType};
use khaki_domain::staff::{EmployeeId, EmploymentStatus};
use khaki_domain::{AccountId, Actor, NotificationPreferences, RequestId, StaffRole, Text, TicketNumber};

pub struct Estate<'a> {
    pub log: &'a EventLog,
    pub admin: Actor,
    serial: AtomicU32,
}

/// Every account the fixture opens signs in with this password.
pub const ESTATE_PASSWORD: &str = "estate-password-1";

/// One argon2 hash for every fixture account: hashing is slow and they share the password.
pub fn password_hash() -> Option<String> {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    Some(HASH.get_or_init(|| khaki_commands::password::hash(ESTATE_PASSWORD).expect("hashes")).clone())
}

pub fn text(value: &str) -> Text {
    Text::parse("text", value, 5000).expect("valid text")
}

/// A new account with the given username and made-up details.
pub fn account_named(username: &str) -> NewAccount {
    NewAccount {
        id: AccountId::from_uuid(uuid::Uuid::new_v4()),
        username: Username::parse(username).expect("valid username"),
        email: Some(format!("{}@estate.invalid", username.to_lowercase())),
        display_name: "Someone".into(),
        phone: None,
        password_hash: password_hash(),
    }
}

impl<'a> Estate<'a> {
    pub async fn new(log: &'a EventLog) -> Self {
        let id = AccountId::from_uuid(uuid::Uuid::new_v4());
        let admin = NewAccount {
            id,
            username: Username::parse("estate.warden").expect("valid"),
            email: Some("warden@estate.invalid".into()),
            display_name: "Administrator".into(),
            phone: None,
            password_hash: password_hash(),
        };
        open_account(log, &Origin::system(), &admin, true).await.expect("administrator opened");
        let admin = Actor::administrator(id);
        Self { log, admin, serial: AtomicU32::new(0) }
    }

    fn next(&self) -> u32 {
        self.serial.fetch_add(1, Ordering::SeqCst) + 1
    }

    pub fn as_admin(&self) -> Origin {
        Origin::new(self.admin.clone())
    }

    /// The actor as the store knows them now.
    pub async fn actor(&self, id: AccountId) -> Actor {
        actor_for(self.log.database(), id).await.expect("readable").expect("active account")
    }

    pub fn account(&self, prefix: &str) -> NewAccount {
        let n = self.next();
        let username = format!("{prefix}{n}");
        NewAccount {
            id: AccountId::from_uuid(uuid::Uuid::new_v4()),
            username: Username::parse(&username).expect("valid username"),
            email: Some(format!("{username}@estate.invalid")),
            display_name: format!("Person {n}"),
            phone: Some(format!("+9190000{n:05}")),
            password_hash: password_hash(),
        }
    }

    pub async fn staff(&self, role: StaffRole) -> Actor {
        self.staff_with(role, None, true).await
    }

    pub async fn staff_with(&self, role: StaffRole, supervisor: Option<AccountId>, available_24x7: bool) -> Actor {
        let account = self.account(role.name().split('_').next().unwrap_or("staff"));
        let id = account.id;
        let new = NewStaff {
            employee_id: EmployeeId::parse(&format!("E{}", self.next())).expect("valid"),
            account,
            role,
            department: Text::parse("department", "Estate services", 100).expect("valid"),
            employment: EmploymentStatus::FullTime,
            hire_date: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid"),
            supervisor,
            schedule: None,
            available_24x7,
            notifications: None,
        };
        onboard(self.log, &self.as_admin(), new).await.expect("staff onboarded");
        self.actor(id).await
    }

    pub async fn resident(&self) -> Actor {
        let n = self.next();
        self.resident_at(&format!("A-{n}"), ResidentType::Owner).await
    }

    pub async fn resident_at(&self, flat: &str, kind: ResidentType) -> Actor {
        let account = self.account("resident");
        let id = account.id;
        let register = Register {
            id,
            flat: FlatNumber::parse(flat).expect("valid flat"),
            resident_type: kind,
            committee: false,
            move_in: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid"),
            notifications: NotificationPreferences::default(),
        };
        residents::register(self.log, &self.as_admin(), account, register, ContactDetails::default())
            .await
            .expect("resident registered");
        self.actor(id).await
    }

    /// An account with the auditor right, granted by the administrator.
    pub async fn auditor(&self) -> AccountId {
        let account = self.account("auditor");
        let id = account.id;
        khaki_commands::accounts::open_account(self.log, &Origin::system(), &account, false).await.expect("opened");
        khaki_commands::accounts::change_account(
            self.log,
            &self.as_admin(),
            id,
            khaki_commands::accounts::AccountChange::SetAuditor(true),
        )
        .await
        .expect("auditor right granted");
        id
    }

    pub fn new_request(category: &str) -> NewRequest {
        NewRequest {
            id: RequestId::from_uuid(uuid::Uuid::new_v4()),
            submitter: None,
            title: text("Tap leaking"),
            description: text("The kitchen tap drips all night"),
            category: category.into(),
            location: text("Flat A-101"),
            priority: None,
        }
    }

    /// A request the resident files, and its ticket.
    pub async fn submit(&self, resident: &Actor, category: &str) -> (RequestId, TicketNumber) {
        let new = Self::new_request(category);
        let id = new.id;
        let submitted = requests::submit(self.log, &Origin::new(resident.clone()), new).await.expect("submitted");
        (id, submitted.ticket)
    }
}

/// The actor of an account as the store knows them now.
pub async fn actor_of(log: &EventLog, id: AccountId) -> Actor {
    actor_for(log.database(), id).await.expect("readable").expect("active account")
}
