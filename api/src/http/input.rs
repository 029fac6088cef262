//! Turning request bodies' plain values into the domain's constrained values, with a 400 that
//! names the field when one does not fit.

use chrono::NaiveDate;
use khaki_domain::values::plausible_date;
use khaki_domain::{limits, Text};

use crate::http::error::ApiError;

pub fn text(field: &'static str, value: &str, max: usize) -> Result<Text, ApiError> {
    Text::parse(field, value, max).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// A date a person gives, within the window [`plausible_date`] allows around today.
pub fn date(field: &'static str, value: NaiveDate, today: NaiveDate) -> Result<NaiveDate, ApiError> {
    plausible_date(field, value, today).map_err(|e| ApiError::invalid(field, e.to_string()))
}

/// A text on one line (a title, a location, a name).
pub fn line(field: &'static str, value: &str, max: usize) -> Result<Text, ApiError> {
    Text::line(field, value, max).map_err(|e| ApiError::invalid(field, e.to_string()))
}

pub fn optional_line(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<Text>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => line(field, value, max).map(Some),
    }
}

pub fn optional_text(field: &'static str, value: Option<&str>, max: usize) -> Result<Option<Text>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => text(field, value, max).map(Some),
    }
}

pub fn reason(value: &str) -> Result<Text, ApiError> {
    text("reason", value, limits::REASON)
}

/// `+` and 12 digits, e.g. `+919830425757` (SPEC §1).
pub fn phone(field: &'static str, value: Option<&str>) -> Result<Option<String>, ApiError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(value) => {
            let digits = value.strip_prefix('+').filter(|d| d.len() == 12 && d.bytes().all(|b| b.is_ascii_digit()));
            digits
                .map(|_| Some(value.to_owned()))
                .ok_or_else(|| ApiError::invalid(field, format!("{field} is '+' and 12 digits, such as +919830425757")))
        }
    }
}

/// A plausible e-mail address: something@domain.tld, at most 254 characters.
pub fn email(value: &str) -> Result<String, ApiError> {
    let value = value.trim();
    let plausible = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !value.chars().any(|c| c.is_whitespace() || c.is_control());
    if plausible {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid("email", "an e-mail address looks like name@example.org"))
    }
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD: usize = 10;

pub async fn password_hash(value: &str) -> Result<String, ApiError> {
    let length = value.chars().count();
    if !(MIN_PASSWORD..=1024).contains(&length) {
        return Err(ApiError::invalid("password", format!("a password is {MIN_PASSWORD} to 1024 characters")));
    }
    khaki_commands::password::hash_in_turn(value.to_owned()).await.map_err(ApiError::internal)
}

/// A name from a fixed list (role, permission, status), with the list in the error.
pub fn one_of<T: std::str::FromStr>(field: &'static str, value: &str, allowed: &[&str]) -> Result<T, ApiError> {
    value
        .parse()
        .map_err(|_| ApiError::invalid(field, format!("unknown {field} '{value}'; use one of: {}", allowed.join(", "))))
}
