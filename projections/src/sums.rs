//! Running sums kept beside per-request rows (counts by status, monthly cost and rating sums,
//! staff figures), so dashboards read a few hundred rows instead of a million.
//!
//! A sum table is Σ contribution(row) over a projection's rows. When a batch changes a row, the
//! old row's contribution is taken away and the new one's added; rows whose sums all reach zero
//! are deleted, so a table's contents depend only on the log and never on how it was batched
//! (the rebuilt and the live tables are equal).

use std::collections::HashMap;

use khaki_migrations::{with_tx, Tx};

use crate::store::{self, Cell, OnConflict};
use crate::target::Target;

pub struct Sums {
    table: &'static str,
    keys: &'static [&'static str],
    counters: &'static [&'static str],
    deltas: HashMap<Vec<Cell>, Vec<i64>>,
}

impl Sums {
    pub fn new(table: &'static str, keys: &'static [&'static str], counters: &'static [&'static str]) -> Self {
        Self { table, keys, counters, deltas: HashMap::new() }
    }

    /// Adds `counts` (one per counter) under `key`, times `sign` (+1 for a row's new state, −1
    /// for its old one).
    pub fn add(&mut self, key: Vec<Cell>, counts: &[i64], sign: i64) {
        let entry = self.deltas.entry(key).or_insert_with(|| vec![0; counts.len()]);
        for (total, count) in entry.iter_mut().zip(counts) {
            *total += sign * count;
        }
    }

    pub async fn write(self, tx: &mut Tx, target: &Target) -> Result<(), sqlx::Error> {
        let table = target.table(self.table);
        let mut went_down = false;
        let rows: Vec<Vec<Cell>> = self
            .deltas
            .into_iter()
            .filter(|(_, counts)| counts.iter().any(|c| *c != 0))
            .map(|(mut key, counts)| {
                went_down |= counts.iter().any(|c| *c < 0);
                key.extend(counts.into_iter().map(Cell::from));
                key
            })
            .collect();
        let columns: Vec<&str> = self.keys.iter().chain(self.counters).copied().collect();
        store::write(tx, &table, &columns, self.keys, rows, OnConflict::Add).await?;
        if went_down {
            // Only a decrease can bring a row to zero; the sum tables are small.
            let zero: Vec<String> = self.counters.iter().map(|c| format!("{c} = 0")).collect();
            let sql = format!("DELETE FROM {table} WHERE {}", zero.join(" AND "));
            with_tx!(tx, |conn| sqlx::query(&sql).execute(conn).await.map(|_| ()))?;
        }
        Ok(())
    }
}
