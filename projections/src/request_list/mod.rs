//! request_list: one row per request with everything the request list shows, filters and sorts
//! on; the texts full-text search looks in; who has ever held each request (for "formerly assigned
//! to me"); residents' flats (so a request records its submitter's flat); and running counts per
//! status, category and priority, and per submitter and assignee, for totals and dashboards.
//!
//! A batch loads the rows its events touch, folds the events into them in memory, and writes each
//! changed row once.

mod filter;
mod query;
mod row;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use khaki_domain::request::RequestEvent;
use khaki_domain::resident::ResidentEvent;
use khaki_migrations::{with_tx, StoreKind, Tx};
use uuid::Uuid;

use crate::bind_cells;
use crate::error::ProjectionError;
use crate::facts::{Event, Fact};
use crate::store::{self, Cell, OnConflict};
use crate::sums::Sums;
use crate::target::Target;

pub use filter::{Order, OrderBy, Page, RequestFilter, Scope, TimeRange, Total};
pub use query::{count_by_status, list_requests, ListedRequest, RequestPage, StatusCount};
pub use row::RequestRow;

use row::{Flat, COLUMNS};

/// The tables this projection writes.
pub const TABLES: &[&str] = &[
    "request_list",
    "request_list_search",
    "request_assignees",
    "request_list_flats",
    "request_list_counts",
    "request_list_people",
];

const COUNT_KEYS: &[&str] = &["status", "category", "trade", "priority"];
const PEOPLE_KEYS: &[&str] = &["account_id", "relation", "status"];

/// What full-text search looks in, written once when a request is submitted.
struct Searchable {
    id: Uuid,
    position: i64,
    texts: [String; 4],
}

pub(crate) async fn apply(tx: &mut Tx, target: &Target, facts: &[Fact]) -> Result<(), ProjectionError> {
    let mut request_ids = Vec::new();
    let mut submitters = Vec::new();
    for fact in facts {
        if let Event::Request(event) = &fact.event {
            request_ids.push(fact.id);
            if let RequestEvent::RequestSubmitted { submitter, .. } = event {
                submitters.push(submitter.as_uuid());
            }
        }
    }
    request_ids.sort_unstable();
    request_ids.dedup();
    let columns = COLUMNS.join(", ");
    let before: HashMap<Uuid, RequestRow> =
        store::load::<RequestRow>(tx, &target.table("request_list"), &columns, "id", &request_ids)
            .await?
            .into_iter()
            .map(|row| (row.id, row))
            .collect();
    let mut flats = known_flats(tx, target, &submitters).await?;

    let mut rows = before.clone();
    let mut new_flats: HashMap<Uuid, Flat> = HashMap::new();
    let mut holders: HashMap<(Uuid, Uuid), DateTime<Utc>> = HashMap::new();
    let mut searchable = Vec::new();
    for fact in facts {
        match &fact.event {
            Event::Resident(ResidentEvent::ResidentRegistered { flat, .. }) => {
                let flat = Flat { flat: flat.as_str().to_owned(), block: flat.block().to_owned() };
                flats.insert(fact.id, flat.clone());
                new_flats.insert(fact.id, flat);
            }
            Event::Request(event) => match rows.get_mut(&fact.id) {
                Some(row) => {
                    if let Some(holder) = row.apply(fact, event) {
                        holders.entry((holder, fact.id)).or_insert(event.at());
                    }
                }
                None => {
                    let submitter = match event {
                        RequestEvent::RequestSubmitted { submitter, .. } => flats.get(&submitter.as_uuid()),
                        _ => None,
                    };
                    // Any other first event cannot come from our own log; like the domain's
                    // evolve, it changes nothing.
                    if let Some(row) = RequestRow::submitted(fact, event, submitter) {
                        rows.insert(fact.id, row);
                    }
                    if let RequestEvent::RequestSubmitted { ticket, title, description, location, .. } = event {
                        let texts =
                            [ticket.to_string(), title.to_string(), description.to_string(), location.to_string()];
                        searchable.push(Searchable { id: fact.id, position: fact.position(), texts });
                    }
                }
            },
            _ => {}
        }
    }

    let flat_rows = new_flats.into_iter().map(|(id, f)| vec![id.into(), f.flat.into(), f.block.into()]).collect();
    store::write(
        tx,
        &target.table("request_list_flats"),
        &["account_id", "flat", "block"],
        &["account_id"],
        flat_rows,
        OnConflict::Replace,
    )
    .await?;

    let mut counts = Sums::new("request_list_counts", COUNT_KEYS, &["requests"]);
    let mut people = Sums::new("request_list_people", PEOPLE_KEYS, &["requests"]);
    let mut changed = Vec::new();
    for (id, row) in &rows {
        let old = before.get(id);
        if old == Some(row) {
            continue;
        }
        if let Some(old) = old {
            counts.add(count_key(old), &[1], -1);
            for key in people_keys(old) {
                people.add(key, &[1], -1);
            }
        }
        counts.add(count_key(row), &[1], 1);
        for key in people_keys(row) {
            people.add(key, &[1], 1);
        }
        changed.push(row.cells());
    }
    store::write(tx, &target.table("request_list"), COLUMNS, &["id"], changed, OnConflict::Replace).await?;
    let holder_rows =
        holders.into_iter().map(|((staff, request), since)| vec![staff.into(), request.into(), since.into()]);
    store::write(
        tx,
        &target.table("request_assignees"),
        &["staff_id", "request_id", "since"],
        &["staff_id", "request_id"],
        holder_rows.collect(),
        OnConflict::Keep,
    )
    .await?;
    index_for_search(tx, target, searchable).await?;
    counts.write(tx, target).await?;
    people.write(tx, target).await?;
    Ok(())
}

