//! Small constrained values of a request: priority, rating, and bounded texts.

use std::fmt;

use chrono::{Months, NaiveDate};

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

/// A text with a required length range in characters (not bytes), trimmed of outer space, with at
/// least one visible character and no control characters (line breaks and tabs only where the text
/// may run over several lines). Used for titles, descriptions, locations, reasons and comments.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("{field} must not be empty")]
    Empty { field: &'static str },
    #[error("{field} is {length} characters long; at most {max} are allowed")]
    TooLong { field: &'static str, length: usize, max: usize },
    #[error("{field} must not contain control characters ({found} found)")]
    ControlCharacter { field: &'static str, found: String },
    #[error("{field} must not contain line breaks or tabs")]
    LineBreak { field: &'static str },
    #[error("{field} must contain a visible character, not only spaces or invisible ones")]
    Invisible { field: &'static str },
}

impl Text {
    /// A text that may run over several lines. `field` names it in the error, e.g. "description".
    pub fn parse(field: &'static str, text: &str, max: usize) -> Result<Self, TextError> {
        Self::checked(field, text, max, true)
    }

    /// A text on one line: a title, a location, a name.
    pub fn line(field: &'static str, text: &str, max: usize) -> Result<Self, TextError> {
        Self::checked(field, text, max, false)
    }

    fn checked(field: &'static str, text: &str, max: usize, multiline: bool) -> Result<Self, TextError> {
        let trimmed = text.trim();
        let length = trimmed.chars().count();
        if length == 0 {
            return Err(TextError::Empty { field });
        }
        if length > max {
            return Err(TextError::TooLong { field, length, max });
        }
        let line_break = |c: char| matches!(c, '\n' | '\r' | '\t');
        if let Some(control) = trimmed.chars().find(|&c| c.is_control() && !line_break(c)) {
            return Err(TextError::ControlCharacter { field, found: format!("U+{:04X}", u32::from(control)) });
        }
        if !multiline && trimmed.chars().any(line_break) {
            return Err(TextError::LineBreak { field });
        }
        if !trimmed.chars().any(is_visible) {
            return Err(TextError::Invisible { field });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a character shows: not space, not a control, and not one of the zero-width and
/// formatting characters that render as nothing (zero-width spaces and joiners, direction marks,
/// word joiners, the byte-order mark, the soft hyphen).
fn is_visible(c: char) -> bool {
    let invisible = matches!(
        c,
        '\u{00AD}' | '\u{034F}' | '\u{115F}' | '\u{1160}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
    );
    !(c.is_whitespace() || c.is_control() || invisible)
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A date a person gives (moving in or out, a hire) must fall from 1950 up to two years after
/// `today`, so that a slip such as `9999-12-31` or `0202-01-01` is refused rather than stored.
pub fn plausible_date(field: &'static str, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DateError> {
    let earliest = NaiveDate::from_ymd_opt(1950, 1, 1).unwrap_or(NaiveDate::MIN);
    let latest = today.checked_add_months(Months::new(24)).unwrap_or(NaiveDate::MAX);
    if (earliest..=latest).contains(&date) {
        Ok(date)
    } else {
        Err(DateError { field, earliest, latest })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field} must be a date from {earliest} to {latest}")]
pub struct DateError {
    pub field: &'static str,
    pub earliest: NaiveDate,
    pub latest: NaiveDate,
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

    #[test]
    fn dates_far_in_the_past_or_future_are_refused() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("valid");
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid");
        assert!(plausible_date("on", date(9999, 12, 31), today).is_err());
        assert!(plausible_date("on", date(202, 1, 1), today).is_err());
        assert!(plausible_date("on", date(2028, 12, 2), today).is_err());
        assert_eq!(plausible_date("on", date(2028, 12, 1), today), Ok(date(2028, 12, 1)));
        assert_eq!(plausible_date("on", date(1950, 1, 1), today), Ok(date(1950, 1, 1)));
    }

    #[test]
    fn texts_refuse_control_characters_and_invisible_content() {
        let cases: &[(&str, bool, Result<&str, TextError>)] = &[
            ("a\u{0}b", true, Err(TextError::ControlCharacter { field: "f", found: "U+0000".into() })),
            ("a\u{7}b", true, Err(TextError::ControlCharacter { field: "f", found: "U+0007".into() })),
            ("a\u{9B}b", true, Err(TextError::ControlCharacter { field: "f", found: "U+009B".into() })),
            ("one\ntwo\tthree", true, Ok("one\ntwo\tthree")),
            ("one\ntwo", false, Err(TextError::LineBreak { field: "f" })),
            ("\u{200B}\u{200B}", false, Err(TextError::Invisible { field: "f" })),
            ("\u{FEFF}\u{2060}\u{00AD}", true, Err(TextError::Invisible { field: "f" })),
            ("\u{200B}Leak", false, Ok("\u{200B}Leak")),
            ("नल", false, Ok("नल")),
        ];
        for (given, multiline, expected) in cases {
            let parsed = if *multiline { Text::parse("f", given, 100) } else { Text::line("f", given, 100) };
            let expected = expected.clone().map(|t| Text(t.to_owned()));
            assert_eq!(parsed, expected, "{given:?} (multiline: {multiline})");
        }
    }
}
