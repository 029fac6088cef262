//! The `khaki` binary's library: the HTTP service, the command line, and the demo estate.

// The command line prints through `cli::out::say!`, which lets a closed pipe end a command quietly;
// `println!` would panic there.
#![deny(clippy::print_stdout)]

pub mod bench;
pub mod cli;
pub mod demo;
pub mod http;

pub use http::{app, router, serve, AppState, ServeOptions};
