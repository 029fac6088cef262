//! Importing the roster: each line becomes (or updates) a flat's entry in its own transaction, so
//! one bad line never stops the rest; importing the same file twice changes nothing.

use chrono::{DateTime, Utc};
use khaki_domain::resident::FlatNumber;
use khaki_domain::roster::{RosterCommand, RosterEntry, RosterRefusal};
use khaki_domain::AccountId;
use khaki_migrations::{with_pool, with_tx, Tx};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CommandError;
use crate::ledger::{Change, Recorded};
use crate::log::{retrying, EventLog};
use crate::origin::Origin;
use crate::roster::parse::{parse, LineError, RosterLine};
use crate::rules::Rules;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: Vec<ReportedError>,
    pub dry_run: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReportedError {
    pub line: u32,
    pub message: String,
}

impl From<LineError> for ReportedError {
    fn from(error: LineError) -> Self {
        Self { line: error.line, message: error.message }
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[tracing::instrument(skip_all, fields(dry_run))]
pub async fn import(log: &EventLog, origin: &Origin, csv: &str, dry_run: bool) -> Result<ImportReport, CommandError> {
    let (lines, errors) = parse(csv);
    let mut report =
        ImportReport { errors: errors.into_iter().map(Into::into).collect(), dry_run, ..ImportReport::default() };
    for line in lines {
        let outcome = if dry_run { compare(log, &line).await } else { record(log, origin, &line).await };
        match outcome {
            Ok(Outcome::Created) => report.created += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(CommandError::Refused(refusal)) if refusal.code() == "not_allowed" => {
                return Err(CommandError::Refused(refusal))
            }
            // The store's own words (SQL states, encodings) mean nothing to whoever sent the
            // file: they go to the server's log, and the row is reported in a sentence.
            Err(CommandError::Store(error)) => {
                tracing::warn!(line = line.line, %error, "a roster row could not be stored");
                let message = "this row could not be stored, so nothing of it was recorded; the other rows are \
                               unaffected (the server's log has the cause)";
                report.errors.push(ReportedError { line: line.line, message: message.into() });
            }
            Err(error) => report.errors.push(ReportedError { line: line.line, message: error.to_string() }),
        }
    }
    report.errors.sort_by_key(|e| e.line);
    Ok(report)
}

type Stored = (String, Option<String>, Option<String>);

async fn stored(log: &EventLog, flat: &FlatNumber) -> Result<Option<Stored>, CommandError> {
    let db = log.database();
    Ok(with_pool!(db, |pool| {
        sqlx::query_as("SELECT owner_names, phone, email FROM roster_entries WHERE flat = $1")
            .bind(flat.as_str())
            .fetch_optional(pool)
            .await
    })?)
}

fn same(line: &RosterLine, stored: &Stored) -> bool {
    (&line.owner_names, &line.phone, &line.email) == (&stored.0, &stored.1, &stored.2)
}

async fn compare(log: &EventLog, line: &RosterLine) -> Result<Outcome, CommandError> {
    Ok(match stored(log, &line.flat).await? {
        None => Outcome::Created,
        Some(existing) if same(line, &existing) => Outcome::Unchanged,
        Some(_) => Outcome::Updated,
    })
}

async fn record(log: &EventLog, origin: &Origin, line: &RosterLine) -> Result<Outcome, CommandError> {
    retrying(origin, || async {
        let existing = stored(log, &line.flat).await?;
        let (outcome, command) = match &existing {
            Some(existing) if same(line, existing) => return Ok(Outcome::Unchanged),
            Some(_) => (Outcome::Updated, RosterCommand::Revise { line: line.line }),
            None => (Outcome::Created, RosterCommand::Import { flat: line.flat.clone(), line: line.line }),
        };
        let loaded = log.load::<RosterEntry>(line.flat.as_str()).await?;
        let decided = loaded.decide("import_roster", origin.issue(command)).await?;
        let mut tx = log.begin().await?;
        write_row(&mut tx, line, origin.at).await?;
        decided.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(outcome)
    })
    .await
}

async fn write_row(tx: &mut Tx, line: &RosterLine, at: DateTime<Utc>) -> Result<(), CommandError> {
    with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO roster_entries (flat, block, owner_names, phone, email, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (flat) DO UPDATE SET owner_names = excluded.owner_names, phone = excluded.phone, email = excluded.email,
                 updated_at = excluded.updated_at",
        )
        .bind(line.flat.as_str())
        .bind(line.flat.block())
        .bind(&line.owner_names)
        .bind(line.phone.as_deref())
        .bind(line.email.as_deref())
        .bind(at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(())
}

/// Claims the flat's roster entry for its newly registered owner, inside the registering
/// transaction; a flat not on the roster, or already claimed, is left as it is.
pub async fn claim_in(
    log: &EventLog,
    tx: &mut Tx,
    origin: &Origin,
    flat: &FlatNumber,
    owner: AccountId,
    command_id: Uuid,
) -> Result<(), CommandError> {
    let loaded = log.load::<RosterEntry>(flat.as_str()).await?;
    if !matches!(loaded.state, RosterEntry::Waiting { .. }) {
        return Ok(());
    }
    let decided = loaded.decide("claim_roster_entry", origin.issue(RosterCommand::Claim { account: owner })).await?;
    decided.append_to(log, tx, origin, command_id).await?;
    Ok(())
}

impl Recorded for RosterEntry {
    const NOUN: &'static str = "the roster entry";

    fn refusal(error: RosterRefusal) -> CommandError {
        error.into()
    }

    async fn record(tx: &mut Tx, change: &Change<'_, Self>, _: &Rules) -> Result<(), CommandError> {
        if let RosterEntry::Claimed { flat, by } = change.after {
            with_tx!(tx, |conn| {
                sqlx::query("UPDATE roster_entries SET claimed_by = $2 WHERE flat = $1")
                    .bind(flat.as_str())
                    .bind(by.as_uuid())
                    .execute(conn)
                    .await
                    .map(|done| done.rows_affected())
            })?;
        }
        Ok(())
    }
}
