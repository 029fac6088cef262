//! Who an account is when it acts, and how people are named in answers.

use khaki_domain::{AccountId, Actor, Permission, Permissions, StaffRole, StaffStanding, Standing};
use khaki_migrations::{with_pool, Database};
use uuid::Uuid;

use crate::error::CommandError;

#[derive(sqlx::FromRow)]
pub(crate) struct StandingRow {
    id: Uuid,
    kind: String,
    administrator: bool,
    auditor: bool,
    active: bool,
    committee: Option<bool>,
    resident_active: Option<bool>,
    role: Option<String>,
    access_all: Option<bool>,
    can_assign: Option<bool>,
    can_close: Option<bool>,
    manage_finances: Option<bool>,
    send_announcements: Option<bool>,
    employed: Option<bool>,
    moves_out_on: Option<chrono::NaiveDate>,
}

/// What makes up an account's standing; callers add the condition that picks the account.
pub(crate) const STANDING: &str =
    "SELECT a.id, a.kind, a.administrator, a.auditor, a.active, r.committee, r.active AS resident_active, r.moves_out_on, s.role,
            s.access_all, s.can_assign, s.can_close, s.manage_finances, s.send_announcements, s.employed
     FROM accounts a
     LEFT JOIN residents r ON r.account_id = a.id
     LEFT JOIN staff_ledger s ON s.staff_id = a.id";

/// Who an account is as an actor now, or `None` if it does not exist or is not active.
pub async fn actor_for(db: &Database, account: AccountId) -> Result<Option<Actor>, CommandError> {
    let sql = format!("{STANDING} WHERE a.id = $1");
    let row: Option<StandingRow> =
        with_pool!(db, |pool| sqlx::query_as(&sql).bind(account.as_uuid()).fetch_optional(pool).await)?;
    row.map(actor).transpose().map(Option::flatten)
}

/// The actor a standing row describes; `None` for an inactive account.
pub(crate) fn actor(row: StandingRow) -> Result<Option<Actor>, CommandError> {
    if !row.active {
        return Ok(None);
    }
    let account = AccountId::from_uuid(row.id);
    let standing = match (row.kind.as_str(), row.role.as_deref()) {
        // A move-out recorded ahead of time takes effect on its day.
        ("resident", _)
            if row.resident_active == Some(true)
                && row.moves_out_on.is_none_or(|out| chrono::Utc::now().date_naive() < out) =>
        {
            Standing::Resident { committee: row.committee.unwrap_or(false) }
        }
        ("staff", Some(role)) => {
            let role: StaffRole = role.parse().map_err(CommandError::Log)?;
            let mut permissions = Permissions::new();
            for (held, flag) in [
                (row.access_all, Permission::AccessAllRequests),
                (row.can_assign, Permission::Assign),
                (row.can_close, Permission::Close),
                (row.manage_finances, Permission::ManageFinances),
                (row.send_announcements, Permission::SendAnnouncements),
            ] {
                if held == Some(true) {
                    permissions.insert(flag);
                }
            }
            Standing::Staff(StaffStanding { role, permissions, employed: row.employed == Some(true) })
        }
        _ => Standing::AccountOnly,
    };
    Ok(Some(Actor { account, standing, administrator: row.administrator, auditor: row.auditor }))
}

/// Display names for a set of accounts; erased people are named as such.
pub async fn display_names(
    db: &Database,
    ids: &[AccountId],
) -> Result<std::collections::HashMap<AccountId, String>, CommandError> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let placeholders: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT id, display_name, erased_at IS NOT NULL FROM accounts WHERE id IN ({})",
        placeholders.join(", ")
    );
    let rows: Vec<(Uuid, Option<String>, bool)> = with_pool!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id.as_uuid());
        }
        query.fetch_all(pool).await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, name, erased)| {
            let name = if erased { ERASED_PERSON.to_owned() } else { name.unwrap_or_default() };
            (AccountId::from_uuid(id), name)
        })
        .collect())
}

/// How a person whose personal data was erased is named everywhere.
pub const ERASED_PERSON: &str = "erased person";

/// The account id for a username (any case), if there is one.
pub async fn account_by_username(db: &Database, username: &str) -> Result<Option<AccountId>, CommandError> {
    let id: Option<Uuid> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT id FROM accounts WHERE lower(username) = lower($1)")
            .bind(username)
            .fetch_optional(pool)
            .await
    })?;
    Ok(id.map(AccountId::from_uuid))
}

/// An active account holding the administrator right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActiveAdministrator {
    pub id: AccountId,
    pub username: String,
    /// An auditor issues no command, so an administrator who is one cannot run the estate.
    pub auditor: bool,
}

/// The estate's active administrators, by username.
pub async fn active_administrators(db: &Database) -> Result<Vec<ActiveAdministrator>, CommandError> {
    let rows: Vec<(Uuid, String, bool)> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT id, username, auditor FROM accounts WHERE administrator AND active ORDER BY lower(username)",
        )
        .fetch_all(pool)
        .await
    })?;
    Ok(rows
        .into_iter()
        .map(|(id, username, auditor)| ActiveAdministrator { id: AccountId::from_uuid(id), username, auditor })
        .collect())
}
