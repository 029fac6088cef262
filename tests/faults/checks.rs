//! What the fault tests check once the fault is over: every confirmed write is readable as sent,
//! ticket numbers have no gaps, and the people the load signs in as.

use std::collections::BTreeMap;

use futures::stream::{self, StreamExt};
use khaki_domain::AccountId;
use khaki_migrations::{with_pool, Database};

use crate::faults::load::Receipt;

/// The username of an account, to sign in as it over HTTP.
pub async fn username(db: &Database, account: AccountId) -> String {
    with_pool!(db, |pool| sqlx::query_scalar("SELECT username FROM accounts WHERE id = $1")
        .bind(account.as_uuid())
        .fetch_one(pool)
        .await)
    .expect("the account has a username")
}

/// Each receipt the server at `base` does not give back as it was confirmed, read as its
/// submitter by ticket number: missing, different, or (when its acknowledgement was confirmed)
/// not acknowledged.
pub async fn lost(base: &str, receipts: &[Receipt]) -> Vec<String> {
    let http = reqwest::Client::new();
    let checks = receipts.iter().map(|receipt| {
        let http = http.clone();
        async move {
            let answer = http
                .get(format!("{base}/api/v1/requests/{}", receipt.ticket))
                .bearer_auth(&*receipt.token)
                .send()
                .await
                .map_err(|e| format!("{}: no answer: {e}", receipt.ticket))?;
            let status = answer.status();
            let view: serde_json::Value = answer.json().await.unwrap_or_default();
            let as_sent = status.is_success()
                && view["id"] == receipt.id.as_str()
                && view["ticket"] == receipt.ticket.as_str()
                && view["title"] == receipt.title.as_str()
                && view["description"] == receipt.description.as_str();
            let status_kept = !receipt.acknowledged || view["status"] == "acknowledged";
            if as_sent && status_kept {
                Ok(())
            } else {
                Err(format!("{} ({}) confirmed as {receipt:?}, read back {status}: {view}", receipt.ticket, receipt.id))
            }
        }
    });
    stream::iter(checks).buffer_unordered(8).filter_map(|checked| async move { checked.err() }).collect().await
}

/// How many tickets the store has recorded, and every break in their numbering (each year's
/// numbers must run 1, 2, 3, … with nothing missing or repeated).
pub async fn ticket_gaps(db: &Database) -> (usize, Vec<String>) {
    let tickets: Vec<String> =
        with_pool!(db, |pool| sqlx::query_scalar("SELECT ticket FROM request_tickets").fetch_all(pool).await)
            .expect("tickets readable");
    let mut by_year: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut gaps = Vec::new();
    for ticket in &tickets {
        // MNT-<year>-<sequence>
        let mut parts = ticket.rsplitn(2, '-');
        match (parts.next().and_then(|s| s.parse().ok()), parts.next()) {
            (Some(sequence), Some(year)) => by_year.entry(year.to_owned()).or_default().push(sequence),
            _ => gaps.push(format!("{ticket} is not a ticket number")),
        }
    }
    for (year, mut sequences) in by_year {
        sequences.sort_unstable();
        for (expected, found) in (1..).zip(&sequences) {
            if *found != expected {
                gaps.push(format!("{year}: expected number {expected}, found {found}"));
                break;
            }
        }
    }
    (tickets.len(), gaps)
}
