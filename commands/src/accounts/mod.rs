//! Accounts: opening them (credentials and personal data into the accounts table, the fact into
//! the log), changing them, reading who someone is when they act, and erasing personal data.

mod erasure;
pub(crate) mod standing;

pub use erasure::erase;
pub use standing::{
    account_by_username, active_administrators, actor_for, display_names, ActiveAdministrator, ERASED_PERSON,
};

use chrono::{DateTime, Utc};
use khaki_domain::account::{Account, AccountCommand, AccountKind, OtherAdministrators};
use khaki_domain::AccountId;
use khaki_migrations::{unique_violation, with_tx, Database, Tx};
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
    // Decided before the row is written: someone who may not open accounts is refused before a
    // taken username or e-mail could tell them that it exists.
    let loaded = log.load::<Account>(&account.id.to_string()).await?;
    let decided = loaded
        .decide("open_account", origin.issue(AccountCommand::Open { id: account.id, kind, administrator }))
        .await?;
    insert_account_row(tx, account, kind, origin.at).await?;
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

/// A change to an account's active flag or rights.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountChange {
    Deactivate,
    Reactivate,
    SetAdministrator(bool),
    SetAuditor(bool),
}

impl AccountChange {
    /// The command's name in the events' metadata.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Deactivate => "deactivate",
            Self::Reactivate => "reactivate",
            Self::SetAdministrator(_) => "set_administrator",
            Self::SetAuditor(_) => "set_auditor",
        }
    }

    fn command(self, others: OtherAdministrators) -> AccountCommand {
        match self {
            Self::Deactivate => AccountCommand::Deactivate { others },
            Self::Reactivate => AccountCommand::Reactivate,
            Self::SetAdministrator(administrator) => AccountCommand::SetAdministrator { administrator, others },
            Self::SetAuditor(auditor) => AccountCommand::SetAuditor { auditor, others },
        }
    }
}

/// Changes an account's active flag or rights, with retries. The rule that the estate keeps an
/// administrator who can act is decided on the other administrators as they are now.
#[tracing::instrument(skip_all, fields(account = %id, command = change.name()))]
pub async fn change_account(
    log: &EventLog,
    origin: &Origin,
    id: AccountId,
    change: AccountChange,
) -> Result<Executed<Account>, CommandError> {
    crate::log::retrying(origin, || async {
        let loaded = log.load::<Account>(&id.to_string()).await?;
        loaded.expect_version(origin)?;
        let others = other_administrators(log.database(), id).await?;
        loaded.decide(change.name(), origin.issue(change.command(others))).await?.commit(log, origin).await
    })
    .await
}

/// How many accounts besides `id` can run the estate: active administrators who are not auditors.
pub async fn other_administrators(db: &Database, id: AccountId) -> Result<OtherAdministrators, CommandError> {
    let others = active_administrators(db).await?.into_iter().filter(|a| a.id != id && !a.auditor).count();
    Ok(OtherAdministrators(u32::try_from(others).unwrap_or(u32::MAX)))
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
