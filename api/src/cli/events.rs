//! `khaki events`: the log as JSON lines, for a quick look or a pipe into jq.

use std::io::Write;

use clap::Args;
use khaki_migrations::Database;
use khaki_projections::{read_after, Cursor};

use crate::cli::settings::Settings;
use crate::cli::Failure;

#[derive(Args, Debug)]
pub struct EventsArgs {
    /// Only events after this global position.
    #[arg(long, default_value_t = 0)]
    pub after: i64,
    /// At most this many events.
    #[arg(long, default_value_t = 100)]
    pub limit: i64,
    /// Only the events of this aggregate (a request's or a person's id).
    #[arg(long)]
    pub stream: Option<String>,
}

pub async fn run(settings: &Settings, args: EventsArgs) -> Result<(), Failure> {
    let db = Database::open(&settings.location, 2).await?;
    let mut out = std::io::stdout().lock();
    let mut cursor = Cursor::default();
    let mut printed = 0;
    'reading: loop {
        let batch = read_after(&db, cursor, 500).await?;
        let Some(last) = batch.last() else { break };
        cursor = last.cursor();
        for event in batch {
            let wanted = event.position > args.after && args.stream.as_deref().is_none_or(|s| s == event.aggregate_id);
            if wanted {
                writeln!(out, "{}", serde_json::to_string(&event)?)?;
                printed += 1;
                if printed >= args.limit {
                    break 'reading;
                }
            }
        }
    }
    db.close().await;
    Ok(())
}
