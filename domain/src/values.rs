//! Small constrained values of a request: priority, rating, and bounded texts.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How urgent a request is: 1 low, 2 medium, 3 high, 4 emergency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    Low = 1,
    Medium = 2,
    High = 3,
    Emergency = 4,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("priority is 1 (low), 2 (medium), 3 (high) or 4 (emergency)")]
pub struct PriorityError;

impl Priority {
    pub const ALL: [Priority; 4] = [Self::Low, Self::Medium, Self::High, Self::Emergency];

    pub fn from_level(level: i64) -> Result<Self, PriorityError> {
        match level {
            1 => Ok(Self::Low),
            2 => Ok(Self::Medium),
            3 => Ok(Self::High),
            4 => Ok(Self::Emergency),
            _ => Err(PriorityError),
        }
    }

    pub const fn level(self) -> u8 {
        self as u8
    }

    /// Matters about priority 3 and above are urgent (SPEC §3).
    pub const fn is_urgent(self) -> bool {
        self.level() >= 3
    }

    /// One step up on a level-2 escalation, never beyond high; an emergency stays an emergency.
    pub fn escalated(self) -> Self {
        match self {
            Self::Low => Self::Medium,
            Self::Medium | Self::High => Self::High,
            Self::Emergency => Self::Emergency,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Emergency => "emergency",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.level(), self.name())
    }
}

impl Serialize for Priority {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.level())
    }
}

impl<'de> Deserialize<'de> for Priority {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let level = i64::deserialize(deserializer)?;
        Self::from_level(level).map_err(serde::de::Error::custom)
    }
}

/// A resident's rating of finished work, 1 to 5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Rating(u8);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a rating is a whole number from 1 to 5")]
pub struct RatingError;

impl Rating {
    pub fn new(stars: i64) -> Result<Self, RatingError> {
        match stars {
            1..=5 => Ok(Self(stars as u8)),
            _ => Err(RatingError),
        }
    }

    pub const fn stars(self) -> u8 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Rating {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stars = i64::deserialize(deserializer)?;
        Self::new(stars).map_err(serde::de::Error::custom)
    }
}

/// A text with a required length range in characters (not bytes), trimmed of outer space.
/// Used for titles, descriptions, locations, reasons and comments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is {length} characters long; at most {max} are allowed")]
    TooLong { field: &'static str, length: usize, max: usize },
}

impl Text {
    /// `field` names the text in the error, e.g. "title".
    pub fn parse(field: &'static str, text: &str, max: usize) -> Result<Self, TextError> {
        let trimmed = text.trim();
        let length = trimmed.chars().count();
        if length == 0 {
            Err(TextError::Empty { field })
        } else if length > max {
            Err(TextError::TooLong { field, length, max })
        } else {
            Ok(Self(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The length limits of SPEC §2, in one place so the API can quote them.
pub mod limits {
    pub const TITLE: usize = 200;
    pub const DESCRIPTION: usize = 5000;
    pub const LOCATION: usize = 100;
    pub const REASON: usize = 1000;
    pub const COMMENT: usize = 5000;
    pub const FEEDBACK: usize = 2000;
    pub const NOTE: usize = 2000;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_are_levels_one_to_four() {
        assert!(Priority::from_level(0).is_err());
        assert!(Priority::from_level(5).is_err());
        assert_eq!(Priority::from_level(4), Ok(Priority::Emergency));
        assert!(Priority::High.is_urgent() && !Priority::Medium.is_urgent());
    }

    #[test]
    fn escalation_raises_one_step_up_to_high() {
        assert_eq!(Priority::Low.escalated(), Priority::Medium);
        assert_eq!(Priority::Medium.escalated(), Priority::High);
        assert_eq!(Priority::High.escalated(), Priority::High);
        assert_eq!(Priority::Emergency.escalated(), Priority::Emergency);
    }

    #[test]
    fn ratings_outside_one_to_five_are_refused() {
        assert!(Rating::new(0).is_err() && Rating::new(6).is_err());
        assert_eq!(Rating::new(5).map(Rating::stars), Ok(5));
        assert!(serde_json::from_str::<Rating>("7").is_err());
    }

    #[test]
    fn texts_are_trimmed_and_counted_in_characters() {
        assert_eq!(Text::parse("title", "  Leak  ", 10).map(|t| t.to_string()), Ok("Leak".into()));
        assert_eq!(Text::parse("title", "   ", 10), Err(TextError::Empty { field: "title" }));
        let devanagari = "नल".repeat(100);
        assert!(Text::parse("title", &devanagari, 200).is_ok());
        assert!(matches!(Text::parse("title", &devanagari, 199), Err(TextError::TooLong { length: 200, .. })));
    }
}
