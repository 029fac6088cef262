//! Who can be given a request (SPEC §2 "Assignment") and how suitable staff are ranked.
//! Both the command side (emergency auto-assignment) and the read side (the suitable-staff list)
//! use these functions, so the ranking a resident sees is the one the system applies.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::category::Trade;
use crate::ids::AccountId;
use crate::roles::{can_take_trade, Permissions, StaffRole};

/// The facts about one staff member that decide whether they can take a request, as the command
/// handler found them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub staff: AccountId,
    pub role: StaffRole,
    pub permissions: Permissions,
    /// The staff record's active (employed) flag.
    pub employed: bool,
    /// The sign-in account's active flag.
    pub account_active: bool,
    pub available_24x7: bool,
    /// Requests they hold in `assigned` or `in_progress`.
    pub open_assignments: u32,
    pub rating_sum: u32,
    pub rating_count: u32,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Which rule of SPEC §2 keeps a staff member from being given a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unassignable {
    #[error("the staff member is not active (deactivated)")]
    NotEmployed,
    #[error("the staff member's account is not active")]
    AccountInactive,
    #[error("{} cannot take {trade} work", .role.with_article())]
    CannotTakeTrade { role: StaffRole, trade: Trade },
    #[error("the staff member already holds {open} open assignments; the workload limit is {limit}")]
    WorkloadLimitReached { open: u32, limit: u32 },
}

#[cfg(test)]
mod wording {
    use super::*;

    #[test]
    fn refusals_read_as_a_person_writes_them() {
        let electrician = Unassignable::CannotTakeTrade { role: StaffRole::Electrician, trade: Trade::Plumbing };
        assert_eq!(electrician.to_string(), "an electrician cannot take plumbing work");
        let manager = StaffRole::FacilityManager.with_article();
        assert_eq!(manager, "a facility manager");
        assert_eq!(StaffRole::Accountant.with_article(), "an accountant");
    }
}

impl Candidate {
    /// Checks every assignment rule in the order SPEC §2 lists them, naming the first that fails.
    pub fn assignable(&self, trade: Trade, workload_limit: u32) -> Result<(), Unassignable> {
        if !self.employed {
            return Err(Unassignable::NotEmployed);
        }
        if !self.account_active {
            return Err(Unassignable::AccountInactive);
        }
        if !can_take_trade(self.role, &self.permissions, trade) {
            return Err(Unassignable::CannotTakeTrade { role: self.role, trade });
        }
        if self.open_assignments >= workload_limit {
            return Err(Unassignable::WorkloadLimitReached { open: self.open_assignments, limit: workload_limit });
        }
        Ok(())
    }

    fn role_matches(&self, trade: Trade) -> bool {
        self.role.own_trade() == Some(trade)
    }
}

/// One line of a suitable-staff list, with the figures that put it where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedCandidate {
    pub rank: u32,
    pub staff: AccountId,
    pub role: StaffRole,
    /// Their own trade is the request's trade (ranked before managers).
    pub role_matches_trade: bool,
    pub open_assignments: u32,
    pub rating_sum: u32,
    pub rating_count: u32,
    pub last_assigned_at: Option<DateTime<Utc>>,
}

/// Staff who can be assigned, best first: role match on the trade before managers, then fewest
/// open assignments, then best average rating (unrated last), then longest since last assignment
/// (never assigned first). Ties keep the input order, so callers pass a stable order.
pub fn rank_suitable(trade: Trade, candidates: &[Candidate], workload_limit: u32) -> Vec<RankedCandidate> {
    let mut suitable: Vec<&Candidate> =
        candidates.iter().filter(|c| c.assignable(trade, workload_limit).is_ok()).collect();
    suitable.sort_by(|a, b| {
        b.role_matches(trade)
            .cmp(&a.role_matches(trade))
            .then(a.open_assignments.cmp(&b.open_assignments))
            .then(compare_ratings(b, a))
            .then(compare_last_assigned(a, b))
    });
    suitable
        .into_iter()
        .zip(1..)
        .map(|(c, rank)| RankedCandidate {
            rank,
            staff: c.staff,
            role: c.role,
            role_matches_trade: c.role_matches(trade),
            open_assignments: c.open_assignments,
            rating_sum: c.rating_sum,
            rating_count: c.rating_count,
            last_assigned_at: c.last_assigned_at,
        })
        .collect()
}

