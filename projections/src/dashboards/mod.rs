//! The dashboards of SPEC §4, one call each: facility manager, staff member, accountant and
//! resident. They read the running counts and sums the projections keep, and a few indexed rows,
//! so each answers quickly however many requests there are.

mod accountant;
mod facility_manager;
mod people;

pub use accountant::{accountant_dashboard, AccountantDashboard, MonthlyCost, Overrun};
pub use facility_manager::{facility_manager_dashboard, FacilityManagerDashboard, TeamMember};
pub use people::{resident_dashboard, staff_member_dashboard, ResidentDashboard, StaffMemberDashboard};
