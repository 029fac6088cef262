//! Random workloads — submits, acknowledges, assignments, work, resolutions, closes, ratings,
//! comments, cancellations, revisions and a deactivation, each by someone who may — and the
//! property that the read models the runner keeps live equal a rebuild from the log.

use std::time::Duration;

use chrono::{DateTime, Utc};
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::staff::deactivate;
use khaki_commands::{CommandError, EventLog, Origin};
use khaki_domain::request::{MaintenanceRequest, Revision, Status};
use khaki_domain::resident::ResidentType;
use khaki_domain::{can_take_trade, Actor, CommentId, Priority, Rating, RequestId, Rupees, StaffRole};
use khaki_migrations::with_pool;
use khaki_projections::{Runner, RunnerSettings};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::{assert_rebuild_equals_live, at, caught_up, Bench};
use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store};

on_both_stores!(the_read_models_kept_live_equal_a_rebuild_after_random_workloads);

async fn the_read_models_kept_live_equal_a_rebuild_after_random_workloads(store: Store) {
    for seed in [11, 29, 47] {
        let bench = Bench::new(store).await;
        // Small batches, so batch boundaries fall everywhere.
        let settings =
            RunnerSettings { batch_size: 7, idle_wait: Duration::from_millis(10), ..RunnerSettings::default() };
        let runner = Runner::start(bench.db().clone(), settings);
        let requests = random_workload(&bench.log, seed, 120).await;
        caught_up(bench.db()).await;
        runner.stop().await;
        assert_list_follows_the_domain(&bench.log, &requests, seed).await;
        assert_staff_figures_follow_the_ledger(&bench.log, seed).await;
        assert_rebuild_equals_live(bench.db(), &format!("seed {seed}")).await;
        bench.close().await;
    }
}

/// The people of a workload.
pub struct Cast {
    pub manager: Actor,
    pub staff: Vec<Actor>,
    pub residents: Vec<Actor>,
}

pub async fn cast(estate: &Estate<'_>) -> Cast {
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let mut staff = vec![manager.clone()];
    for role in [StaffRole::Plumber, StaffRole::Plumber, StaffRole::Electrician, StaffRole::Cleaner] {
        staff.push(estate.staff_with(role, Some(manager.account), role == StaffRole::Plumber).await);
    }
    let mut residents = Vec::new();
    for flat in ["A-101", "B-202", "C1-303"] {
        residents.push(estate.resident_at(flat, ResidentType::Owner).await);
    }
    Cast { manager, staff, residents }
}

const CATEGORIES: [&str; 5] = [
    "Plumbing issue",
    "Electrical fault",
    "Housekeeping / common-area cleaning",
    "Painting",
    "Water leak / burst pipe",
];

/// Runs `steps` random actions (seeded) on requests of a fresh estate; returns the requests.
pub async fn random_workload(log: &EventLog, seed: u64, steps: usize) -> Vec<RequestId> {
    let mut workload = Workload::new(log).await;
    workload.run(seed, steps).await;
    workload.requests()
}

/// An estate, its people and its requests, acted on in seeded random steps.
pub struct Workload<'a> {
    estate: Estate<'a>,
    cast: Cast,
    requests: Vec<(RequestId, Actor)>,
    now: DateTime<Utc>,
}

impl<'a> Workload<'a> {
    pub async fn new(log: &'a EventLog) -> Self {
        let estate = Estate::new(log).await;
        let cast = cast(&estate).await;
        Self { estate, cast, requests: Vec::new(), now: at(2026, 1, 20, 8, 0) }
    }

    pub fn requests(&self) -> Vec<RequestId> {
        self.requests.iter().map(|(id, _)| *id).collect()
    }

