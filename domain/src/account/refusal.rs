//! Why a command on an account was refused.

use crate::request::RefusalKind;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccountRefusal {
    #[error("no such account")]
    NotFound,
    #[error("this account already exists")]
    AlreadyOpened,
    #[error("only administrators and facility managers may manage accounts")]
    NotAccountManagement,
    #[error("only administrators may grant or revoke administrator and auditor rights")]
    NotAdministrator,
    #[error("only the account holder or an administrator may change this password")]
    NotSelfOrAdministrator,
    #[error("an account whose personal data was erased stays closed")]
    Erased,
    #[error(
        "you may not make yourself an auditor: auditors issue no command, so you could not give the right back; \
         another administrator may grant it to you"
    )]
    SelfAuditor,
    #[error(
        "this is the estate's last administrator who can act (active and not an auditor); make another \
         administrator first (`khaki admin create`)"
    )]
    LastAdministrator,
}

impl AccountRefusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotFound => RefusalKind::NotFound,
            Self::AlreadyOpened | Self::Erased => RefusalKind::Conflict,
            Self::NotAccountManagement | Self::NotAdministrator | Self::NotSelfOrAdministrator | Self::SelfAuditor => {
                RefusalKind::NotAllowed
            }
            Self::LastAdministrator => RefusalKind::RuleBroken,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "account_not_found",
            Self::AlreadyOpened => "account_exists",
            Self::NotAccountManagement | Self::NotAdministrator | Self::NotSelfOrAdministrator => "not_allowed",
            Self::Erased => "account_erased",
            Self::SelfAuditor => "self_auditor",
            Self::LastAdministrator => "last_administrator",
        }
    }
}
