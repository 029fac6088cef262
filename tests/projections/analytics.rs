//! SPEC §4's analytics and the dashboards on a small history with known times, each figure
//! worked out by hand below and compared (docs/analytics.md has the definitions).
//!
//! The period is March 2026 in Kolkata: [28 Feb 18:30 UTC, 31 Mar 18:30 UTC). Times are UTC.
//! - Q1 plumbing (R1) 2 Mar 10:00, due 22:00; acknowledged 10:30; assigned to the plumber 11:00
//!   with an estimate of ₹1000; started 12:00; resolved 20:00 for ₹1100; closed by R1 3 Mar 09:00;
//!   rated 4 at 09:05.
//! - Q2 electrical (R2) 5 Mar 08:00, due 20:00; acknowledged 09:00; assigned to the electrician
//!   09:30 with ₹500; started 10:00; resolved 6 Mar 08:00 for ₹800 (late); rated 2 at 09:00.
//! - Q3 plumbing (R2) 10 Mar 10:00, due 22:00; acknowledged 10:10; assigned to the plumber 10:20.
//! - Q4 painting (R1) 20 Feb 10:00, due 24 Feb 10:00; acknowledged 20 Feb 11:00; assigned to the
//!   manager 1 Mar 10:00; started 10:30; resolved 4 Mar 10:00 (late, no costs); closed 11:00.
//! - Q5 plumbing (R1) 20 Mar 10:00, cancelled 10:30.
//! - Q6 electrical (R1) 2 Apr 10:00, due 22:00; acknowledged 10:10.
//!
//! "Now" is 5 Apr 12:00.

use chrono::{DateTime, NaiveDate, Utc};
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::{EventLog, Origin};
use khaki_domain::{Actor, Rating, RequestId, Rupees, StaffRole, Trade};
use khaki_projections::request_facts::{analytics, AgeBucket, Analytics, AnalyticsQuery};

use super::{at, settle, Bench};
use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store};

on_both_stores!(each_metric_matches_its_definition_worked_out_by_hand);

pub struct History {
    pub manager: Actor,
    pub plumber: Actor,
    pub electrician: Actor,
    pub residents: [Actor; 2],
    pub requests: [RequestId; 6],
}

pub fn now() -> DateTime<Utc> {
    at(2026, 4, 5, 12, 0)
}

