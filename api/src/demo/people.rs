//! The demo estate's people: an administrator, staff of every role in a reporting chain, and the
//! residents of blocks A–D. Every name and number here is made up. Usernames are made from
//! people's names (`meera.menon`), so whoever signs in can tell who they are; the few README
//! names are fixed whatever the seed.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, Utc};
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

/// The administrator's username, the one that is not a person's name.
pub const ADMINISTRATOR: &str = "admin";
/// A few of the usernames README.md lists, made from the fixed names below.
pub const FACILITY_MANAGER: &str = "meera.menon";
pub const PLUMBER: &str = "ritu.sen";
pub const OWNER_OF_A101: &str = "asha.verma";

/// The staff, each with their role and whom they report to (an index into this list): the
/// facility manager at the top, supervisors, the security head and the accountant under them,
/// technicians and cleaners under the supervisors. The same people whatever the seed.
const STAFF: [(StaffRole, &str, Option<usize>); 16] = [
    (StaffRole::FacilityManager, "Meera Menon", None),
    (StaffRole::MaintenanceSupervisor, "Arjun Bhat", Some(0)),
    (StaffRole::MaintenanceSupervisor, "Leela Iyer", Some(0)),
    (StaffRole::Accountant, "Kiran Kulkarni", Some(0)),
    (StaffRole::SecurityHead, "Vikram Rao", Some(0)),
    (StaffRole::Electrician, "Dev Acharya", Some(1)),
    (StaffRole::Electrician, "Sana Dutta", Some(1)),
    (StaffRole::Electrician, "Omkar Joshi", Some(1)),
    (StaffRole::Plumber, "Ritu Sen", Some(1)),
    (StaffRole::Plumber, "Samar Lal", Some(1)),
    (StaffRole::Plumber, "Yash Haldar", Some(1)),
    (StaffRole::Cleaner, "Gauri Eswar", Some(2)),
    (StaffRole::Cleaner, "Manav Pillai", Some(2)),
    (StaffRole::Cleaner, "Tara Gokhale", Some(2)),
    (StaffRole::Gardener, "Neel Chandran", Some(2)),
    (StaffRole::Gardener, "Zoya Nair", Some(2)),
];

/// Owners whose names are fixed whatever the seed, so the README can name them: the owner of
/// A-101 (on the committee) and of A-102.
const NAMED_OWNERS: [(&str, &str); 2] = [("A-101", "Asha Verma"), ("A-102", "Farhan Qureshi")];

pub struct Person {
    pub id: AccountId,
    pub actor: Actor,
}

pub struct Staffing {
    pub manager: Person,
    pub staff: Vec<(StaffRole, AccountId)>,
}

/// A resident and the flat they live in, where their requests are.
pub struct Resident {
    pub id: AccountId,
    pub flat: FlatNumber,
}

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "khaki-demo";

/// The estate was set up this long before today: before every hire, move-in and request.
const ESTATE_AGE_DAYS: i64 = 4 * 365;

/// When the estate was set up (the administrator's account opened).
pub fn set_up(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::days(ESTATE_AGE_DAYS)
}

/// 09:30 in the estate (Asia/Kolkata, UTC+05:30) on `day`: when people start, or move in.
fn morning(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(4, 0, 0).unwrap_or_default().and_utc()
}

fn name(rng: &mut StdRng) -> String {
    format!("{} {}", FIRST[rng.gen_range(0..FIRST.len())], LAST[rng.gen_range(0..LAST.len())])
}

/// Usernames are made from names: "Meera Menon" is `meera.menon`; a second Meera Menon is
/// `meera.menon2`.
#[derive(Default)]
pub struct Usernames {
    taken: HashSet<String>,
}