    pub async fn run(&mut self, seed: u64, steps: usize) {
        let log = self.estate.log;
        let mut rng = StdRng::seed_from_u64(seed);
        for step in 0..steps {
            self.now += chrono::Duration::minutes(rng.gen_range(30..3000));
            let now = self.now;
            if step == steps / 2 && self.cast.staff.len() > 3 {
                // A plumber leaves: what they held goes back to acknowledged.
                let leaving = self.cast.staff.remove(1);
                deactivate(log, &self.estate.as_admin().at(now), leaving.account).await.expect("deactivated");
                continue;
            }
            if self.requests.len() < 4 || rng.gen_bool(0.15) {
                let resident = self.cast.residents.choose(&mut rng).expect("residents").clone();
                let category = if rng.gen_bool(0.08) { CATEGORIES[4] } else { CATEGORIES[rng.gen_range(0..4)] };
                let new =
                    NewRequest { title: text(&format!("Trouble number {step}")), ..Estate::new_request(category) };
                let id = new.id;
                requests::submit(log, &Origin::new(resident.clone()).at(now), new).await.expect("submitted");
                self.requests.push((id, resident));
                continue;
            }
            let (id, submitter) = self.requests.choose(&mut rng).expect("requests").clone();
            match act(log, &self.cast, &mut rng, id, &submitter, now).await {
                // Refused, or not visible to the one who tried: the domain had the last word.
                Ok(()) | Err(CommandError::Refused(_) | CommandError::NotFound(_)) => {}
                Err(other) => panic!("seed {seed}, step {step}: {other}"),
            }
        }
    }
}

/// One action that fits the request's status, by someone who may take it (the domain still has
/// the last word: a refusal is fine).
async fn act(
    log: &EventLog,
    cast: &Cast,
    rng: &mut StdRng,
    id: RequestId,
    submitter: &Actor,
    now: DateTime<Utc>,
) -> Result<(), CommandError> {
    let loaded = log.load::<MaintenanceRequest>(&id.to_string()).await?;
    let request = loaded.state.filed().expect("submitted").clone();
    let as_ = |actor: &Actor| Origin::new(actor.clone()).at(now);
    let manager = as_(&cast.manager);
    if request.status().is_terminal() && rng.gen_bool(0.8) {
        return Ok(());
    }
    // Mostly someone who can take the trade; now and then anyone (the domain refuses).
    let able: Vec<&Actor> = cast
        .staff
        .iter()
        .filter(|s| s.employed_staff().is_some_and(|f| can_take_trade(f.role, &f.permissions, request.category.trade)))
        .collect();
    let anyone = match able.choose(rng) {
        Some(able) if rng.gen_bool(0.85) => (*able).clone(),
        _ => cast.staff.choose(rng).expect("staff").clone(),
    };
    let cancel_now = rng.gen_bool(0.3);
    let holder = request.assignee().and_then(|a| cast.staff.iter().find(|s| s.account == a)).cloned();
    let holder = holder.unwrap_or_else(|| cast.manager.clone());
    let to = AssignTo {
        staff: anyone.account,
        due: None,
        estimated_cost: Some(Rupees::from_paise(rng.gen_range(0..50_000)).expect("amount")),
    };
    let choice = rng.gen_range(0..5);
    let comment_now = choice == 0 && rng.gen_bool(0.3);
    match (request.status(), choice) {
        (_, 0) if comment_now => {
            let internal = rng.gen_bool(0.5);
            requests::comment(log, &as_(&holder), id, CommentId::from_uuid(Uuid::new_v4()), text("Noted"), internal)
                .await
                .map(|_| ())
        }
        (Status::Submitted, 0 | 1) => requests::acknowledge(log, &manager, id).await.map(|_| ()),
        (Status::Submitted, 2) if cancel_now => {
            requests::cancel(log, &as_(submitter), id, text("Sorted it myself")).await.map(|_| ())
        }
        (Status::Acknowledged, 2) if cancel_now => {
            requests::cancel(log, &manager, id, text("Duplicate")).await.map(|_| ())
        }
        (Status::Acknowledged, 3) => requests::start_work(log, &as_(&anyone), id).await.map(|_| ()),
        (Status::Submitted | Status::Acknowledged, _) => requests::assign(log, &manager, id, to).await.map(|_| ()),
        (Status::Assigned, 0) => requests::unassign(log, &manager, id).await.map(|_| ()),
        (Status::Assigned, 1) => {
            let due = now + chrono::Duration::hours(rng.gen_range(1..200));
            let revision = Revision { due: Some(due), priority: Some(Priority::High), ..Revision::default() };
            requests::revise(log, &manager, id, revision).await.map(|_| ())
        }
        (Status::Assigned, 4) if cancel_now => {
            requests::cancel(log, &as_(submitter), id, text("No longer needed")).await.map(|_| ())
        }
        (Status::Assigned, _) => requests::start_work(log, &as_(&holder), id).await.map(|_| ()),
        (Status::InProgress, 0) => requests::hand_back(log, &as_(&holder), id).await.map(|_| ()),
        (Status::InProgress, 1) => requests::assign(log, &manager, id, to).await.map(|_| ()),
        (Status::InProgress, _) => {
            let cost = rng.gen_bool(0.7).then(|| Rupees::from_paise(rng.gen_range(0..80_000)).expect("amount"));
            requests::resolve(log, &as_(&holder), id, cost, None).await.map(|_| ())
        }
        (Status::Resolved, 0) => requests::reopen(log, &as_(submitter), id, text("Still dripping")).await.map(|_| ()),
        (Status::Resolved, 1) => requests::close(log, &manager, id).await.map(|_| ()),
        (Status::Resolved | Status::Closed, _) if request.rating.is_none() => {
            let rating = Rating::new(rng.gen_range(1..=5)).expect("rating");
            requests::rate(log, &as_(submitter), id, rating, None).await.map(|_| ())
        }
        (Status::Resolved, _) => requests::close(log, &as_(submitter), id).await.map(|_| ()),
        (Status::Closed | Status::Cancelled, _) => {
            requests::comment(log, &as_(submitter), id, CommentId::from_uuid(Uuid::new_v4()), text("Thanks"), false)
                .await
                .map(|_| ())
        }
    }
}

