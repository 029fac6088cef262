//! SPEC §2 "who sees what": a request someone may not see does not exist for them.

use std::collections::BTreeSet;

use crate::actor::{Actor, Standing};
use crate::ids::AccountId;
use crate::request::state::{Request, Status};
use crate::roles::{can_take_trade, Permission, Permissions};

/// Whether `actor` may see `request`. `reports` is everyone below the actor in the reporting
/// chain (empty for non-staff), looked up by the caller.
pub fn can_see(actor: &Actor, reports: &BTreeSet<AccountId>, request: &Request) -> bool {
    match &actor.standing {
        Standing::System => true,
        Standing::Resident { .. } => request.submitter == actor.account,
        Standing::Staff(staff) if staff.employed => {
            let me = actor.account;
            let unassigned = matches!(request.status(), Status::Submitted | Status::Acknowledged);
            staff.permissions.contains(&Permission::AccessAllRequests)
                || request.filed_by == Some(me)
                || request.assignees_so_far.contains(&me)
                || request.assignee().is_some_and(|assignee| reports.contains(&assignee))
                || (unassigned && can_take_trade(staff.role, &staff.permissions, request.category.trade))
                || (reads_costed_requests(&staff.permissions) && has_cost(request))
        }
        Standing::Staff(_) | Standing::AccountOnly => false,
    }
}

/// Staff with "manage finances" may read (not act on) every request that has an estimated or
/// actual cost, so the accountant can open what their dashboard lists.
pub fn reads_costed_requests(permissions: &Permissions) -> bool {
    permissions.contains(&Permission::ManageFinances)
}

fn has_cost(request: &Request) -> bool {
    request.estimated_cost.is_some() || request.actual_cost.is_some()
}
