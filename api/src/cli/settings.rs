//! Settings from flags, environment and an optional TOML file (flags and environment win), with
//! the estate's defaults. The database URL is a secret: it never appears in `Debug` output.

use std::fmt;
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use khaki_commands::Rules;
use khaki_migrations::Location;
use serde::Deserialize;

/// Settings every subcommand shares.
#[derive(Args, Clone, Debug, Default)]
pub struct Global {
    /// A TOML file with any of these settings (same names, with underscores).
    #[arg(long, env = "KHAKI_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Folder of the embedded SQLite store, used when no database URL is given [default: ./khaki-data].
    #[arg(long, env = "KHAKI_DATA", global = true)]
    pub data: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); the embedded store is used without it.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Log as human-readable text or as JSON lines [default: text].
    #[arg(long, env = "KHAKI_LOG_FORMAT", global = true)]
    pub log_format: Option<LogFormat>,
    /// Open assignments a staff member may hold [default: 10].
    #[arg(long, env = "KHAKI_WORKLOAD_LIMIT", global = true)]
    pub workload_limit: Option<u32>,
    /// The estate's time zone, an IANA name [default: Asia/Kolkata].
    #[arg(long, env = "KHAKI_TIME_ZONE", global = true)]
    pub time_zone: Option<String>,
    /// Hours after a level-1 escalation before level 2 [default: 24].
    #[arg(long, env = "KHAKI_LEVEL_TWO_AFTER_HOURS", global = true)]
    pub level_two_after_hours: Option<u32>,
    /// Days a resolved request waits before it closes itself [default: 7].
    #[arg(long, env = "KHAKI_AUTO_CLOSE_DAYS", global = true)]
    pub auto_close_days: Option<u32>,
    /// File holding the ed25519 key that signs audit checkpoints; made on first use
    /// [default: <data>/audit-signing.key].
    #[arg(long, env = "KHAKI_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,
    /// Seconds between audit checkpoints while serving [default: 60].
    #[arg(long, env = "KHAKI_SEAL_EVERY_SECONDS", global = true)]
    pub seal_every_seconds: Option<u64>,
    /// Database connections per process [default: 16].
    #[arg(long, env = "KHAKI_MAX_CONNECTIONS", global = true)]
    pub max_connections: Option<u32>,
    /// Failed sign-ins per account and per client address before each further attempt waits,
    /// 1 s doubling with each failure up to 15 minutes [default: 10].
    #[arg(long, env = "KHAKI_SIGN_IN_FAILURES_ALLOWED", global = true)]
    pub sign_in_failures_allowed: Option<u32>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// The file form of [`Global`] (plus what `serve` reads: `listen`, `cors_origins`, `max_clients`
/// and the two timeouts).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSettings {
    pub data: Option<PathBuf>,
    pub database_url: Option<String>,
    pub log_format: Option<LogFormat>,
    pub workload_limit: Option<u32>,
    pub time_zone: Option<String>,
    pub level_two_after_hours: Option<u32>,
    pub auto_close_days: Option<u32>,
    pub max_connections: Option<u32>,
    pub sign_in_failures_allowed: Option<u32>,
    pub audit_key_file: Option<PathBuf>,
    pub seal_every_seconds: Option<u64>,
    pub listen: Option<String>,
    pub cors_origins: Option<Vec<String>>,
    pub max_clients: Option<usize>,
    pub header_timeout_seconds: Option<u64>,
    pub idle_timeout_seconds: Option<u64>,
}

/// Settings resolved to what the program runs with.
#[derive(Clone)]
pub struct Settings {
    pub location: Location,
    pub rules: Rules,
    pub log_format: LogFormat,
    pub max_connections: u32,
    pub audit_key_file: PathBuf,
    pub seal_every_seconds: u64,
    pub file: FileDefaults,
}

/// What only some subcommands read from the file.
#[derive(Clone, Debug, Default)]
pub struct FileDefaults {
    pub listen: Option<String>,
    pub cors_origins: Option<Vec<String>>,
    pub max_clients: Option<usize>,
    pub header_timeout_seconds: Option<u64>,
    pub idle_timeout_seconds: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the config file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("the config file {path} is not valid: {source}")]
    Parse { path: PathBuf, source: toml::de::Error },
    #[error("unknown time zone '{0}'; use an IANA name such as Asia/Kolkata")]
    TimeZone(String),
    #[error("the database URL must start with postgres:// or postgresql://")]
    DatabaseUrl,
}

