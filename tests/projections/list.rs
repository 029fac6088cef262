//! The request list: filters, full-text search, who sees what (SPEC §2), and keyset pages that
//! add up to the whole ordered list.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::{EventLog, Origin};
use khaki_domain::request::{Revision, Status};
use khaki_domain::resident::ResidentType;
use khaki_domain::{Actor, Priority, RequestId, StaffRole, Trade};
use khaki_migrations::Database;
use khaki_projections::request_list::{list_requests, Order, OrderBy, Page, RequestFilter, Scope, TimeRange};

use super::{at, settle, Bench};
use crate::on_both_stores;
use crate::support::estate::text;
use crate::support::{Estate, Store};

on_both_stores!(filters_search_scopes_and_pages_show_the_right_requests);

fn t0() -> DateTime<Utc> {
    at(2026, 5, 1, 9, 0)
}

async fn file(log: &EventLog, resident: &Actor, category: &str, title: &str, flat: &str, hours: i64) -> RequestId {
    let new = NewRequest {
        title: text(title),
        description: text(&format!("{title}, please come soon")),
        location: text(&format!("Flat {flat}")),
        ..Estate::new_request(category)
    };
    let id = new.id;
    requests::submit(log, &Origin::new(resident.clone()).at(t0() + Duration::hours(hours)), new).await.expect("filed");
    id
}

async fn listed(db: &Database, filter: &RequestFilter, scope: &Scope) -> BTreeSet<RequestId> {
    let page = Page { size: 200, ..Page::default() };
    let found = list_requests(db, filter, scope, &page, at(2027, 1, 1, 0, 0)).await.expect("listed");
    assert_eq!(found.total.count as usize, found.requests.len(), "the total counts what is listed");
    assert!(found.total.exact && found.next.is_none());
    found.requests.iter().map(|r| RequestId::from_uuid(r.request.id)).collect()
}