pub async fn known_history(log: &EventLog) -> History {
    let estate = Estate::new(log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let plumber = estate.staff(StaffRole::Plumber).await;
    let electrician = estate.staff(StaffRole::Electrician).await;
    let r1 = estate.resident().await;
    let r2 = estate.resident().await;
    let by = |actor: &Actor, time: DateTime<Utc>| Origin::new(actor.clone()).at(time);
    let rupees = |amount: &str| Some(Rupees::parse(amount).expect("amount"));
    let to = |staff: &Actor, cost: Option<Rupees>| AssignTo { staff: staff.account, due: None, estimated_cost: cost };
    let submit = |resident: &Actor, category: &str, time: DateTime<Utc>| {
        let new = NewRequest { title: text(category), ..Estate::new_request(category) };
        let (id, origin) = (new.id, by(resident, time));
        async move {
            requests::submit(log, &origin, new).await.expect("submitted");
            id
        }
    };

    let q1: RequestId = submit(&r1, "Plumbing issue", at(2026, 3, 2, 10, 0)).await;
    requests::acknowledge(log, &by(&manager, at(2026, 3, 2, 10, 30)), q1).await.expect("acknowledged");
    requests::assign(log, &by(&manager, at(2026, 3, 2, 11, 0)), q1, to(&plumber, rupees("1000")))
        .await
        .expect("assigned");
    requests::start_work(log, &by(&plumber, at(2026, 3, 2, 12, 0)), q1).await.expect("started");
    requests::resolve(log, &by(&plumber, at(2026, 3, 2, 20, 0)), q1, rupees("1100"), None).await.expect("resolved");
    requests::close(log, &by(&r1, at(2026, 3, 3, 9, 0)), q1).await.expect("closed");
    requests::rate(log, &by(&r1, at(2026, 3, 3, 9, 5)), q1, Rating::new(4).expect("rating"), None)
        .await
        .expect("rated");

    let q2: RequestId = submit(&r2, "Electrical fault", at(2026, 3, 5, 8, 0)).await;
    requests::acknowledge(log, &by(&manager, at(2026, 3, 5, 9, 0)), q2).await.expect("acknowledged");
    requests::assign(log, &by(&manager, at(2026, 3, 5, 9, 30)), q2, to(&electrician, rupees("500")))
        .await
        .expect("assigned");
    requests::start_work(log, &by(&electrician, at(2026, 3, 5, 10, 0)), q2).await.expect("started");
    requests::resolve(log, &by(&electrician, at(2026, 3, 6, 8, 0)), q2, rupees("800"), None).await.expect("resolved");
    requests::rate(log, &by(&r2, at(2026, 3, 6, 9, 0)), q2, Rating::new(2).expect("rating"), None)
        .await
        .expect("rated");

    let q3: RequestId = submit(&r2, "Plumbing issue", at(2026, 3, 10, 10, 0)).await;
    requests::acknowledge(log, &by(&manager, at(2026, 3, 10, 10, 10)), q3).await.expect("acknowledged");
    requests::assign(log, &by(&manager, at(2026, 3, 10, 10, 20)), q3, to(&plumber, None)).await.expect("assigned");

    let q4: RequestId = submit(&r1, "Painting", at(2026, 2, 20, 10, 0)).await;
    requests::acknowledge(log, &by(&manager, at(2026, 2, 20, 11, 0)), q4).await.expect("acknowledged");
    requests::assign(log, &by(&manager, at(2026, 3, 1, 10, 0)), q4, to(&manager, None)).await.expect("assigned");
    requests::start_work(log, &by(&manager, at(2026, 3, 1, 10, 30)), q4).await.expect("started");
    requests::resolve(log, &by(&manager, at(2026, 3, 4, 10, 0)), q4, None, None).await.expect("resolved");
    requests::close(log, &by(&manager, at(2026, 3, 4, 11, 0)), q4).await.expect("closed");

    let q5: RequestId = submit(&r1, "Plumbing issue", at(2026, 3, 20, 10, 0)).await;
    requests::cancel(log, &by(&r1, at(2026, 3, 20, 10, 30)), q5, text("Fixed it myself")).await.expect("cancelled");

    let q6: RequestId = submit(&r1, "Electrical fault", at(2026, 4, 2, 10, 0)).await;
    requests::acknowledge(log, &by(&manager, at(2026, 4, 2, 10, 10)), q6).await.expect("acknowledged");

    History { manager, plumber, electrician, residents: [r1, r2], requests: [q1, q2, q3, q4, q5, q6] }
}

fn march() -> AnalyticsQuery {
    AnalyticsQuery {
        from: at(2026, 2, 28, 18, 30),
        to: at(2026, 3, 31, 18, 30),
        staff: None,
        category: None,
        trade: None,
        now: now(),
        workload_limit: 10,
        time_zone: chrono_tz::Asia::Kolkata,
    }
}

const HOUR: f64 = 3600.0;

async fn each_metric_matches_its_definition_worked_out_by_hand(store: Store) {
    let bench = Bench::new(store).await;
    let history = known_history(&bench.log).await;
    settle(bench.db()).await;

    let all = analytics(bench.db(), &march()).await.expect("analytics");
    // Resolved in March: Q1 10 h, Q2 24 h, Q4 12 days.
    assert_eq!(all.resolution_time.requests, 3);
    assert_eq!(all.resolution_time.average_seconds, Some((10.0 + 24.0 + 288.0) * HOUR / 3.0));
    // Acknowledged in March: Q1 30 min, Q2 60 min, Q3 10 min (Q4 in February, Q6 in April).
    assert_eq!((all.response_time.requests, all.response_time.average_seconds), (3, Some(2000.0)));
    // First assigned in March: Q1, Q2, Q3, Q4; of them closed now: Q1, Q4.
    assert_eq!((all.completion_rate.numerator, all.completion_rate.denominator), (2, 4));
    assert_eq!(all.completion_rate.rate, Some(0.5));
    // 3–10 March: first assigned only Q2, not closed. Q1 and Q4, assigned before, were closed in
    // those days: counting closings over assignments would have said 2 ÷ 1.
    let week = AnalyticsQuery { from: at(2026, 3, 3, 0, 0), to: at(2026, 3, 10, 0, 0), ..march() };
    let week = analytics(bench.db(), &week).await.expect("analytics");
    assert_eq!((week.completion_rate.numerator, week.completion_rate.denominator), (0, 1));
    assert_eq!(week.completion_rate.rate, Some(0.0));
    // On time: Q1 only of Q1, Q2, Q4.
    assert_eq!((all.on_time_rate.numerator, all.on_time_rate.denominator), (1, 3));
    // Rated in March: 4 and 2.
    assert_eq!((all.satisfaction.rated, all.satisfaction.average_rating), (2, Some(3.0)));
    // Resolved in March with both costs: Q1 (₹1000 → ₹1100), Q2 (₹500 → ₹800); paise.
    assert_eq!((all.cost.costed, all.cost.estimated, all.cost.actual), (2, 150_000, 190_000));
    assert_eq!((all.cost.variance, all.cost.average_variance), (40_000, Some(20_000.0)));
    assert_eq!(all.cost.efficiency, Some(150_000.0 / 190_000.0));
    // Now: the plumber holds Q3; three staff can work, ten each.
    assert_eq!((all.utilisation.open_assignments, all.utilisation.staff), (1, 3));
    assert_eq!(all.utilisation.rate, Some(1.0 / 30.0));
    // Open now: Q3 assigned, 26 days old; Q6 acknowledged, 3 days old; both past due.
    let backlog: Vec<_> = all.backlog.iter().map(|b| (b.status.as_str(), b.age, b.requests, b.overdue)).collect();
    assert_eq!(
        backlog,
        vec![("acknowledged", AgeBucket::ThreeToSevenDays, 1, 1), ("assigned", AgeBucket::SevenToThirtyDays, 1, 1)]
    );
    assert_eq!(all.breach_rate.rate, Some(1.0));
    assert_march_trend(&all, 4, 3, 2, 190_000, 150_000, 2, 6);

    // The plumber's: Q1 and Q3 (their most recent assignee).
    let plumber = analytics(bench.db(), &AnalyticsQuery { staff: Some(history.plumber.account), ..march() })
        .await
        .expect("analytics");
    assert_eq!(plumber.resolution_time.average_seconds, Some(10.0 * HOUR));
    assert_eq!(plumber.response_time.average_seconds, Some(1200.0));
    assert_eq!((plumber.completion_rate.numerator, plumber.completion_rate.denominator), (1, 2));
    assert_eq!(plumber.on_time_rate.rate, Some(1.0));
    assert_eq!(plumber.satisfaction.average_rating, Some(4.0));
    assert_eq!(plumber.cost.efficiency, Some(100_000.0 / 110_000.0));
    assert_eq!(plumber.utilisation.rate, Some(0.1));
    assert_eq!(plumber.breach_rate.rate, Some(1.0));
    assert_march_trend(&plumber, 2, 1, 1, 110_000, 100_000, 1, 4);

    // Electrical faults: Q2 (Q6 is April's).
    let electrical = analytics(bench.db(), &AnalyticsQuery { category: Some("Electrical fault".into()), ..march() })
        .await
        .expect("analytics");
    assert_eq!(electrical.on_time_rate.rate, Some(0.0));
    assert_eq!(electrical.completion_rate.rate, Some(0.0));
    assert_eq!(electrical.cost.variance, 30_000);
    assert_eq!((electrical.backlog.len(), electrical.breach_rate.rate), (1, Some(1.0)));

    // Plumbing work: Q1, Q3, Q5; the plumber and the manager can take it.
    let plumbing =
        analytics(bench.db(), &AnalyticsQuery { trade: Some(Trade::Plumbing), ..march() }).await.expect("analytics");
    assert_eq!(plumbing.resolution_time.requests, 1);
    assert_eq!((plumbing.utilisation.open_assignments, plumbing.utilisation.staff), (1, 2));
    assert_march_trend(&plumbing, 3, 1, 1, 110_000, 100_000, 1, 4);

    // A period with nothing in it has no rates rather than zeros.
    let quiet = AnalyticsQuery { from: at(2025, 6, 1, 0, 0), to: at(2025, 6, 2, 0, 0), ..march() };
    let quiet = analytics(bench.db(), &quiet).await.expect("analytics");
    assert_eq!(
        (quiet.completion_rate.rate, quiet.satisfaction.average_rating, quiet.cost.efficiency),
        (None, None, None)
    );
    assert_eq!(quiet.trends.len(), 1);
    bench.close().await;
}

#[allow(clippy::too_many_arguments)]
fn assert_march_trend(
    analytics: &Analytics,
    submitted: i64,
    resolved: i64,
    closed: i64,
    actual: i64,
    estimated: i64,
    rated: i64,
    rating_sum: i64,
) {
    let [march] = analytics.trends.as_slice() else { panic!("one month: {:?}", analytics.trends) };
    assert_eq!(march.month, NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"));
    assert_eq!(
        (march.submitted, march.resolved, march.closed, march.actual_cost, march.estimated_cost),
        (submitted, resolved, closed, actual, estimated)
    );
    assert_eq!((march.rated, march.rating_sum), (rated, rating_sum));
}
