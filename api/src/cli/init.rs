//! `khaki init`: the estate's first administrator, created from the command line.

use std::io::BufRead;

use clap::Args;
use khaki_commands::accounts::{open_account, NewAccount, Username};
use khaki_commands::{password, EventLog, Origin};
use khaki_domain::AccountId;
use khaki_migrations::Database;

use crate::cli::out::say;
use crate::cli::settings::Settings;
use crate::cli::Failure;

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Username of the first administrator.
    #[arg(long)]
    pub admin_username: String,
    /// Their e-mail address.
    #[arg(long)]
    pub admin_email: Option<String>,
    /// Their display name [default: the username].
    #[arg(long)]
    pub admin_name: Option<String>,
    /// Read the password from the first line of standard input instead of prompting.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD: usize = 10;

pub async fn run(settings: &Settings, args: InitArgs) -> Result<(), Failure> {
    let username = Username::parse(&args.admin_username)?;
    let password = read_password(args.password_stdin)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("the password must be at least {MIN_PASSWORD} characters").into());
    }
    let db = Database::open(&settings.location, 2).await?;
    let log = EventLog::new(db.clone(), settings.rules.clone());
    let account = NewAccount {
        id: AccountId::from_uuid(uuid::Uuid::new_v4()),
        display_name: args.admin_name.unwrap_or_else(|| username.as_str().to_owned()),
        username,
        email: args.admin_email,
        phone: None,
        password_hash: Some(password::hash(&password)?),
    };
    open_account(&log, &Origin::system(), &account, true).await?;
    db.close().await;
    say!("administrator '{}' created", account.username.as_str())?;
    Ok(())
}

pub fn read_password(from_stdin: bool) -> Result<String, Failure> {
    if from_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_owned());
    }
    let first = rpassword::prompt_password("Password for the administrator: ")?;
    let again = rpassword::prompt_password("Once more: ")?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}
