//! `khaki audit …`, `khaki replay` and `khaki people erase`: the auditor's command line.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use ed25519_dalek::SigningKey;
use khaki_commands::accounts::{account_by_username, erase};
use khaki_commands::{EventLog, Origin};
use khaki_domain::request::MaintenanceRequest;
use khaki_domain::AccountId;
use khaki_migrations::{with_pool, Database};
use khaki_projections::audit::bundle::{export, verify_bundle, Bundle, BundleError};
use khaki_projections::audit::history::{as_of, history, AsOf};
use khaki_projections::audit::key::estate_key;
use khaki_projections::audit::{seal, verify_log, verify_stream};
use rand::RngCore;

use crate::cli::out::say;
use crate::cli::settings::Settings;
use crate::cli::Failure;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verifies the whole log (or one stream): every link and every signed checkpoint.
    Verify {
        /// Only this stream, as <type>:<id> (e.g. MaintenanceRequest:<uuid>).
        #[arg(long)]
        stream: Option<String>,
    },
    /// Signs a checkpoint of everything committed so far.
    Seal,
    /// Prints the public key that checkpoints are signed with (hex).
    PublicKey,
    /// Writes a self-contained, offline-verifiable bundle of one request's history.
    Export {
        #[arg(long)]
        request: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Checks a bundle with no database.
    VerifyBundle {
        bundle: PathBuf,
        /// The estate's public key (hex), from `khaki audit public-key`.
        #[arg(long)]
        public_key: String,
    },
}

#[derive(Args, Debug)]
pub struct ReplayArgs {
    /// The request's ticket number or id.
    #[arg(long)]
    pub request: String,
    /// Stop at this RFC 3339 time or log position.
    #[arg(long)]
    pub until: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum PeopleCommand {
    /// Erases a person's names, e-mails and phones (by username or account id); histories keep
    /// their shape and name them "erased person".
    Erase { account: String },
}

/// The checkpoint signing key, made (and kept, readable by its owner only) on first use.
pub fn signing_key(path: &Path) -> Result<SigningKey, Failure> {
    if let Ok(text) = std::fs::read_to_string(path) {
        let bytes = hex::decode(text.trim()).map_err(|_| format!("{} does not hold a hex key", path.display()))?;
        let seed: [u8; 32] =
            bytes.as_slice().try_into().map_err(|_| format!("{} does not hold a 32-byte key", path.display()))?;
        return Ok(SigningKey::from_bytes(&seed));
    }
    let mut seed = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut seed);
    if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(path, hex::encode(seed))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(SigningKey::from_bytes(&seed))
}

/// The key checkpoints are verified against: this machine's, which must be the estate's.
async fn trusted_key(db: &Database, key: &SigningKey, settings: &Settings) -> Result<[u8; 32], Failure> {
    let ours = key.verifying_key().to_bytes();
    match estate_key(db).await? {
        Some(estate) if estate != ours => Err(format!(
            "the estate's checkpoints are signed with public key {}, but {} holds the key of {}; point \
             --audit-key-file (KHAKI_AUDIT_KEY_FILE) at the estate's key file",
            hex::encode(estate),
            settings.audit_key_file.display(),
            hex::encode(ours)
        )
        .into()),
        _ => Ok(ours),
    }
}

/// A bundle of the request's whole stream under a signature: what was recorded since the last
/// checkpoint is sealed first. On PostgreSQL a transaction still open elsewhere holds the sealer's
/// commit-safe reading back for a moment, so it tries again briefly until the stream's last event
/// is covered (and then exports what is sealed).
async fn sealed_bundle(db: &Database, key: &SigningKey, id: &str) -> Result<Bundle, Failure> {
    for _ in 0..50 {
        seal(db, key, chrono::Utc::now()).await?;
        match export(db, "MaintenanceRequest", id).await {
            Ok(bundle) if bundle.events.last().is_some_and(|last| last.sequence == bundle.sealed_sequence) => {
                return Ok(bundle)
            }
            Ok(_) | Err(BundleError::NotSealed) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(error) => return Err(error.into()),
        }
    }
    Ok(export(db, "MaintenanceRequest", id).await?)
}

async fn request_id(db: &Database, reference: &str) -> Result<String, Failure> {
    if reference.parse::<uuid::Uuid>().is_ok() {
        return Ok(reference.to_owned());
    }
    let found: Option<uuid::Uuid> = with_pool!(db, |pool| {
        sqlx::query_scalar("SELECT request_id FROM request_tickets WHERE ticket = $1")
            .bind(reference)
            .fetch_optional(pool)
            .await
    })?;
    found.map(|id| id.to_string()).ok_or_else(|| format!("no request {reference}").into())
}

