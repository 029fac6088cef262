//! `khaki`: Khaki Estate in one binary.

use clap::Parser;
use khaki_api::cli::{run, Cli};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("khaki: {failure}");
            std::process::ExitCode::FAILURE
        }
    }
}
