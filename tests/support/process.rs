//! The real `khaki` binary as a deployment runs it: `serve` on a free loopback port, and
//! `audit verify` on the same store afterwards.

use std::process::Stdio;
use std::time::Duration;

use tokio::process::{Child, Command};

/// A `khaki serve` process this test started; killed if the test ends without stopping it.
pub struct Server {
    pub process: Child,
    pub base: String,
}

/// The binary with the store (and any other global) `flags`.
pub fn khaki(flags: &[String]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_khaki"));
    command.args(flags).env_remove("DATABASE_URL").env_remove("KHAKI_DATA").kill_on_drop(true);
    command
}

/// Starts `khaki serve` with the store `flags` and waits until it answers `/health`. It seals
/// the log every second, so a fault can also land in the middle of a seal (and a stop finds
/// little unsealed). Its log goes to the test's output only with KHAKI_TEST_SERVER_LOGS set.
pub async fn serve(flags: &[String]) -> Server {
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port");
    let logs = if std::env::var_os("KHAKI_TEST_SERVER_LOGS").is_some() { Stdio::inherit() } else { Stdio::null() };
    let process = khaki(flags)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("KHAKI_SEAL_EVERY_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(logs)
        .spawn()
        .expect("khaki serve starts");
    let base = format!("http://127.0.0.1:{port}");
    for _ in 0..200 {
        if reqwest::get(format!("{base}/health")).await.is_ok_and(|r| r.status().is_success()) {
            return Server { process, base };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("khaki serve did not come up on {base}");
}

/// `khaki audit verify` over the whole log: whether it passed, and what it printed.
pub async fn audit_verify(flags: &[String]) -> (bool, String) {
    let output = khaki(flags).args(["audit", "verify"]).output().await.expect("khaki audit verify runs");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), said)
}
