//! Given / when / then tests of roster entries.

use chrono::{TimeZone, Utc};
use cqrs_es::test::TestFramework;

use crate::actor::{Actor, Issued};
use crate::ids::AccountId;
use crate::resident::FlatNumber;
use crate::roster::{RosterCommand, RosterEntry, RosterEvent, RosterRefusal};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 2, 1, 10, 0, 0).single().expect("valid")
}

fn flat() -> FlatNumber {
    FlatNumber::parse("A-101").expect("valid")
}

fn imported() -> RosterEvent {
    RosterEvent::RosterEntryImported { flat: flat(), line: 3, at: at() }
}

#[test]
fn an_imported_entry_waits_for_its_owner_and_is_claimed_once() {
    let owner = AccountId::from_uuid(uuid::Uuid::from_u128(5));
    let claim = || Issued::new(Actor::system(), at(), RosterCommand::Claim { account: owner });
    TestFramework::<RosterEntry>::with(())
        .given_no_previous_events()
        .when(Issued::new(Actor::system(), at(), RosterCommand::Import { flat: flat(), line: 3 }))
        .then_expect_events(vec![imported()]);
    let claimed = RosterEvent::RosterEntryClaimed { account: owner, at: at() };
    TestFramework::<RosterEntry>::with(())
        .given(vec![imported()])
        .when(claim())
        .then_expect_events(vec![claimed.clone()]);
    TestFramework::<RosterEntry>::with(())
        .given(vec![imported(), claimed])
        .when(claim())
        .then_expect_error(RosterRefusal::AlreadyClaimed);
}

#[test]
fn residents_cannot_import_the_roster() {
    TestFramework::<RosterEntry>::with(())
        .given_no_previous_events()
        .when(Issued::new(
            Actor::resident(AccountId::from_uuid(uuid::Uuid::from_u128(9)), true),
            at(),
            RosterCommand::Import { flat: flat(), line: 2 },
        ))
        .then_expect_error(RosterRefusal::NotRosterManagement);
}
