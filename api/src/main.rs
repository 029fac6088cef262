//! `khaki`: Khaki Estate in one binary.

use std::io::Write;

use clap::Parser;
use khaki_api::cli::out::reader_gone;
use khaki_api::cli::{run, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // `khaki events | head`: the reader has all it wanted.
        Err(failure) if reader_gone(&*failure) => std::process::ExitCode::SUCCESS,
        Err(failure) => {
            // Nowhere left to say it if standard error is closed too.
            let _ = writeln!(std::io::stderr(), "khaki: {failure}");
            std::process::ExitCode::FAILURE
        }
    }
}
