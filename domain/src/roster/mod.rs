//! The owners' roster (SPEC §1): a flat waiting to be claimed by its owner's account. The names,
//! phones and e-mails of a roster entry live in the roster table, never in these events.

mod decide;
#[cfg(test)]
mod tests;

pub use decide::decide;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::actor::Issued;
use crate::ids::AccountId;
use crate::request::RefusalKind;
use crate::resident::FlatNumber;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum RosterEntry {
    #[default]
    NotImported,
    Waiting {
        flat: FlatNumber,
    },
    Claimed {
        flat: FlatNumber,
        by: AccountId,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RosterCommand {
    /// A roster line for this flat was imported for the first time.
    Import { flat: FlatNumber, line: u32 },
    /// A later import changed the entry's details (kept outside the log).
    Revise { line: u32 },
    /// The owner's account was registered at the flat.
    Claim { account: AccountId },
}

/// A stored contract: renaming is a migration; new fields are optional or upcast.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RosterEvent {
    RosterEntryImported { flat: FlatNumber, line: u32, at: DateTime<Utc> },
    RosterEntryRevised { line: u32, at: DateTime<Utc> },
    RosterEntryClaimed { account: AccountId, at: DateTime<Utc> },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RosterRefusal {
    #[error("only administrators and facility managers may import the roster")]
    NotRosterManagement,
    #[error("only administrators and facility managers may read the roster")]
    NotRosterReader,
    #[error("no roster entry for this flat")]
    NotFound,
    #[error("this flat is already on the roster")]
    AlreadyImported,
    #[error("this flat's roster entry was already claimed")]
    AlreadyClaimed,
}

impl RosterRefusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotRosterManagement | Self::NotRosterReader => RefusalKind::NotAllowed,
            Self::NotFound => RefusalKind::NotFound,
            Self::AlreadyImported | Self::AlreadyClaimed => RefusalKind::Conflict,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::NotRosterManagement | Self::NotRosterReader => "not_allowed",
            Self::NotFound => "roster_entry_not_found",
            Self::AlreadyImported => "already_on_roster",
            Self::AlreadyClaimed => "already_claimed",
        }
    }
}

impl DomainEvent for RosterEvent {
    fn event_type(&self) -> String {
        match self {
            Self::RosterEntryImported { .. } => "RosterEntryImported",
            Self::RosterEntryRevised { .. } => "RosterEntryRevised",
            Self::RosterEntryClaimed { .. } => "RosterEntryClaimed",
        }
        .to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}

impl RosterEntry {
    pub fn evolve(&mut self, event: RosterEvent) {
        *self = match (std::mem::take(self), event) {
            (Self::NotImported, RosterEvent::RosterEntryImported { flat, .. }) => Self::Waiting { flat },
            (Self::Waiting { flat }, RosterEvent::RosterEntryClaimed { account, .. }) => {
                Self::Claimed { flat, by: account }
            }
            (state, _) => state,
        };
    }
}

impl Aggregate for RosterEntry {
    const TYPE: &'static str = "RosterEntry";
    type Command = Issued<RosterCommand>;
    type Event = RosterEvent;
    type Error = RosterRefusal;
    type Services = ();

    async fn handle(&mut self, command: Self::Command, _: &(), sink: &EventSink<Self>) -> Result<(), RosterRefusal> {
        for event in decide(self, &command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: RosterEvent) {
        self.evolve(event);
    }
}
