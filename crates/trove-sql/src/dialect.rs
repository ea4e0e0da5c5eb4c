//! Everything that differs between SQLite and PostgreSQL, in one place.
//!
//! Queries themselves are shared; what differs is how a connection is set up, how
//! many connections make sense, and how a transaction locks rows it is about to
//! delete. (Writers within a space need no row locks: they are ordered by the
//! space's clock, see `crate::overlay`.)

use trove_domain::{Error, Result};

/// The SQL engine behind a [`crate::SqlStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// Picks the dialect from a database URL.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Dialect::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Dialect::Postgres)
        } else {
            Err(Error::bad_request("unsupported_database_url", "the database URL must start with sqlite: or postgres:"))
        }
    }

    /// Statements run on every new connection.
    ///
    /// SQLite: WAL so readers never block the writer; `synchronous = FULL` so a
    /// committed transaction survives power loss, not only a process crash; foreign
    /// keys (off by default in SQLite); a busy timeout for the rare cross-process wait;
    /// memory-mapped reads.
    pub fn session_setup(self) -> &'static [&'static str] {
        match self {
            Dialect::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
                // Reads map the file instead of copying pages into each connection's
                // small private cache: one shared copy in the OS page cache serves
                // every connection, and scans of large workspaces stop thrashing.
                "PRAGMA mmap_size = 1073741824",
            ],
            // Trove's queries are short index walks; the JIT compiler's start-up
            // (hundreds of ms on a large view) costs far more than it saves.
            Dialect::Postgres => &["SET jit = off"],
        }
    }

    /// (read pool, write pool) sizes. SQLite has one writer at a time anyway, so a
    /// single write connection turns contention into an in-process queue.
    pub fn pool_sizes(self) -> (u32, u32) {
        match self {
            Dialect::Sqlite => (8, 1),
            Dialect::Postgres => (16, 16),
        }
    }

    /// Whether readers and writers share one pool. SQLite keeps its writes on a
    /// separate single connection; PostgreSQL handles concurrent writers itself.
    pub fn shares_pool(self) -> bool {
        matches!(self, Dialect::Postgres)
    }

    /// A query listing the columns of every table and view (`table_name`,
    /// `column_name`, `data_type`), for comparing the live schema with
    /// [`crate::schema`]. sqlx's own bookkeeping table is left out.
    pub fn columns_catalogue(self) -> &'static str {
        match self {
            Dialect::Sqlite => {
                "SELECT m.name AS table_name, p.name AS column_name, p.type AS data_type \
                 FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations' \
                 ORDER BY m.name, p.cid"
            }
            Dialect::Postgres => {
                "SELECT CAST(table_name AS TEXT) AS table_name, CAST(column_name AS TEXT) AS column_name, \
                   CAST(data_type AS TEXT) AS data_type \
                 FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations' \
                 ORDER BY table_name, ordinal_position"
            }
        }
    }

    /// Suffix for a `SELECT` whose rows the transaction will delete, so concurrent
    /// transactions on other nodes neither wait on nor take the same rows. SQLite's
    /// single writer already excludes everyone else.
    pub fn lock_rows_skip_locked(self) -> &'static str {
        match self {
            Dialect::Sqlite => "",
            Dialect::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }
}

/// The `n`th bound parameter (from 1). Both engines take the common dialect's
/// numbered `$n` through the `Any` driver, so generated statements number their
/// parameters here and nowhere else.
pub(crate) fn param(n: usize) -> String {
    format!("${n}")
}

/// `count` parameters from the `first`th on, comma-separated.
pub(crate) fn params(first: usize, count: usize) -> String {
    (first..first + count).map(param).collect::<Vec<_>>().join(", ")
}

/// Begins a read-only transaction that sees one snapshot of the database for all its
/// statements: on SQLite (WAL) every read transaction does; PostgreSQL needs
/// `REPEATABLE READ` for it (its default takes a new snapshot per statement).
pub(crate) async fn begin_snapshot(
    pool: &sqlx::AnyPool,
    dialect: Dialect,
) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
    let mut tx = pool.begin().await.map_err(crate::db_err)?;
    if dialect == Dialect::Postgres {
        sqlx::Executor::execute(&mut *tx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await
            .map_err(crate::db_err)?;
    }
    Ok(tx)
}

/// Ends a read snapshot of [`begin_snapshot`]: it wrote nothing, so it rolls
/// back (commits go through the `Writer` only).
pub(crate) async fn end_snapshot(tx: sqlx::Transaction<'static, sqlx::Any>) {
    let _ = tx.rollback().await;
}

/// Turns the engine errors that mean "the client's input or a concurrent change"
/// into Trove errors; `None` for anything else. The codes are each engine's own:
/// PostgreSQL SQLSTATEs, SQLite extended result codes.
pub(crate) fn classify(e: &sqlx::Error) -> Option<Error> {
    let sqlx::Error::Database(d) = e else { return None };
    match d.code().as_deref() {
        // PostgreSQL cannot store NUL in text; the input carried one.
        Some("22021") => Some(Error::bad_request("invalid_text", "text values must not contain NUL characters")),
        // A referenced row (space, folder, asset) was deleted while this change ran.
        Some("23503") | Some("787") => Some(Error::conflict(
            "concurrent_delete",
            "something this change refers to was deleted meanwhile; reload and try again",
        )),
        // A unique key taken by a concurrent write between this one's check and its insert.
        Some("23505") | Some("2067") | Some("1555") => Some(Error::conflict(
            "already_exists",
            "something with this identifier or name was created meanwhile; reload and try again",
        )),
        _ => None,
    }
}
