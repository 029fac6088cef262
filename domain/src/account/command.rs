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
    Deactivate {
        others: OtherAdministrators,
    },
    Reactivate,
    SetAdministrator {
        administrator: bool,
        others: OtherAdministrators,
    },
    SetAuditor {
        auditor: bool,
        others: OtherAdministrators,
    },
    /// A new password hash was stored outside the log; the fact that it changed is recorded.
    RecordPasswordChange,
    /// The person's names, e-mails and phones were removed from the accounts table.
    RecordErasure {
        others: OtherAdministrators,
    },
}

/// How many accounts other than this one can run the estate (active administrators who are not
/// auditors), as the command side found them. The last of them may not lose that standing, or
/// nobody would be left to manage the estate's set-up, grant rights or undo the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OtherAdministrators(pub u32);
