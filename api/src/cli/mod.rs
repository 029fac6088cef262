//! The `khaki` command line: one binary, subcommands for serving, set-up and inspection.

mod admin;
pub(crate) mod audit;
mod events;
mod init;
pub mod out;
mod projections;
pub mod settings;

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};
use khaki_commands::{EventLog, Origin};
use khaki_migrations::Database;

use crate::cli::out::say;
use crate::cli::settings::{Global, LogFormat, Settings};
use crate::demo::{self, DemoSize};
use crate::http::{self, AppState, ServeOptions};

#[derive(Parser, Debug)]
#[command(name = "khaki", version, about = "Khaki Estate: maintenance requests and staff for a housing estate")]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the HTTP service (initialising the store on first run).
    Serve(ServeArgs),
    /// Creates the estate's first administrator.
    Init(init::InitArgs),
    /// Brings the database schema up to date.
    Migrate,
    /// Fills the store with a demo estate: blocks A–D, residents, staff and months of requests.
    Demo(DemoArgs),
    /// Lists events from the log, oldest first, as JSON lines.
    Events(events::EventsArgs),
    /// Administrators: create another, reset a password.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// Staff diagnostics.
    #[command(subcommand)]
    Staff(admin::StaffCommand),
    /// The owners' roster.
    #[command(subcommand)]
    Roster(admin::RosterCommand),
    /// Tamper evidence: verify, seal, export and check bundles.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Steps through a request's history, printing its state after each event.
    Replay(audit::ReplayArgs),
    /// People's personal data.
    #[command(subcommand)]
    People(audit::PeopleCommand),
    /// Read models: rebuild them from the log, or see how far each has got.
    #[command(subcommand)]
    Projections(projections::ProjectionsCommand),
    /// Seeds an estate into a fresh database, serves it, and measures every scenario beside the
    /// database's own limit.
    Bench(crate::bench::BenchArgs),
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KHAKI_LISTEN")]
    pub listen: Option<String>,
    /// Connections served at once; a caller beyond them takes the place of the oldest that has
    /// sent nothing yet, or waits until one closes [default: 1024].
    #[arg(long, env = "KHAKI_MAX_CLIENTS")]
    pub max_clients: Option<usize>,
    /// Seconds a request's head may take to arrive, also the longest a kept-alive connection
    /// waits idle for the next request [default: 10].
    #[arg(long, env = "KHAKI_HEADER_TIMEOUT_SECONDS")]
    pub header_timeout_seconds: Option<u64>,
    /// Seconds a connection may move no byte either way before it is closed [default: 60].
    #[arg(long, env = "KHAKI_IDLE_TIMEOUT_SECONDS")]
    pub idle_timeout_seconds: Option<u64>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    /// How many maintenance requests to walk through their histories.
    #[arg(long, default_value_t = 300)]
    pub requests: u32,
    /// Seed for the random choices, so a demo can be made again identically.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

pub async fn run(cli: Cli) -> Result<(), Failure> {
    let settings = cli.global.resolve()?;
    init_logging(settings.log_format);
    tracing::debug!(?settings, "settings");
    match cli.command {
        Command::Serve(args) => serve(&settings, args).await,
        Command::Init(args) => init::run(&settings, args).await,
        Command::Migrate => {
            let db = Database::open(&settings.location, 2).await?;
            db.close().await;
            say!("the schema is up to date")?;
            Ok(())
        }
        Command::Demo(args) => {
            let log = EventLog::new(
                Database::open(&settings.location, settings.max_connections).await?,
                settings.rules.clone(),
            );
            let made =
                demo::build(&log, &Origin::system(), DemoSize { requests: args.requests, seed: args.seed }).await?;
            say!("{made}")?;
            Ok(())
        }
        Command::Events(args) => events::run(&settings, args).await,
        Command::Admin(command) => admin::admin(&settings, command).await,
        Command::Staff(command) => admin::staff(&settings, command).await,
        Command::Roster(command) => admin::roster(&settings, command).await,
        Command::Audit(command) => audit::audit(&settings, command).await,
        Command::Replay(args) => audit::replay(&settings, args).await,
        Command::People(command) => audit::people(&settings, command).await,
        Command::Bench(args) => crate::bench::run(args).await,
        Command::Projections(command) => projections::run(&settings, command).await,
    }
}

