//! Money in Indian rupees, kept as a whole number of paise so it is never a float.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A non-negative amount of rupees with two decimals, stored as paise.
/// Written and read as a decimal string such as `"1250.50"`; whole JSON numbers and numbers with
/// at most two decimals are also accepted on input.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rupees(i64);

/// Why a text or number is not an amount of rupees.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RupeesError {
    #[error("an amount of rupees cannot be negative")]
    Negative,
    #[error("an amount of rupees has at most two decimals")]
    TooPrecise,
    #[error("an amount of rupees is a number such as 1250.50")]
    NotANumber,
    #[error("that amount of rupees is too large")]
    TooLarge,
}

/// The largest amount accepted: one hundred crore rupees, far beyond any repair.
const MAX_PAISE: i64 = 1_000_000_000 * 100;

impl Rupees {
    pub const ZERO: Rupees = Rupees(0);

    pub fn from_paise(paise: i64) -> Result<Self, RupeesError> {
        if paise < 0 {
            Err(RupeesError::Negative)
        } else if paise > MAX_PAISE {
            Err(RupeesError::TooLarge)
        } else {
            Ok(Self(paise))
        }
    }

    pub const fn paise(self) -> i64 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Self, RupeesError> {
        let text = text.trim();
        if text.starts_with('-') {
            return Err(RupeesError::Negative);
        }
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || text.ends_with('.') {
            return Err(RupeesError::NotANumber);
        }
        if fraction.len() > 2 {
            return Err(RupeesError::TooPrecise);
        }
        let whole: i64 = whole.parse().map_err(|_| RupeesError::TooLarge)?;
        let fraction: i64 = format!("{fraction:0<2}").parse().unwrap_or(0);
        let paise = whole.checked_mul(100).and_then(|p| p.checked_add(fraction)).ok_or(RupeesError::TooLarge)?;
        Self::from_paise(paise)
    }

    /// Actual minus estimated: the one place a signed amount of paise is wanted.
    pub fn variance(actual: Rupees, estimated: Rupees) -> i64 {
        actual.0 - estimated.0
    }
}

impl fmt::Display for Rupees {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

impl FromStr for Rupees {
    type Err = RupeesError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl Serialize for Rupees {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Rupees {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Written {
            Text(String),
            Whole(i64),
            Decimal(f64),
        }
        let parsed = match Written::deserialize(deserializer)? {
            Written::Text(text) => Rupees::parse(&text),
            Written::Whole(whole) => whole.checked_mul(100).ok_or(RupeesError::TooLarge).and_then(Rupees::from_paise),
            Written::Decimal(number) => {
                let paise = number * 100.0;
                if !paise.is_finite() {
                    Err(RupeesError::NotANumber)
                } else if (paise - paise.round()).abs() > 1e-6 {
                    Err(RupeesError::TooPrecise)
                } else if paise.abs() > MAX_PAISE as f64 {
                    Err(RupeesError::TooLarge)
                } else {
                    Rupees::from_paise(paise.round() as i64)
                }
            }
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_and_written_with_two_decimals() {
        for (text, shown) in [("0", "0.00"), ("12.5", "12.50"), ("1250.05", "1250.05")] {
            assert_eq!(Rupees::parse(text).map(|r| r.to_string()), Ok(shown.into()), "{text}");
        }
    }

    #[test]
    fn bad_amounts_are_refused_with_a_reason() {
        let cases = [
            ("-1", RupeesError::Negative),
            ("1.234", RupeesError::TooPrecise),
            ("ten", RupeesError::NotANumber),
            ("1.", RupeesError::NotANumber),
            ("", RupeesError::NotANumber),
            ("99999999999999999999", RupeesError::TooLarge),
        ];
        for (text, error) in cases {
            assert_eq!(Rupees::parse(text), Err(error), "{text}");
        }
    }

    #[test]
    fn json_numbers_with_two_decimals_are_exact() {
        let amount: Rupees = serde_json::from_str("1999.99").expect("two decimals");
        assert_eq!(amount.paise(), 199_999);
        assert!(serde_json::from_str::<Rupees>("0.001").is_err());
        assert!(serde_json::from_str::<Rupees>("-5").is_err());
        assert_eq!(serde_json::to_string(&amount).expect("serialises"), "\"1999.99\"");
    }
}
