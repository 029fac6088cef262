//! Walks demo requests through realistic histories over the past months, every step a real
//! command by the person who may take it, at the time it happened.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use khaki_commands::ledger::all_candidates;
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::{accounts, CommandError, EventLog, Origin};
use khaki_domain::request::{MaintenanceRequest, Status};
use khaki_domain::resident::FlatNumber;
use khaki_domain::{rank_suitable, AccountId, Actor, CommentId, Rating, RequestId, Rupees, Text};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::demo::people::Resident;

/// Where a trouble is: in the resident's flat, or in a common area (of their block, or of the
/// estate).
#[derive(Clone, Copy)]
enum Place {
    Flat,
    Block(&'static str),
    Estate(&'static str),
}

const TROUBLES: [(&str, &str, Place); 14] = [
    ("Gas leak", "Smell of gas near the kitchen", Place::Flat),
    ("Electrical emergency", "Sparks from the main switchboard", Place::Flat),
    ("Water leak / burst pipe", "Pipe burst under the sink", Place::Flat),
    ("Lift breakdown", "Lift stuck between floors", Place::Block("Lift")),
    ("Electrical fault", "Bedroom lights flicker", Place::Flat),
    ("Plumbing issue", "Bathroom tap keeps dripping", Place::Flat),
    ("Air conditioning / ventilation", "Exhaust fan not working", Place::Flat),
    ("Security / access control", "Intercom does not ring", Place::Flat),
    ("Pest control", "Cockroaches in the kitchen", Place::Flat),
    ("Housekeeping / common-area cleaning", "Stairwell not swept", Place::Block("Stairwell")),
    ("Painting", "Damp patch on the living-room wall", Place::Flat),
    ("Garden and landscaping", "Hedge near the gate overgrown", Place::Estate("Main Gate")),
    ("General maintenance", "Door hinge squeaks", Place::Flat),
    ("Other", "Letterbox lock broken", Place::Block("Lobby")),
];

/// A request's location as SPEC §2 writes them: `Flat A-101`, `Common Area - Lift, Block A`,
/// `Common Area - Main Gate`.
fn location(place: Place, flat: &FlatNumber) -> String {
    match place {
        Place::Flat => format!("Flat {flat}"),
        Place::Block(area) => format!("Common Area - {area}, Block {}", flat.block()),
        Place::Estate(area) => format!("Common Area - {area}"),
    }
}

pub struct Walked {
    pub by_status: HashMap<Status, u32>,
}

/// People act as themselves; their standing is read once from the store.
struct Cast<'a> {
    log: &'a EventLog,
    known: HashMap<AccountId, Actor>,
}

impl Cast<'_> {
    async fn actor(&mut self, id: AccountId) -> Result<Actor, CommandError> {
        if let Some(actor) = self.known.get(&id) {
            return Ok(actor.clone());
        }
        let actor = accounts::actor_for(self.log.database(), id)
            .await?
            .ok_or_else(|| CommandError::not_found(format!("account {id}")))?;
        self.known.insert(id, actor.clone());
        Ok(actor)
    }

    async fn at(&mut self, id: AccountId, at: DateTime<Utc>) -> Result<Origin, CommandError> {
        Ok(Origin::new(self.actor(id).await?).at(at))
    }
}

fn text(field: &'static str, value: &str) -> Result<Text, CommandError> {
    Text::parse(field, value, 5000).map_err(|e| CommandError::invalid(field, e.to_string()))
}

pub async fn walk(
    log: &EventLog,
    manager: AccountId,
    residents: &[Resident],
    count: u32,
    rng: &mut StdRng,
    now: DateTime<Utc>,
) -> Result<Walked, CommandError> {
    let mut cast = Cast { log, known: HashMap::new() };
    let mut starts: Vec<DateTime<Utc>> =
        (0..count).map(|_| now - Duration::minutes(rng.gen_range(30..180 * 24 * 60))).collect();
    starts.sort();
    let mut by_status = HashMap::new();
    for submitted_at in starts {
        let filer = residents.choose(rng).ok_or_else(|| CommandError::not_found("residents"))?;
        let resident = filer.id;
        let (category, title, place) = TROUBLES[rng.gen_range(0..TROUBLES.len())];
        let id = RequestId::from_uuid(uuid::Uuid::new_v4());
        let new = NewRequest {
            id,
            submitter: None,
            title: text("title", title)?,
            description: text("description", &format!("{title}. Noticed this morning; please come when you can."))?,
            category: category.into(),
            location: text("location", &location(place, &filer.flat))?,
            priority: None,
        };
        requests::submit(log, &cast.at(resident, submitted_at).await?, new).await?;
        let status = history(log, &mut cast, id, manager, resident, submitted_at, now, rng).await?;
        *by_status.entry(status).or_insert(0) += 1;
    }
    Ok(Walked { by_status })
}

