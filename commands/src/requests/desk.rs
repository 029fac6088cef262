//! The ticket desk: submissions are numbered and recorded a batch at a time.
//!
//! Gap-free ticket numbers mean the year's counter stays locked until the submission commits, so
//! submissions queue behind one another for a commit each. The desk instead takes every
//! submission waiting at that moment, numbers them under one lock of the counter and records them
//! in one transaction: one commit for the batch, the same guarantees for each. Nothing waits to
//! fill a batch; a lone submission is recorded at once. The desk is a task of its own, so a caller
//! that goes away never leaves others' submissions half done.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use khaki_domain::request::{MaintenanceRequest, RequestCommand, Submit};
use khaki_domain::TicketNumber;
use khaki_migrations::Database;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::error::CommandError;
use crate::ledger::tickets::{lock_counter, set_counter};
use crate::log::{EventLog, Executed, Loaded};
use crate::origin::Origin;
use crate::rules::Rules;

/// At most this many submissions share a transaction.
const BATCH: usize = 64;

/// A submission ready to be numbered: everything decided but its ticket.
#[derive(Clone, Debug)]
pub(crate) struct Filing {
    pub origin: Origin,
    pub loaded: Loaded<MaintenanceRequest>,
    pub year: i32,
    /// The submission; its ticket is replaced by the number the desk gives it.
    pub draft: Submit,
}

pub(crate) type Filed = Result<(Executed<MaintenanceRequest>, TicketNumber), CommandError>;

struct Waiting {
    filing: Filing,
    reply: oneshot::Sender<Filed>,
}

/// The desk of one event log, started on its first submission.
#[derive(Debug, Default)]
pub(crate) struct TicketDesk {
    queue: OnceLock<mpsc::UnboundedSender<Waiting>>,
}

impl TicketDesk {
    pub async fn file(&self, log: &EventLog, filing: Filing) -> Filed {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(serve(log.database().clone(), log.rules().clone(), receiver));
            sender
        });
        let (reply, answer) = oneshot::channel();
        queue.send(Waiting { filing, reply }).map_err(|_| CommandError::Log("the ticket desk has stopped".into()))?;
        answer.await.map_err(|_| CommandError::Log("the ticket desk dropped a submission".into()))?
    }
}

async fn serve(db: Database, rules: Rules, mut queue: mpsc::UnboundedReceiver<Waiting>) {
    let log = EventLog::new(db, rules);
    let mut batch = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut batch, BATCH).await > 0 {
        let (filings, replies): (Vec<Filing>, Vec<_>) = batch.drain(..).map(|w| (w.filing, w.reply)).unzip();
        let outcomes = match record(&log, &filings).await {
            Ok(outcomes) => outcomes,
            // One submission spoiled the batch (a reused request id, say): each on its own, so
            // only that one fails.
            Err(_) if filings.len() > 1 => {
                let mut outcomes = Vec::with_capacity(filings.len());
                for filing in &filings {
                    outcomes.push(record(&log, std::slice::from_ref(filing)).await.and_then(single));
                }
                outcomes
            }
            Err(error) => vec![Err(error)],
        };
        for (reply, outcome) in replies.into_iter().zip(outcomes) {
            // A caller that went away still has its submission recorded; only the answer is lost.
            let _ = reply.send(outcome);
        }
    }
}

fn single(mut outcomes: Vec<Filed>) -> Filed {
    outcomes.pop().unwrap_or_else(|| Err(CommandError::Log("the ticket desk lost a submission".into())))
}

/// Numbers and records `filings` in one transaction. Refused submissions take no number; an
/// error of the store fails the whole batch (nothing of it is recorded).
async fn record(log: &EventLog, filings: &[Filing]) -> Result<Vec<Filed>, CommandError> {
    let mut tx = log.begin().await?;
    // Counters locked in year order, so two desks never wait on each other in a circle.
    let mut last = BTreeMap::new();
    for filing in filings {
        last.insert(filing.year, 0);
    }
    for (year, sequence) in &mut last {
        *sequence = lock_counter(&mut tx, *year).await?;
    }
    let mut outcomes = Vec::with_capacity(filings.len());
    for filing in filings {
        let sequence = last.get(&filing.year).copied().unwrap_or(0) + 1;
        let ticket = TicketNumber::new(filing.year, sequence).map_err(|e| CommandError::Log(e.to_string()))?;
        let command = RequestCommand::Submit(Submit { ticket, ..filing.draft.clone() });
        let decided = match filing.loaded.clone().decide("submit", filing.origin.issue(command)).await {
            Ok(decided) => decided,
            Err(refusal) => {
                outcomes.push(Err(refusal));
                continue;
            }
        };
        let executed = decided.append_to(log, &mut tx, &filing.origin, Uuid::new_v4()).await?;
        last.insert(filing.year, sequence);
        outcomes.push(Ok((executed, ticket)));
    }
    for (year, sequence) in &last {
        set_counter(&mut tx, *year, *sequence).await?;
    }
    tx.commit().await?;
    Ok(outcomes)
}
