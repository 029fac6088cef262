//! The request list: filtered, scoped, ordered, one keyset page at a time, with a total.

use chrono::{DateTime, Utc};
use khaki_domain::request::Status;
use khaki_migrations::{with_pool, Database, StoreKind};
use serde::Serialize;

use crate::bind_cells;
use crate::error::QueryError;
use crate::request_list::filter::{Keyset, OrderBy, Page, RequestFilter, Scope, Total};
use crate::request_list::row::{RequestRow, COLUMNS};
use crate::sql::{full_text_query, search_words, Conditions, OPEN};
use crate::store::Cell;

/// One row of the list: the request, its people's display names, and what follows from `now`.
#[derive(Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct ListedRequest {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub request: RequestRow,
    pub submitter_name: Option<String>,
    pub assignee_name: Option<String>,
    #[sqlx(skip)]
    pub overdue: bool,
    /// Seconds since submission.
    #[sqlx(skip)]
    pub age_seconds: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestPage {
    pub requests: Vec<ListedRequest>,
    /// The cursor of the next page; `None` on the last page.
    pub next: Option<String>,
    pub total: Total,
}

/// Beyond this many matches a total is reported as "at least" (as lists of a thousand and more
/// usually are): counting stays cheap whatever the filter.
const COUNT_CAP: i64 = 1_000;

pub async fn list_requests(
    db: &Database,
    filter: &RequestFilter,
    scope: &Scope,
    page: &Page,
    now: DateTime<Utc>,
) -> Result<RequestPage, QueryError> {
    if !(1..=200).contains(&page.size) {
        return Err(QueryError::invalid("size", "a page holds 1 to 200 requests"));
    }
    let mut conditions = Conditions::new();
    filtered(&mut conditions, db.kind(), filter, now);
    scoped(&mut conditions, scope);
    let total = total(db, filter, scope, &conditions).await?;

    let order = page.order;
    let columns = order.by.columns();
    if let Some(after) = &page.after {
        let keyset = Keyset::decode(after, order)?;
        let values: Vec<String> = columns
            .iter()
            .map(|column| match *column {
                "id" => conditions.bind(keyset.id),
                "priority" => conditions.bind(keyset.priority),
                _ => conditions.bind(keyset.time),
            })
            .collect();
        let qualified: Vec<String> = columns.iter().map(|c| format!("r.{c}")).collect();
        let comparison = if order.descending { "<" } else { ">" };
        conditions.push(format!("({}) {comparison} ({})", qualified.join(", "), values.join(", ")));
    }
    let direction = if order.descending { "DESC" } else { "ASC" };
    let order_sql: Vec<String> = columns.iter().map(|c| format!("r.{c} {direction}")).collect();
    let selected: Vec<String> = COLUMNS.iter().map(|c| format!("r.{c}")).collect();
    let limit = conditions.bind(i64::from(page.size) + 1);
    let sql = format!(
        "SELECT {}, s.display_name AS submitter_name, a.display_name AS assignee_name
         FROM request_list r LEFT JOIN accounts s ON s.id = r.submitter LEFT JOIN accounts a ON a.id = r.assignee{}
         ORDER BY {} LIMIT {limit}",
        selected.join(", "),
        conditions.where_sql(),
        order_sql.join(", ")
    );
    let params = conditions.params;
    let mut requests: Vec<ListedRequest> =
        with_pool!(db, |pool| bind_cells!(sqlx::query_as(&sql), params).fetch_all(pool).await)?;
    let more = requests.len() > page.size as usize;
    requests.truncate(page.size as usize);
    for listed in &mut requests {
        listed.overdue = is_overdue(&listed.request, now);
        listed.age_seconds = (now - listed.request.submitted_at).num_seconds();
    }
    let next = match requests.last() {
        Some(last) if more => {
            let r = &last.request;
            let time = match order.by {
                OrderBy::Submitted | OrderBy::Priority => r.submitted_at,
                OrderBy::Updated => r.updated_at,
                OrderBy::Due => r.due_at,
            };
            Some(Keyset { time, priority: r.priority, id: r.id }.encode(order))
        }
        _ => None,
    };
    Ok(RequestPage { requests, next, total })
}