/// Average ratings compared exactly (sum_a / count_a against sum_b / count_b by cross
/// multiplication); a rated candidate beats an unrated one.
fn compare_ratings(a: &Candidate, b: &Candidate) -> Ordering {
    match (a.rating_count, b.rating_count) {
        (0, 0) => Ordering::Equal,
        (0, _) => Ordering::Less,
        (_, 0) => Ordering::Greater,
        (ca, cb) => (u64::from(a.rating_sum) * u64::from(cb)).cmp(&(u64::from(b.rating_sum) * u64::from(ca))),
    }
}

/// Earlier last assignment first; never assigned is earliest of all.
fn compare_last_assigned(a: &Candidate, b: &Candidate) -> Ordering {
    match (a.last_assigned_at, b.last_assigned_at) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn candidate(n: u128, role: StaffRole) -> Candidate {
        Candidate {
            staff: AccountId::from_uuid(uuid::Uuid::from_u128(n)),
            role,
            permissions: role.default_permissions(),
            employed: true,
            account_active: true,
            available_24x7: false,
            open_assignments: 0,
            rating_sum: 0,
            rating_count: 0,
            last_assigned_at: None,
        }
    }

    #[test]
    fn each_assignment_rule_names_itself() {
        let plumber = candidate(1, StaffRole::Plumber);
        assert_eq!(plumber.assignable(Trade::Plumbing, 10), Ok(()));
        let cases = [
            (Candidate { employed: false, ..plumber.clone() }, Trade::Plumbing, Unassignable::NotEmployed),
            (Candidate { account_active: false, ..plumber.clone() }, Trade::Plumbing, Unassignable::AccountInactive),
            (
                plumber.clone(),
                Trade::Electrical,
                Unassignable::CannotTakeTrade { role: StaffRole::Plumber, trade: Trade::Electrical },
            ),
            (
                Candidate { open_assignments: 10, ..plumber.clone() },
                Trade::Plumbing,
                Unassignable::WorkloadLimitReached { open: 10, limit: 10 },
            ),
        ];
        for (who, trade, expected) in cases {
            assert_eq!(who.assignable(trade, 10), Err(expected.clone()), "{expected}");
        }
    }

    #[test]
    fn role_match_comes_before_managers_then_workload_then_rating_then_idle_time() {
        let at = |h| Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0).single();
        let manager = candidate(1, StaffRole::FacilityManager);
        let busy = Candidate { open_assignments: 3, ..candidate(2, StaffRole::Plumber) };
        let well_rated =
            Candidate { open_assignments: 1, rating_sum: 9, rating_count: 2, ..candidate(3, StaffRole::Plumber) };
        let poorly_rated =
            Candidate { open_assignments: 1, rating_sum: 4, rating_count: 1, ..candidate(4, StaffRole::Plumber) };
        let recent = Candidate {
            open_assignments: 1,
            rating_sum: 9,
            rating_count: 2,
            last_assigned_at: at(9),
            ..candidate(5, StaffRole::Plumber)
        };
        let long_ago = Candidate {
            open_assignments: 1,
            rating_sum: 9,
            rating_count: 2,
            last_assigned_at: at(1),
            ..candidate(6, StaffRole::Plumber)
        };
        let full = Candidate { open_assignments: 10, ..candidate(7, StaffRole::Plumber) };
        let electrician = candidate(8, StaffRole::Electrician);
        let all = [
            manager.clone(),
            busy.clone(),
            poorly_rated.clone(),
            recent.clone(),
            long_ago.clone(),
            well_rated.clone(),
            full,
            electrician,
        ];
        let order: Vec<_> = rank_suitable(Trade::Plumbing, &all, 10).iter().map(|r| r.staff).collect();
        assert_eq!(
            order,
            vec![well_rated.staff, long_ago.staff, recent.staff, poorly_rated.staff, busy.staff, manager.staff]
        );
    }

    #[test]
    fn ranks_count_from_one() {
        let ranked = rank_suitable(Trade::General, &[candidate(1, StaffRole::FacilityManager)], 10);
        assert_eq!(ranked.first().map(|r| (r.rank, r.role_matches_trade)), Some((1, false)));
    }
}
