//! What a caller asks of the request list: filters, who is looking (SPEC §2 "who sees what"),
//! ordering and the keyset page, with its opaque cursor.

use chrono::{DateTime, SecondsFormat, Utc};
use khaki_domain::request::Status;
use khaki_domain::{AccountId, Priority, Trade};
use uuid::Uuid;

use crate::error::QueryError;

/// A half-open time range [from, to); either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// Filters of the request list; all given filters must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Any of these statuses (none: any status).
    pub statuses: Vec<Status>,
    pub priority: Option<Priority>,
    /// A category name as recorded on the request.
    pub category: Option<String>,
    pub trade: Option<Trade>,
    pub assignee: Option<AccountId>,
    /// Only requests nobody holds yet: submitted or acknowledged.
    pub unassigned: bool,
    pub submitter: Option<AccountId>,
    pub block: Option<String>,
    pub flat: Option<String>,
    /// Only requests past their due time and not resolved, closed or cancelled.
    pub overdue: bool,
    /// Only requests escalated at least once.
    pub escalated: bool,
    pub submitted: TimeRange,
    pub due: TimeRange,
    pub resolved: TimeRange,
    /// Words that must all appear in the ticket, title, description or location.
    pub search: Option<String>,
}

/// Which requests the caller may see (SPEC §2). The caller works out who they are; the reporting
/// chain and the trades they can take come from the domain (`reports_for`, `can_take_trade`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Staff holding "access all requests", the system, auditors.
    Everything,
    /// A resident: the requests they submitted.
    Submitter(AccountId),
    /// An employed staff member: requests they filed, that are or were assigned to them, that are
    /// assigned to anyone in `reports`, unassigned ones of the `trades` they can take, and, when
    /// `costed` (the domain's `reads_costed_requests`), every request with a cost.
    Staff { me: AccountId, reports: Vec<AccountId>, trades: Vec<Trade>, costed: bool },
    /// Anyone else sees nothing.
    Nothing,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OrderBy {
    #[default]
    Submitted,
    Updated,
    /// Priority, then submission time.
    Priority,
    Due,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Order {
    pub by: OrderBy,
    pub descending: bool,
}

impl Default for Order {
    /// Newest first.
    fn default() -> Self {
        Self { by: OrderBy::Submitted, descending: true }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    pub order: Order,
    /// Rows per page, 1 to 200.
    pub size: u32,
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
}

impl Default for Page {
    fn default() -> Self {
        Self { order: Order::default(), size: 50, after: None }
    }
}

/// How many requests match. Exact when it comes from the running counts or is small; otherwise
/// counting stops at a cap, so a broad filter over a million requests stays fast.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Total {
    pub count: u64,
    /// `false`: at least `count` match.
    pub exact: bool,
}

impl OrderBy {
    fn name(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Updated => "updated",
            Self::Priority => "priority",
            Self::Due => "due",
        }
    }

    /// The columns of the ordering, the id last so the order is total.
    pub(crate) fn columns(self) -> &'static [&'static str] {
        match self {
            Self::Submitted => &["submitted_at", "id"],
            Self::Updated => &["updated_at", "id"],
            Self::Priority => &["priority", "submitted_at", "id"],
            Self::Due => &["due_at", "id"],
        }
    }
}

/// Where a page ended: the ordering's values of its last row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Keyset {
    pub time: DateTime<Utc>,
    pub priority: i32,
    pub id: Uuid,
}

impl Keyset {
    /// The cursor text: the ordering and the last row's values, hex-encoded so clients treat it
    /// as opaque.
    pub fn encode(&self, order: Order) -> String {
        let plain = format!(
            "1|{}|{}|{}|{}|{}",
            order.by.name(),
            if order.descending { "desc" } else { "asc" },
            self.time.to_rfc3339_opts(SecondsFormat::Micros, true),
            self.priority,
            self.id
        );
        plain.bytes().map(|b| format!("{b:02x}")).collect()
    }

    pub fn decode(cursor: &str, order: Order) -> Result<Self, QueryError> {
        let bad = || QueryError::invalid("cursor", "not a cursor this list gave out");
        if cursor.len() % 2 != 0 || !cursor.is_ascii() {
            return Err(bad());
        }
        let bytes: Result<Vec<u8>, _> =
            (0..cursor.len()).step_by(2).map(|i| u8::from_str_radix(&cursor[i..i + 2], 16)).collect();
        let plain = String::from_utf8(bytes.map_err(|_| bad())?).map_err(|_| bad())?;
        let parts: Vec<&str> = plain.split('|').collect();
        let [version, by, direction, time, priority, id] = parts.as_slice() else { return Err(bad()) };
        let direction_matches = *direction == if order.descending { "desc" } else { "asc" };
        if *version != "1" || *by != order.by.name() || !direction_matches {
            return Err(QueryError::invalid("cursor", "the cursor belongs to another ordering of the list"));
        }
        Ok(Self {
            time: DateTime::parse_from_rfc3339(time).map_err(|_| bad())?.with_timezone(&Utc),
            priority: priority.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_only_under_its_own_ordering() {
        let keyset = Keyset { time: Utc::now(), priority: 3, id: Uuid::new_v4() };
        let order = Order { by: OrderBy::Priority, descending: false };
        let cursor = keyset.encode(order);
        let read = Keyset::decode(&cursor, order).expect("reads back");
        assert_eq!((read.priority, read.id), (3, keyset.id));
        assert!(Keyset::decode(&cursor, Order::default()).is_err());
        assert!(Keyset::decode("zz", order).is_err());
    }
}