/// SPEC §2: past due and not resolved, closed or cancelled.
pub fn is_overdue(request: &RequestRow, now: DateTime<Utc>) -> bool {
    now > request.due_at && !matches!(request.status.as_str(), "resolved" | "closed" | "cancelled")
}

fn filtered(conditions: &mut Conditions, store: StoreKind, filter: &RequestFilter, now: DateTime<Utc>) {
    if !filter.statuses.is_empty() {
        // Written out rather than bound: status names are ours, and a literal list lets the
        // planner use the partial indexes on open requests.
        let names: Vec<String> = filter.statuses.iter().map(|s| format!("'{}'", s.name())).collect();
        conditions.push(format!("r.status IN ({})", names.join(", ")));
    }
    let mut equal = |column: &str, cell: Option<Cell>| {
        if let Some(cell) = cell {
            let value = conditions.bind(cell);
            conditions.push(format!("r.{column} = {value}"));
        }
    };
    equal("priority", filter.priority.map(|p| i32::from(p.level()).into()));
    equal("category", filter.category.as_deref().map(Into::into));
    equal("trade", filter.trade.map(|t| t.name().into()));
    equal("assignee", filter.assignee.map(|a| a.as_uuid().into()));
    equal("submitter", filter.submitter.map(|s| s.as_uuid().into()));
    equal("block", filter.block.as_deref().map(Into::into));
    equal("flat", filter.flat.as_deref().map(Into::into));
    if filter.unassigned {
        conditions.push("r.status IN ('submitted', 'acknowledged')");
    }
    if filter.overdue {
        let now = conditions.bind(now);
        conditions.push(format!("r.{OPEN} AND r.due_at < {now}"));
    }
    if filter.escalated {
        conditions.push("r.escalation_level > 0");
    }
    for (column, range) in
        [("submitted_at", filter.submitted), ("due_at", filter.due), ("resolved_at", filter.resolved)]
    {
        if let Some(from) = range.from {
            let from = conditions.bind(from);
            conditions.push(format!("r.{column} >= {from}"));
        }
        if let Some(to) = range.to {
            let to = conditions.bind(to);
            conditions.push(format!("r.{column} < {to}"));
        }
    }
    let words = filter.search.as_deref().map(search_words).unwrap_or_default();
    if !words.is_empty() {
        let query = conditions.bind(full_text_query(store, &words));
        conditions.push(match store {
            StoreKind::Postgres => {
                format!("r.words @@ to_tsquery('simple', {query})")
            }
            StoreKind::Sqlite => format!(
                "r.submitted_position IN (SELECT rowid FROM request_list_search WHERE request_list_search MATCH {query})"
            ),
        });
    }
}

fn scoped(conditions: &mut Conditions, scope: &Scope) {
    match scope {
        Scope::Everything => {}
        Scope::Submitter(me) => {
            let me = conditions.bind(me.as_uuid());
            conditions.push(format!("r.submitter = {me}"));
        }
        Scope::Staff { me, reports, trades, costed } => {
            // Each way of seeing a request is its own indexed lookup; their union is small.
            let me = conditions.bind(me.as_uuid());
            let mut ways = vec![
                format!("SELECT id FROM request_list WHERE filed_by = {me}"),
                format!("SELECT request_id FROM request_assignees WHERE staff_id = {me}"),
            ];
            if !reports.is_empty() {
                let list = conditions.bind_all(reports.iter().map(|r| r.as_uuid()));
                ways.push(format!("SELECT id FROM request_list WHERE assignee IN ({list})"));
            }
            if !trades.is_empty() {
                let list = conditions.bind_all(trades.iter().map(|t| t.name()));
                ways.push(format!(
                    "SELECT id FROM request_list WHERE status IN ('submitted', 'acknowledged') AND trade IN ({list})"
                ));
            }
            if *costed {
                ways.push(
                    "SELECT id FROM request_list WHERE estimated_cost IS NOT NULL OR actual_cost IS NOT NULL".into(),
                );
            }
            conditions.push(format!("r.id IN ({})", ways.join(" UNION ")));
        }
        Scope::Nothing => conditions.push("1 = 0"),
    }
}

