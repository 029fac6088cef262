//! The demo estate's people: an administrator, staff of every role in a reporting chain, and the
//! residents of blocks A–D. Every name and number here is made up.

use chrono::{Duration, NaiveDate, Utc};
use khaki_commands::accounts::{open_account, NewAccount, Username};
use khaki_commands::residents::ContactDetails;
use khaki_commands::staff::{onboard, NewStaff};
use khaki_commands::{residents, CommandError, EventLog, Origin};
use khaki_domain::resident::{FlatNumber, Register, ResidentType};
use khaki_domain::staff::{EmployeeId, EmploymentStatus};
use khaki_domain::{AccountId, Actor, NotificationPreferences, StaffRole, Text};
use rand::rngs::StdRng;
use rand::Rng;

const FIRST: [&str; 24] = [
    "Aarav", "Diya", "Kabir", "Meera", "Rohan", "Isha", "Vikram", "Anaya", "Nikhil", "Tara", "Arjun", "Leela", "Dev",
    "Sana", "Kiran", "Neel", "Priya", "Omkar", "Ritu", "Samar", "Zoya", "Yash", "Gauri", "Manav",
];
const LAST: [&str; 16] = [
    "Acharya", "Bhat", "Chandran", "Dutta", "Eswar", "Gokhale", "Haldar", "Iyer", "Joshi", "Kulkarni", "Lal", "Menon",
    "Nair", "Pillai", "Rao", "Sen",
];

pub struct Person {
    pub id: AccountId,
    pub actor: Actor,
}

pub struct Staffing {
    pub manager: Person,
    pub staff: Vec<(StaffRole, AccountId)>,
}

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "khaki-demo";

fn name(rng: &mut StdRng) -> String {
    format!("{} {}", FIRST[rng.gen_range(0..FIRST.len())], LAST[rng.gen_range(0..LAST.len())])
}

fn account(
    username: &str,
    display_name: String,
    password_hash: &str,
    phone: Option<String>,
) -> Result<NewAccount, CommandError> {
    Ok(NewAccount {
        id: AccountId::from_uuid(uuid::Uuid::new_v4()),
        username: Username::parse(username).map_err(|e| CommandError::invalid("username", e.to_string()))?,
        email: Some(format!("{username}@demo.khaki.invalid")),
        display_name,
        phone,
        password_hash: Some(password_hash.to_owned()),
    })
}

fn text(field: &'static str, value: &str) -> Result<Text, CommandError> {
    Text::parse(field, value, 500).map_err(|e| CommandError::invalid(field, e.to_string()))
}

pub async fn administrator(log: &EventLog, password_hash: &str) -> Result<Person, CommandError> {
    let admin = account("admin", "Estate Administrator".into(), password_hash, None)?;
    open_account(log, &Origin::system(), &admin, true).await?;
    let actor = Actor::administrator(admin.id);
    Ok(Person { id: admin.id, actor })
}

/// Staff of every role: the facility manager at the top, supervisors and the security head and
/// accountant under them, technicians and cleaners under the supervisors.
pub async fn staff(
    log: &EventLog,
    admin: &Person,
    password_hash: &str,
    rng: &mut StdRng,
) -> Result<Staffing, CommandError> {
    use StaffRole::*;
    // (role, username, reports to: index into this list)
    let plan: [(StaffRole, &str, Option<usize>); 16] = [
        (FacilityManager, "fm.meera", None),
        (MaintenanceSupervisor, "sup.arjun", Some(0)),
        (MaintenanceSupervisor, "sup.leela", Some(0)),
        (Accountant, "acct.kiran", Some(0)),
        (SecurityHead, "sec.vikram", Some(0)),
        (Electrician, "elec.dev", Some(1)),
        (Electrician, "elec.sana", Some(1)),
        (Electrician, "elec.omkar", Some(1)),
        (Plumber, "plumb.ritu", Some(1)),
        (Plumber, "plumb.samar", Some(1)),
        (Plumber, "plumb.yash", Some(1)),
        (Cleaner, "clean.gauri", Some(2)),
        (Cleaner, "clean.manav", Some(2)),
        (Cleaner, "clean.tara", Some(2)),
        (Gardener, "garden.neel", Some(2)),
        (Gardener, "garden.zoya", Some(2)),
    ];
    let origin = Origin::system().acting_as(admin.actor.clone());
    let mut ids: Vec<AccountId> = Vec::new();
    for (n, (role, username, reports_to)) in plan.iter().enumerate() {
        let phone = Some(format!("+9190000{:05}", 10 + n));
        let new = NewStaff {
            account: account(username, name(rng), password_hash, phone)?,
            employee_id: EmployeeId::parse(&format!("EMP-{:03}", n + 1))
                .map_err(|e| CommandError::invalid("employee_id", e.to_string()))?,
            role: *role,
            department: text("department", if matches!(role, Accountant) { "Accounts" } else { "Estate services" })?,
            employment: if n % 5 == 4 { EmploymentStatus::Contract } else { EmploymentStatus::FullTime },
            hire_date: NaiveDate::from_ymd_opt(2022, 1 + (n as u32 % 12), 1).unwrap_or_default(),
            supervisor: reports_to.map(|i| ids[i]),
            schedule: Some(text("schedule", "Mon–Sat 09:00–18:00")?),
            // The manager, the security head and one of each trade cover nights.
            available_24x7: matches!(n, 0 | 4 | 5 | 8 | 11 | 14),
            notifications: None,
        };
        let id = new.account.id;
        onboard(log, &origin, new).await?;
        ids.push(id);
    }
    let manager = khaki_commands::accounts::actor_for(log.database(), ids[0])
        .await?
        .ok_or_else(|| CommandError::not_found("facility manager"))?;
    let staff = plan.iter().map(|(role, ..)| *role).zip(ids.iter().copied()).collect();
    Ok(Staffing { manager: Person { id: ids[0], actor: manager }, staff })
}

/// Owners for nearly every flat of blocks A–D (floors 1–5, ten flats a floor), tenants in some,
/// family members in a few; five owners sit on the committee.
pub async fn residents(
    log: &EventLog,
    admin: &Person,
    password_hash: &str,
    rng: &mut StdRng,
) -> Result<Vec<AccountId>, CommandError> {
    let origin = Origin::system().acting_as(admin.actor.clone());
    let mut people = Vec::new();
    let mut serial = 0u32;
    for block in ["A", "B", "C", "D"] {
        for floor in 1..=5 {
            for flat in 1..=10 {
                let flat = format!("{block}-{floor}{flat:02}");
                let mut kinds = vec![ResidentType::Owner];
                if rng.gen_bool(0.25) {
                    kinds.push(ResidentType::Tenant);
                }
                if rng.gen_bool(0.1) {
                    kinds.push(ResidentType::Family);
                }
                for kind in kinds {
                    serial += 1;
                    let username = format!("{}.{}", flat.to_lowercase().replace('-', ""), kind.name());
                    let new = account(&username, name(rng), password_hash, Some(format!("+9198{:08}", serial)))?;
                    let register = Register {
                        id: new.id,
                        flat: FlatNumber::parse(&flat).map_err(|e| CommandError::invalid("flat", e.to_string()))?,
                        resident_type: kind,
                        committee: kind == ResidentType::Owner && serial % 40 == 1,
                        move_in: (Utc::now() - Duration::days(400 + i64::from(serial % 900))).date_naive(),
                        notifications: NotificationPreferences::default(),
                    };
                    let id = new.id;
                    residents::register(log, &origin, new, register, ContactDetails::default()).await?;
                    people.push(id);
                }
            }
        }
    }
    Ok(people)
}
