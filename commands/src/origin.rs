//! Where a command comes from: who, when, as part of which API call, and with which retry key.
//! Everything here ends up in the metadata of the events the command records (SPEC §6).

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use khaki_domain::{Actor, EventMetadata, Issued};
use uuid::Uuid;

#[derive(Clone, Debug)]
pub struct Origin {
    pub actor: Actor,
    /// When the command arrived; the domain never reads a clock.
    pub at: DateTime<Utc>,
    /// Shared by everything one API call (or one job run) causes.
    pub correlation_id: Uuid,
    pub idempotency_key: Option<String>,
    pub client_address: Option<String>,
    /// The version the caller saw (`If-Match`); the command is refused if the aggregate moved on.
    pub expected_version: Option<u64>,
}

impl Origin {
    pub fn new(actor: Actor) -> Self {
        Self {
            actor,
            at: to_micros(Utc::now()),
            correlation_id: Uuid::new_v4(),
            idempotency_key: None,
            client_address: None,
            expected_version: None,
        }
    }

    /// The estate's own jobs (escalation, auto-close, emergency assignment, demo set-up).
    pub fn system() -> Self {
        Self::new(Actor::system())
    }

    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = to_micros(at);
        self
    }

    pub fn expecting(mut self, version: Option<u64>) -> Self {
        self.expected_version = version;
        self
    }

    /// The same call acting under another actor (e.g. the system finishing what a person began),
    /// keeping the correlation id.
    pub fn acting_as(&self, actor: Actor) -> Self {
        Self { actor, expected_version: None, ..self.clone() }
    }

    pub fn issue<C>(&self, command: C) -> Issued<C> {
        Issued::new(self.actor.clone(), self.at, command)
    }

    pub(crate) fn metadata(&self, command: &str, command_id: Uuid) -> EventMetadata {
        EventMetadata {
            actor: self.actor.account,
            actor_role: self.actor.role_name().to_owned(),
            recorded_at: self.at,
            correlation_id: self.correlation_id,
            command: command.to_owned(),
            command_id,
            idempotency_key: self.idempotency_key.clone(),
            client_address: self.client_address.clone(),
        }
    }
}

/// Times are kept to the microsecond, the precision both stores hold, so a time read back from
/// the log equals the one recorded.
fn to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(at)
}
