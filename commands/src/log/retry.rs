//! Retrying a command that lost a race.
//!
//! When two commands on one aggregate race, the loser's append fails on the stream's unique
//! sequence. If the caller did not pin a version (If-Match), the command is simply run again
//! against the new state: every rule is checked afresh, so the retry means exactly what a command
//! arriving a moment later would mean, and nothing is lost. With a pinned version the caller
//! asked to be told instead.

use std::future::Future;
use std::time::Duration;

use khaki_migrations::lost_race;
use rand::Rng;

use crate::error::CommandError;
use crate::origin::Origin;

/// Enough for every one of a few hundred concurrent writers to one stream to get its turn.
const ATTEMPTS: u32 = 200;

pub async fn retrying<T, F, Fut>(origin: &Origin, mut attempt: F) -> Result<T, CommandError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CommandError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        let outcome = match attempt().await {
            // A deadlock or serialization failure anywhere in the attempt is a lost race too.
            Err(CommandError::Store(error)) if lost_race(&error) => Err(CommandError::Conflict { what: "the record" }),
            other => other,
        };
        match outcome {
            Err(CommandError::Conflict { what }) => {
                if let Some(expected) = origin.expected_version {
                    return Err(CommandError::VersionMismatch { what, expected, current: None });
                }
                if tries >= ATTEMPTS {
                    return Err(CommandError::Conflict { what });
                }
                // A little random wait spreads the retries of many racing writers apart.
                let pause = rand::thread_rng().gen_range(0..=(tries.min(20) * 500));
                tokio::time::sleep(Duration::from_micros(u64::from(pause))).await;
            }
            other => return other,
        }
    }
}
