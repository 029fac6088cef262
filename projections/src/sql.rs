//! Building a query's WHERE clause and its parameters together, so a filter adds a condition and
//! its value in one step and numbering never goes wrong; and the full-text query of both stores.

use khaki_migrations::StoreKind;

use crate::store::Cell;

#[derive(Clone, Debug, Default)]
pub struct Conditions {
    clauses: Vec<String>,
    pub params: Vec<Cell>,
}

impl Conditions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter; returns its placeholder (`$3`).
    pub fn bind(&mut self, cell: impl Into<Cell>) -> String {
        self.params.push(cell.into());
        format!("${}", self.params.len())
    }

    /// Adds several parameters; returns their placeholders separated by commas.
    pub fn bind_all<C: Into<Cell>>(&mut self, cells: impl IntoIterator<Item = C>) -> String {
        let placeholders: Vec<String> = cells.into_iter().map(|c| self.bind(c)).collect();
        placeholders.join(", ")
    }

    pub fn push(&mut self, clause: impl Into<String>) {
        self.clauses.push(clause.into());
    }

    /// ` WHERE a AND b`, or nothing.
    pub fn where_sql(&self) -> String {
        if self.clauses.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.clauses.join(" AND "))
        }
    }
}

/// The words of a search: runs of letters and digits, lower-cased. Both stores index ticket,
/// title, description and location as such words, so `MNT-2026-0001` is `mnt 2026 0001`.
pub fn search_words(search: &str) -> Vec<String> {
    search.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// A full-text query in the store's own syntax: every word must appear, as a word or a word's
/// beginning. Words are letters and digits only, so nothing in them needs escaping.
pub fn full_text_query(store: StoreKind, words: &[String]) -> String {
    match store {
        StoreKind::Postgres => words.iter().map(|w| format!("'{w}':*")).collect::<Vec<_>>().join(" & "),
        StoreKind::Sqlite => words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "),
    }
}

/// Open = not yet resolved, closed or cancelled. Written exactly as the partial indexes' WHERE,
/// so both stores' planners can use them.
pub const OPEN: &str = "status IN ('submitted', 'acknowledged', 'assigned', 'in_progress')";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_words_are_letters_and_digits() {
        assert_eq!(search_words(" MNT-2026-0001, tap's"), ["mnt", "2026", "0001", "tap", "s"]);
        assert_eq!(full_text_query(StoreKind::Postgres, &search_words("A-101")), "'a':* & '101':*");
        assert_eq!(full_text_query(StoreKind::Sqlite, &search_words("leak")), "\"leak\"*");
    }

    #[test]
    fn placeholders_count_up() {
        let mut conditions = Conditions::new();
        let first = conditions.bind(1_i64);
        let list = conditions.bind_all(["a", "b"]);
        conditions.push(format!("x = {first} AND y IN ({list})"));
        assert_eq!(conditions.where_sql(), " WHERE x = $1 AND y IN ($2, $3)");
    }
}
