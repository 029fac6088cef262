//! The `khaki` binary's library: the HTTP service, the command line, and the demo estate.

pub mod bench;
pub mod cli;
pub mod demo;
pub mod http;

pub use http::{app, router, serve, AppState, ServeOptions};
