//! `khaki init`: the estate's first administrator, created from the command line. Only the
//! first: once the estate has an administrator, more are made with `khaki admin create`.

use std::io::{BufRead, IsTerminal};

use clap::Args;
use khaki_commands::accounts::{active_administrators, open_account, NewAccount, Username};
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
    let db = Database::open(&settings.location, 2).await?;
    // Asked before the password, so nobody types one in for nothing.
    if let Some(existing) = active_administrators(&db).await?.first() {
        db.close().await;
        return Err(format!(
            "this estate already has an administrator ('{}'); `khaki init` makes only the first. Add another \
             with `khaki admin create --username {}`",
            existing.username,
            username.as_str()
        )
        .into());
    }
    let password = read_password(args.password_stdin)?;
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!("the password must be at least {MIN_PASSWORD} characters").into());
    }
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
    // The prompt reads the terminal, not standard input; run from a script or a pipe there is
    // none to read (and the bare error would be "No such device or address").
    let no_terminal = |cause: Option<std::io::Error>| -> Failure {
        let cause = cause.map(|e| format!(" ({e})")).unwrap_or_default();
        format!(
            "there is no terminal to ask for the password on{cause}; send it on standard input with \
             --password-stdin instead, e.g. `printf '%s\\n' \"$PASSWORD\" | khaki … --password-stdin`"
        )
        .into()
    };
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal(None));
    }
    let first = rpassword::prompt_password("Password for the administrator: ").map_err(|e| no_terminal(Some(e)))?;
    let again = rpassword::prompt_password("Once more: ").map_err(|e| no_terminal(Some(e)))?;
    if first != again {
        return Err("the two passwords differ".into());
    }
    Ok(first)
}
