//! The write side of the event log: load an aggregate, decide, and append what it decided in one
//! transaction together with the cross-aggregate facts it changes (the ledger).
//!
//! Streams are read through postgres-es / sqlite-es (with cqrs-es upcasters). Appending is ours:
//! it must share a transaction with ticket counters, the workload guard and other ledger rows,
//! and it fills the columns those crates do not know (global position, recorded time).

mod append;
mod load;
mod retry;

use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use khaki_migrations::{constraint_violation, lost_race, Database, Tx};
use uuid::Uuid;

use crate::error::CommandError;
use crate::ledger::{Change, Recorded};
use crate::origin::Origin;
use crate::requests::desk::TicketDesk;
use crate::rules::Rules;

pub use load::Reader;
pub use retry::retrying;

/// The command side's handle on the log.
#[derive(Debug)]
pub struct EventLog {
    db: Database,
    reader: Reader,
    rules: Rules,
    tickets: TicketDesk,
}

/// An aggregate as loaded from its stream.
#[derive(Clone, Debug)]
pub struct Loaded<A> {
    pub id: String,
    pub state: A,
    /// The sequence of its last event; 0 for an aggregate with no events yet.
    pub version: u64,
}

/// What an aggregate decided, not yet recorded.
#[derive(Debug)]
pub struct Decided<A: Aggregate> {
    id: String,
    command: &'static str,
    version: u64,
    before: A,
    after: A,
    events: Vec<A::Event>,
}

/// What a command recorded, and the aggregate as it stands after it.
#[derive(Clone, Debug, PartialEq)]
pub struct Executed<A> {
    pub id: String,
    /// The aggregate's version after the command (unchanged if it recorded nothing).
    pub version: u64,
    /// The global log position of the last event recorded, if any.
    pub position: Option<i64>,
    pub recorded: usize,
    pub state: A,
}

impl EventLog {
    pub fn new(db: Database, rules: Rules) -> Self {
        let reader = Reader::new(&db);
        Self { db, reader, rules, tickets: TicketDesk::default() }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    pub(crate) fn ticket_desk(&self) -> &TicketDesk {
        &self.tickets
    }

    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// Loads an aggregate by folding its stream (an aggregate with no stream is its default).
    pub async fn load<A: Aggregate>(&self, id: &str) -> Result<Loaded<A>, CommandError> {
        let (state, version) = self.reader.fold::<A>(id).await?;
        Ok(Loaded { id: id.to_owned(), state, version })
    }

    pub async fn begin(&self) -> Result<Tx, CommandError> {
        Ok(self.db.begin().await?)
    }
}

impl<A: Recorded> Loaded<A> {
    /// Refuses when the caller pinned a version (If-Match) and this is not it.
    pub fn expect_version(&self, origin: &Origin) -> Result<(), CommandError> {
        match origin.expected_version {
            Some(expected) if expected != self.version => {
                Err(CommandError::VersionMismatch { what: A::NOUN, expected, current: Some(self.version) })
            }
            _ => Ok(()),
        }
    }

    /// Runs the aggregate's decision; a refusal comes back as [`CommandError::Refused`].
    pub async fn decide(self, command: &'static str, issued: A::Command) -> Result<Decided<A>, CommandError> {
        let mut after = self.state.clone();
        let sink = EventSink::default();
        after.handle(issued, &(), &sink).await.map_err(A::refusal)?;
        Ok(Decided {
            id: self.id,
            command,
            version: self.version,
            before: self.state,
            after,
            events: sink.collect().await,
        })
    }
}

impl<A: Recorded> Decided<A> {
    pub fn events(&self) -> &[A::Event] {
        &self.events
    }

    pub fn after(&self) -> &A {
        &self.after
    }

    pub fn version(&self) -> u64 {
        self.version
    }

    /// Records the decision inside `tx` (ledger rows, then events); the caller commits. Several
    /// aggregates can be recorded in one transaction this way.
    pub async fn append_to(
        &self,
        log: &EventLog,
        tx: &mut Tx,
        origin: &Origin,
        command_id: Uuid,
    ) -> Result<Executed<A>, CommandError> {
        if self.events.is_empty() {
            return Ok(self.executed(self.version, None));
        }
        // The events first: a command that lost the race to its aggregate is told so by the
        // stream's unique sequence before it touches a ledger row it would have written from
        // stale state.
        let metadata = origin.metadata(self.command, command_id);
        let appended = append::append::<A>(tx, &self.id, self.version, &self.events, &metadata).await?;
        let change =
            Change { id: &self.id, before: &self.before, after: &self.after, events: &self.events, at: origin.at };
        A::record(tx, &change, &log.rules).await.map_err(|error| match error {
            // The ledger is always what the log says, so a constraint it breaks now means the
            // facts moved since they were read: a lost race, run again against the new state.
            CommandError::Store(e) if constraint_violation(&e) || lost_race(&e) => {
                CommandError::Conflict { what: A::NOUN }
            }
            other => other,
        })?;
        Ok(self.executed(appended.version, Some(appended.position)))
    }

    /// Records the decision in a transaction of its own.
    pub async fn commit(self, log: &EventLog, origin: &Origin) -> Result<Executed<A>, CommandError> {
        if self.events.is_empty() {
            return Ok(self.executed(self.version, None));
        }
        let mut tx = log.begin().await?;
        let executed = self.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(executed)
    }

    fn executed(&self, version: u64, position: Option<i64>) -> Executed<A> {
        let recorded = if position.is_some() { self.events.len() } else { 0 };
        Executed { id: self.id.clone(), version, position, recorded, state: self.after.clone() }
    }
}