/// From the running counts when the filter and scope allow (status, priority, category and trade
/// for everyone's; status for one resident's or one assignee's); otherwise counted, up to a cap.
async fn total(
    db: &Database,
    filter: &RequestFilter,
    scope: &Scope,
    conditions: &Conditions,
) -> Result<Total, sqlx::Error> {
    let statuses_only = RequestFilter { statuses: filter.statuses.clone(), ..RequestFilter::default() };
    let counted = RequestFilter {
        priority: filter.priority,
        category: filter.category.clone(),
        trade: filter.trade,
        unassigned: filter.unassigned,
        ..statuses_only.clone()
    };
    let summed = match (scope, filter.assignee) {
        (Scope::Everything, Some(assignee))
            if *filter == RequestFilter { assignee: Some(assignee), ..statuses_only.clone() } =>
        {
            Some(people_total(assignee.as_uuid(), "assignee", &filter.statuses))
        }
        (Scope::Everything, None) if *filter == counted => Some(counts_total(db.kind(), filter)),
        (Scope::Submitter(me), None) if *filter == statuses_only => {
            Some(people_total(me.as_uuid(), "submitter", &filter.statuses))
        }
        _ => None,
    };
    if let Some((sql, params)) = summed {
        let count: i64 = with_pool!(db, |pool| bind_cells!(sqlx::query_scalar(&sql), params).fetch_one(pool).await)?;
        return Ok(Total { count: u64::try_from(count).unwrap_or(0), exact: true });
    }
    let mut capped = conditions.clone();
    let cap = capped.bind(COUNT_CAP + 1);
    let sql =
        format!("SELECT COUNT(*) FROM (SELECT 1 FROM request_list r{} LIMIT {cap}) AS matching", capped.where_sql());
    let params = capped.params;
    let count: i64 = with_pool!(db, |pool| bind_cells!(sqlx::query_scalar(&sql), params).fetch_one(pool).await)?;
    Ok(if count > COUNT_CAP {
        Total { count: COUNT_CAP as u64, exact: false }
    } else {
        Total { count: u64::try_from(count).unwrap_or(0), exact: true }
    })
}

/// The sum of the running counts matching a filter of status, priority, category and trade.
fn counts_total(store: StoreKind, filter: &RequestFilter) -> (String, Vec<Cell>) {
    let mut counted = Conditions::new();
    filtered(&mut counted, store, filter, Utc::now());
    let sql =
        format!("SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM request_list_counts r{}", counted.where_sql());
    (sql, counted.params)
}

/// The sum of one person's running counts, in some statuses (all when none).
fn people_total(person: uuid::Uuid, relation: &'static str, statuses: &[Status]) -> (String, Vec<Cell>) {
    let mut counted = Conditions::new();
    let (person, relation) = (counted.bind(person), counted.bind(relation));
    counted.push(format!("r.account_id = {person} AND r.relation = {relation}"));
    if !statuses.is_empty() {
        let list = counted.bind_all(statuses.iter().map(|s| s.name()));
        counted.push(format!("r.status IN ({list})"));
    }
    let sql =
        format!("SELECT CAST(COALESCE(SUM(requests), 0) AS BIGINT) FROM request_list_people r{}", counted.where_sql());
    (sql, counted.params)
}

/// Requests per status, from the running counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct StatusCount {
    pub status: String,
    pub requests: i64,
}

pub async fn count_by_status(db: &Database) -> Result<Vec<StatusCount>, sqlx::Error> {
    let sql = "SELECT status, CAST(SUM(requests) AS BIGINT) AS requests FROM request_list_counts GROUP BY status ORDER BY status";
    with_pool!(db, |pool| sqlx::query_as(sql).fetch_all(pool).await)
}