impl Global {
    pub fn resolve(&self) -> Result<Settings, SettingsError> {
        let file = match &self.config {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let defaults = Rules::default();
        let zone = self.time_zone.clone().or(file.time_zone);
        let time_zone = match zone {
            Some(name) => name.parse().map_err(|_| SettingsError::TimeZone(name))?,
            None => defaults.time_zone,
        };
        let rules = Rules {
            workload_limit: self.workload_limit.or(file.workload_limit).unwrap_or(defaults.workload_limit),
            time_zone,
            level_two_after_hours: self
                .level_two_after_hours
                .or(file.level_two_after_hours)
                .unwrap_or(defaults.level_two_after_hours),
            auto_close_days: self.auto_close_days.or(file.auto_close_days).unwrap_or(defaults.auto_close_days),
            sign_in_failures_allowed: self
                .sign_in_failures_allowed
                .or(file.sign_in_failures_allowed)
                .unwrap_or(defaults.sign_in_failures_allowed)
                .max(1),
        };
        let data = self.data.clone().or(file.data.clone()).unwrap_or_else(|| PathBuf::from("khaki-data"));
        let audit_key_file =
            self.audit_key_file.clone().or(file.audit_key_file).unwrap_or_else(|| data.join("audit-signing.key"));
        let location = match self.database_url.clone().or(file.database_url).filter(|url| !url.is_empty()) {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                Location::Postgres { url }
            }
            Some(_) => return Err(SettingsError::DatabaseUrl),
            None => Location::Sqlite { file: data.join("khaki.db") },
        };
        Ok(Settings {
            location,
            rules,
            log_format: self.log_format.or(file.log_format).unwrap_or_default(),
            max_connections: self.max_connections.or(file.max_connections).unwrap_or(16).max(2),
            audit_key_file,
            seal_every_seconds: self.seal_every_seconds.or(file.seal_every_seconds).unwrap_or(60).max(1),
            file: FileDefaults {
                listen: file.listen,
                cors_origins: file.cors_origins,
                max_clients: file.max_clients,
                header_timeout_seconds: file.header_timeout_seconds,
                idle_timeout_seconds: file.idle_timeout_seconds,
            },
        })
    }
}

fn read_file(path: &Path) -> Result<FileSettings, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read { path: path.to_owned(), source })?;
    toml::from_str(&text).map_err(|source| SettingsError::Parse { path: path.to_owned(), source })
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let store = match &self.location {
            Location::Postgres { url } => format!("postgres ({})", redact(url)),
            Location::Sqlite { file } => format!("sqlite ({})", file.display()),
        };
        f.debug_struct("Settings")
            .field("store", &store)
            .field("rules", &self.rules)
            .field("log_format", &self.log_format)
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// A database URL with any password replaced.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show_in_debug_output() {
        assert_eq!(redact("postgres://khaki:s3cret@db:5432/estate"), "postgres://khaki:***@db:5432/estate");
        assert_eq!(redact("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        let settings = Global { database_url: Some("postgres://u:hunter2@h/d".into()), ..Global::default() }
            .resolve()
            .expect("valid");
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn with_nothing_set_the_embedded_store_in_khaki_data_is_used() {
        let settings = Global::default().resolve().expect("valid");
        assert_eq!(settings.location, Location::Sqlite { file: PathBuf::from("khaki-data/khaki.db") });
        assert_eq!(settings.rules, Rules::default());
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("khaki.toml");
        std::fs::write(&path, "workload_limit = 4\ntime_zone = \"Europe/London\"\n").expect("written");
        let settings =
            Global { config: Some(path), workload_limit: Some(6), ..Global::default() }.resolve().expect("valid");
        assert_eq!(settings.rules.workload_limit, 6);
        assert_eq!(settings.rules.time_zone, chrono_tz::Europe::London);
    }

    #[test]
    fn the_sign_in_allowance_reaches_the_rules_and_is_never_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("khaki.toml");
        std::fs::write(&path, "sign_in_failures_allowed = 4\n").expect("written");
        let from_file = Global { config: Some(path), ..Global::default() }.resolve().expect("valid");
        assert_eq!(from_file.rules.sign_in_failures_allowed, 4);
        let none = Global { sign_in_failures_allowed: Some(0), ..Global::default() }.resolve().expect("valid");
        assert_eq!(none.rules.sign_in_failures_allowed, 1, "the first attempt is always checked");
    }

    #[test]
    fn bad_settings_are_explained() {
        let bad_zone = Global { time_zone: Some("Mars/Olympus".into()), ..Global::default() }.resolve();
        assert!(matches!(bad_zone, Err(SettingsError::TimeZone(_))));
        let bad_url = Global { database_url: Some("mysql://x".into()), ..Global::default() }.resolve();
        assert!(matches!(bad_url, Err(SettingsError::DatabaseUrl)));
    }
}