fn print_json(value: &impl serde::Serialize) -> Result<(), Failure> {
    say!("{}", serde_json::to_string_pretty(value)?)?;
    Ok(())
}

pub async fn audit(settings: &Settings, command: AuditCommand) -> Result<(), Failure> {
    if let AuditCommand::VerifyBundle { bundle, public_key } = &command {
        let bundle: Bundle = serde_json::from_str(&std::fs::read_to_string(bundle)?)?;
        let key: [u8; 32] =
            hex::decode(public_key)?.as_slice().try_into().map_err(|_| "a public key is 32 bytes of hex")?;
        let checked =
            verify_bundle(&bundle, &key).map_err(|problem| format!("the bundle does not verify: {problem}"))?;
        say!(
            "bundle OK: {} events of {} {}; sealed through sequence {}",
            checked.events,
            bundle.aggregate_type,
            bundle.aggregate_id,
            checked.sealed_through_sequence
        )?;
        return Ok(());
    }
    let key = signing_key(&settings.audit_key_file)?;
    if let AuditCommand::PublicKey = command {
        say!("{}", hex::encode(key.verifying_key().to_bytes()))?;
        return Ok(());
    }
    let db = Database::open(&settings.location, 4).await?;
    let result = match command {
        AuditCommand::Verify { stream } => {
            let report = match stream.as_deref().map(|s| s.split_once(':')) {
                Some(Some((kind, id))) => verify_stream(&db, kind, id).await?,
                Some(None) => return Err("a stream is <type>:<id>".into()),
                None => verify_log(&db, Some(&trusted_key(&db, &key, settings).await?)).await?,
            };
            print_json(&report)?;
            if report.ok {
                Ok(())
            } else {
                Err("the log does not verify".into())
            }
        }
        AuditCommand::Seal => {
            match seal(&db, &key, chrono::Utc::now()).await? {
                Some(checkpoint) => {
                    say!("sealed checkpoint {} over {} events", checkpoint.sequence, checkpoint.tree_size)?
                }
                None => say!("nothing new to seal")?,
            }
            Ok(())
        }
        AuditCommand::Export { request, out } => {
            let id = request_id(&db, &request).await?;
            let bundle = sealed_bundle(&db, &key, &id).await?;
            std::fs::write(&out, serde_json::to_string_pretty(&bundle)?)?;
            say!("wrote {} events of {request} to {}", bundle.events.len(), out.display())?;
            Ok(())
        }
        AuditCommand::PublicKey | AuditCommand::VerifyBundle { .. } => Ok(()),
    };
    db.close().await;
    result
}

pub async fn replay(settings: &Settings, args: ReplayArgs) -> Result<(), Failure> {
    let db = Database::open(&settings.location, 2).await?;
    let id = request_id(&db, &args.request).await?;
    let until = args.until.as_deref().map(crate::http::parse_as_of).transpose().map_err(|e| e.message)?;
    let (steps, _) = history::<MaintenanceRequest>(&db, &id).await?;
    for step in steps {
        let reached = match until {
            Some(AsOf::Time(at)) => step.at <= at,
            Some(AsOf::Position(position)) => step.position <= position,
            None => true,
        };
        if !reached {
            break;
        }
        let (state, version) = as_of::<MaintenanceRequest>(&db, &id, AsOf::Position(step.position)).await?;
        say!(
            "-- #{} {} at {} by {} ({})",
            version,
            step.action,
            step.at,
            step.actor.as_deref().unwrap_or("?"),
            step.actor_role.as_deref().unwrap_or("?")
        )?;
        for change in &step.changes {
            say!("   {}: {} -> {}", change.field, change.before, change.after)?;
        }
        say!("{}", serde_json::to_string(&state)?)?;
    }
    db.close().await;
    Ok(())
}

pub async fn people(settings: &Settings, command: PeopleCommand) -> Result<(), Failure> {
    let PeopleCommand::Erase { account } = command;
    let log = EventLog::new(Database::open(&settings.location, 2).await?, settings.rules.clone());
    let id = match account.parse::<AccountId>() {
        Ok(id) => id,
        Err(_) => {
            account_by_username(log.database(), &account).await?.ok_or_else(|| format!("no account '{account}'"))?
        }
    };
    erase(&log, &Origin::system(), id).await?;
    say!("the personal data of {id} is erased; histories now name them \"erased person\"")?;
    log.database().close().await;
    Ok(())
}
