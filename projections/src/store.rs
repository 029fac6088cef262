//! Writing a batch's rows in bulk on either store: one `UNNEST` statement per table on
//! PostgreSQL (a rebuild must reach tens of thousands of events a second over a network
//! connection), one cached statement per row on SQLite (in-process, where a statement costs
//! microseconds).

use chrono::{DateTime, NaiveDate, Utc};
use khaki_migrations::Tx;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;
use uuid::Uuid;

/// One column value of a row being written. Typed NULLs keep PostgreSQL's arrays typed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Cell {
    Uuid(Option<Uuid>),
    Text(Option<String>),
    Int(Option<i32>),
    BigInt(Option<i64>),
    Bool(Option<bool>),
    Time(Option<DateTime<Utc>>),
    Date(Option<NaiveDate>),
}

macro_rules! cell_from {
    ($($variant:ident: $t:ty),*) => {$(
        impl From<$t> for Cell {
            fn from(value: $t) -> Self {
                Cell::$variant(Some(value.into()))
            }
        }
        impl From<Option<$t>> for Cell {
            fn from(value: Option<$t>) -> Self {
                Cell::$variant(value.map(Into::into))
            }
        }
    )*};
}

cell_from!(Uuid: Uuid, Text: String, Text: &str, Int: i32, BigInt: i64, Bool: bool, Time: DateTime<Utc>, Date: NaiveDate);

/// Binds cells to a query in order; expands for either driver inside `with_tx!`/`with_pool!`.
#[macro_export]
#[doc(hidden)]
macro_rules! bind_cells {
    ($query:expr, $cells:expr) => {{
        let mut query = $query;
        for cell in $cells {
            query = match cell {
                $crate::store::Cell::Uuid(v) => query.bind(v),
                $crate::store::Cell::Text(v) => query.bind(v),
                $crate::store::Cell::Int(v) => query.bind(v),
                $crate::store::Cell::BigInt(v) => query.bind(v),
                $crate::store::Cell::Bool(v) => query.bind(v),
                $crate::store::Cell::Time(v) => query.bind(v),
                $crate::store::Cell::Date(v) => query.bind(v),
            };
        }
        query
    }};
}

/// What an insert does when the key is already there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnConflict {
    /// The new row replaces the old (a projection's own per-key state).
    Replace,
    /// The first row stays (history that only grows).
    Keep,
    /// Every non-key column is added to the old value (running sums).
    Add,
}

/// Inserts `rows` (cells in `columns` order) into the resolved table `table`.
pub async fn write(
    tx: &mut Tx,
    table: &str,
    columns: &[&str],
    key: &[&str],
    rows: Vec<Vec<Cell>>,
    conflict: OnConflict,
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let names = columns.join(", ");
    // Keeping the first row needs no conflict target, so it also works on a rebuild's shadow
    // table before its key is built.
    let on_conflict = match conflict {
        OnConflict::Keep => "ON CONFLICT DO NOTHING".to_owned(),
        OnConflict::Replace | OnConflict::Add => {
            let set: Vec<String> = columns
                .iter()
                .filter(|c| !key.contains(c))
                .map(|c| match conflict {
                    OnConflict::Add => format!("{c} = {table}.{c} + excluded.{c}"),
                    _ => format!("{c} = excluded.{c}"),
                })
                .collect();
            format!("ON CONFLICT ({}) DO UPDATE SET {}", key.join(", "), set.join(", "))
        }
    };
    match tx {
        Tx::Postgres(tx) => {
            let arrays = Array::columns(columns.len(), rows)?;
            let casts: Vec<String> =
                arrays.iter().enumerate().map(|(n, a)| format!("${}::{}[]", n + 1, a.sql_type())).collect();
            let sql = format!("INSERT INTO {table} ({names}) SELECT * FROM UNNEST({}) {on_conflict}", casts.join(", "));
            let mut query = sqlx::query(&sql);
            for array in arrays {
                query = array.bind(query);
            }
            query.execute(&mut **tx).await?;
        }
        Tx::Sqlite(tx) => {
            let params: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
            let sql = format!("INSERT INTO {table} ({names}) VALUES ({}) {on_conflict}", params.join(", "));
            for row in rows {
                bind_cells!(sqlx::query(&sql), row).execute(&mut **tx).await?;
            }
        }
    }
    Ok(())
}

