//! `khaki projections rebuild [NAME…]` and `khaki projections status`.

use std::time::Instant;

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use khaki_migrations::Database;
use khaki_projections::{rebuild, status, Calendar, Projection};

use crate::cli::out::say;
use crate::cli::settings::Settings;
use crate::cli::Failure;

#[derive(Subcommand, Debug)]
pub enum ProjectionsCommand {
    /// Replays the log into fresh tables beside the live ones and swaps them in when caught up;
    /// readers keep reading the old tables until then.
    Rebuild {
        /// Which read models (default: all): request_list, staff_directory, timeline, request_facts.
        names: Vec<String>,
    },
    /// Each read model's checkpoint, the log's head and the lag.
    Status,
}

pub async fn run(settings: &Settings, command: ProjectionsCommand) -> Result<(), Failure> {
    let db = Database::open(&settings.location, settings.max_connections).await?;
    match command {
        ProjectionsCommand::Rebuild { names } => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            Projection::all_or_named(&names)?;
            let bar = ProgressBar::new(0);
            bar.set_style(
                ProgressStyle::with_template("rebuilding {bar:40} {pos}/{len} events ({per_sec}, {eta} left)")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            let started = Instant::now();
            let rebuilt = rebuild(&db, &Calendar::new(settings.rules.time_zone), &names, |done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await?;
            bar.finish();
            let seconds = started.elapsed().as_secs_f64();
            say!("rebuilt {rebuilt:?} in {seconds:.1} s")?;
        }
        ProjectionsCommand::Status => {
            say!("{:<16} {:>14} {:>12} {:>10}  last error", "projection", "checkpoint", "log head", "lag")?;
            for p in status(&db).await? {
                say!(
                    "{:<16} {:>14} {:>12} {:>10}  {}",
                    p.name,
                    format!("{}:{}", p.checkpoint.transaction, p.checkpoint.position),
                    p.log_head_position,
                    p.lag_events,
                    p.last_error.as_deref().unwrap_or("-")
                )?;
            }
        }
    }
    db.close().await;
    Ok(())
}
