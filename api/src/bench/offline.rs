//! What the bench measures without the server: log verification, the hash chain's own cost, and
//! a full projection rebuild.

use std::time::Instant;

use khaki_commands::EventLog;
use khaki_migrations::Database;
use khaki_projections::audit::log::events_after;
use khaki_projections::{Calendar, Cursor};

use crate::bench::report::Report;
use crate::cli::Failure;

pub async fn measure(db: &Database, log: &EventLog, report: &mut Report) -> Result<(), Failure> {
    let verifying = Instant::now();
    let verified = khaki_projections::audit::verify_log(db, None).await?;
    report.verify_events_per_second = Some(verified.events as f64 / verifying.elapsed().as_secs_f64());

    report.chain_links_per_second = Some(chain_links_per_second(db).await?);

    let rebuilding = Instant::now();
    let rebuilt = khaki_projections::rebuild(db, &Calendar::new(log.rules().time_zone), &[], |_, _| {}).await?;
    report.rebuild_events_per_second = Some(rebuilt.events as f64 / rebuilding.elapsed().as_secs_f64());
    Ok(())
}

/// Links computed per second on one core, over real events of the seeded log (read first, so
/// only the hashing is timed).
async fn chain_links_per_second(db: &Database) -> Result<f64, Failure> {
    let events = events_after(db, Cursor::default(), 50_000).await?;
    let hashing = Instant::now();
    let mut link = khaki_domain::chain::GENESIS;
    for event in &events {
        link = std::hint::black_box(event.expected_link(&link));
    }
    Ok(events.len() as f64 / hashing.elapsed().as_secs_f64())
}