async fn filters_search_scopes_and_pages_show_the_right_requests(store: Store) {
    let bench = Bench::new(store).await;
    let log = &bench.log;
    let estate = Estate::new(log).await;
    let manager = estate.staff(StaffRole::FacilityManager).await;
    let p1 = estate.staff(StaffRole::Plumber).await;
    let p2 = estate.staff(StaffRole::Plumber).await;
    let r1 = estate.resident_at("A-101", ResidentType::Owner).await;
    let r2 = estate.resident_at("B-202", ResidentType::Owner).await;
    let by = |actor: &Actor, hours: i64| Origin::new(actor.clone()).at(t0() + Duration::hours(hours));
    let to = |staff: &Actor| AssignTo { staff: staff.account, due: None, estimated_cost: None };

    let a = file(log, &r1, "Plumbing issue", "Kitchen tap leaking", "A-101", 0).await;
    let b = file(log, &r1, "Electrical fault", "Bedroom lights flicker", "A-101", 1).await;
    let c = file(log, &r2, "Plumbing issue", "Shower drain blocked", "B-202", 2).await;
    let d = file(log, &r2, "Plumbing issue", "Bathroom pipe rattles", "B-202", 3).await;
    let e = file(log, &r2, "Plumbing issue", "Geyser valve hissing", "B-202", 4).await;
    let f = file(log, &r1, "Plumbing issue", "Washbasin tap loose", "A-101", 5).await;
    let g = file(log, &r1, "General maintenance", "Door hinge squeaks", "A-101", 6).await;
    requests::assign(log, &by(&manager, 7), c, to(&p1)).await.expect("assigned");
    requests::revise(log, &by(&manager, 7), c, Revision { priority: Some(Priority::Medium), ..Revision::default() })
        .await
        .expect("revised");
    requests::assign(log, &by(&manager, 7), d, to(&p1)).await.expect("assigned");
    requests::assign(log, &by(&manager, 8), d, to(&p2)).await.expect("reassigned");
    requests::assign(log, &by(&manager, 8), e, to(&p2)).await.expect("assigned");
    requests::start_work(log, &by(&p2, 9), e).await.expect("started");
    requests::resolve(log, &by(&p2, 10), e, None, None).await.expect("resolved");
    requests::acknowledge(log, &by(&manager, 9), f).await.expect("acknowledged");
    requests::cancel(log, &by(&r1, 9), g, text("Oiled it")).await.expect("cancelled");
    // Overdue two days later: the hourly job escalates it.
    requests::escalate(log, &Origin::system().at(t0() + Duration::hours(48)), a).await.expect("escalated");
    settle(bench.db()).await;
    let db = bench.db();
    let set = |ids: &[RequestId]| ids.iter().copied().collect::<BTreeSet<_>>();
    let all = RequestFilter::default();

    // Who sees what.
    let plumber = Scope::Staff { me: p1.account, reports: vec![], trades: vec![Trade::Plumbing], costed: false };
    assert_eq!(listed(db, &all, &plumber).await, set(&[a, c, d, f]), "unassigned plumbing, their own, formerly theirs");
    assert_eq!(listed(db, &all, &Scope::Submitter(r1.account)).await, set(&[a, b, f, g]), "a resident's own");
    assert_eq!(listed(db, &all, &Scope::Submitter(r2.account)).await, set(&[c, d, e]));
    let supervisor =
        Scope::Staff { me: manager.account, reports: vec![p1.account, p2.account], trades: vec![], costed: false };
    assert_eq!(listed(db, &all, &supervisor).await, set(&[c, d, e]), "assigned to their reports");
    assert_eq!(listed(db, &all, &Scope::Everything).await, set(&[a, b, c, d, e, f, g]));
    assert!(listed(db, &all, &Scope::Nothing).await.is_empty());

    // Filters.
    let cases: Vec<(&str, RequestFilter, BTreeSet<RequestId>)> = vec![
        ("submitted", RequestFilter { statuses: vec![Status::Submitted], ..all.clone() }, set(&[a, b])),
        (
            "resolved or cancelled",
            RequestFilter { statuses: vec![Status::Resolved, Status::Cancelled], ..all.clone() },
            set(&[e, g]),
        ),
        (
            "plumbing unassigned",
            RequestFilter { trade: Some(Trade::Plumbing), unassigned: true, ..all.clone() },
            set(&[a, f]),
        ),
        ("assignee", RequestFilter { assignee: Some(p2.account), ..all.clone() }, set(&[d, e])),
        ("submitter", RequestFilter { submitter: Some(r2.account), ..all.clone() }, set(&[c, d, e])),
        ("priority", RequestFilter { priority: Some(Priority::Medium), ..all.clone() }, set(&[c])),
        ("category", RequestFilter { category: Some("General maintenance".into()), ..all.clone() }, set(&[g])),
        ("flat", RequestFilter { flat: Some("A-101".into()), ..all.clone() }, set(&[a, b, f, g])),
        ("block", RequestFilter { block: Some("B".into()), ..all.clone() }, set(&[c, d, e])),
        ("overdue", RequestFilter { overdue: true, ..all.clone() }, set(&[a, b, c, d, f])),
        ("escalated", RequestFilter { escalated: true, ..all.clone() }, set(&[a])),
        ("submitted between", RequestFilter { submitted: range(2, 4), ..all.clone() }, set(&[c, d])),
        ("resolved between", RequestFilter { resolved: range(10, 11), ..all.clone() }, set(&[e])),
        ("due between", RequestFilter { due: range(12, 14), ..all.clone() }, set(&[a, b])),
        ("search word", RequestFilter { search: Some("TAP".into()), ..all.clone() }, set(&[a, f])),
        ("search prefix", RequestFilter { search: Some("pipe rattl".into()), ..all.clone() }, set(&[d])),
        ("search location", RequestFilter { search: Some("101 lights".into()), ..all.clone() }, set(&[b])),
        ("search nothing", RequestFilter { search: Some("chandelier".into()), ..all.clone() }, set(&[])),
    ];
    for (name, filter, expected) in cases {
        assert_eq!(listed(db, &filter, &Scope::Everything).await, expected, "filter: {name}");
    }
    let ticket = list_requests(db, &all, &Scope::Everything, &Page::default(), t0()).await.expect("listed");
    let c_ticket = ticket.requests.iter().find(|r| r.request.id == c.as_uuid()).expect("c").request.ticket.clone();
    let by_ticket = RequestFilter { search: Some(c_ticket), ..all.clone() };
    assert_eq!(listed(db, &by_ticket, &Scope::Everything).await, set(&[c]), "search by ticket number");

    // Keyset pages add up to the whole list, in order, without repeats.
    for (by, descending) in
        [(OrderBy::Submitted, true), (OrderBy::Updated, false), (OrderBy::Priority, true), (OrderBy::Due, false)]
    {
        let order = Order { by, descending };
        assert_pages_make_the_list(db, order, &Scope::Everything, 2).await;
        assert_pages_make_the_list(db, order, &plumber, 1).await;
    }
    let bad = Page { after: Some("not a cursor".into()), ..Page::default() };
    assert!(list_requests(db, &all, &Scope::Everything, &bad, t0()).await.is_err(), "a made-up cursor is refused");
    bench.close().await;
}

/// [t0 + from hours, t0 + to hours).
fn range(from: i64, to: i64) -> TimeRange {
    TimeRange { from: Some(t0() + Duration::hours(from)), to: Some(t0() + Duration::hours(to)) }
}

async fn assert_pages_make_the_list(db: &Database, order: Order, scope: &Scope, size: u32) {
    let all = RequestFilter::default();
    let whole = list_requests(db, &all, scope, &Page { order, size: 200, after: None }, t0()).await.expect("listed");
    let whole: Vec<_> = whole.requests.iter().map(|r| r.request.id).collect();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = list_requests(db, &all, scope, &Page { order, size, after }, t0()).await.expect("a page");
        assert!(page.requests.len() <= size as usize);
        paged.extend(page.requests.iter().map(|r| r.request.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(paged, whole, "{order:?} in pages of {size}");
    assert_eq!(whole.iter().collect::<BTreeSet<_>>().len(), whole.len(), "{order:?}: no repeats");
}
