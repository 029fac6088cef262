//! Every way a command can fail, in one enum the API maps to HTTP in one place.

use khaki_domain::account::AccountRefusal;
use khaki_domain::request::{RefusalKind, RequestRefusal};
use khaki_domain::resident::ResidentRefusal;
use khaki_domain::roster::RosterRefusal;
use khaki_domain::staff::StaffRefusal;

/// A domain rule refused the command.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error(transparent)]
    Request(#[from] RequestRefusal),
    #[error(transparent)]
    Staff(#[from] StaffRefusal),
    #[error(transparent)]
    Account(#[from] AccountRefusal),
    #[error(transparent)]
    Resident(#[from] ResidentRefusal),
    #[error(transparent)]
    Roster(#[from] RosterRefusal),
}

impl Refusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::Request(r) => r.kind(),
            Self::Staff(r) => r.kind(),
            Self::Account(r) => r.kind(),
            Self::Resident(r) => r.kind(),
            Self::Roster(r) => r.kind(),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Request(r) => r.code(),
            Self::Staff(r) => r.code(),
            Self::Account(r) => r.code(),
            Self::Resident(r) => r.code(),
            Self::Roster(r) => r.code(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Someone else changed the same thing at the same moment and retrying could change what
    /// the command means (or retries ran out).
    #[error("{what} was changed by someone else at the same moment; read it again and retry")]
    Conflict { what: &'static str },
    /// The caller pinned a version (If-Match) and the aggregate has moved on.
    #[error("{what} has changed since version {expected}, the version you sent; read it again")]
    VersionMismatch { what: &'static str, expected: u64, current: Option<u64> },
    #[error("{0}")]
    NotFound(String),
    /// A value that must be unique is taken (username, e-mail, employee id, owner of a flat).
    #[error("{message}")]
    Duplicate { field: &'static str, message: String },
    /// The input names something that breaks a rule outside any one aggregate (an unknown
    /// category, a resident who does not exist).
    #[error("{message}")]
    Invalid { field: &'static str, message: String },
    #[error("the database failed: {0}")]
    Store(#[from] sqlx::Error),
    #[error("the event log could not be read: {0}")]
    Log(String),
}

impl From<RequestRefusal> for CommandError {
    fn from(refusal: RequestRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<StaffRefusal> for CommandError {
    fn from(refusal: StaffRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<AccountRefusal> for CommandError {
    fn from(refusal: AccountRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<ResidentRefusal> for CommandError {
    fn from(refusal: ResidentRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<RosterRefusal> for CommandError {
    fn from(refusal: RosterRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl CommandError {
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { field, message: message.into() }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }
}
