//! Trove's metadata store on SQL.
//!
//! One implementation serves SQLite (the embedded default) and PostgreSQL (scale-out):
//! every query is written once in the common dialect (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`, recursive CTEs) and run through sqlx's `Any` driver. The few places
//! where the engines truly differ (connection set-up, row locking) live in
//! [`dialect`], and nowhere else.

mod assets;
mod blobs;
pub mod copy;
pub mod dialect;
mod folders;
mod history;
mod languages;
mod listing;
mod merge;
mod org;
mod overlay;
mod rows;
pub mod schema;
mod spaces;
mod trash;
mod variants;
mod workspaces;

use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Executor};
use trove_domain::{Error, Result};

pub use dialect::Dialect;

/// The embedded migrations, applied at start by [`SqlStore::connect`].
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The SQL metadata store. Cheap to clone.
#[derive(Clone, Debug)]
pub struct SqlStore {
    /// Pool for reads.
    read: AnyPool,
    /// Pool for write transactions. On SQLite it holds a single connection, so
    /// writers queue in the process instead of failing with `SQLITE_BUSY`.
    write: AnyPool,
    dialect: Dialect,
}

impl SqlStore {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`), applies the
    /// migrations, and returns a ready store.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        let (read_max, write_max) = dialect.pool_sizes();
        let read = pool(url, dialect, read_max).await?;
        let write = if dialect.shares_pool() { read.clone() } else { pool(url, dialect, write_max).await? };
        MIGRATOR.run(&write).await.map_err(|e| Error::internal(format!("applying database migrations failed: {e}")))?;
        Ok(SqlStore { read, write, dialect })
    }

    /// Which SQL engine this store talks to.
    pub fn dialect(&self) -> Dialect {
        self.dialect
    }

    /// Closes every connection; used at shutdown so SQLite checkpoints its WAL.
    pub async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }
}

async fn pool(url: &str, dialect: Dialect, max: u32) -> Result<AnyPool> {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                for stmt in dialect.session_setup() {
                    conn.execute(*stmt).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|e| Error::unavailable(format!("cannot connect to the database: {e}")))
}

/// Maps a driver error to a Trove error: connection trouble is `Unavailable`
/// (retrying may help), everything else is `Internal`.
pub(crate) fn db_err(e: sqlx::Error) -> Error {
    if let Some(known) = dialect::classify(&e) {
        return known;
    }
    match e {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            Error::unavailable(format!("database unavailable: {e}"))
        }
        other => Error::internal(format!("database error: {other}")),
    }
}
