//! The demo estate as a newcomer meets it: requests say where the trouble is, the staff were on
//! the books before the work they did, usernames name their people, and README.md's demo
//! accounts sign in as the roles it says.

use std::collections::HashMap;

use khaki_api::demo::{self, DemoSize, DEMO_PASSWORD};
use khaki_commands::Origin;
use khaki_migrations::with_pool;
use khaki_projections::{read_after, Cursor};

use crate::on_both_stores;
use crate::support::{settled, Store, TestApp};

on_both_stores!(the_demo_estate_reads_like_a_real_one, a_seed_makes_the_same_demo_estate_again);

/// README.md's demo accounts: each row of its table is a role and the usernames that sign in as it.
fn readme_accounts() -> Vec<(String, Vec<String>)> {
    let readme = include_str!("../README.md");
    let table = readme.split("| role | sign in as |").nth(1).expect("README.md has the demo accounts table");
    table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let role = cells[0].split(" (").next().unwrap_or("").replace(' ', "_");
            let usernames = cells[1].split(',').map(|u| u.trim().trim_matches('`').to_owned()).collect();
            (role, usernames)
        })
        .collect()
}

async fn the_demo_estate_reads_like_a_real_one(store: Store) {
    let app = TestApp::spawn(store).await;
    demo::build(&app.log, &Origin::system(), DemoSize { requests: 60, seed: 7 }).await.expect("demo estate made");
    let db = app.log.database();
    settled(db).await;
    let events = read_after(db, Cursor::default(), 1_000_000).await.expect("readable");

    // Every request is somewhere: its resident's flat, or a common area.
    let flats: HashMap<String, String> =
        with_pool!(db, |pool| sqlx::query_as::<_, (uuid::Uuid, String)>("SELECT account_id, flat FROM residents")
            .fetch_all(pool)
            .await)
        .expect("residents")
        .into_iter()
        .map(|(id, flat)| (id.to_string(), flat))
        .collect();
    let submitted: Vec<_> = events.iter().filter(|e| e.event_type == "RequestSubmitted").collect();
    assert_eq!(submitted.len(), 60);
    for event in &submitted {
        let location = event.payload["RequestSubmitted"]["location"].as_str().unwrap_or("");
        let submitter = event.payload["RequestSubmitted"]["submitter"].as_str().unwrap_or("");
        let own_flat = format!("Flat {}", flats.get(submitter).map_or("?", String::as_str));
        assert!(location == own_flat || location.starts_with("Common Area - "), "{location} (filed from {own_flat})");
    }
    assert!(submitted
        .iter()
        .any(|e| e.payload["RequestSubmitted"]["location"].as_str().unwrap_or("").starts_with("Flat ")));

    // Everyone was on the books before anything they did or were given.
    let mut joined: HashMap<String, chrono::DateTime<chrono::Utc>> = HashMap::new();
    for event in &events {
        if matches!(event.event_type.as_str(), "AccountOpened") {
            joined.insert(event.aggregate_id.clone(), event.recorded_at);
        }
    }
    let staff_joined: HashMap<&str, chrono::DateTime<chrono::Utc>> = events
        .iter()
        .filter(|e| e.event_type == "StaffOnboarded")
        .map(|e| (e.aggregate_id.as_str(), e.recorded_at))
        .collect();
    let mut first_assignment: Option<(String, chrono::DateTime<chrono::Utc>)> = None;
    for event in events.iter().filter(|e| e.aggregate_type == "MaintenanceRequest") {
        let actor = event.metadata["actor"].as_str().unwrap_or("");
        if let Some(opened) = joined.get(actor) {
            assert!(*opened <= event.recorded_at, "{} by {actor} before their account was opened", event.event_type);
        }
        if event.event_type == "RequestAssigned" {
            let assignee = event.payload["RequestAssigned"]["assignee"].as_str().unwrap_or("").to_owned();
            let onboarded = staff_joined.get(assignee.as_str()).expect("the assignee is staff");
            assert!(*onboarded <= event.recorded_at, "assigned before being onboarded");
            first_assignment.get_or_insert((assignee, event.recorded_at));
        }
    }
    // …so their record as of the first work they were given is there to read.
    let (worker, assigned_at) = first_assignment.expect("some request was assigned");
    let admin = app.sign_in_with(demo::ADMINISTRATOR, DEMO_PASSWORD).await;
    let then =
        admin.get(&format!("/api/v1/staff/{worker}?as_of={}", assigned_at.to_rfc3339().replace('+', "%2B"))).await;
    assert_eq!(then.status, 200, "{then:?}");

    // A username names its person: "Meera Menon" is meera.menon (a namesake gets a number).
    let accounts: Vec<(String, String)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT username, display_name FROM accounts WHERE username <> 'admin'")
            .fetch_all(pool)
            .await)
        .expect("accounts");
    assert!(accounts.len() > 280, "{}", accounts.len());
    for (username, name) in &accounts {
        let from_name = name.to_lowercase().replace(['\'', '’'], "").replace(' ', ".");
        assert_eq!(username.trim_end_matches(|c: char| c.is_ascii_digit()), from_name, "{username} is {name}");
    }

    // README.md's demo accounts sign in as what it says they are.
    let documented = readme_accounts();
    assert!(documented.len() >= 8, "{documented:?}");
    assert!(documented.iter().any(|(role, _)| role == "administrator"));
    for (role, usernames) in documented {
        for username in usernames {
            let me = app.sign_in_with(&username, DEMO_PASSWORD).await.get("/api/v1/me").await;
            assert_eq!(me.body["role"].as_str(), Some(role.as_str()), "{username}: {me:?}");
        }
    }
}

/// What a demo estate is, leaving out ids and the moment it was made.
async fn described(store: Store, seed: u64) -> (String, Vec<(String, String)>, Vec<(String, String, String)>) {
    // (made, people, what happened to requests in order: what, to whom, where)
    let app = TestApp::spawn(store).await;
    let made = demo::build(&app.log, &Origin::system(), DemoSize { requests: 30, seed }).await.expect("demo made");
    let db = app.log.database();
    settled(db).await;
    let people: Vec<(String, String)> =
        with_pool!(db, |pool| sqlx::query_as("SELECT username, display_name FROM accounts ORDER BY username")
            .fetch_all(pool)
            .await)
        .expect("accounts");
    let requests = read_after(db, Cursor::default(), 1_000_000)
        .await
        .expect("readable")
        .into_iter()
        .filter(|e| e.aggregate_type == "MaintenanceRequest")
        .map(|e| {
            let field = |name: &str| e.payload[&e.event_type][name].to_string();
            match e.event_type.as_str() {
                "RequestSubmitted" => (field("ticket"), field("title"), field("location")),
                "RequestAssigned" => (e.event_type.clone(), field("assignee"), String::new()),
                _ => (e.event_type.clone(), e.metadata["actor"].to_string(), String::new()),
            }
        })
        .collect();
    (made.to_string(), people, requests)
}

async fn a_seed_makes_the_same_demo_estate_again(store: Store) {
    let (first, again) = tokio::join!(described(store, 11), described(store, 11));
    assert_eq!(first.0, again.0, "the same requests in the same states");
    assert_eq!(first.1, again.1, "the same people under the same usernames");
    assert_eq!(first.2, again.2, "the same troubles in the same places, handled by the same people");
    let other = described(store, 12).await;
    assert_ne!(first.1, other.1, "another seed, other residents");
}
