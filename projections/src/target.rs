//! Which tables a projection writes (the live ones, or a rebuild's shadows beside them) and the
//! estate calendar its monthly figures are counted in.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The set of tables a batch is applied to. Statements name read-model tables in braces,
/// `{request_list}`, and the target fills in the real name.
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

    /// `template` with every `{table}` replaced by this target's name for it.
    pub fn sql(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 32);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    out.push_str(&after[..close]);
                    out.push_str(self.suffix);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
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
    fn table_names_get_the_target_s_suffix() {
        let sql = "UPDATE {request_list} SET x = 1 FROM {request_list_counts} WHERE a = '{'";
        assert_eq!(Target::LIVE.sql(sql), "UPDATE request_list SET x = 1 FROM request_list_counts WHERE a = '{'");
        assert_eq!(Target::SHADOW.sql("SELECT * FROM {timeline_requests}"), "SELECT * FROM timeline_requests__rebuild");
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
