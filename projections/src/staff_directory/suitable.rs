//! Suitable staff for a request (SPEC §2), from the directory: the candidates' facts come from
//! the read model, the ranking from the domain's `rank_suitable`, so the list people see is ranked
//! exactly as the emergency auto-assignment ranks.

use khaki_domain::{rank_suitable, AccountId, Candidate, RankedCandidate, StaffRole, Trade};
use khaki_migrations::{with_pool, Database};
use serde::Serialize;

use crate::sql::Conditions;
use crate::staff_directory::query::{member_sql, StaffMember};

/// One line of the ranked list, with the figures that put it there and a name to show.
#[derive(Clone, Debug, PartialEq)]
pub struct SuitableStaff {
    pub ranked: RankedCandidate,
    pub display_name: Option<String>,
    pub available_24x7: bool,
}

/// As people read it: the average rating (to two places) and how many ratings it is of, rather
/// than the sum the ranking compares.
impl Serialize for SuitableStaff {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Shown<'a> {
            rank: u32,
            staff: AccountId,
            role: StaffRole,
            role_matches_trade: bool,
            open_assignments: u32,
            average_rating: Option<f64>,
            rating_count: u32,
            last_assigned_at: Option<chrono::DateTime<chrono::Utc>>,
            display_name: &'a Option<String>,
            available_24x7: bool,
        }
        let r = &self.ranked;
        let average =
            (r.rating_count > 0).then(|| (f64::from(r.rating_sum) / f64::from(r.rating_count) * 100.0).round() / 100.0);
        Shown {
            rank: r.rank,
            staff: r.staff,
            role: r.role,
            role_matches_trade: r.role_matches_trade,
            open_assignments: r.open_assignments,
            average_rating: average,
            rating_count: r.rating_count,
            last_assigned_at: r.last_assigned_at,
            display_name: &self.display_name,
            available_24x7: self.available_24x7,
        }
        .serialize(serializer)
    }
}

/// Staff who can be assigned work of `trade`, best first.
pub async fn suitable_staff(
    db: &Database,
    trade: Trade,
    workload_limit: u32,
) -> Result<Vec<SuitableStaff>, sqlx::Error> {
    let sql = member_sql(&Conditions::new());
    // Ordered by staff id, so equal candidates keep a stable order.
    let members: Vec<StaffMember> = with_pool!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    let candidates: Vec<Candidate> = members.iter().filter_map(candidate).collect();
    let ranked = rank_suitable(trade, &candidates, workload_limit);
    Ok(ranked
        .into_iter()
        .map(|ranked| {
            let member = members.iter().find(|m| m.staff.staff_id == ranked.staff.as_uuid());
            SuitableStaff {
                display_name: member.and_then(|m| m.display_name.clone()),
                available_24x7: member.is_some_and(|m| m.staff.available_24x7),
                ranked,
            }
        })
        .collect())
}

/// A directory row as the domain's candidate; a role this build does not know is left out.
fn candidate(member: &StaffMember) -> Option<Candidate> {
    let count = |n: i64| u32::try_from(n.max(0)).unwrap_or(u32::MAX);
    Some(Candidate {
        staff: AccountId::from_uuid(member.staff.staff_id),
        role: member.staff.role.parse::<StaffRole>().ok()?,
        permissions: member.staff.permissions(),
        employed: member.staff.employed,
        account_active: member.account_active,
        available_24x7: member.staff.available_24x7,
        open_assignments: count(member.open_assignments),
        rating_sum: count(member.rating_sum),
        rating_count: count(member.rated),
        last_assigned_at: member.staff.last_assigned_at,
    })
}
