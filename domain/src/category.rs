//! The category catalogue of SPEC §2 and the trades that do the work.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::values::Priority;

/// The kind of skill a request needs; it decides who may pick the work up (see
/// [`crate::StaffRole::takes_trade`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trade {
    Electrical,
    Plumbing,
    Security,
    Cleaning,
    Landscaping,
    Hvac,
    General,
}

impl Trade {
    pub const ALL: [Trade; 7] = [
        Self::Electrical,
        Self::Plumbing,
        Self::Security,
        Self::Cleaning,
        Self::Landscaping,
        Self::Hvac,
        Self::General,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Electrical => "electrical",
            Self::Plumbing => "plumbing",
            Self::Security => "security",
            Self::Cleaning => "cleaning",
            Self::Landscaping => "landscaping",
            Self::Hvac => "hvac",
            Self::General => "general",
        }
    }
}

impl fmt::Display for Trade {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Trade {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL.into_iter().find(|trade| trade.name() == text).ok_or_else(|| format!("unknown trade '{text}'"))
    }
}

/// A category as a request records it at submission: later edits to the catalogue never change
/// what an old request says.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Category {
    pub name: String,
    pub trade: Trade,
    /// The highest priority a resident may file at, and the default for new requests.
    pub max_priority: Priority,
    /// Due time defaults to submission + this many hours.
    pub target_hours: u32,
}

/// The catalogue an estate starts with (SPEC §2).
pub fn initial_catalogue() -> Vec<Category> {
    use Priority::*;
    use Trade::*;
    [
        ("Gas leak", General, Emergency, 1),
        ("Electrical emergency", Electrical, Emergency, 2),
        ("Water leak / burst pipe", Plumbing, Emergency, 2),
        ("Lift breakdown", General, Emergency, 4),
        ("Electrical fault", Electrical, High, 12),
        ("Plumbing issue", Plumbing, High, 12),
        ("Air conditioning / ventilation", Hvac, High, 24),
        ("Security / access control", Security, High, 12),
        ("Pest control", Cleaning, Medium, 24),
        ("Housekeeping / common-area cleaning", Cleaning, Medium, 48),
        ("Painting", General, Medium, 96),
        ("Garden and landscaping", Landscaping, Low, 96),
        ("General maintenance", General, Low, 168),
        ("Other", General, Medium, 72),
    ]
    .into_iter()
    .map(|(name, trade, max_priority, target_hours)| Category {
        name: name.to_owned(),
        trade,
        max_priority,
        target_hours,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_the_fourteen_categories_of_the_spec() {
        let catalogue = initial_catalogue();
        assert_eq!(catalogue.len(), 14);
        let gas = &catalogue[0];
        assert_eq!(
            (gas.name.as_str(), gas.trade, gas.max_priority, gas.target_hours),
            ("Gas leak", Trade::General, Priority::Emergency, 1)
        );
        let mut names: Vec<_> = catalogue.iter().map(|c| c.name.as_str()).collect();
        names.dedup();
        assert_eq!(names.len(), 14, "names are unique");
    }

    #[test]
    fn trades_read_back_from_their_names() {
        for trade in Trade::ALL {
            assert_eq!(trade.name().parse::<Trade>(), Ok(trade));
        }
    }
}
