//! Everything that differs between SQLite and PostgreSQL, in one place.
//!
//! Queries themselves are shared; what differs is how a connection is set up, how
//! many connections make sense, and how a transaction locks rows it is about to
//! delete.

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
    /// keys (off by default in SQLite); a busy timeout for the rare cross-process wait.
    pub fn session_setup(self) -> &'static [&'static str] {
        match self {
            Dialect::Sqlite => &[
                "PRAGMA journal_mode = WAL",
                "PRAGMA synchronous = FULL",
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = 10000",
            ],
            Dialect::Postgres => &[],
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
