//! The read models the runner keeps: each a projection with a name, a checkpoint, its tables and
//! a function applying a batch of events to them inside a transaction it is given.

use khaki_migrations::Tx;
use serde::Serialize;

use crate::error::ProjectionError;
use crate::facts::Fact;
use crate::target::{Calendar, Target};
use crate::{request_facts, request_list, staff_directory, timeline};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Projection {
    RequestList,
    StaffDirectory,
    Timeline,
    RequestFacts,
}

impl Projection {
    pub const ALL: [Projection; 4] = [Self::RequestList, Self::StaffDirectory, Self::Timeline, Self::RequestFacts];

    /// Its name: the checkpoint's key, and what `khaki projections rebuild NAME` takes.
    pub const fn name(self) -> &'static str {
        match self {
            Self::RequestList => "request_list",
            Self::StaffDirectory => "staff_directory",
            Self::Timeline => "timeline",
            Self::RequestFacts => "request_facts",
        }
    }

    pub fn named(name: &str) -> Result<Self, ProjectionError> {
        Self::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| ProjectionError::UnknownProjection(name.into()))
    }

    /// The projections of these names; every projection when `names` is empty.
    pub fn all_or_named(names: &[&str]) -> Result<Vec<Self>, ProjectionError> {
        if names.is_empty() {
            return Ok(Self::ALL.to_vec());
        }
        let mut chosen = names.iter().map(|n| Self::named(n)).collect::<Result<Vec<_>, _>>()?;
        chosen.sort();
        chosen.dedup();
        Ok(chosen)
    }

    /// The tables it writes; a rebuild makes shadows of exactly these.
    pub fn tables(self) -> &'static [&'static str] {
        match self {
            Self::RequestList => request_list::TABLES,
            Self::StaffDirectory => staff_directory::TABLES,
            Self::Timeline => timeline::TABLES,
            Self::RequestFacts => request_facts::TABLES,
        }
    }

    /// Its tables whose rows are each inserted once and never changed: a rebuild fills them before
    /// giving them their key.
    pub(crate) fn inserted_once(self) -> &'static [&'static str] {
        match self {
            Self::RequestList => &["request_list_search"],
            Self::Timeline => &["request_timeline"],
            Self::StaffDirectory | Self::RequestFacts => &[],
        }
    }

    /// Applies a batch, in log order, to the target's tables inside `tx`. The caller saves the
    /// checkpoint in the same transaction.
    pub async fn apply(
        self,
        tx: &mut Tx,
        target: &Target,
        calendar: &Calendar,
        facts: &[Fact],
    ) -> Result<(), ProjectionError> {
        match self {
            Self::RequestList => request_list::apply(tx, target, facts).await,
            Self::StaffDirectory => staff_directory::apply(tx, target, facts).await,
            Self::Timeline => timeline::apply(tx, target, facts).await,
            Self::RequestFacts => request_facts::apply(tx, target, calendar, facts).await,
        }
    }

    /// Its PostgreSQL advisory-lock key (with [`LOCK_SPACE`]): the one process advancing it holds
    /// this lock.
    pub(crate) const fn lock_key(self) -> i32 {
        match self {
            Self::RequestList => 1,
            Self::StaffDirectory => 2,
            Self::Timeline => 3,
            Self::RequestFacts => 4,
        }
    }
}

/// The first half of the two-key advisory locks the read side takes. The command side uses
/// single-key locks, a separate key space.
pub(crate) const LOCK_SPACE: i32 = 0x6b68_6b70; // "khkp"

/// A rebuild's lock key: one rebuild of a projection at a time.
pub(crate) const fn rebuild_lock_key(projection: Projection) -> i32 {
    100 + projection.lock_key()
}
