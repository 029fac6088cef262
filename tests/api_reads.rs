//! Reads from the read models over HTTP, kept current by the runner as `khaki serve` keeps them:
//! the request list as each caller may see it, read-your-own-writes, the staff directory,
//! suitable staff, timelines, dashboards, analytics, health and metrics.

use std::time::Duration;

use khaki_commands::requests;
use khaki_commands::Origin;
use khaki_domain::StaffRole;
use serde_json::json;

use crate::on_both_stores;
use crate::support::http::Client;
use crate::support::{Estate, Store, TestApp};

on_both_stores!(
    each_caller_lists_what_they_may_see_and_reads_their_own_writes,
    staff_reads_dashboards_and_analytics_answer_the_right_people,
    a_read_that_cannot_catch_up_in_time_says_so,
    a_kept_answer_is_never_older_than_the_read_models,
    readers_racing_writers_are_never_given_an_answer_older_than_they_could_see,
);

async fn each_caller_lists_what_they_may_see_and_reads_their_own_writes(store: Store) {
    let app = TestApp::spawn(store).await;
    let runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (resident, neighbour) = (estate.resident().await, estate.resident().await);
    let (manager, plumber) = (estate.staff(StaffRole::FacilityManager).await, estate.staff(StaffRole::Plumber).await);
    let me = app.sign_in_as(resident.account).await;
    let mut last = 0;
    for title in ["Kitchen tap leaking", "Bathroom tap loose", "Hall light dead"] {
        let category = if title.contains("light") { "Electrical fault" } else { "Plumbing issue" };
        let answer = me
            .post(
                "/api/v1/requests",
                json!({"title": title, "description": "Please look", "category": category, "location": "Flat"}),
            )
            .await;
        last = answer.body["position"].as_i64().expect("position");
    }
    let mine = me.get_caught_up(&format!("/api/v1/requests?min_position={last}")).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!(mine.body["requests"].as_array().map(Vec::len), Some(3), "a resident sees only their own, at once");
    let filed = requests::submit(&app.log, &Origin::new(neighbour), Estate::new_request("Plumbing issue")).await;
    let last = filed.expect("the neighbour's request").executed.position.expect("recorded");
    let fm = app.sign_in_as(manager.account).await;
    let all = fm.get_caught_up(&format!("/api/v1/requests?min_position={last}")).await;
    assert_eq!(all.body["total"]["count"], 4);
    let taps = fm.get("/api/v1/requests?search=tap&order=submitted&direction=asc").await;
    let titles: Vec<&str> =
        taps.body["requests"].as_array().expect("rows").iter().filter_map(|r| r["title"].as_str()).collect();
    assert_eq!(
        titles,
        ["Kitchen tap leaking", "Bathroom tap loose", "Tap leaking"],
        "the neighbour's fixture request is about a tap too"
    );
    let first = fm.get("/api/v1/requests?limit=2").await;
    let next = first.body["next"].as_str().expect("a next page").to_owned();
    let second = fm.get(&format!("/api/v1/requests?limit=2&after={next}")).await;
    assert_eq!(second.body["requests"].as_array().map(Vec::len), Some(2));
    let tech = app.sign_in_as(plumber.account).await;
    let pickable = tech.get("/api/v1/requests?status=submitted,acknowledged").await;
    assert_eq!(pickable.body["requests"].as_array().map(Vec::len), Some(3), "a plumber sees unassigned plumbing work");
    let bad = fm.get("/api/v1/requests?status=lost").await;
    assert_eq!((bad.status, bad.code()), (400, "invalid_input"));
    let unknown = fm.get("/api/v1/requests?colour=red").await;
    assert_eq!(unknown.status, 400);
    runner.stop().await;
}

