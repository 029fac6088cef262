//! The bench estate's requests as a plan: who files what, when, and what happens next, drawn
//! from a seed. Both seeding paths (commands, and the bulk path) follow the same plan, so they
//! must end with the same log and read models.

use chrono::{DateTime, Duration, Utc};
use khaki_domain::{RequestId, StaffRole};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Categories of every trade the bench's staff can take, emergencies left out: their assignment
/// is the system's ranking at submission, which the plan does not model.
pub const CATEGORIES: [(&str, StaffRole); 10] = [
    ("Plumbing issue", StaffRole::Plumber),
    ("Electrical fault", StaffRole::Electrician),
    ("Housekeeping / common-area cleaning", StaffRole::Cleaner),
    ("Pest control", StaffRole::Cleaner),
    ("Garden and landscaping", StaffRole::Gardener),
    ("Security / access control", StaffRole::SecurityHead),
    ("Air conditioning / ventilation", StaffRole::MaintenanceSupervisor),
    ("Painting", StaffRole::MaintenanceSupervisor),
    ("General maintenance", StaffRole::MaintenanceSupervisor),
    ("Other", StaffRole::MaintenanceSupervisor),
];

const TITLES: [&str; 8] = [
    "Tap leaking",
    "Lights flicker",
    "Stairwell not swept",
    "Hedge overgrown",
    "Intercom silent",
    "Damp patch",
    "Door hinge squeaks",
    "Fan noisy",
];

#[derive(Clone, Debug)]
pub struct RequestPlan {
    pub id: RequestId,
    pub resident: usize,
    pub category: &'static str,
    /// Whose trade it is; the assignee is the `worker`-th staff member of that role.
    pub trade_role: StaffRole,
    pub worker: usize,
    pub title: &'static str,
    pub submitted_at: DateTime<Utc>,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Acknowledge,
    Assign { estimated_paise: i64 },
    Start,
    Comment,
    Resolve { actual_paise: i64 },
    Reopen,
    Close { by_resident: bool },
    Rate { stars: i64 },
    Cancel,
}

/// `count` requests over the `days` before `now`, oldest first. Most run their course (closed,
/// often rated, with costs); recent ones stop along the way; a few stall and go overdue.
pub fn plan(
    count: u64,
    seed: u64,
    residents: usize,
    workers_per_role: usize,
    now: DateTime<Utc>,
    days: i64,
) -> Vec<(RequestPlan, Vec<DateTime<Utc>>)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let span = Duration::days(days).num_seconds().max(1);
    let mut starts: Vec<i64> = (0..count).map(|_| rng.gen_range(0..span)).collect();
    starts.sort_unstable();
    starts
        .into_iter()
        .map(|offset| {
            let submitted_at = now - Duration::seconds(span - offset) - Duration::minutes(30);
            let (category, trade_role) = CATEGORIES[rng.gen_range(0..CATEGORIES.len())];
            let id = RequestId::from_uuid(uuid::Builder::from_random_bytes(rng.gen()).into_uuid());
            let age = now - submitted_at;
            let steps = steps(&mut rng, age);
            let mut at = submitted_at;
            let times = steps
                .iter()
                .map(|_| {
                    at += Duration::minutes(rng.gen_range(10..600));
                    at.min(now - Duration::seconds(1))
                })
                .collect();
            let request = RequestPlan {
                id,
                resident: rng.gen_range(0..residents.max(1)),
                category,
                trade_role,
                worker: rng.gen_range(0..workers_per_role.max(1)),
                title: TITLES[rng.gen_range(0..TITLES.len())],
                submitted_at,
                steps,
            };
            (request, times)
        })
        .collect()
}

fn steps(rng: &mut StdRng, age: Duration) -> Vec<Step> {
    if rng.gen_bool(0.04) {
        return vec![Step::Cancel];
    }
    let mut steps =
        vec![Step::Acknowledge, Step::Assign { estimated_paise: rng.gen_range(20..400) * 10_000 }, Step::Start];
    if rng.gen_bool(0.3) {
        steps.push(Step::Comment);
    }
    steps.push(Step::Resolve { actual_paise: rng.gen_range(15..500) * 10_000 });
    if rng.gen_bool(0.05) {
        steps.extend([Step::Reopen, Step::Resolve { actual_paise: rng.gen_range(15..500) * 10_000 }]);
    }
    steps.push(Step::Close { by_resident: rng.gen_bool(0.6) });
    if rng.gen_bool(0.7) {
        steps.push(Step::Rate { stars: rng.gen_range(2..=5) });
    }
    // Recent requests are still on their way; a few older ones stalled (and are overdue).
    let keep = if age < Duration::days(2) {
        rng.gen_range(0..steps.len())
    } else if rng.gen_bool(0.02) {
        rng.gen_range(1..4)
    } else {
        steps.len()
    };
    steps.truncate(keep);
    steps
}

/// A request with a long story: acknowledged, assigned, then `comments` comments by its worker,
/// one a minute, ending before `now` (for history and as-of at a thousand events).
pub fn long_story(seed: u64, comments: usize, now: DateTime<Utc>) -> (RequestPlan, Vec<DateTime<Utc>>) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0010_0000);
    let submitted_at = now - Duration::minutes(comments as i64 + 10);
    let mut steps = vec![Step::Acknowledge, Step::Assign { estimated_paise: 100_000 }];
    steps.extend(std::iter::repeat_n(Step::Comment, comments));
    let times = (1..=steps.len()).map(|n| submitted_at + Duration::minutes(n as i64)).collect();
    let request = RequestPlan {
        id: RequestId::from_uuid(uuid::Builder::from_random_bytes(rng.gen()).into_uuid()),
        resident: 0,
        category: "Plumbing issue",
        trade_role: StaffRole::Plumber,
        worker: 0,
        title: "Tap leaking",
        submitted_at,
        steps,
    };
    (request, times)
}
