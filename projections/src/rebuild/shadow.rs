//! Shadow tables: a projection's tables copied, empty, beside the live ones (`<table>__rebuild`),
//! and swapped in by renaming.
//!
//! The copies are made from the database's own catalog (PostgreSQL's `LIKE`, `pg_constraint` and
//! `pg_indexes`; SQLite's `sqlite_master`), so the migrations stay the only definition of a read
//! model. Secondary indexes are built once the rows are in, not row by row while replaying:
//! - on PostgreSQL the shadows are filled UNLOGGED (no write-ahead log while replaying; a crash
//!   just means rebuilding again), then made LOGGED, indexed beside the live ones under a
//!   `__rebuild` suffix, analysed, and after the swap their indexes renamed to their own names, so
//!   the swap itself is a few catalog changes;
//! - on SQLite (an index cannot be renamed) they are built under their own names inside the swap
//!   transaction; an embedded estate's tables are small and readers keep reading the old tables
//!   (WAL) until it commits.

use futures::stream::{self, StreamExt};
use khaki_migrations::{with_tx, Database, StoreKind, Tx};

use crate::projection::Projection;
use crate::target::Target;

/// One live table and what its shadow needs.
pub(crate) struct ShadowTable {
    live: String,
    shadow: String,
    /// (index name, its definition as the catalog gives it) of the live table's secondary indexes.
    indexes: Vec<(String, String)>,
    /// PostgreSQL: the primary key constraint's name and definition.
    primary_key: Option<(String, String)>,
    /// PostgreSQL: the key is added once the rows are in (tables whose rows are each inserted
    /// once, never updated, need no key to replay).
    key_deferred: bool,
}

/// Drops leftovers of an interrupted rebuild and creates empty shadows of the projection's tables,
/// keyed like the live ones but without their secondary indexes yet.
pub(crate) async fn create(db: &Database, projection: Projection) -> Result<Vec<ShadowTable>, sqlx::Error> {
    let mut tables = Vec::new();
    let mut tx = db.begin().await?;
    for live in projection.tables() {
        let shadow = Target::SHADOW.table(live);
        execute(&mut tx, &format!("DROP TABLE IF EXISTS \"{shadow}\"")).await?;
        let defer_key = projection.inserted_once().contains(live);
        let table = match db.kind() {
            StoreKind::Postgres => create_postgres(&mut tx, live, &shadow, defer_key).await?,
            StoreKind::Sqlite => create_sqlite(&mut tx, live, &shadow).await?,
        };
        tables.push(table);
    }
    tx.commit().await?;
    Ok(tables)
}

async fn create_postgres(tx: &mut Tx, live: &str, shadow: &str, defer_key: bool) -> Result<ShadowTable, sqlx::Error> {
    execute(
        tx,
        &format!(
            "CREATE UNLOGGED TABLE \"{shadow}\" (LIKE \"{live}\" INCLUDING DEFAULTS INCLUDING GENERATED INCLUDING CONSTRAINTS)"
        ),
    )
    .await?;
    let key: Option<(String, String)> = with_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'",
        )
        .bind(live)
        .fetch_optional(conn)
        .await
    })?;
    if let (Some((name, definition)), false) = (&key, defer_key) {
        execute(tx, &format!("ALTER TABLE \"{shadow}\" ADD CONSTRAINT \"{name}__rebuild\" {definition}")).await?;
    }
    let indexes: Vec<(String, String)> = with_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT indexname::text, indexdef FROM pg_indexes
             WHERE schemaname = current_schema() AND tablename = $1
               AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass)
             ORDER BY indexname",
        )
        .bind(live)
        .fetch_all(conn)
        .await
    })?;
    Ok(ShadowTable {
        live: live.to_owned(),
        shadow: shadow.to_owned(),
        indexes,
        primary_key: key,
        key_deferred: defer_key,
    })
}

async fn create_sqlite(tx: &mut Tx, live: &str, shadow: &str) -> Result<ShadowTable, sqlx::Error> {
    let definition: Option<String> = with_tx!(tx, |conn| {
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1")
            .bind(live)
            .fetch_optional(conn)
            .await
    })?;
    let definition = definition.ok_or_else(|| catalog(format!("no table {live}")))?;
    let copy = renamed_table(&definition, shadow).ok_or_else(|| catalog(format!("cannot read {live}'s definition")))?;
    execute(tx, &copy).await?;
    let indexes: Vec<(String, String)> = with_tx!(tx, |conn| {
        sqlx::query_as(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL ORDER BY name",
        )
        .bind(live)
        .fetch_all(conn)
        .await
    })?;
    Ok(ShadowTable {
        live: live.to_owned(),
        shadow: shadow.to_owned(),
        indexes,
        primary_key: None,
        key_deferred: false,
    })
}

/// PostgreSQL, once the rows are in: the shadows are made durable, get their deferred keys and
/// secondary indexes (under a `__rebuild` suffix) and fresh planner statistics, a few tables at a
/// time, the largest first. SQLite builds its indexes at the swap.
pub(crate) async fn finish(db: &Database, tables: &[&ShadowTable]) -> Result<(), sqlx::Error> {
    let Database::Postgres(pool) = db else { return Ok(()) };
    let mut sized = Vec::new();
    for table in tables {
        let size: i64 = sqlx::query_scalar("SELECT pg_total_relation_size($1::regclass)")
            .bind(&table.shadow)
            .fetch_one(pool)
            .await?;
        sized.push((size, *table));
    }
    sized.sort_by_key(|(size, _)| std::cmp::Reverse(*size));
    let mut finishing = stream::iter(sized.into_iter().map(|(_, table)| finish_table(db, table))).buffer_unordered(3);
    while let Some(finished) = finishing.next().await {
        finished?;
    }
    Ok(())
}