async fn staff_reads_dashboards_and_analytics_answer_the_right_people(store: Store) {
    let app = TestApp::spawn(store).await;
    let runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (resident, manager, plumber, accountant) = (
        estate.resident().await,
        estate.staff(StaffRole::FacilityManager).await,
        estate.staff(StaffRole::Plumber).await,
        estate.staff(StaffRole::Accountant).await,
    );
    let (id, _) = estate.submit(&resident, "Plumbing issue").await;
    let fm = app.sign_in_as(manager.account).await;
    let assigned = fm.post(&format!("/api/v1/requests/{id}/assign"), json!({"staff_id": plumber.account})).await;
    let position = assigned.body["position"].as_i64().expect("position");
    let fresh = |path: &str| format!("{path}?min_position={position}");

    let directory = fm.get_caught_up(&fresh("/api/v1/staff")).await;
    let plumber_row = directory.body["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["staff_id"] == json!(plumber.account))
        .cloned();
    assert_eq!(plumber_row.map(|r| r["open_assignments"].clone()), Some(json!(1)), "{directory:?}");
    let suitable = fm.get(&format!("/api/v1/requests/{id}/suitable-staff")).await;
    assert!(suitable.body["rows"].as_array().is_some_and(|rows| !rows.is_empty()), "{suitable:?}");
    let timeline = fm.get_caught_up(&format!("/api/v1/requests/{id}/timeline?min_position={position}")).await;
    assert!(timeline.body["rows"].as_array().is_some_and(|rows| rows.len() >= 3), "{timeline:?}");
    let workload = fm.get(&format!("/api/v1/staff/{}/workload", plumber.account)).await;
    assert_eq!(workload.status, 200);

    let (me, tech, books) = (
        app.sign_in_as(resident.account).await,
        app.sign_in_as(plumber.account).await,
        app.sign_in_as(accountant.account).await,
    );
    for (who, client, path, expected) in [
        ("manager", &fm, "/api/v1/dashboards/facility-manager", 200),
        ("resident", &me, "/api/v1/dashboards/facility-manager", 403),
        ("plumber", &tech, "/api/v1/dashboards/staff", 200),
        ("resident", &me, "/api/v1/dashboards/staff", 403),
        ("accountant", &books, "/api/v1/dashboards/accountant", 200),
        ("plumber", &tech, "/api/v1/dashboards/accountant", 403),
        ("resident", &me, "/api/v1/dashboards/resident", 200),
        ("manager", &fm, "/api/v1/dashboards/resident", 403),
        ("manager", &fm, "/api/v1/analytics", 200),
        ("resident", &me, "/api/v1/analytics", 403),
        ("resident", &me, "/api/v1/staff", 403),
        ("resident", &me, &format!("/api/v1/requests/{id}/suitable-staff"), 403),
    ] {
        assert_eq!(client.get(path).await.status, expected, "{path} for the {who}");
    }
    let dashboard = fm.get_caught_up(&fresh("/api/v1/dashboards/facility-manager")).await;
    assert_eq!(dashboard.body["pending_assignment"], 0, "{dashboard:?}");
    let backwards = fm.get("/api/v1/analytics?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z").await;
    assert_eq!(backwards.status, 400);
    // Figures for something that does not exist are refused, not answered with zeros.
    let stranger = uuid::Uuid::new_v4();
    for (query, field) in
        [("category=Paintng", "category"), (&*format!("staff={stranger}"), "staff"), ("trade=carpentry", "trade")]
    {
        let unknown = fm.get(&format!("/api/v1/analytics?{query}")).await;
        assert_eq!((unknown.status, unknown.body["error"]["details"]["field"].as_str()), (400, Some(field)), "{query}");
    }
    let known = fm.get(&format!("/api/v1/analytics?category=Plumbing%20issue&staff={}", plumber.account)).await;
    assert_eq!(known.status, 200, "{known:?}");

    let health = app.anonymous().get("/health").await;
    assert_eq!(health.body["projections"].as_array().map(Vec::len), Some(4));
    let metrics = app.http.get(app.url("/metrics")).send().await.expect("metrics").text().await.expect("text");
    assert!(metrics.contains("khaki_projection_lag_events{projection=\"request_list\"}"), "{metrics}");
    runner.stop().await;
}

async fn a_read_that_cannot_catch_up_in_time_says_so(store: Store) {
    let app = TestApp::spawn(store).await;
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let me = app.sign_in_as(resident.account).await;
    let answer = me
        .post("/api/v1/requests", json!({"title": "t", "description": "d", "category": "Painting", "location": "l"}))
        .await;
    let position = answer.body["position"].as_i64().expect("position");
    // No runner: the list never catches up.
    let waited = Client::send(
        me.request(reqwest::Method::GET, &format!("/api/v1/requests?min_position={position}"))
            .timeout(Duration::from_secs(10)),
    )
    .await;
    assert_eq!((waited.status, waited.code()), (503, "not_caught_up"));
    assert_eq!(waited.headers["retry-after"], "1");
    let runner = app.start_runner();
    let caught = me.get(&format!("/api/v1/requests?min_position={position}")).await;
    assert_eq!(caught.status, 200);
    runner.stop().await;
}

async fn submitted(who: &Client, title: &str) -> i64 {
    let answer = who
        .post(
            "/api/v1/requests",
            json!({"title": title, "description": "Please look", "category": "Plumbing issue", "location": "Flat"}),
        )
        .await;
    answer.body["position"].as_i64().unwrap_or_else(|| panic!("submitted: {answer:?}"))
}

async fn caught_up(app: &TestApp, position: i64) {
    for projection in khaki_projections::Projection::ALL {
        khaki_projections::wait_for(app.log.database(), projection, position, Duration::from_secs(10))
            .await
            .unwrap_or_else(|e| panic!("{projection:?} caught up: {e}"));
    }
}

/// Dashboards and lists give a recent answer again (api/src/http/reads/recent.rs); it must never
/// be older than the read models, nor given to someone who may see something else.
async fn a_kept_answer_is_never_older_than_the_read_models(store: Store) {
    let app = TestApp::spawn(store).await;
    let _runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let (resident, neighbour) = (estate.resident().await, estate.resident().await);
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let (me, them) = (app.sign_in_as(resident.account).await, app.sign_in_as(neighbour.account).await);
    let fm = app.sign_in_as(manager.account).await;
    caught_up(&app, submitted(&me, "Kitchen tap leaking").await).await;
    let dashboard = "/api/v1/dashboards/facility-manager";
    let before = fm.get(dashboard).await;
    assert_eq!(before.status, 200, "{before:?}");
    assert_eq!(fm.get(dashboard).await.body, before.body, "asked again at once, the same answer");
    caught_up(&app, submitted(&them, "Bathroom tap loose").await).await;
    let after = fm.get(dashboard).await;
    let pending = |answer: &crate::support::http::Answer| answer.body["pending_assignment"].as_i64();
    assert_eq!(pending(&after), pending(&before).map(|n| n + 1), "once the read models move, a new answer");
    let list = "/api/v1/requests?search=tap";
    for (who, title) in [(&me, "Kitchen tap leaking"), (&them, "Bathroom tap loose"), (&me, "Kitchen tap leaking")] {
        let listed = who.get(list).await;
        let titles: Vec<&str> =
            listed.body["requests"].as_array().expect("rows").iter().filter_map(|r| r["title"].as_str()).collect();
        assert_eq!(titles, [title], "the same question from another resident is answered for them: {listed:?}");
    }
    assert_eq!(fm.get(list).await.body["total"]["count"], 2, "the manager sees both");
}

/// Many readers ask the same question while requests keep arriving, so answers are retired and
/// computed again all the time and askers take turns. Before each ask a reader counts the rows of
/// the read model itself; the answer's total may be newer than that count, never older.
async fn readers_racing_writers_are_never_given_an_answer_older_than_they_could_see(store: Store) {
    let app = TestApp::spawn(store).await;
    let _runner = app.start_runner();
    let estate = Estate::new(&app.log).await;
    let resident = estate.resident().await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let me = app.sign_in_as(resident.account).await;
    let db = app.log.database();
    let written = std::sync::atomic::AtomicBool::new(false);
    let writing = async {
        for n in 0..30 {
            submitted(&me, &format!("Dripping tap {n}")).await;
        }
        written.store(true, std::sync::atomic::Ordering::Release);
    };
    let reader = |fm: Client| async {
        let fm = fm;
        let (mut asked, mut newest) = (0, 0);
        while !written.load(std::sync::atomic::Ordering::Acquire) || asked < 10 {
            let seen: i64 =
                khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM request_list")
                    .fetch_one(pool)
                    .await)
                .expect("countable");
            let answer = fm.get("/api/v1/requests?limit=1").await;
            let total = answer.body["total"]["count"].as_i64().unwrap_or_else(|| panic!("a total: {answer:?}"));
            assert!(total >= seen, "given a total of {total} after the read model held {seen}");
            (asked, newest) = (asked + 1, newest.max(total));
        }
        (asked, newest)
    };
    let mut readers = Vec::new();
    for _ in 0..8 {
        readers.push(reader(app.sign_in_as(manager.account).await));
    }
    let (_, answers) = tokio::join!(writing, futures::future::join_all(readers));
    assert!(answers.iter().all(|&(asked, _)| asked >= 10), "every reader kept asking: {answers:?}");
    assert!(answers.iter().any(|&(_, newest)| newest > 0), "readers saw the requests arrive: {answers:?}");
}
