//! What the scenarios share: throwaway stores, a running server, and an estate to act in.

pub mod app;
pub mod estate;
pub mod http;
pub mod process;

pub use app::{Store, TestApp};
pub use estate::Estate;

/// Generates one test per store for each scenario `async fn name(store: Store)` listed.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::support::Store::Postgres).await
                }
            )*
        }
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name($crate::support::Store::Sqlite).await
                }
            )*
        }
    };
}

/// Waits until readers of the log see every committed event. On PostgreSQL a transaction still
/// open anywhere on the server (another test's) holds log readers back for a moment.
pub async fn settled(db: &khaki_migrations::Database) {
    let total: i64 = khaki_migrations::with_pool!(db, |pool| sqlx::query_scalar("SELECT COUNT(*) FROM events")
        .fetch_one(pool)
        .await)
    .expect("countable");
    for _ in 0..400 {
        let seen = khaki_projections::read_after(db, khaki_projections::Cursor::default(), 1_000_000)
            .await
            .expect("readable")
            .len();
        if seen as i64 >= total {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the log never settled");
}