/// Each request's row says what the domain's own state of it says.
pub async fn assert_list_follows_the_domain(log: &EventLog, requests: &[RequestId], seed: u64) {
    type Row = (String, Option<Uuid>, i32, Option<i64>, Option<i64>, Option<i32>, DateTime<Utc>, i64);
    for id in requests {
        let loaded = log.load::<MaintenanceRequest>(&id.to_string()).await.expect("loads");
        let request = loaded.state.filed().expect("submitted");
        let db = log.database();
        let row: Row = with_pool!(db, |pool| {
            sqlx::query_as(
                "SELECT status, assignee, priority, estimated_cost, actual_cost, rating, due_at, version FROM request_list WHERE id = $1",
            )
            .bind(id.as_uuid())
            .fetch_one(pool)
            .await
        })
        .expect("the request is listed");
        let expected: Row = (
            request.status().name().to_owned(),
            request.assignee().map(|a| a.as_uuid()),
            i32::from(request.priority.level()),
            request.estimated_cost.map(Rupees::paise),
            request.actual_cost.map(Rupees::paise),
            request.rating.map(|r| i32::from(r.stars())),
            request.due,
            i64::try_from(loaded.version).expect("version"),
        );
        assert_eq!(row, expected, "seed {seed}: request {} ({})", request.ticket, request.status());
    }
}

/// The directory's workloads, ratings and last assignments are the command side's ledger's.
pub async fn assert_staff_figures_follow_the_ledger(log: &EventLog, seed: u64) {
    type Figures = Vec<(Uuid, i64, i64, i64, Option<DateTime<Utc>>)>;
    let db = log.database();
    let ledger: Figures = with_pool!(db, |pool| {
        sqlx::query_as(
            "SELECT staff_id, CAST(open_assignments AS BIGINT), CAST(rating_sum AS BIGINT), CAST(rating_count AS BIGINT), last_assigned_at
             FROM staff_ledger ORDER BY staff_id",
        )
        .fetch_all(pool)
        .await
    })
    .expect("ledger readable");
    let directory: Figures = khaki_projections::staff_directory::list_staff(db, &Default::default(), 10)
        .await
        .expect("directory readable")
        .into_iter()
        .map(|m| (m.staff.staff_id, m.open_assignments, m.rating_sum, m.rated, m.staff.last_assigned_at))
        .collect();
    assert_eq!(directory, ledger, "seed {seed}: staff figures");
}