impl Usernames {
    pub fn for_name(&mut self, name: &str) -> String {
        let base: Vec<String> = name
            .split_whitespace()
            .map(|word| word.chars().filter(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase())
            .filter(|word| !word.is_empty())
            .collect();
        let base = base.join(".");
        let username =
            (1..).map(|n| if n == 1 { base.clone() } else { format!("{base}{n}") }).find(|u| !self.taken.contains(u));
        let username = username.unwrap_or(base);
        self.taken.insert(username.clone());
        username
    }
}

fn account(
    username: &str,
    display_name: String,
    password_hash: &str,
    phone: Option<String>,
) -> Result<NewAccount, CommandError> {
    Ok(NewAccount {
        // Named by the username, so that a seed's estate is the same again down to who is
        // ranked first for a job when figures tie (ties fall to the lower id).
        id: AccountId::from_uuid(uuid::Uuid::new_v5(
            &uuid::Uuid::NAMESPACE_OID,
            format!("khaki-demo/{username}").as_bytes(),
        )),
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

pub async fn administrator(log: &EventLog, password_hash: &str, now: DateTime<Utc>) -> Result<Person, CommandError> {
    let admin = account(ADMINISTRATOR, "Estate Administrator".into(), password_hash, None)?;
    open_account(log, &Origin::system().at(set_up(now)), &admin, true).await?;
    let actor = Actor::administrator(admin.id);
    Ok(Person { id: admin.id, actor })
}

/// Staff of every role, each onboarded on their hire date, three weeks apart from a fortnight
/// after the estate was set up: everyone is on the books long before the months of requests.
pub async fn staff(
    log: &EventLog,
    admin: &Person,
    password_hash: &str,
    usernames: &mut Usernames,
    now: DateTime<Utc>,
) -> Result<Staffing, CommandError> {
    let setting_up = Origin::system().acting_as(admin.actor.clone());
    let mut ids: Vec<AccountId> = Vec::new();
    for (n, (role, person, reports_to)) in STAFF.iter().enumerate() {
        let phone = Some(format!("+9190000{:05}", 10 + n));
        let hire_date = (set_up(now) + Duration::days(14 + 21 * n as i64)).date_naive();
        let new = NewStaff {
            account: account(&usernames.for_name(person), (*person).to_owned(), password_hash, phone)?,
            employee_id: EmployeeId::parse(&format!("EMP-{:03}", n + 1))
                .map_err(|e| CommandError::invalid("employee_id", e.to_string()))?,
            role: *role,
            department: text(
                "department",
                if matches!(role, StaffRole::Accountant) { "Accounts" } else { "Estate services" },
            )?,
            employment: if n % 5 == 4 { EmploymentStatus::Contract } else { EmploymentStatus::FullTime },
            hire_date,
            supervisor: reports_to.map(|i| ids[i]),
            schedule: Some(text("schedule", "Mon–Sat 09:00–18:00")?),
            // The manager, the security head and one of each trade cover nights.
            available_24x7: matches!(n, 0 | 4 | 5 | 8 | 11 | 14),
            notifications: None,
        };
        let id = new.account.id;
        onboard(log, &setting_up.clone().at(morning(hire_date)), new).await?;
        ids.push(id);
    }
    let manager = khaki_commands::accounts::actor_for(log.database(), ids[0])
        .await?
        .ok_or_else(|| CommandError::not_found("facility manager"))?;
    let staff = STAFF.iter().map(|(role, ..)| *role).zip(ids.iter().copied()).collect();
    Ok(Staffing { manager: Person { id: ids[0], actor: manager }, staff })
}

/// Owners for nearly every flat of blocks A–D (floors 1–5, ten flats a floor), tenants in some,
/// family members in a few; five owners sit on the committee. Each is registered on the day they
/// moved in.
pub async fn residents(
    log: &EventLog,
    admin: &Person,
    password_hash: &str,
    usernames: &mut Usernames,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<Vec<Resident>, CommandError> {
    let setting_up = Origin::system().acting_as(admin.actor.clone());
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
                    let drawn = name(rng);
                    let named = NAMED_OWNERS.iter().find(|(f, _)| *f == flat && kind == ResidentType::Owner);
                    let person = named.map_or(drawn, |(_, person)| (*person).to_owned());
                    let username = usernames.for_name(&person);
                    let new = account(&username, person, password_hash, Some(format!("+9198{serial:08}")))?;
                    let move_in = (now - Duration::days(400 + i64::from(serial % 900))).date_naive();
                    let flat = FlatNumber::parse(&flat).map_err(|e| CommandError::invalid("flat", e.to_string()))?;
                    let register = Register {
                        id: new.id,
                        flat: flat.clone(),
                        resident_type: kind,
                        committee: kind == ResidentType::Owner && serial % 40 == 1,
                        move_in,
                        notifications: NotificationPreferences::default(),
                    };
                    let id = new.id;
                    let origin = setting_up.clone().at(morning(move_in));
                    residents::register(log, &origin, new, register, ContactDetails::default()).await?;
                    people.push(Resident { id, flat });
                }
            }
        }
    }
    Ok(people)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_made_from_names_and_a_namesake_gets_a_number() {
        let mut usernames = Usernames::default();
        assert_eq!(usernames.for_name("Meera Menon"), "meera.menon");
        assert_eq!(usernames.for_name("Meera Menon"), "meera.menon2");
        assert_eq!(usernames.for_name("Anil D'Souza"), "anil.dsouza");
        for (_, person, _) in STAFF {
            assert!(Username::parse(&Usernames::default().for_name(person)).is_ok(), "{person}");
        }
        let fixed = [(STAFF[0].1, FACILITY_MANAGER), (STAFF[8].1, PLUMBER), (NAMED_OWNERS[0].1, OWNER_OF_A101)];
        for (person, documented) in fixed {
            assert_eq!(Usernames::default().for_name(person), documented);
        }
    }
}