async fn finish_table(db: &Database, table: &ShadowTable) -> Result<(), sqlx::Error> {
    let shadow = &table.shadow;
    let mut statements = vec![format!("ALTER TABLE \"{shadow}\" SET LOGGED")];
    if let (Some((name, definition)), true) = (&table.primary_key, table.key_deferred) {
        statements.push(format!("ALTER TABLE \"{shadow}\" ADD CONSTRAINT \"{name}__rebuild\" {definition}"));
    }
    for (name, definition) in &table.indexes {
        let sql = renamed_index(definition, &format!("{name}__rebuild"), shadow)
            .ok_or_else(|| catalog(format!("cannot read index {name}")))?;
        statements.push(sql);
    }
    for sql in statements {
        let mut tx = db.begin().await?;
        // Building an index (the full-text one above all) sorts far faster with room to do it.
        execute(&mut tx, "SET LOCAL maintenance_work_mem = '256MB'").await?;
        execute(&mut tx, &sql).await?;
        tx.commit().await?;
    }
    // Vacuuming marks every page all-visible, so counts over an index (the dashboards' open and
    // overdue requests) read the index alone instead of visiting a million rows; it also
    // gathers the planner's statistics. It cannot run inside a transaction.
    if let Database::Postgres(pool) = db {
        sqlx::query(&format!("VACUUM (ANALYZE) \"{shadow}\"")).execute(pool).await?;
    }
    Ok(())
}

/// Inside the swap transaction: the live tables go, the shadows take their names (and their
/// indexes and key theirs).
pub(crate) async fn swap(tx: &mut Tx, tables: &[ShadowTable]) -> Result<(), sqlx::Error> {
    for table in tables {
        let (live, shadow) = (&table.live, &table.shadow);
        execute(tx, &format!("DROP TABLE \"{live}\"")).await?;
        execute(tx, &format!("ALTER TABLE \"{shadow}\" RENAME TO \"{live}\"")).await?;
        match tx.kind() {
            StoreKind::Postgres => {
                if let Some((key, _)) = &table.primary_key {
                    execute(tx, &format!("ALTER TABLE \"{live}\" RENAME CONSTRAINT \"{key}__rebuild\" TO \"{key}\""))
                        .await?;
                }
                for (name, _) in &table.indexes {
                    execute(tx, &format!("ALTER INDEX \"{name}__rebuild\" RENAME TO \"{name}\"")).await?;
                }
            }
            StoreKind::Sqlite => {
                for (name, definition) in &table.indexes {
                    let sql = renamed_index(definition, name, live)
                        .ok_or_else(|| catalog(format!("cannot read index {name}")))?;
                    execute(tx, &sql).await?;
                }
            }
        }
    }
    Ok(())
}

async fn execute(tx: &mut Tx, sql: &str) -> Result<(), sqlx::Error> {
    with_tx!(tx, |conn| sqlx::query(sql).execute(conn).await.map(|_| ()))
}

fn catalog(message: String) -> sqlx::Error {
    sqlx::Error::Protocol(format!("rebuild: {message}"))
}

/// A table's name token: quoted or bare, up to white space or `(`; returns its length.
fn name_length(text: &str) -> Option<usize> {
    match text.strip_prefix('"') {
        Some(quoted) => quoted.find('"').map(|end| end + 2),
        None => text.find(|c: char| c.is_whitespace() || c == '('),
    }
}

/// `CREATE [VIRTUAL] TABLE name …` with another name.
fn renamed_table(definition: &str, name: &str) -> Option<String> {
    let after_table = definition.to_ascii_uppercase().find("TABLE")? + "TABLE".len();
    let rest = definition[after_table..].trim_start();
    let tail = &rest[name_length(rest)?..];
    Some(format!("{} \"{name}\"{tail}", &definition[..after_table]))
}

/// `CREATE [UNIQUE] INDEX name ON table …` with another index name and table.
fn renamed_index(definition: &str, name: &str, table: &str) -> Option<String> {
    let on = definition.to_ascii_uppercase().find(" ON ")?;
    let unique = definition[..on].to_ascii_uppercase().contains("UNIQUE");
    let rest = definition[on + 4..].trim_start();
    let tail = rest[name_length(rest)?..].trim_start();
    Some(format!("CREATE {}INDEX \"{name}\" ON \"{table}\" {tail}", if unique { "UNIQUE " } else { "" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_copied_under_new_names() {
        assert_eq!(
            renamed_table("CREATE TABLE \"request_list\"(id BLOB PRIMARY KEY) STRICT", "request_list__rebuild"),
            Some("CREATE TABLE \"request_list__rebuild\"(id BLOB PRIMARY KEY) STRICT".into())
        );
        assert_eq!(
            renamed_table("CREATE VIRTUAL TABLE request_list_search USING fts5(ticket)", "s"),
            Some("CREATE VIRTUAL TABLE \"s\" USING fts5(ticket)".into())
        );
        assert_eq!(
            renamed_index(
                "CREATE INDEX request_list_open ON public.request_list USING btree (due_at) WHERE (status = 'x')",
                "request_list_open__rebuild",
                "request_list__rebuild"
            ),
            Some("CREATE INDEX \"request_list_open__rebuild\" ON \"request_list__rebuild\" USING btree (due_at) WHERE (status = 'x')".into())
        );
        assert_eq!(
            renamed_index("CREATE UNIQUE INDEX a ON \"t\" (x)", "a", "t"),
            Some("CREATE UNIQUE INDEX \"a\" ON \"t\" (x)".into())
        );
    }
}
