//! `khaki admin …` and `khaki staff diagnostics`, `khaki roster import` and `list`: estate set-up
//! from the command line, acting as the estate itself.

use clap::{Args, Subcommand};
use khaki_commands::accounts::{account_by_username, open_account, set_password, NewAccount, Username};
use khaki_commands::ledger::flag_diagnostics;
use khaki_commands::roster::{import, list_roster, RosterFilter, RosterPageAsked, MOST_PER_PAGE};
use khaki_commands::{password, EventLog, Origin};
use khaki_domain::AccountId;
use khaki_migrations::Database;

use crate::cli::init::{read_password, MIN_PASSWORD};
use crate::cli::out::say;
use crate::cli::settings::Settings;
use crate::cli::Failure;

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Creates another administrator.
    Create(CreateArgs),
    /// Sets a new password for any account (ending its sessions).
    ResetPassword(ResetArgs),
}

#[derive(Args, Debug)]
pub struct CreateArgs {
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Args, Debug)]
pub struct ResetArgs {
    pub username: String,
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Subcommand, Debug)]
pub enum StaffCommand {
    /// Lists staff whose permission flags differ from their role's defaults.
    Diagnostics,
}

#[derive(Subcommand, Debug)]
pub enum RosterCommand {
    /// Imports the owners' roster CSV; `--dry-run` reports without changing anything.
    Import {
        file: std::path::PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// Lists the roster in flat order: owners, contacts, and whether each flat is claimed.
    List {
        /// Only this block's flats, e.g. `A`.
        #[arg(long)]
        block: Option<String>,
        /// `true`: flats claimed by their owner's account; `false`: those still waiting.
        #[arg(long)]
        claimed: Option<bool>,
        /// One JSON object a line instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn checked_password(from_stdin: bool) -> Result<String, Failure> {
    let password = read_password(from_stdin)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("the password must be at least {MIN_PASSWORD} characters").into());
    }
    Ok(password)
}

async fn open(settings: &Settings) -> Result<EventLog, Failure> {
    Ok(EventLog::new(Database::open(&settings.location, 2).await?, settings.rules.clone()))
}

pub async fn admin(settings: &Settings, command: AdminCommand) -> Result<(), Failure> {
    let log = open(settings).await?;
    match command {
        AdminCommand::Create(args) => {
            let username = Username::parse(&args.username)?;
            let hash = password::hash(&checked_password(args.password_stdin)?)?;
            let account = NewAccount {
                id: AccountId::from_uuid(uuid::Uuid::new_v4()),
                display_name: args.name.unwrap_or_else(|| username.as_str().to_owned()),
                username,
                email: args.email,
                phone: None,
                password_hash: Some(hash),
            };
            open_account(&log, &Origin::system(), &account, true).await?;
            say!("administrator '{}' created", account.username.as_str())?;
        }
        AdminCommand::ResetPassword(args) => {
            let id = account_by_username(log.database(), &args.username)
                .await?
                .ok_or_else(|| format!("no account '{}'", args.username))?;
            let hash = password::hash(&checked_password(args.password_stdin)?)?;
            set_password(&log, &Origin::system(), id, &hash).await?;
            khaki_commands::sessions::sign_out_everywhere(log.database(), id, chrono::Utc::now()).await?;
            say!("password of '{}' reset; their sessions have ended", args.username)?;
        }
    }
    log.database().close().await;
    Ok(())
}

pub async fn staff(settings: &Settings, command: StaffCommand) -> Result<(), Failure> {
    let log = open(settings).await?;
    match command {
        StaffCommand::Diagnostics => {
            let differing = flag_diagnostics(log.database()).await?;
            if differing.is_empty() {
                say!("every staff member holds exactly their role's flags")?;
            }
            for d in differing {
                let names =
                    |flags: &[khaki_domain::Permission]| flags.iter().map(|p| p.name()).collect::<Vec<_>>().join(", ");
                say!(
                    "{}\t{}\tgranted beyond role: [{}]\tmissing from role: [{}]",
                    d.employee_id,
                    d.role,
                    names(&d.granted_beyond_role),
                    names(&d.missing_from_role)
                )?;
            }
        }
    }
    log.database().close().await;
    Ok(())
}

pub async fn roster(settings: &Settings, command: RosterCommand) -> Result<(), Failure> {
    let (file, dry_run) = match command {
        RosterCommand::Import { file, dry_run } => (file, dry_run),
        RosterCommand::List { block, claimed, json } => {
            return list(settings, RosterFilter { block, claimed }, json).await
        }
    };
    let text = std::fs::read_to_string(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let log = open(settings).await?;
    let report = import(&log, &Origin::system(), &text, dry_run).await?;
    let mode = if dry_run { " (dry run: nothing changed)" } else { "" };
    say!(
        "created {}, updated {}, unchanged {}, errors {}{mode}",
        report.created,
        report.updated,
        report.unchanged,
        report.errors.len()
    )?;
    for error in &report.errors {
        say!("line {}: {}", error.line, error.message)?;
    }
    log.database().close().await;
    Ok(())
}

async fn list(settings: &Settings, filter: RosterFilter, json: bool) -> Result<(), Failure> {
    let log = open(settings).await?;
    let estate = Origin::system().actor;
    let mut page = RosterPageAsked { size: MOST_PER_PAGE, after: None };
    if !json {
        say!("{:<10} {:<40} {:<14} {:<32} claimed", "flat", "owners", "phone", "e-mail")?;
    }
    loop {
        let found = list_roster(log.database(), &estate, &filter, &page).await?;
        for entry in &found.entries {
            if json {
                say!("{}", serde_json::to_string(entry)?)?;
            } else {
                say!(
                    "{:<10} {:<40} {:<14} {:<32} {}",
                    entry.flat,
                    entry.owner_names,
                    entry.phone.as_deref().unwrap_or("-"),
                    entry.email.as_deref().unwrap_or("-"),
                    if entry.claimed { "yes" } else { "no" }
                )?;
            }
        }
        match found.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    log.database().close().await;
    Ok(())
}
