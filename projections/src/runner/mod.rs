//! The projection runner: one task per projection following the log from its checkpoint, inside
//! `khaki serve`. It polls while idle, goes straight on while batches come back full, backs off
//! after a failure (logged, kept in memory and in the checkpoint row for status, health and
//! metrics) and stops when told. With several processes on one PostgreSQL database each
//! projection is advanced by one of them at a time ([`leadership`]).
//!
//! Start it with [`Runner::start`] after opening the database; stop it with [`Runner::stop`]
//! before closing the database. Dropping a runner tells it to stop without waiting. Tasks are never
//! aborted in the middle of a batch: a transaction future cancelled half-way can leave a pooled
//! connection inside a transaction (sqlx), which on SQLite would block every later writer. A
//! process that dies mid-batch (kill -9) loses nothing: the database rolls the batch back.

mod leadership;
mod step;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use khaki_migrations::Database;
use serde::Serialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::checkpoint;
use crate::log::Cursor;
use crate::projection::Projection;
use crate::target::Calendar;

use leadership::Leadership;
pub use step::{advance, catch_up, Advanced};

#[derive(Clone, Debug, PartialEq)]
pub struct RunnerSettings {
    pub calendar: Calendar,
    /// Events per batch (and per transaction).
    pub batch_size: i64,
    /// How long to wait before looking again when caught up.
    pub idle_wait: Duration,
    /// How often a standby process tries to take a projection over.
    pub takeover_wait: Duration,
    /// The longest wait between retries after failures.
    pub max_backoff: Duration,
    pub projections: Vec<Projection>,
}

impl Default for RunnerSettings {
    fn default() -> Self {
        Self {
            calendar: Calendar::default(),
            batch_size: 1_000,
            idle_wait: Duration::from_millis(100),
            takeover_wait: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            projections: Projection::ALL.to_vec(),
        }
    }
}

/// What this process's runner has done for one projection.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Activity {
    /// This process is the one advancing it.
    pub leading: bool,
    pub batches: u64,
    pub events: u64,
    /// The checkpoint after its last batch.
    pub cursor: Option<Cursor>,
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

/// A cheap handle on the runner's activity, for health and metrics.
#[derive(Clone, Debug, Default)]
pub struct RunnerHandle {
    activity: Arc<Mutex<BTreeMap<Projection, Activity>>>,
}

impl RunnerHandle {
    pub fn activity(&self, projection: Projection) -> Activity {
        self.lock().get(&projection).cloned().unwrap_or_default()
    }

    pub fn all(&self) -> BTreeMap<Projection, Activity> {
        self.lock().clone()
    }

    fn update(&self, projection: Projection, change: impl FnOnce(&mut Activity)) {
        change(self.lock().entry(projection).or_default());
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<Projection, Activity>> {
        // A panic elsewhere while holding this lock leaves figures, not invariants: keep going.
        self.activity.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub struct Runner {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    handle: RunnerHandle,
}

impl Runner {
    /// Starts following the log; returns at once.
    pub fn start(db: Database, settings: RunnerSettings) -> Self {
        let (stop, stopped) = watch::channel(false);
        let handle = RunnerHandle::default();
        let settings = Arc::new(settings);
        let tasks = settings
            .projections
            .iter()
            .map(|projection| {
                let follower = Follower {
                    db: db.clone(),
                    projection: *projection,
                    settings: settings.clone(),
                    handle: handle.clone(),
                    stopped: stopped.clone(),
                };
                tokio::spawn(follower.run())
            })
            .collect();
        Self { stop, tasks, handle }
    }

    pub fn handle(&self) -> RunnerHandle {
        self.handle.clone()
    }

    /// Lets each projection finish its batch in flight, releases the locks and returns.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        for task in std::mem::take(&mut self.tasks) {
            if let Err(error) = task.await {
                tracing::error!(%error, "a projection task ended abnormally");
            }
        }
    }
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

struct Follower {
    db: Database,
    projection: Projection,
    settings: Arc<RunnerSettings>,
    handle: RunnerHandle,
    stopped: watch::Receiver<bool>,
}

impl Follower {
    async fn run(mut self) {
        let name = self.projection.name();
        let mut leadership = Leadership::new(&self.db, self.projection);
        let mut backoff = self.settings.idle_wait;
        while !*self.stopped.borrow() {
            match leadership.hold().await {
                Ok(true) => {}
                Ok(false) => {
                    self.handle.update(self.projection, |a| a.leading = false);
                    self.pause(self.settings.takeover_wait).await;
                    continue;
                }
                Err(error) => {
                    self.failed(&format!("cannot take the projection lock: {error}")).await;
                    self.pause(self.settings.takeover_wait).await;
                    continue;
                }
            }
            self.handle.update(self.projection, |a| a.leading = leadership.held());
            let limit = self.settings.batch_size;
            match advance(&self.db, self.projection, &self.settings.calendar, limit).await {
                Ok(Advanced::Applied { events, cursor }) => {
                    backoff = self.settings.idle_wait;
                    self.handle.update(self.projection, |a| {
                        a.batches += 1;
                        a.events += events as u64;
                        a.cursor = Some(cursor);
                        a.last_error = None;
                        a.last_error_at = None;
                    });
                    tracing::debug!(projection = name, events, ?cursor, "batch applied");
                    if (events as i64) < limit {
                        self.pause(self.settings.idle_wait).await;
                    }
                }
                Ok(Advanced::Stale) => {}
                Ok(Advanced::CaughtUp) => self.pause(self.settings.idle_wait).await,
                Err(error) => {
                    self.failed(&error.to_string()).await;
                    self.pause(backoff).await;
                    backoff = (backoff * 2).min(self.settings.max_backoff);
                }
            }
        }
        self.handle.update(self.projection, |a| a.leading = false);
        leadership.release().await;
    }

    /// Logs and keeps a failure: in memory for this process, in the checkpoint row for all.
    async fn failed(&self, message: &str) {
        let name = self.projection.name();
        tracing::error!(projection = name, error = message, "projection failed; will retry");
        self.handle.update(self.projection, |a| {
            a.last_error = Some(message.to_owned());
            a.last_error_at = Some(Utc::now());
        });
        if let Err(error) = checkpoint::record_error(&self.db, name, message).await {
            tracing::error!(projection = name, %error, "cannot record the projection's failure");
        }
    }

    /// Waits, or less if told to stop.
    async fn pause(&mut self, wait: Duration) {
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = self.stopped.changed() => {}
        }
    }
}
