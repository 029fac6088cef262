//! A PostgreSQL server of the test's own (initdb'd in a temp folder, on its own loopback port),
//! so a test can stop and start it without touching the server the rest of the suite shares.
//! It is always stopped when dropped, whatever happened to the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Where the machine's PostgreSQL 15 keeps `initdb` and `pg_ctl` (the Debian package's layout).
const DEFAULT_BIN: &str = "/usr/lib/postgresql/15/bin";

pub struct PrivatePostgres {
    bin: PathBuf,
    /// Who runs the server: PostgreSQL refuses to run as root, so as root it is another user.
    user: Option<String>,
    port: u16,
    folder: tempfile::TempDir,
}

impl PrivatePostgres {
    /// Makes a fresh cluster and starts it.
    pub fn start() -> Self {
        let bin = std::env::var_os("KHAKI_TEST_POSTGRES_BIN").map_or_else(|| PathBuf::from(DEFAULT_BIN), PathBuf::from);
        assert!(
            bin.join("initdb").is_file() && bin.join("pg_ctl").is_file(),
            "the fault suite needs PostgreSQL's server programs (initdb, pg_ctl) in {}: install the machine's \
             postgresql package, or set KHAKI_TEST_POSTGRES_BIN to the folder that holds them",
            bin.display()
        );
        let user = running_as_root().then(|| {
            std::env::var("KHAKI_TEST_POSTGRES_USER")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| "postgres".into())
        });
        // As root, in /tmp: the server's user must be able to reach the folder, and a root
        // TMPDIR may sit in a home it cannot enter.
        let parent = if user.is_some() { PathBuf::from("/tmp") } else { std::env::temp_dir() };
        let folder = tempfile::Builder::new().prefix("khaki-private-pg-").tempdir_in(parent).expect("a temp folder");
        if let Some(user) = &user {
            let (uid, gid) = ids_of(user);
            std::os::unix::fs::chown(folder.path(), Some(uid), Some(gid)).expect("the server's user owns its folder");
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let server = Self { bin, user, port, folder };
        let data = server.data();
        server.run("initdb", &["-D", &data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
        server.start_again();
        server
    }

    /// `postgres://` URL of a database on this server.
    pub fn url(&self, database: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{database}", self.port)
    }

    /// `pg_ctl stop -m fast`: running transactions are rolled back and every connection is ended
    /// (`terminating connection due to administrator command`).
    pub fn stop_fast(&self) {
        self.run("pg_ctl", &["stop", "-D", &self.data(), "-m", "fast", "-w", "-t", "30"]);
    }

    pub fn start_again(&self) {
        let options = format!("-k {} -p {} -c listen_addresses=127.0.0.1", self.folder.path().display(), self.port);
        let log = self.folder.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["start", "-D", &self.data(), "-l", &log, "-w", "-t", "30", "-o", &options]);
    }

    fn data(&self) -> String {
        self.folder.path().join("data").display().to_string()
    }

    fn command(&self, program: &str, args: &[&str]) -> Command {
        let program = self.bin.join(program);
        let mut command = match &self.user {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        };
        // The server's user may not be allowed into the test's working folder.
        command.args(args).current_dir(self.folder.path());
        command
    }

    fn run(&self, program: &str, args: &[&str]) {
        let mut command = self.command(program, args);
        let output = command.output().unwrap_or_else(|e| panic!("{command:?} cannot be run: {e}"));
        assert!(output.status.success(), "{program} {args:?} failed: {}\n{}", told(&output), self.server_log());
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(self.folder.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        if Path::new(&self.data()).join("postmaster.pid").exists() {
            let _ = self.command("pg_ctl", &["stop", "-D", &self.data(), "-m", "immediate", "-w", "-t", "30"]).output();
        }
    }
}

fn running_as_root() -> bool {
    let output = Command::new("id").arg("-u").output().expect("`id` runs");
    String::from_utf8_lossy(&output.stdout).trim() == "0"
}

fn ids_of(user: &str) -> (u32, u32) {
    let id = |flag: &str| -> u32 {
        let output = Command::new("id").args([flag, user]).output().expect("`id` runs");
        assert!(
            output.status.success(),
            "the fault suite runs PostgreSQL as the user '{user}' when run as root, and there is no such user: \
             create it or set KHAKI_TEST_POSTGRES_USER ({})",
            told(&output)
        );
        String::from_utf8_lossy(&output.stdout).trim().parse().expect("a numeric id")
    };
    (id("-u"), id("-g"))
}

fn told(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}
