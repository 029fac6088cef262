//! The estate's configurable rules (SPEC §2 defaults), fixed at start-up.

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

#[derive(Clone, Debug, PartialEq)]
pub struct Rules {
    /// Open assignments (assigned or in progress) a staff member may hold.
    pub workload_limit: u32,
    /// The estate's time zone: calendar years (ticket numbers), days and 06:00 are local.
    pub time_zone: Tz,
    /// Hours after level 1 at which an overdue request escalates to level 2.
    pub level_two_after_hours: u32,
    /// Days a request may stay resolved before it closes itself.
    pub auto_close_days: u32,
    /// Failed sign-ins per account and per client address before each further attempt waits
    /// (`sessions`: a delay that doubles with each failure, up to a cap).
    pub sign_in_failures_allowed: u32,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            workload_limit: 10,
            time_zone: chrono_tz::Asia::Kolkata,
            level_two_after_hours: 24,
            auto_close_days: 7,
            sign_in_failures_allowed: 10,
        }
    }
}

impl Rules {
    /// The estate-local calendar year of a moment: ticket numbers restart at local midnight.
    pub fn local_year(&self, at: DateTime<Utc>) -> i32 {
        at.with_timezone(&self.time_zone).year()
    }
}