/// The rows of the resolved table `table` whose `key` column is one of `ids`.
pub async fn load<R>(tx: &mut Tx, table: &str, columns: &str, key: &str, ids: &[Uuid]) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    match tx {
        Tx::Postgres(tx) => {
            let sql = format!("SELECT {columns} FROM {table} WHERE {key} = ANY($1)");
            sqlx::query_as(&sql).bind(ids).fetch_all(&mut **tx).await
        }
        Tx::Sqlite(tx) => {
            let sql = format!("SELECT {columns} FROM {table} WHERE {key} = $1");
            let mut rows = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(row) = sqlx::query_as(&sql).bind(id).fetch_optional(&mut **tx).await? {
                    rows.push(row);
                }
            }
            Ok(rows)
        }
    }
}

/// One column of a batch as a typed PostgreSQL array.
enum Array {
    Uuid(Vec<Option<Uuid>>),
    Text(Vec<Option<String>>),
    Int(Vec<Option<i32>>),
    BigInt(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Time(Vec<Option<DateTime<Utc>>>),
    Date(Vec<Option<NaiveDate>>),
}

impl Array {
    fn columns(count: usize, rows: Vec<Vec<Cell>>) -> Result<Vec<Array>, sqlx::Error> {
        let Some(first) = rows.first() else { return Ok(Vec::new()) };
        let size = rows.len();
        let mut arrays: Vec<Array> = first
            .iter()
            .map(|cell| match cell {
                Cell::Uuid(_) => Array::Uuid(Vec::with_capacity(size)),
                Cell::Text(_) => Array::Text(Vec::with_capacity(size)),
                Cell::Int(_) => Array::Int(Vec::with_capacity(size)),
                Cell::BigInt(_) => Array::BigInt(Vec::with_capacity(size)),
                Cell::Bool(_) => Array::Bool(Vec::with_capacity(size)),
                Cell::Time(_) => Array::Time(Vec::with_capacity(size)),
                Cell::Date(_) => Array::Date(Vec::with_capacity(size)),
            })
            .collect();
        if arrays.len() != count {
            return Err(mismatch());
        }
        for row in rows {
            if row.len() != count {
                return Err(mismatch());
            }
            for (array, cell) in arrays.iter_mut().zip(row) {
                match (array, cell) {
                    (Array::Uuid(a), Cell::Uuid(v)) => a.push(v),
                    (Array::Text(a), Cell::Text(v)) => a.push(v),
                    (Array::Int(a), Cell::Int(v)) => a.push(v),
                    (Array::BigInt(a), Cell::BigInt(v)) => a.push(v),
                    (Array::Bool(a), Cell::Bool(v)) => a.push(v),
                    (Array::Time(a), Cell::Time(v)) => a.push(v),
                    (Array::Date(a), Cell::Date(v)) => a.push(v),
                    _ => return Err(mismatch()),
                }
            }
        }
        Ok(arrays)
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Self::Uuid(_) => "uuid",
            Self::Text(_) => "text",
            Self::Int(_) => "int4",
            Self::BigInt(_) => "int8",
            Self::Bool(_) => "bool",
            Self::Time(_) => "timestamptz",
            Self::Date(_) => "date",
        }
    }

    fn bind(
        self,
        query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    ) -> sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments> {
        match self {
            Self::Uuid(a) => query.bind(a),
            Self::Text(a) => query.bind(a),
            Self::Int(a) => query.bind(a),
            Self::BigInt(a) => query.bind(a),
            Self::Bool(a) => query.bind(a),
            Self::Time(a) => query.bind(a),
            Self::Date(a) => query.bind(a),
        }
    }
}

/// A row whose cells do not line up with its columns: a bug in a projection, reported as a store
/// error so the runner surfaces it.
fn mismatch() -> sqlx::Error {
    sqlx::Error::Protocol("a read-model row does not match its table's columns".into())
}
