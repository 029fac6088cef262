//! `khaki demo`: a demo estate made entirely through commands, so its log is a real one.

mod people;
mod requests;

use std::fmt;

use khaki_commands::{password, CommandError, EventLog, Origin};
use khaki_domain::request::Status;
use rand::SeedableRng;

pub use people::{ADMINISTRATOR, DEMO_PASSWORD, FACILITY_MANAGER, OWNER_OF_A101, PLUMBER};

#[derive(Clone, Copy, Debug)]
pub struct DemoSize {
    pub requests: u32,
    pub seed: u64,
}

pub struct Made {
    staff: usize,
    residents: usize,
    requests: Vec<(Status, u32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "the store is not empty: its log already holds an estate's events (from `khaki init` or an earlier demo), \
         and the demo estate is made only in an empty store; give a fresh data folder (--data) or database \
         (--database-url)"
    )]
    NotEmpty,
    #[error(transparent)]
    Command(#[from] CommandError),
    #[error(transparent)]
    Password(#[from] password::HashError),
}

pub async fn build(log: &EventLog, _origin: &Origin, size: DemoSize) -> Result<Made, DemoError> {
    // Its people and months of history would be mixed into a real estate's.
    if khaki_projections::log_head(log.database()).await.map_err(CommandError::from)? > 0 {
        return Err(DemoError::NotEmpty);
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(size.seed);
    // Every time is counted back from now, so a seed gives the same estate, as of its day.
    let now = chrono::Utc::now();
    // One hash serves every demo account: they share the demo password.
    let hash = password::hash(DEMO_PASSWORD)?;
    let admin = match people::administrator(log, &hash, now).await {
        // Another `khaki demo` or `khaki init` got there first.
        Err(CommandError::Duplicate { .. }) => return Err(DemoError::NotEmpty),
        other => other?,
    };
    let mut usernames = people::Usernames::default();
    let staffing = people::staff(log, &admin, &hash, &mut usernames, now).await?;
    let residents = people::residents(log, &admin, &hash, &mut usernames, &mut rng, now).await?;
    let walked = requests::walk(log, staffing.manager.id, &residents, size.requests, &mut rng, now).await?;
    let mut by_status: Vec<(Status, u32)> = walked.by_status.into_iter().collect();
    by_status.sort();
    Ok(Made { staff: staffing.staff.len(), residents: residents.len(), requests: by_status })
}

impl fmt::Display for Made {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "demo estate ready: {} staff, {} residents (blocks A–D)", self.staff, self.residents)?;
        let requests: Vec<String> = self.requests.iter().map(|(status, n)| format!("{n} {status}")).collect();
        writeln!(f, "requests: {}", requests.join(", "))?;
        write!(
            f,
            "sign in as '{}' (administrator), '{}' (facility manager), '{}' (plumber) or '{}' (owner of A-101) with \
             the password '{DEMO_PASSWORD}'; README.md lists more",
            people::ADMINISTRATOR,
            people::FACILITY_MANAGER,
            people::PLUMBER,
            people::OWNER_OF_A101
        )
    }
}
