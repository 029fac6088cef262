//! Seeding in bulk: the plan's commands are decided by the same domain functions the command
//! path runs, with the facts the command side would look up kept in memory, and the events are
//! written many to a statement with the same metadata shape and links. The ledger is written
//! once at the end. `tests/bench.rs` checks both paths give the same read models.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cqrs_es::{Aggregate, DomainEvent};
use khaki_commands::requests::category;
use khaki_commands::{CommandError, EventLog, Origin};
use khaki_domain::chain::{link, Hash, Recorded, GENESIS};
use khaki_domain::request::{
    decide, Assign, MaintenanceRequest, Reopen, RequestCommand, RequestEvent, Resolve, StartWork, Submit,
};
use khaki_domain::{AccountId, Actor, Candidate, EventMetadata, Issued, Rating, TicketNumber};
use khaki_migrations::{with_tx, Tx};
use uuid::Uuid;

use crate::bench::seed::commands::{actor_for, comment_id, money, text};
use crate::bench::seed::people::Cast;
use crate::bench::seed::plan::{RequestPlan, Step};

/// Rows per INSERT: nine values each, well under both stores' parameter limits.
const ROWS_PER_STATEMENT: usize = 2000;

struct Row {
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    payload: serde_json::Value,
    metadata: serde_json::Value,
    recorded_at: DateTime<Utc>,
    hash: Hash,
}

/// What the command side would find in its ledger, kept as the plan runs.
struct Ledger {
    candidates: HashMap<AccountId, Candidate>,
    tickets: HashMap<i32, u32>,
    holdings: HashMap<Uuid, (AccountId, DateTime<Utc>)>,
    request_tickets: Vec<(String, Uuid)>,
}

pub async fn run(
    log: &EventLog,
    cast: &Cast,
    plan: &[(RequestPlan, Vec<DateTime<Utc>>)],
    mut progress: impl FnMut(u64),
) -> Result<(), CommandError> {
    let mut ledger = Ledger {
        candidates: HashMap::new(),
        tickets: HashMap::new(),
        holdings: HashMap::new(),
        request_tickets: Vec::new(),
    };
    for team in cast.staff.values() {
        for member in team {
            if let Some(candidate) = khaki_commands::ledger::candidate(log.database(), member.account).await? {
                ledger.candidates.insert(member.account, candidate);
            }
        }
    }
    let limit = log.rules().workload_limit;
    let mut rows: Vec<Row> = Vec::with_capacity(ROWS_PER_STATEMENT * 2);
    for (request, times) in plan {
        let resident = &cast.residents[request.resident % cast.residents.len()];
        let mut state = MaintenanceRequest::default();
        let mut head = (0i64, GENESIS);
        let submitted_at = Origin::new(resident.clone()).at(request.submitted_at).at;
        let year = log.rules().local_year(submitted_at);
        let sequence = ledger.tickets.entry(year).or_insert(0);
        *sequence += 1;
        let ticket = TicketNumber::new(year, *sequence).map_err(|e| CommandError::Log(e.to_string()))?;
        let submit = RequestCommand::Submit(Submit {
            id: request.id,
            ticket,
            submitter: resident.account,
            submitter_is_active_resident: true,
            title: text(request.title)?,
            description: text("Please have a look when you can")?,
            category: category(request.category)?,
            location: text("Flat")?,
            priority: None,
        });
        ledger.request_tickets.push((ticket.to_string(), request.id.as_uuid()));
        record(&mut state, &mut head, &mut rows, &mut ledger, request, resident, submitted_at, "submit", submit)?;
        for (index, (step, at)) in request.steps.iter().zip(times).enumerate() {
            let actor = actor_for(cast, request, step);
            let at = Origin::new(actor.clone()).at(*at).at;
            let worker = cast.worker(request.trade_role, request.worker).account;
            let (name, command) = match step {
                Step::Acknowledge => ("acknowledge", RequestCommand::Acknowledge),
                Step::Assign { estimated_paise } => {
                    let assignee = ledger
                        .candidates
                        .get(&worker)
                        .cloned()
                        .ok_or_else(|| CommandError::not_found("bench worker"))?;
                    (
                        "assign",
                        RequestCommand::Assign(Assign {
                            assignee,
                            workload_limit: limit,
                            due: None,
                            estimated_cost: Some(money(*estimated_paise)?),
                            ranking: vec![],
                        }),
                    )
                }
                Step::Start => (
                    "start_work",
                    RequestCommand::StartWork(StartWork {
                        taker: ledger.candidates.get(&actor.account).cloned(),
                        workload_limit: limit,
                    }),
                ),
                Step::Comment => (
                    "comment",
                    RequestCommand::Comment {
                        id: comment_id(request, index),
                        text: text("On my way")?,
                        internal: false,
                    },
                ),
                Step::Resolve { actual_paise } => (
                    "resolve",
                    RequestCommand::Resolve(Resolve {
                        actual_cost: Some(money(*actual_paise)?),
                        note: Some(text("Fixed")?),
                    }),
                ),
                Step::Reopen => (
                    "reopen",
                    RequestCommand::Reopen(Reopen { reason: text("It came back")?, assignee_employed: true }),
                ),
                Step::Close { .. } => ("close", RequestCommand::Close),
                Step::Rate { stars } => (
                    "rate",
                    RequestCommand::Rate {
                        rating: Rating::new(*stars).map_err(|e| CommandError::invalid("rating", e.to_string()))?,
                        feedback: None,
                    },
                ),
                Step::Cancel => ("cancel", RequestCommand::Cancel { reason: text("No longer needed")? }),
            };
            record(&mut state, &mut head, &mut rows, &mut ledger, request, actor, at, name, command)?;
        }
        if rows.len() >= ROWS_PER_STATEMENT {
            write_events(log, &rows).await?;
            rows.clear();
        }
        progress(1);
    }
    write_events(log, &rows).await?;
    write_ledger(log, &ledger).await
}

