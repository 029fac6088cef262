//! Ticket numbers: `MNT-<year>-<sequence>`, the name residents and staff use for a request.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `MNT-2026-0001`: the estate-local calendar year of submission and a sequence that restarts at
/// 1 each year, printed with at least four digits. Allocation (unique, gap-free) happens outside
/// the domain; the domain only records the number it is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TicketNumber {
    year: i32,
    sequence: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a ticket number looks like MNT-2026-0001")]
pub struct TicketNumberError;

impl TicketNumber {
    pub fn new(year: i32, sequence: u32) -> Result<Self, TicketNumberError> {
        if (1970..=9999).contains(&year) && sequence >= 1 {
            Ok(Self { year, sequence })
        } else {
            Err(TicketNumberError)
        }
    }

    pub const fn year(&self) -> i32 {
        self.year
    }

    pub const fn sequence(&self) -> u32 {
        self.sequence
    }

    pub fn parse(text: &str) -> Result<Self, TicketNumberError> {
        let rest = text.strip_prefix("MNT-").ok_or(TicketNumberError)?;
        let (year, sequence) = rest.split_once('-').ok_or(TicketNumberError)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !all_digits(year) || sequence.len() < 4 || !all_digits(sequence) {
            return Err(TicketNumberError);
        }
        // A number printed with more than four digits never has a leading zero.
        if sequence.len() > 4 && sequence.starts_with('0') {
            return Err(TicketNumberError);
        }
        let year = year.parse().map_err(|_| TicketNumberError)?;
        let sequence = sequence.parse().map_err(|_| TicketNumberError)?;
        Self::new(year, sequence)
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MNT-{}-{:04}", self.year, self.sequence)
    }
}

impl FromStr for TicketNumber {
    type Err = TicketNumberError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl Serialize for TicketNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TicketNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_has_at_least_four_digits() {
        let shown = |seq| TicketNumber::new(2026, seq).map(|t| t.to_string());
        assert_eq!(shown(1), Ok("MNT-2026-0001".into()));
        assert_eq!(shown(9999), Ok("MNT-2026-9999".into()));
        assert_eq!(shown(10000), Ok("MNT-2026-10000".into()));
    }

    #[test]
    fn ticket_numbers_read_back_as_written() {
        for seq in [1, 42, 9999, 10000, 123_456] {
            let ticket = TicketNumber::new(2027, seq).expect("valid");
            assert_eq!(TicketNumber::parse(&ticket.to_string()), Ok(ticket));
        }
    }

    #[test]
    fn malformed_ticket_numbers_are_refused() {
        for text in
            ["", "MNT-2026-1", "MNT-26-0001", "mnt-2026-0001", "MNT-2026-00001", "MNT-2026-0000", "MNT-2026-12a4"]
        {
            assert_eq!(TicketNumber::parse(text), Err(TicketNumberError), "{text}");
        }
    }
}
