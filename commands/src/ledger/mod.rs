//! The ledger: facts that rules spanning several aggregates are checked against, written in the
//! same transaction as the events that change them. Each aggregate says here what its events
//! change in the ledger.
//!
//! | aggregate | ledger rows it keeps |
//! |---|---|
//! | MaintenanceRequest | `request_holdings`, `staff_ledger` workload, ratings, last assignment |
//! | Staff | `staff_ledger` (role, flags, employed, supervisor, availability) |
//! | Account | `accounts` flags, `staff_ledger.account_active` |
//! | Resident | `residents` (flat, type, committee, active) |

mod accounts;
mod requests;
mod residents;
mod staff;
pub(crate) mod tickets;

use std::future::Future;

use chrono::{DateTime, Utc};
use cqrs_es::Aggregate;
use khaki_migrations::Tx;

use crate::error::CommandError;
use crate::rules::Rules;

pub use staff::{
    all_candidates, candidate, flag_diagnostics, holdings, reports_of, staff_holding, supervisor_facts, FlagDiagnosis,
};

/// One aggregate's change, as the ledger sees it.
pub struct Change<'a, A: Aggregate> {
    pub id: &'a str,
    pub before: &'a A,
    pub after: &'a A,
    pub events: &'a [A::Event],
    pub at: DateTime<Utc>,
}

/// An aggregate the command side can record.
pub trait Recorded: Aggregate<Services = ()> + Clone {
    /// How errors name it: "the request", "the staff member".
    const NOUN: &'static str;

    fn refusal(error: Self::Error) -> CommandError;

    /// Brings the ledger in line with the change, inside the transaction that records it. May
    /// refuse (the workload guard) or report a conflict (facts changed underneath).
    fn record(
        tx: &mut Tx,
        change: &Change<'_, Self>,
        rules: &Rules,
    ) -> impl Future<Output = Result<(), CommandError>> + Send;
}
