//! What the scenarios share: throwaway stores, a running server, and an estate to act in.

pub mod app;
pub mod estate;
pub mod http;

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
