//! Reading a query string strictly: known parameters only, values of the right type, repeated
//! or comma-separated lists; every mistake named.

use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::http::error::ApiError;

pub struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    pub fn parse(query: Option<&str>, known: &[&str]) -> Result<Self, ApiError> {
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if let Some((unknown, _)) = pairs.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            return Err(ApiError::invalid(
                "query",
                format!("unknown parameter '{unknown}'; known: {}", known.join(", ")),
            ));
        }
        if let Some((key, _)) = pairs.iter().find(|(k, v)| k.chars().chain(v.chars()).any(char::is_control)) {
            return Err(ApiError::invalid(key, format!("{key}: query values must not contain control characters")));
        }
        Ok(Self { pairs })
    }

    pub fn text(&self, key: &str) -> Option<String> {
        self.pairs.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_owned()).filter(|v| !v.is_empty())
    }

    pub fn one<T: FromStr>(&self, key: &'static str) -> Result<Option<T>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        self.text(key).map(|v| v.parse::<T>().map_err(|e| ApiError::invalid(key, format!("{key}: {e}")))).transpose()
    }

    pub fn list<T: FromStr>(&self, key: &'static str) -> Result<Vec<T>, ApiError>
    where
        T::Err: std::fmt::Display,
    {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .flat_map(|(_, v)| {
                v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect::<Vec<_>>()
            })
            .map(|v| v.parse::<T>().map_err(|e| ApiError::invalid(key, format!("{key}: {e}"))))
            .collect()
    }

    pub fn flag(&self, key: &'static str) -> Result<bool, ApiError> {
        Ok(self.one::<bool>(key)?.unwrap_or(false))
    }

    pub fn time(&self, key: &'static str) -> Result<Option<DateTime<Utc>>, ApiError> {
        self.text(key)
            .map(|v| {
                DateTime::parse_from_rfc3339(&v)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| ApiError::invalid(key, format!("{key} is an RFC 3339 time")))
            })
            .transpose()
    }
}