/// Decides one command as the command side would, applies its events, links and keeps them,
/// and moves the in-memory ledger as the command side's ledger would move.
#[allow(clippy::too_many_arguments)]
fn record(
    state: &mut MaintenanceRequest,
    head: &mut (i64, Hash),
    rows: &mut Vec<Row>,
    ledger: &mut Ledger,
    request: &RequestPlan,
    actor: &Actor,
    at: DateTime<Utc>,
    name: &str,
    command: RequestCommand,
) -> Result<(), CommandError> {
    let events = decide(state, &Issued::new(actor.clone(), at, command))
        .map_err(|refusal| CommandError::Log(format!("the bench plan was refused: {refusal}")))?;
    let before = state.open_holder();
    let metadata = serde_json::to_value(
        EventMetadata {
            actor: actor.account,
            actor_role: actor.role_name().to_owned(),
            recorded_at: at,
            correlation_id: Uuid::new_v4(),
            command: name.to_owned(),
            command_id: Uuid::new_v4(),
            idempotency_key: None,
            client_address: None,
        }
        .to_map(),
    )
    .map_err(|e| CommandError::Log(e.to_string()))?;
    let new_work = events
        .iter()
        .any(|e| matches!(e, RequestEvent::RequestAssigned { .. } | RequestEvent::WorkStarted { took_on: true, .. }));
    for event in events {
        if let RequestEvent::WorkRated { rating, assignee, .. } = &event {
            if let Some(candidate) = ledger.candidates.get_mut(assignee) {
                candidate.rating_sum += u32::from(rating.stars());
                candidate.rating_count += 1;
            }
        }
        let payload = serde_json::to_value(&event).map_err(|e| CommandError::Log(e.to_string()))?;
        let event_type = event.event_type();
        let sequence = head.0 + 1;
        let aggregate_id = request.id.to_string();
        let hash = link(
            &head.1,
            &Recorded {
                aggregate_type: MaintenanceRequest::TYPE,
                aggregate_id: &aggregate_id,
                sequence,
                event_type: &event_type,
                event_version: "1",
                payload: &payload,
                metadata: &metadata,
                recorded_at: at,
            },
        );
        *head = (sequence, hash);
        rows.push(Row {
            aggregate_id,
            sequence,
            event_type,
            payload,
            metadata: metadata.clone(),
            recorded_at: at,
            hash,
        });
        state.apply(event);
    }
    let after = state.open_holder();
    if before != after {
        if let Some(previous) = before {
            ledger.holdings.remove(&request.id.as_uuid());
            if let Some(candidate) = ledger.candidates.get_mut(&previous) {
                candidate.open_assignments -= 1;
            }
        }
        if let Some(holder) = after {
            ledger.holdings.insert(request.id.as_uuid(), (holder, at));
            if let Some(candidate) = ledger.candidates.get_mut(&holder) {
                candidate.open_assignments += 1;
                if new_work {
                    candidate.last_assigned_at = Some(at);
                }
            }
        }
    }
    Ok(())
}

