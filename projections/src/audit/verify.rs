//! Verifying the log: every event's link recomputed in its stream, every signed checkpoint's
//! Merkle root recomputed over the log, in one pass. The first broken place is reported with
//! what is wrong there.

use std::collections::HashMap;

use khaki_domain::chain::{Hash, GENESIS};
use khaki_migrations::Database;
use serde::Serialize;

use crate::audit::log::{stored_after, stream, AuditedEvent, StoredEvent};
use crate::audit::merkle::Frontier;
use crate::audit::seal::{checkpoints, Checkpoint, SealError};
use crate::log::Cursor;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub ok: bool,
    pub events: u64,
    pub streams: u64,
    /// Signed checkpoints whose roots were recomputed and matched.
    pub checkpoints_verified: u64,
    /// Events after the latest checkpoint: linked, but not yet under a signature.
    pub unsealed_events: u64,
    pub problem: Option<Problem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The global position of the first event found wrong (absent when events are missing at
    /// the end of the log).
    pub position: Option<i64>,
    pub aggregate_type: Option<String>,
    pub aggregate_id: Option<String>,
    pub sequence: Option<i64>,
    pub what: String,
}

impl Problem {
    fn at<Json>(event: &AuditedEvent<Json>, what: String) -> Self {
        Self {
            position: Some(event.position),
            aggregate_type: Some(event.aggregate_type.clone()),
            aggregate_id: Some(event.aggregate_id.clone()),
            sequence: Some(event.sequence),
            what,
        }
    }
}

/// Judges one event against the last sequence seen in its stream and the link it should have
/// (or why that cannot be computed); the link, when all is well.
fn judged<Json>(
    event: &AuditedEvent<Json>,
    last_sequence: i64,
    expected: Result<Hash, String>,
) -> Result<Hash, String> {
    if event.sequence != last_sequence + 1 {
        return Err(format!(
            "sequence {} follows {last_sequence} in its stream: an event is missing, inserted or out of order",
            event.sequence
        ));
    }
    let expected = expected?;
    match event.link() {
        Some(stored) if stored == expected => Ok(expected),
        _ => Err("its link does not match what was recorded: the event or one before it was changed".into()),
    }
}

fn check_checkpoint(
    checkpoint: &Checkpoint,
    frontier: &Frontier,
    cursor: Cursor,
    trusted: Option<&[u8; 32]>,
) -> Result<(), String> {
    if !checkpoint.signature_holds() {
        return Err(format!("checkpoint {} does not carry a valid signature", checkpoint.sequence));
    }
    if trusted.is_some_and(|key| *key != checkpoint.public_key) {
        return Err(format!("checkpoint {} is signed with a key other than the estate's", checkpoint.sequence));
    }
    if checkpoint.root != frontier.root() || checkpoint.cursor != cursor {
        return Err(format!(
            "the log up to checkpoint {} is not what was sealed: events before it were changed, removed, inserted or reordered",
            checkpoint.sequence
        ));
    }
    Ok(())
}

/// Verifies the whole log. `trusted` is the estate's public key, when the caller has it.
///
/// The next batch is read while this one is checked, and each batch's links are recomputed on
/// every core: an event's link depends only on its own fields and its predecessor's stored link,
/// so they can be computed apart and then compared in log order, stopping at the first mismatch.
pub async fn verify_log(db: &Database, trusted: Option<&[u8; 32]>) -> Result<Verification, SealError> {
    verify_log_in_batches(db, trusted, 10_000).await
}