fn count_key(row: &RequestRow) -> Vec<Cell> {
    vec![row.status.as_str().into(), row.category.as_str().into(), row.trade.as_str().into(), row.priority.into()]
}

fn people_keys(row: &RequestRow) -> Vec<Vec<Cell>> {
    let status = || Cell::from(row.status.as_str());
    let mut keys = vec![vec![row.submitter.into(), "submitter".into(), status()]];
    if let Some(assignee) = row.assignee {
        keys.push(vec![assignee.into(), "assignee".into(), status()]);
    }
    keys
}

/// The flats of residents who submit in this batch, as recorded so far.
async fn known_flats(tx: &mut Tx, target: &Target, residents: &[Uuid]) -> Result<HashMap<Uuid, Flat>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct FlatRow {
        account_id: Uuid,
        flat: String,
        block: String,
    }
    let mut residents = residents.to_vec();
    residents.sort_unstable();
    residents.dedup();
    let table = target.table("request_list_flats");
    let rows = store::load::<FlatRow>(tx, &table, "account_id, flat, block", "account_id", &residents).await?;
    Ok(rows.into_iter().map(|r| (r.account_id, Flat { flat: r.flat, block: r.block })).collect())
}

/// A new request's searchable texts, once: they never change. PostgreSQL keys them by request
/// id; SQLite's FTS5 table by the submission's position (its integer rowid).
async fn index_for_search(tx: &mut Tx, target: &Target, searchable: Vec<Searchable>) -> Result<(), sqlx::Error> {
    let table = target.table("request_list_search");
    let (ids, texts): (Vec<Uuid>, Vec<String>) = searchable.iter().map(|s| (s.id, s.texts.join(" "))).unzip();
    let rows: Vec<Vec<Cell>> = searchable
        .into_iter()
        .map(|s| {
            let key = match tx.kind() {
                StoreKind::Postgres => Cell::from(s.id),
                StoreKind::Sqlite => Cell::from(s.position),
            };
            std::iter::once(key).chain(s.texts.into_iter().map(Cell::from)).collect()
        })
        .collect();
    match tx.kind() {
        StoreKind::Postgres => {
            let columns = ["id", "ticket", "title", "description", "location"];
            store::write(tx, &table, &columns, &["id"], rows, OnConflict::Keep).await?;
            if ids.is_empty() {
                return Ok(());
            }
            // The words go on the list row itself, so one table's statistics and indexes serve a
            // search together with the list's filters and order. Punctuation becomes space first,
            // so `MNT-2026-0001` and `A-101` are words, as SQLite's tokenizer sees them.
            let sql = format!(
                "UPDATE {} r SET words = to_tsvector('simple', regexp_replace(v.text, '[^[:alnum:]]+', ' ', 'g'))
                 FROM UNNEST($1::uuid[], $2::text[]) AS v(id, text) WHERE r.id = v.id",
                target.table("request_list")
            );
            match tx {
                Tx::Postgres(conn) => sqlx::query(&sql).bind(ids).bind(texts).execute(&mut **conn).await.map(|_| ()),
                Tx::Sqlite(_) => Ok(()),
            }
        }
        StoreKind::Sqlite => {
            // FTS5 tables take no ON CONFLICT clause; a submission happens once per request.
            let sql = format!(
                "INSERT INTO {table} (rowid, ticket, title, description, location) VALUES ($1, $2, $3, $4, $5)"
            );
            for row in rows {
                with_tx!(tx, |conn| bind_cells!(sqlx::query(&sql), row).execute(conn).await.map(|_| ()))?;
            }
            Ok(())
        }
    }
}
