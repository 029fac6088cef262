//! Answers given a moment ago, given again. Dashboards and lists are read far more often than the
//! estate changes, and many callers ask the same thing (every facility manager sees one
//! dashboard). An answer is kept with the read models' checkpoints it was computed at, and given
//! again only while they are unchanged, so it is what the read models would say now; and for at
//! most a second, because figures such as "overdue" and ages also move with the clock. When the
//! second is up, one caller computes the next answer while the others are still given the kept
//! one. When the read models have moved, callers asking the same question take turns: a caller
//! takes the answer of an earlier turn if that computation began after the caller read the
//! cursors (it can be no older than what the caller would compute), so however many ask at once,
//! none waits for more than two computations.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use khaki_migrations::Database;
use khaki_projections::checkpoint::all_cursors;
use khaki_projections::Cursor;
use moka::future::Cache;
use moka::ops::compute::Op;
use serde::Serialize;

use crate::http::error::ApiError;

/// How long a kept answer is given while the read models have not moved.
const FRESH: Duration = Duration::from_secs(1);
/// How long it may still be given while another caller computes the next one.
const AT_MOST: Duration = Duration::from_secs(5);
/// Bytes of kept answers, across all questions.
const CAPACITY: u64 = 16 * 1024 * 1024;

/// What was asked, with everything the answer depends on besides the read models and the clock.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Question {
    pub what: &'static str,
    /// What the asker may see; empty where every caller allowed to ask gets the same answer.
    pub view: String,
    /// The query string, which carries the filters.
    pub query: String,
}

impl Question {
    pub fn new(what: &'static str, view: impl Into<String>, query: Option<&str>) -> Self {
        Self { what, view: view.into(), query: query.unwrap_or_default().to_owned() }
    }
}

struct Kept {
    /// Every projection's cursor, read before the answer was computed.
    cursors: Vec<Cursor>,
    /// When its computation began: it reflects the read models as of then or later.
    asked_at: Instant,
    body: Bytes,
    refreshing: AtomicBool,
}

pub struct RecentAnswers {
    kept: Cache<Question, Arc<Kept>>,
}

impl Default for RecentAnswers {
    fn default() -> Self {
        let kept = Cache::builder()
            .max_capacity(CAPACITY)
            .weigher(|_: &Question, kept: &Arc<Kept>| u32::try_from(kept.body.len()).unwrap_or(u32::MAX))
            .time_to_live(AT_MOST)
            .build();
        Self { kept }
    }
}

impl RecentAnswers {
    /// The kept answer to `question` while it holds, else the one `compute` gives, kept for the
    /// next caller. Refusals are never kept.
    pub async fn answer<T: Serialize>(
        &self,
        db: &Database,
        question: Question,
        compute: impl Future<Output = Result<T, ApiError>>,
    ) -> Result<Response, ApiError> {
        let cursors = all_cursors(db).await?;
        let read_at = Instant::now();
        if let Some(kept) = self.kept.get(&question).await.filter(|kept| kept.cursors == cursors) {
            if kept.asked_at.elapsed() < FRESH || kept.refreshing.swap(true, Ordering::AcqRel) {
                return Ok(json(kept.body.clone()));
            }
            return match computed(cursors, compute).await {
                Ok(refreshed) => {
                    self.kept.insert(question, refreshed.clone()).await;
                    Ok(json(refreshed.body.clone()))
                }
                Err(refused) => {
                    kept.refreshing.store(false, Ordering::Release);
                    Err(refused)
                }
            };
        }
        let turn = self.kept.entry(question).and_try_compute_with(|kept| async move {
            match kept.map(|entry| entry.into_value()) {
                Some(kept) if kept.cursors == cursors || kept.asked_at >= read_at => Ok(Op::Nop),
                _ => computed(cursors, compute).await.map(Op::Put),
            }
        });
        let kept = turn.await?.into_entry().ok_or_else(|| ApiError::internal("no answer was kept"))?.into_value();
        Ok(json(kept.body.clone()))
    }
}

async fn computed<T: Serialize>(
    cursors: Vec<Cursor>,
    compute: impl Future<Output = Result<T, ApiError>>,
) -> Result<Arc<Kept>, ApiError> {
    let asked_at = Instant::now();
    let body = serde_json::to_vec(&compute.await?).map_err(ApiError::internal)?;
    Ok(Arc::new(Kept { cursors, asked_at, body: Bytes::from(body), refreshing: AtomicBool::new(false) }))
}

impl std::fmt::Debug for RecentAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentAnswers").field("kept", &self.kept.entry_count()).finish()
    }
}

fn json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}
