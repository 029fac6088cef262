//! What can be asked of a sign-in account. Credentials and personal data (username, e-mail,
//! names, phones) never enter these commands' events: they live in the accounts table.

use crate::account::state::AccountKind;
use crate::ids::AccountId;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountCommand {
    Open {
        id: AccountId,
        kind: AccountKind,
        administrator: bool,
    },
    Deactivate,
    Reactivate,
    SetAdministrator {
        administrator: bool,
    },
    SetAuditor {
        auditor: bool,
    },
    /// A new password hash was stored outside the log; the fact that it changed is recorded.
    RecordPasswordChange,
    /// The person's names, e-mails and phones were removed from the accounts table.
    RecordErasure,
}
