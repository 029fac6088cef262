//! Which tables a projection writes (the live ones, or a rebuild's shadows beside them) and the
//! estate calendar its monthly figures are counted in.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The set of tables a batch is applied to: a projection names each of its tables through
/// [`Target::table`], which gives the live table or its rebuild's shadow.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    suffix: &'static str,
}

impl Target {
    /// The tables readers read.
    pub const LIVE: Target = Target { suffix: "" };
    /// A rebuild's fresh tables, swapped in when caught up.
    pub const SHADOW: Target = Target { suffix: "__rebuild" };

    pub fn table(&self, name: &str) -> String {
        format!("{name}{}", self.suffix)
    }
}

/// The estate's calendar: SPEC's "month" and "this month" are local months. Monthly figures are
/// counted in the time zone the projection ran with; changing the estate's zone calls for a
/// rebuild of `request_facts`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calendar {
    pub time_zone: Tz,
}

impl Default for Calendar {
    fn default() -> Self {
        Self { time_zone: chrono_tz::Asia::Kolkata }
    }
}

impl Calendar {
    pub fn new(time_zone: Tz) -> Self {
        Self { time_zone }
    }

    /// The first day of the local month `at` falls in.
    pub fn month_of(&self, at: DateTime<Utc>) -> NaiveDate {
        let local = at.with_timezone(&self.time_zone).date_naive();
        local.with_day(1).unwrap_or(local)
    }

    /// When a local month (given by any of its days) begins, in UTC.
    pub fn month_start(&self, month: NaiveDate) -> DateTime<Utc> {
        let first = month.with_day(1).unwrap_or(month);
        let midnight = first.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.time_zone
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |local| local.with_timezone(&Utc))
    }

    /// The first day of the month after `month`.
    pub fn next_month(month: NaiveDate) -> NaiveDate {
        let (year, number) =
            if month.month() == 12 { (month.year() + 1, 1) } else { (month.year(), month.month() + 1) };
        NaiveDate::from_ymd_opt(year, number, 1).unwrap_or(month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shadows_sit_beside_the_live_tables() {
        assert_eq!(Target::LIVE.table("request_list"), "request_list");
        assert_eq!(Target::SHADOW.table("timeline_requests"), "timeline_requests__rebuild");
    }

    #[test]
    fn months_are_local() {
        let calendar = Calendar::default();
        // 19:00 UTC on 31 January is already 1 February in Kolkata.
        let at = Utc.with_ymd_and_hms(2026, 1, 31, 19, 0, 0).single().expect("valid");
        let february = NaiveDate::from_ymd_opt(2026, 2, 1).expect("valid");
        assert_eq!(calendar.month_of(at), february);
        assert_eq!(
            calendar.month_start(february),
            Utc.with_ymd_and_hms(2026, 1, 31, 18, 30, 0).single().expect("valid")
        );
        assert_eq!(Calendar::next_month(NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid")).year(), 2027);
    }
}
