//! Accounts: opening them (credentials and personal data into the accounts table, the fact into
//! the log), and reading who someone is when they act.

use chrono::{DateTime, Utc};
use khaki_domain::account::{Account, AccountCommand, AccountKind};
use khaki_domain::{AccountId, Actor, Permission, Permissions, StaffRole, StaffStanding, Standing};
use khaki_migrations::{unique_violation, with_pool, with_tx, Database, Tx};
use uuid::Uuid;

use crate::error::CommandError;
use crate::log::{EventLog, Executed};
use crate::origin::Origin;

/// The sign-in and personal details of a new account. The password arrives already hashed.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub id: AccountId,
    pub username: Username,
    pub email: Option<String>,
    pub display_name: String,
    pub phone: Option<String>,
    pub password_hash: Option<String>,
}

/// 3–40 letters, digits, `.`, `_` or `-`; unique regardless of case (SPEC §1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Username(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a username is 3 to 40 letters, digits, '.', '_' or '-'")]
pub struct UsernameError;

impl Username {
    pub fn parse(text: &str) -> Result<Self, UsernameError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if (3..=40).contains(&text.len()) && text.chars().all(allowed) {
            Ok(Self(text.to_owned()))
        } else {
            Err(UsernameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Writes the account's row (credentials, personal data) inside `tx`. A taken username or e-mail
/// is a [`CommandError::Duplicate`], also when two sign-ups race.
pub async fn insert_account_row(
    tx: &mut Tx,
    account: &NewAccount,
    kind: AccountKind,
    at: DateTime<Utc>,
) -> Result<(), CommandError> {
    let inserted = with_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO accounts (id, username, email, display_name, phone, password_hash, kind, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(account.id.as_uuid())
        .bind(account.username.as_str())
        .bind(account.email.as_deref())
        .bind(&account.display_name)
        .bind(account.phone.as_deref())
        .bind(account.password_hash.as_deref())
        .bind(kind.name())
        .bind(at)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    });
    match inserted {
        Ok(_) => Ok(()),
        Err(e) => match unique_violation(&e) {
            Some(which) if which.contains("email") => {
                Err(CommandError::Duplicate { field: "email", message: "that e-mail address is already in use".into() })
            }
            Some(which) if which.contains("username") => Err(CommandError::Duplicate {
                field: "username",
                message: format!("the username '{}' is already taken", account.username.as_str()),
            }),
            Some(_) => {
                Err(CommandError::Duplicate { field: "id", message: format!("account {} already exists", account.id) })
            }
            None => Err(e.into()),
        },
    }
}

/// Opens an account (row and event) inside `tx`; the caller commits, typically together with the
/// resident or staff record the account is for.
pub async fn open_in(
    log: &EventLog,
    tx: &mut Tx,
    origin: &Origin,
    account: &NewAccount,
    kind: AccountKind,
    administrator: bool,
    command_id: Uuid,
) -> Result<Executed<Account>, CommandError> {
    insert_account_row(tx, account, kind, origin.at).await?;
    let loaded = log.load::<Account>(&account.id.to_string()).await?;
    let decided = loaded
        .decide("open_account", origin.issue(AccountCommand::Open { id: account.id, kind, administrator }))
        .await?;
    decided.append_to(log, tx, origin, command_id).await
}

/// Opens an account that is neither resident nor staff (the first administrator, auditors).
pub async fn open_account(
    log: &EventLog,
    origin: &Origin,
    account: &NewAccount,
    administrator: bool,
) -> Result<Executed<Account>, CommandError> {
    let mut tx = log.begin().await?;
    let executed =
        open_in(log, &mut tx, origin, account, AccountKind::AccountOnly, administrator, Uuid::new_v4()).await?;
    tx.commit().await?;
    Ok(executed)
}

/// Runs an account command (deactivate, rights, password change) with retries.
pub async fn change_account(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    name: &'static str,
    command: AccountCommand,
) -> Result<Executed<Account>, CommandError> {
    crate::log::retrying(origin, || async {
        let loaded = log.load::<Account>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        loaded.decide(name, origin.issue(command.clone())).await?.commit(log, origin).await
    })
    .await
}

/// Stores a new password hash and records that the password changed, in one transaction.
pub async fn set_password(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    password_hash: &str,
) -> Result<Executed<Account>, CommandError> {
    crate::log::retrying(origin, || async {
        let loaded = log.load::<Account>(&id.to_string()).await?;
        let decided = loaded.decide("change_password", origin.issue(AccountCommand::RecordPasswordChange)).await?;
        let mut tx = log.begin().await?;
        with_tx!(&mut tx, |conn| {
            sqlx::query("UPDATE accounts SET password_hash = $2 WHERE id = $1")
                .bind(id.as_uuid())
                .bind(password_hash)
                .execute(conn)
                .await
                .map(|done| done.rows_affected())
        })?;
        let executed = decided.append_to(log, &mut tx, origin, Uuid::new_v4()).await?;
        tx.commit().await?;
        Ok(executed)
    })
    .await
}

#[derive(sqlx::FromRow)]
struct StandingRow {
    kind: String,
    administrator: bool,
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
}

/// Who an account is as an actor now, or `None` if it does not exist or is not active.
pub async fn actor_for(db: &Database, account: AccountId) -> Result<Option<Actor>, CommandError> {
    let row: Option<StandingRow> = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT a.kind, a.administrator, a.active, r.committee, r.active AS resident_active, s.role, s.access_all,
                    s.can_assign, s.can_close, s.manage_finances, s.send_announcements, s.employed
             FROM accounts a
             LEFT JOIN residents r ON r.account_id = a.id
             LEFT JOIN staff_ledger s ON s.staff_id = a.id
             WHERE a.id = $1",
        )
        .bind(account.as_uuid())
        .fetch_optional(pool)
        .await
    })?;
    let Some(row) = row.filter(|r| r.active) else {
        return Ok(None);
    };
    let standing = match (row.kind.as_str(), row.role.as_deref()) {
        ("resident", _) if row.resident_active == Some(true) => {
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
    Ok(Some(Actor { account, standing, administrator: row.administrator }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_spec() {
        for good in ["abc", "asha.rao", "plumber_2", "a-b-c", &"x".repeat(40)] {
            assert!(Username::parse(good).is_ok(), "{good}");
        }
        for bad in ["ab", "has space", "émile", &"x".repeat(41), "semi;colon"] {
            assert!(Username::parse(bad).is_err(), "{bad}");
        }
    }
}
