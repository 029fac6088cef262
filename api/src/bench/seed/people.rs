//! The bench estate's people, made through commands with ids drawn from the seed, so every seeding
//! path starts from the same accounts.

use std::collections::HashMap;

use chrono::NaiveDate;
use khaki_commands::accounts::{actor_for, open_account, NewAccount, Username};
use khaki_commands::residents::{self, ContactDetails};
use khaki_commands::staff::{onboard, NewStaff};
use khaki_commands::{CommandError, EventLog, Origin};
use khaki_domain::resident::{FlatNumber, Register, ResidentType};
use khaki_domain::staff::{EmployeeId, EmploymentStatus};
use khaki_domain::{AccountId, Actor, NotificationPreferences, StaffRole, Text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Every bench account signs in with this password.
pub const BENCH_PASSWORD: &str = "khaki-bench";

pub struct Cast {
    pub manager: Actor,
    pub staff: HashMap<StaffRole, Vec<Actor>>,
    pub residents: Vec<Actor>,
    pub usernames: HashMap<AccountId, String>,
}

impl Cast {
    pub fn worker(&self, role: StaffRole, n: usize) -> &Actor {
        let team = &self.staff[&role];
        &team[n % team.len()]
    }
}

fn account(rng: &mut StdRng, username: String, hash: &str) -> Result<NewAccount, CommandError> {
    Ok(NewAccount {
        id: AccountId::from_uuid(uuid::Builder::from_random_bytes(rng.gen()).into_uuid()),
        username: Username::parse(&username).map_err(|e| CommandError::invalid("username", e.to_string()))?,
        email: Some(format!("{username}@bench.khaki.invalid")),
        display_name: username.clone(),
        phone: None,
        password_hash: Some(hash.to_owned()),
    })
}

fn text(value: &str) -> Result<Text, CommandError> {
    Text::parse("text", value, 100).map_err(|e| CommandError::invalid("text", e.to_string()))
}

/// The people, made at `at` (so two estates made from one seed are alike to the microsecond).
pub async fn cast(
    log: &EventLog,
    seed: u64,
    residents: usize,
    workers_per_role: usize,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Cast, CommandError> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x006b_6861_6b69);
    let hash = khaki_commands::password::hash(BENCH_PASSWORD).map_err(|e| CommandError::Log(e.to_string()))?;
    let mut usernames = HashMap::new();
    let admin = account(&mut rng, "bench.admin".into(), &hash)?;
    open_account(log, &Origin::system().at(at), &admin, true).await?;
    let as_admin = Origin::system().at(at).acting_as(Actor::administrator(admin.id));
    let mut staff: HashMap<StaffRole, Vec<Actor>> = HashMap::new();
    let mut serial = 0;
    let roles = [
        (StaffRole::FacilityManager, 1),
        (StaffRole::Accountant, 1),
        (StaffRole::MaintenanceSupervisor, workers_per_role),
        (StaffRole::SecurityHead, workers_per_role),
        (StaffRole::Electrician, workers_per_role),
        (StaffRole::Plumber, workers_per_role),
        (StaffRole::Cleaner, workers_per_role),
        (StaffRole::Gardener, workers_per_role),
    ];
    for (role, count) in roles {
        for n in 0..count {
            serial += 1;
            let username = format!("bench.{}.{n}", role.name().replace('_', "-"));
            let new = NewStaff {
                account: account(&mut rng, username.clone(), &hash)?,
                employee_id: EmployeeId::parse(&format!("B{serial:05}"))
                    .map_err(|e| CommandError::invalid("employee_id", e.to_string()))?,
                role,
                department: text("Estate services")?,
                employment: EmploymentStatus::FullTime,
                hire_date: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default(),
                supervisor: None,
                schedule: None,
                available_24x7: false,
                notifications: None,
            };
            let id = new.account.id;
            onboard(log, &as_admin, new).await?;
            usernames.insert(id, username);
            let actor = actor_for(log.database(), id).await?.ok_or_else(|| CommandError::not_found("bench staff"))?;
            staff.entry(role).or_default().push(actor);
        }
    }
    let mut people = Vec::with_capacity(residents);
    for n in 0..residents {
        let username = format!("bench.resident.{n}");
        let new = account(&mut rng, username.clone(), &hash)?;
        let register = Register {
            id: new.id,
            flat: FlatNumber::parse(&format!("B{}-{}", n / 100 + 1, n % 100 + 101))
                .map_err(|e| CommandError::invalid("flat", e.to_string()))?,
            resident_type: ResidentType::Owner,
            committee: false,
            move_in: NaiveDate::from_ymd_opt(2022, 1, 1).unwrap_or_default(),
            notifications: NotificationPreferences::default(),
        };
        let id = new.id;
        residents::register(log, &as_admin, new, register, ContactDetails::default()).await?;
        usernames.insert(id, username);
        people.push(actor_for(log.database(), id).await?.ok_or_else(|| CommandError::not_found("bench resident"))?);
    }
    let manager = staff[&StaffRole::FacilityManager][0].clone();
    Ok(Cast { manager, staff, residents: people, usernames })
}
