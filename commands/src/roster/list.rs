//! Reading the roster: the flats on it, their owners' names and contacts as imported, and
//! whether each has been claimed by its owner's account. For administrators and facility
//! managers, who import it; the names and contacts are personal data, kept here and not in the log.

use chrono::{DateTime, Utc};
use khaki_domain::request::may_manage_staff;
use khaki_domain::roster::RosterRefusal;
use khaki_domain::{AccountId, Actor};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;
use uuid::Uuid;

use crate::error::CommandError;

/// Which entries to list; every filter given must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RosterFilter {
    /// The block as written before the dash of its flats (`A`, `C1`), any case.
    pub block: Option<String>,
    /// Claimed by the owner's account (`true`) or still waiting (`false`).
    pub claimed: Option<bool>,
}

/// One page, in flat order: at most `size` entries after the flat `after`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterPageAsked {
    pub size: u32,
    pub after: Option<String>,
}

/// The most entries one page holds.
pub const MOST_PER_PAGE: u32 = 200;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterListing {
    pub flat: String,
    pub block: String,
    pub owner_names: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Whether the owner has registered at the flat, and with which account.
    pub claimed: bool,
    pub claimed_by: Option<AccountId>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RosterPage {
    pub entries: Vec<RosterListing>,
    /// The flat to ask for entries after, when there are more.
    pub next: Option<String>,
}

type Row = (String, String, String, Option<String>, Option<String>, Option<Uuid>, DateTime<Utc>);

#[tracing::instrument(skip_all, fields(block = ?filter.block, claimed = ?filter.claimed))]
pub async fn list_roster(
    db: &Database,
    actor: &Actor,
    filter: &RosterFilter,
    page: &RosterPageAsked,
) -> Result<RosterPage, CommandError> {
    if !(actor.is_system() || may_manage_staff(actor)) {
        return Err(RosterRefusal::NotRosterReader.into());
    }
    let size = page.size.clamp(1, MOST_PER_PAGE);
    let block = filter.block.as_deref().map(|b| b.trim().to_ascii_uppercase());
    // Keyset paging on the primary key: each page is one index range, however deep.
    let rows: Vec<Row> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT flat, block, owner_names, phone, email, claimed_by, updated_at FROM roster_entries
             WHERE ($1 IS NULL OR block = $1) AND ($2 IS NULL OR (claimed_by IS NOT NULL) = $2) AND ($3 IS NULL OR flat > $3)
             ORDER BY flat LIMIT $4",
        )
        .bind(block.as_deref())
        .bind(filter.claimed)
        .bind(page.after.as_deref())
        .bind(i64::from(size) + 1)
        .fetch_all(pool)
        .await
    })?;
    let mut entries: Vec<RosterListing> = rows
        .into_iter()
        .map(|(flat, block, owner_names, phone, email, claimed_by, updated_at)| RosterListing {
            flat,
            block,
            owner_names,
            phone,
            email,
            claimed: claimed_by.is_some(),
            claimed_by: claimed_by.map(AccountId::from_uuid),
            updated_at,
        })
        .collect();
    let more = entries.len() > size as usize;
    entries.truncate(size as usize);
    let next = if more { entries.last().map(|e| e.flat.clone()) } else { None };
    Ok(RosterPage { entries, next })
}