/// [`verify_log`] reading `batch` events at a time; the answer never depends on the batch size.
pub async fn verify_log_in_batches(
    db: &Database,
    trusted: Option<&[u8; 32]>,
    batch: i64,
) -> Result<Verification, SealError> {
    let size = batch.max(1);
    let sealed = checkpoints(db).await?;
    let mut pending = sealed.iter().peekable();
    let mut heads: HashMap<(String, String), (i64, Hash)> = HashMap::new();
    let mut frontier = Frontier::default();
    let mut report =
        Verification { ok: true, events: 0, streams: 0, checkpoints_verified: 0, unsealed_events: 0, problem: None };
    let mut next = read_ahead(db, Cursor::default(), size);
    loop {
        let batch = next.await.map_err(|e| sqlx::Error::Protocol(e.to_string()))??;
        let Some(last) = batch.last() else { break };
        next = read_ahead(db, last.cursor(), size);
        let previous: Vec<(i64, Hash)> = batch
            .iter()
            .map(|event| {
                let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
                heads.insert(key, (event.sequence, event.link().unwrap_or_default())).unwrap_or((0, GENESIS))
            })
            .collect();
        let expected = expected_links(&batch, &previous);
        for ((event, (last_sequence, _)), expected) in batch.iter().zip(&previous).zip(expected) {
            let expected = match judged(event, *last_sequence, expected) {
                Ok(expected) => expected,
                Err(what) => {
                    next.abort();
                    return Ok(failed(report, Problem::at(event, what)));
                }
            };
            frontier.push(&expected);
            report.events += 1;
            if let Some(checkpoint) = pending.peek().filter(|c| c.tree_size == frontier.size) {
                if let Err(what) = check_checkpoint(checkpoint, &frontier, event.cursor(), trusted) {
                    next.abort();
                    return Ok(failed(report, Problem::at(event, what)));
                }
                report.checkpoints_verified += 1;
                pending.next();
            }
        }
    }
    report.streams = heads.len() as u64;
    if let Some(checkpoint) = pending.next() {
        let what = format!(
            "the log holds {} events but checkpoint {} sealed {}: events were removed",
            frontier.size, checkpoint.sequence, checkpoint.tree_size
        );
        return Ok(failed(
            report,
            Problem { position: None, aggregate_type: None, aggregate_id: None, sequence: None, what },
        ));
    }
    report.unsealed_events = frontier.size - sealed.last().map_or(0, |c| c.tree_size);
    Ok(report)
}

fn read_ahead(
    db: &Database,
    cursor: Cursor,
    size: i64,
) -> tokio::task::JoinHandle<Result<Vec<StoredEvent>, sqlx::Error>> {
    let db = db.clone();
    tokio::spawn(async move { stored_after(&db, cursor, size).await })
}

/// Each event's link as it should be after its predecessor's (stored) link, computed on every
/// core, JSON parsing included: reading rows is one task's work, so the rest is moved off it.
fn expected_links(batch: &[StoredEvent], previous: &[(i64, Hash)]) -> Vec<Result<Hash, String>> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let share = batch.len().div_ceil(cores).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = batch
            .chunks(share)
            .zip(previous.chunks(share))
            .map(|(events, previous)| {
                scope.spawn(move || {
                    events.iter().zip(previous).map(|(event, (_, link))| event.expected_link(link)).collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    })
}

/// Verifies the links of one stream (a request's or a staff member's history).
pub async fn verify_stream(db: &Database, aggregate_type: &str, aggregate_id: &str) -> Result<Verification, SealError> {
    let events = stream(db, aggregate_type, aggregate_id).await?;
    let mut report =
        Verification { ok: true, events: 0, streams: 1, checkpoints_verified: 0, unsealed_events: 0, problem: None };
    let mut head: Option<(i64, Hash)> = None;
    for event in events {
        let (last_sequence, last_link) = head.unwrap_or((0, GENESIS));
        match judged(&event, last_sequence, Ok(event.expected_link(&last_link))) {
            Ok(link) => head = Some((event.sequence, link)),
            Err(what) => return Ok(failed(report, Problem::at(&event, what))),
        }
        report.events += 1;
    }
    Ok(report)
}

fn failed(mut report: Verification, problem: Problem) -> Verification {
    report.ok = false;
    report.problem = Some(problem);
    report
}