async fn serve(settings: &Settings, args: ServeArgs) -> Result<(), Failure> {
    let listen =
        args.listen.clone().or_else(|| settings.file.listen.clone()).unwrap_or_else(|| "127.0.0.1:8080".into());
    let address: SocketAddr = listen
        .parse()
        .map_err(|_| Failure::from(format!("cannot listen on '{listen}': not an address such as 127.0.0.1:8080")))?;
    let db = Database::open(&settings.location, settings.max_connections).await?;
    let key = audit::signing_key(&settings.audit_key_file)?;
    khaki_projections::audit::key::adopt(&db, &key.verifying_key().to_bytes(), chrono::Utc::now())
        .await
        .map_err(|error| format!("{error} (this server's key file: {})", settings.audit_key_file.display()))?;
    let state =
        AppState::new(EventLog::new(db.clone(), settings.rules.clone())).with_audit_key(key.verifying_key().to_bytes());
    let sealer = tokio::spawn(sealing(db.clone(), key.clone(), settings.seal_every_seconds));
    let runner = khaki_projections::Runner::start(
        db.clone(),
        khaki_projections::RunnerSettings {
            calendar: khaki_projections::Calendar::new(settings.rules.time_zone),
            ..Default::default()
        },
    );
    let options = serve_options(settings, &args);
    let open_files = match http::raise_open_file_limit() {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "cannot raise the limit on open files");
            0
        }
    };
    // Every connection is an open file; so are database connections, logs and the store.
    if open_files > 0 && open_files < options.max_clients as u64 + 256 {
        tracing::warn!(open_files, max_clients = options.max_clients, "open files may run out before connections do");
    }
    let listener = tokio::net::TcpListener::bind(address).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        store = db.kind().name(),
        max_clients = options.max_clients,
        open_files,
        "Khaki Estate is listening"
    );
    let housekeeping = tokio::spawn(housekeeping(db.clone()));
    http::serve(listener, http::app(state, &options), &options, shutdown_signal()).await?;
    housekeeping.abort();
    sealer.abort();
    runner.stop().await;
    seal_on_the_way_out(&db, &key).await;
    db.close().await;
    Ok(())
}

/// How `serve` exposes the service: flags and environment, then the file, then the defaults.
fn serve_options(settings: &Settings, args: &ServeArgs) -> ServeOptions {
    let defaults = ServeOptions::default();
    let file = &settings.file;
    // From a second to a day: shorter cuts off every caller, longer is no limit at all.
    let seconds = |given: Option<u64>, fallback: std::time::Duration| {
        given.map_or(fallback, |seconds| std::time::Duration::from_secs(seconds.clamp(1, 86_400)))
    };
    ServeOptions {
        cors_origins: file.cors_origins.clone().unwrap_or_default(),
        max_clients: args.max_clients.or(file.max_clients).unwrap_or(defaults.max_clients).max(1),
        header_timeout: seconds(args.header_timeout_seconds.or(file.header_timeout_seconds), defaults.header_timeout),
        idle_timeout: seconds(args.idle_timeout_seconds.or(file.idle_timeout_seconds), defaults.idle_timeout),
    }
}

/// Hourly: forget idempotency keys past their retention and sign-in counts of quiet accounts and
/// addresses. Any server may do it; it is idempotent.
async fn housekeeping(db: Database) {
    let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        hourly.tick().await;
        match khaki_commands::idempotency::sweep(&db, chrono::Utc::now()).await {
            Ok(swept) if swept > 0 => tracing::info!(swept, "forgot idempotency keys past retention"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not sweep idempotency keys"),
        }
        match khaki_commands::sessions::forget_quiet_attempts(&db, chrono::Utc::now()).await {
            Ok(swept) if swept > 0 => tracing::info!(swept, "forgot sign-in counts of quiet accounts and addresses"),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "could not sweep sign-in counts"),
        }
    }
}

/// Seals what was recorded since the last checkpoint rather than leaving it to the next server's
/// minute. On PostgreSQL a transaction still open elsewhere holds the sealer's commit-safe reading
/// back for a moment, so it tries again for a few seconds until every recorded event is covered.
async fn seal_on_the_way_out(db: &Database, key: &ed25519_dalek::SigningKey) {
    use khaki_projections::audit::{seal, unsealed};
    for _ in 0..50 {
        match seal(db, key, chrono::Utc::now()).await {
            Ok(Some(checkpoint)) => tracing::info!(sequence = checkpoint.sequence, "sealed the log on the way out"),
            Ok(None) => {}
            Err(error) => return tracing::warn!(%error, "could not seal the log on the way out"),
        }
        match unsealed(db).await {
            Ok(0) => return,
            Ok(_) => tokio::time::sleep(std::time::Duration::from_millis(100)).await,
            Err(error) => return tracing::warn!(%error, "could not count what is left unsealed"),
        }
    }
    tracing::warn!("events recorded just before the stop are left for the next seal");
}

/// Signs a checkpoint of the log now and then. Several servers may try; one wins each checkpoint.
async fn sealing(db: Database, key: ed25519_dalek::SigningKey, every_seconds: u64) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(every_seconds));
    loop {
        every.tick().await;
        if let Err(error) = khaki_projections::audit::seal(&db, &key, chrono::Utc::now()).await {
            tracing::warn!(%error, "could not seal an audit checkpoint");
        }
    }
}

/// Ctrl-C or SIGTERM: stop taking connections, finish what is in flight.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_env("KHAKI_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// What the command line reports when it fails: a message for the person at the terminal.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;
