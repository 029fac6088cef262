//! `TestApp::spawn`: a uniquely named database (or SQLite file), migrated, with the real server
//! on a random port. The database is dropped afterwards unless KHAKI_KEEP_TEST_DB is set.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use khaki_api::{AppState, ServeOptions};
use khaki_commands::{EventLog, Rules};
use khaki_migrations::{Database, Location};
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Postgres,
    Sqlite,
}

/// The PostgreSQL server the suite creates its databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("KHAKI_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A store that exists for one test.
pub struct TestDatabase {
    pub location: Location,
    postgres_name: Option<String>,
    folder: Option<tempfile::TempDir>,
}

impl TestDatabase {
    pub async fn create(store: Store) -> Self {
        match store {
            Store::Postgres => {
                let name = format!("khaki_test_{}", uuid::Uuid::new_v4().simple());
                let admin = postgres_admin_url();
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                    .await
                    .expect("the test PostgreSQL server is reachable");
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .await
                    .expect("test database created");
                let url = match admin.rsplit_once('/') {
                    Some((server, _)) => format!("{server}/{name}"),
                    None => panic!("KHAKI_TEST_POSTGRES must end in /<database>"),
                };
                // The server keeps its audit signing key in its data folder whichever store it uses.
                let folder = tempfile::tempdir().expect("temp folder");
                Self { location: Location::Postgres { url }, postgres_name: Some(name), folder: Some(folder) }
            }
            Store::Sqlite => {
                let folder = tempfile::tempdir().expect("temp folder");
                let file: PathBuf = folder.path().join("khaki.db");
                Self { location: Location::Sqlite { file }, postgres_name: None, folder: Some(folder) }
            }
        }
    }

    pub async fn open(&self) -> Database {
        Database::open(&self.location, 10).await.expect("test store opens and migrates")
    }

    /// The data folder of an SQLite store, or the URL of a PostgreSQL one, as `khaki` flags.
    pub fn flags(&self) -> Vec<String> {
        match &self.location {
            Location::Postgres { url } => {
                let data = self.folder.as_ref().map(|f| f.path().display().to_string()).unwrap_or_default();
                vec!["--database-url".into(), url.clone(), "--data".into(), data]
            }
            Location::Sqlite { file } => {
                vec!["--data".into(), file.parent().map(|p| p.display().to_string()).unwrap_or_default()]
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        if std::env::var_os("KHAKI_KEEP_TEST_DB").is_some() {
            eprintln!("kept test database {name}");
            return;
        }
        // Drop runs outside any runtime we may block; a thread with its own runtime does it.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async move {
                if let Ok(mut conn) = <sqlx::PgConnection as sqlx::Connection>::connect(&postgres_admin_url()).await {
                    let _ =
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            });
        });
        let _ = dropped.join();
    }
}

pub struct TestApp {
    pub store: Store,
    pub address: SocketAddr,
    pub log: Arc<EventLog>,
    pub http: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    pub database: TestDatabase,
}

impl TestApp {
    pub async fn spawn(store: Store) -> Self {
        Self::spawn_with(store, Rules::default()).await
    }

    pub async fn spawn_with(store: Store, rules: Rules) -> Self {
        Self::launch(store, rules, ServeOptions::default()).await
    }

    pub async fn spawn_serving(store: Store, options: ServeOptions) -> Self {
        Self::launch(store, Rules::default(), options).await
    }

    async fn launch(store: Store, rules: Rules, options: ServeOptions) -> Self {
        let database = TestDatabase::create(store).await;
        let db = database.open().await;
        let state = AppState::new(EventLog::new(db, rules));
        let log = state.log.clone();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("bound");
        let (tell, told) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            khaki_api::serve(listener, khaki_api::app(state, &options), &options, async move {
                let _ = told.await;
            })
            .await
            .expect("server runs");
        });
        Self { store, address, log, http: reqwest::Client::new(), shutdown: Some(tell), server: Some(server), database }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    /// Another command side on the same database with pools of its own, as a second
    /// `khaki serve` process would have.
    pub async fn second_server(&self) -> EventLog {
        EventLog::new(self.database.open().await, self.log.rules().clone())
    }

    /// Starts the projection runner, as `khaki serve` does; stop it with `Runner::stop`.
    pub fn start_runner(&self) -> khaki_projections::Runner {
        khaki_projections::Runner::start(self.log.database().clone(), khaki_projections::RunnerSettings::default())
    }

    /// A second server on the same database (its own pools), as a second `khaki serve` would
    /// be; answers its base URL. It runs until the test ends.
    pub async fn spawn_second(&self) -> String {
        let state = AppState::new(self.second_server().await);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let address = listener.local_addr().expect("bound");
        tokio::spawn(async move {
            let _ =
                khaki_api::serve(listener, khaki_api::router(state), &ServeOptions::default(), std::future::pending())
                    .await;
        });
        format!("http://{address}")
    }

    pub async fn stop(mut self) {
        if let Some(tell) = self.shutdown.take() {
            let _ = tell.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.log.database().close().await;
    }
}
