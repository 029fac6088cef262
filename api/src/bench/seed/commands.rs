//! Seeding through the command path: every step of the plan is the use case an API call would
//! run, by the person who may take it, at the planned time.

use chrono::{DateTime, Utc};
use khaki_commands::requests::{self, AssignTo, NewRequest};
use khaki_commands::{CommandError, EventLog, Origin};
use khaki_domain::{Actor, CommentId, Rating, Rupees, Text};

use crate::bench::seed::people::Cast;
use crate::bench::seed::plan::{RequestPlan, Step};

pub fn text(value: &str) -> Result<Text, CommandError> {
    Text::parse("text", value, 500).map_err(|e| CommandError::invalid("text", e.to_string()))
}

pub fn money(paise: i64) -> Result<Rupees, CommandError> {
    Rupees::from_paise(paise).map_err(|e| CommandError::invalid("cost", e.to_string()))
}

/// The comment a plan's comment step posts, named so both seeding paths name it alike.
pub fn comment_id(request: &RequestPlan, step: usize) -> CommentId {
    CommentId::from_uuid(uuid::Uuid::new_v5(&request.id.as_uuid(), &step.to_be_bytes()))
}

/// Who takes a step of the plan.
pub fn actor_for<'a>(cast: &'a Cast, request: &RequestPlan, step: &Step) -> &'a Actor {
    let resident = &cast.residents[request.resident % cast.residents.len()];
    match step {
        Step::Acknowledge | Step::Assign { .. } | Step::Close { by_resident: false } => &cast.manager,
        Step::Start | Step::Comment | Step::Resolve { .. } => cast.worker(request.trade_role, request.worker),
        Step::Reopen | Step::Close { by_resident: true } | Step::Rate { .. } | Step::Cancel => resident,
    }
}

pub async fn run(
    log: &EventLog,
    cast: &Cast,
    plan: &[(RequestPlan, Vec<DateTime<Utc>>)],
    mut progress: impl FnMut(u64),
) -> Result<(), CommandError> {
    for (request, times) in plan {
        let resident = &cast.residents[request.resident % cast.residents.len()];
        let new = NewRequest {
            id: request.id,
            submitter: None,
            title: text(request.title)?,
            description: text("Please have a look when you can")?,
            category: request.category.to_owned(),
            location: text("Flat")?,
            priority: None,
        };
        requests::submit(log, &Origin::new(resident.clone()).at(request.submitted_at), new).await?;
        for (index, (step, at)) in request.steps.iter().zip(times).enumerate() {
            let origin = Origin::new(actor_for(cast, request, step).clone()).at(*at);
            let id = request.id;
            match step {
                Step::Acknowledge => requests::acknowledge(log, &origin, id).await?,
                Step::Assign { estimated_paise } => {
                    let staff = cast.worker(request.trade_role, request.worker).account;
                    requests::assign(
                        log,
                        &origin,
                        id,
                        AssignTo { staff, due: None, estimated_cost: Some(money(*estimated_paise)?) },
                    )
                    .await?
                }
                Step::Start => requests::start_work(log, &origin, id).await?,
                Step::Comment => {
                    requests::comment(log, &origin, id, comment_id(request, index), text("On my way")?, false).await?
                }
                Step::Resolve { actual_paise } => {
                    requests::resolve(log, &origin, id, Some(money(*actual_paise)?), Some(text("Fixed")?)).await?
                }
                Step::Reopen => requests::reopen(log, &origin, id, text("It came back")?).await?,
                Step::Close { .. } => requests::close(log, &origin, id).await?,
                Step::Rate { stars } => {
                    let rating = Rating::new(*stars).map_err(|e| CommandError::invalid("rating", e.to_string()))?;
                    requests::rate(log, &origin, id, rating, None).await?
                }
                Step::Cancel => requests::cancel(log, &origin, id, text("No longer needed")?).await?,
            };
        }
        progress(1);
    }
    Ok(())
}
