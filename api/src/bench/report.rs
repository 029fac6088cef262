//! The bench's figures: a table on the terminal and the same as JSON under bench/results/.

use serde::Serialize;

use crate::bench::measure::Measured;

#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub scenario: String,
    pub store: String,
    pub concurrency: usize,
    pub measured: Measured,
    /// What this is compared with: the database's own limit for the same work, measured now.
    pub raw_limit: Option<String>,
    pub raw_per_second: Option<f64>,
    pub ratio: Option<f64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    pub store: String,
    pub requests: u64,
    pub events: i64,
    pub seeding_seconds: f64,
    pub seeding_path: String,
    pub rows: Vec<Row>,
    pub server_peak_rss_mb: Option<f64>,
    /// Resident memory once the last scenario has run: what the server holds after the load.
    pub server_rss_at_end_mb: Option<f64>,
    pub rebuild_events_per_second: Option<f64>,
    pub verify_events_per_second: Option<f64>,
    /// Event links computed per second on one core: what the hash chain adds to each append.
    pub chain_links_per_second: Option<f64>,
    pub machine: String,
}

impl Report {
    pub fn table(&self) -> String {
        let mut out = format!(
            "Khaki Estate bench — {} store, {} requests ({} events, seeded {} in {:.1} s)\n",
            self.store, self.requests, self.events, self.seeding_path, self.seeding_seconds
        );
        out.push_str(&format!(
            "{:<22} {:>5} {:>10} {:>8} {:>8} {:>8} {:>7} {:>10} {:>7}\n",
            "scenario", "conc", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "raw/s", "ratio"
        ));
        for row in &self.rows {
            let m = &row.measured;
            out.push_str(&format!(
                "{:<22} {:>5} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>10} {:>7}\n",
                row.scenario,
                row.concurrency,
                m.per_second,
                m.p50_ms,
                m.p95_ms,
                m.p99_ms,
                m.errors,
                row.raw_per_second.map_or("-".into(), |r| format!("{r:.0}")),
                row.ratio.map_or("-".into(), |r| format!("{:.0}%", r * 100.0)),
            ));
        }
        if let Some(rss) = self.server_peak_rss_mb {
            out.push_str(&format!("server peak RSS: {rss:.1} MB\n"));
        }
        if let Some(rss) = self.server_rss_at_end_mb {
            out.push_str(&format!("server RSS after the last scenario: {rss:.1} MB\n"));
        }
        if let Some(rate) = self.rebuild_events_per_second {
            out.push_str(&format!("projection rebuild: {rate:.0} events/s\n"));
        }
        if let Some(rate) = self.verify_events_per_second {
            out.push_str(&format!("log verification: {rate:.0} events/s\n"));
        }
        if let Some(rate) = self.chain_links_per_second {
            out.push_str(&format!("hash chain: {rate:.0} links/s on one core ({:.1} µs per event)\n", 1e6 / rate));
        }
        for row in self.rows.iter().filter(|r| r.measured.errors > 0) {
            out.push_str(&format!(
                "errors in {} at {}: {}\n",
                row.scenario,
                row.concurrency,
                row.measured.first_error.as_deref().unwrap_or("")
            ));
        }
        out
    }
}

/// The server's peak resident memory, from /proc (Linux).
pub fn peak_rss_mb(pid: u32) -> Option<f64> {
    memory_mb(pid, "VmHWM:")
}

/// The server's resident memory now.
pub fn rss_mb(pid: u32) -> Option<f64> {
    memory_mb(pid, "VmRSS:")
}

fn memory_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| m.lines().next().and_then(|l| l.split_whitespace().nth(1)).and_then(|kb| kb.parse::<f64>().ok()))
        .map_or(String::new(), |kb| format!(", {:.0} GiB", kb / 1024.0 / 1024.0));
    format!("{cores} cores{memory}")
}