/// One request's life after submission. Older requests have mostly run their course; recent ones
/// are still somewhere along the way; a few are stuck and overdue.
#[allow(clippy::too_many_arguments)]
async fn history(
    log: &EventLog,
    cast: &mut Cast<'_>,
    id: RequestId,
    manager: AccountId,
    resident: AccountId,
    submitted_at: DateTime<Utc>,
    now: DateTime<Utc>,
    rng: &mut StdRng,
) -> Result<Status, CommandError> {
    let age = now - submitted_at;
    let mut at = submitted_at;
    let mut step = |rng: &mut StdRng, hours: i64| {
        at += Duration::minutes(rng.gen_range(20..hours.max(1) * 60));
        at.min(now - Duration::minutes(1))
    };
    let stop_after = if age < Duration::days(3) {
        rng.gen_range(0..6)
    } else if rng.gen_bool(0.06) {
        rng.gen_range(1..4)
    } else {
        9
    };
    if rng.gen_bool(0.04) {
        requests::cancel(log, &cast.at(resident, step(rng, 12)).await?, id, text("reason", "Sorted it out myself")?)
            .await?;
        return status_of(log, id).await;
    }
    if stop_after == 0 {
        return status_of(log, id).await;
    }
    if status_of(log, id).await? == Status::Submitted {
        requests::acknowledge(log, &cast.at(manager, step(rng, 6)).await?, id).await?;
    }
    if stop_after == 1 {
        return status_of(log, id).await;
    }
    if status_of(log, id).await? == Status::Acknowledged {
        let request = log.load::<MaintenanceRequest>(&id.to_string()).await?;
        let trade =
            request.state.filed().map(|r| r.category.trade).ok_or_else(|| CommandError::not_found("request"))?;
        let ranking = rank_suitable(trade, &all_candidates(log.database()).await?, log.rules().workload_limit);
        let Some(best) = ranking.first() else {
            return status_of(log, id).await;
        };
        let cost = Rupees::from_paise(rng.gen_range(20..400) * 10_000).ok();
        let assigned = requests::assign(
            log,
            &cast.at(manager, step(rng, 8)).await?,
            id,
            AssignTo { staff: best.staff, due: None, estimated_cost: cost },
        )
        .await;
        if assigned.is_err() {
            return status_of(log, id).await;
        }
    }
    let Some(worker) = log.load::<MaintenanceRequest>(&id.to_string()).await?.state.filed().and_then(|r| r.assignee())
    else {
        return status_of(log, id).await;
    };
    if stop_after == 2 {
        return status_of(log, id).await;
    }
    requests::start_work(log, &cast.at(worker, step(rng, 10)).await?, id).await?;
    if rng.gen_bool(0.3) {
        let note = CommentId::from_uuid(uuid::Uuid::new_v4());
        requests::comment(
            log,
            &cast.at(worker, step(rng, 3)).await?,
            id,
            note,
            text("comment", "Parts ordered; back tomorrow")?,
            false,
        )
        .await?;
    }
    if stop_after == 3 {
        return status_of(log, id).await;
    }
    let actual = Rupees::from_paise(rng.gen_range(15..500) * 10_000).ok();
    requests::resolve(log, &cast.at(worker, step(rng, 30)).await?, id, actual, Some(text("note", "Fixed and tested")?))
        .await?;
    if stop_after == 4 {
        return status_of(log, id).await;
    }
    if rng.gen_bool(0.07) {
        requests::reopen(log, &cast.at(resident, step(rng, 20)).await?, id, text("reason", "It started again")?)
            .await?;
        requests::resolve(
            log,
            &cast.at(worker, step(rng, 20)).await?,
            id,
            None,
            Some(text("note", "Replaced the part")?),
        )
        .await?;
    }
    let closer = if rng.gen_bool(0.6) { resident } else { manager };
    requests::close(log, &cast.at(closer, step(rng, 48)).await?, id).await?;
    if rng.gen_bool(0.7) {
        let stars = Rating::new(rng.gen_range(2..=5)).map_err(|e| CommandError::invalid("rating", e.to_string()))?;
        requests::rate(log, &cast.at(resident, step(rng, 24)).await?, id, stars, None).await?;
    }
    status_of(log, id).await
}

async fn status_of(log: &EventLog, id: RequestId) -> Result<Status, CommandError> {
    let loaded = log.load::<MaintenanceRequest>(&id.to_string()).await?;
    Ok(loaded.state.filed().map_or(Status::Submitted, |r| r.status()))
}

/// The categories the troubles above name must all be in the catalogue.
#[cfg(test)]
mod tests {
    #[test]
    fn every_demo_trouble_names_a_catalogue_category() {
        let names: Vec<String> = khaki_domain::initial_catalogue().into_iter().map(|c| c.name).collect();
        for (category, ..) in super::TROUBLES {
            assert!(names.iter().any(|n| n == category), "{category}");
        }
    }
}