async fn write_events(log: &EventLog, rows: &[Row]) -> Result<(), CommandError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len())
            .map(|r| format!("({})", (1..=9).map(|c| format!("${}", r * 9 + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        let sql = format!(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, recorded_at, hash) VALUES {}",
            values.join(", ")
        );
        let mut tx: Tx = log.begin().await?;
        with_tx!(&mut tx, |conn| {
            let mut query = sqlx::query(&sql);
            for row in chunk {
                query = query
                    .bind(MaintenanceRequest::TYPE)
                    .bind(&row.aggregate_id)
                    .bind(row.sequence)
                    .bind(&row.event_type)
                    .bind("1")
                    .bind(&row.payload)
                    .bind(&row.metadata)
                    .bind(row.recorded_at)
                    .bind(row.hash.as_slice());
            }
            query.execute(conn).await.map(|done| done.rows_affected())
        })?;
        tx.commit().await?;
    }
    Ok(())
}

async fn write_ledger(log: &EventLog, ledger: &Ledger) -> Result<(), CommandError> {
    let mut tx = log.begin().await?;
    for (year, last) in &ledger.tickets {
        with_tx!(&mut tx, |conn| {
            sqlx::query(
                "INSERT INTO ticket_counters (year, last_sequence) VALUES ($1, $2)
                 ON CONFLICT (year) DO UPDATE SET last_sequence = excluded.last_sequence",
            )
            .bind(*year)
            .bind(i32::try_from(*last).unwrap_or(i32::MAX))
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
        })?;
    }
    for chunk in ledger.request_tickets.chunks(ROWS_PER_STATEMENT) {
        let values: Vec<String> = (0..chunk.len()).map(|r| format!("(${}, ${})", r * 2 + 1, r * 2 + 2)).collect();
        let sql = format!("INSERT INTO request_tickets (ticket, request_id) VALUES {}", values.join(", "));
        with_tx!(&mut tx, |conn| {
            let mut query = sqlx::query(&sql);
            for (ticket, id) in chunk {
                query = query.bind(ticket).bind(*id);
            }
            query.execute(conn).await.map(|done| done.rows_affected())
        })?;
    }
    for (request, (staff, since)) in &ledger.holdings {
        with_tx!(&mut tx, |conn| {
            sqlx::query("INSERT INTO request_holdings (request_id, staff_id, since) VALUES ($1, $2, $3)")
                .bind(*request)
                .bind(staff.as_uuid())
                .bind(*since)
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    for candidate in ledger.candidates.values() {
        with_tx!(&mut tx, |conn| {
            sqlx::query("UPDATE staff_ledger SET open_assignments = $2, rating_sum = $3, rating_count = $4, last_assigned_at = $5 WHERE staff_id = $1")
                .bind(candidate.staff.as_uuid())
                .bind(i32::try_from(candidate.open_assignments).unwrap_or(i32::MAX))
                .bind(i32::try_from(candidate.rating_sum).unwrap_or(i32::MAX))
                .bind(i32::try_from(candidate.rating_count).unwrap_or(i32::MAX))
                .bind(candidate.last_assigned_at)
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
    }
    tx.commit().await?;
    Ok(())
}
