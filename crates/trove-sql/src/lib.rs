//! Trove's metadata store on SQL.
//!
//! One implementation serves SQLite (the embedded default) and PostgreSQL (scale-out):
//! every query is written once in the common dialect (`$n` parameters, `ON CONFLICT`,
//! `RETURNING`, recursive CTEs) and run through sqlx's `Any` driver. The few places
//! where the engines truly differ (connection set-up, row locking) live in
//! [`dialect`], and nowhere else.

mod asset_types;
mod assets;
mod audit;
mod blobs;
pub mod copy;
pub mod dialect;
mod fields;
mod folders;
mod history;
mod languages;
mod listing;
mod merge;
mod org;
mod overlay;
mod people;
mod permitted;
mod roles;
mod rows;
pub mod schema;
mod spaces;
mod trash;
mod values;
mod variants;
mod version_rows;
mod workspaces;
mod writer;

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
    /// Who the writes of this handle are attributed to in the outbox; the
    /// system unless the handle came from [`SqlStore::acting_as`].
    actor: std::sync::Arc<trove_domain::audit::Actor>,
}

impl SqlStore {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`), applies the
    /// migrations, and returns a ready store.
    pub async fn connect(url: &str) -> Result<Self> {
        sqlx::any::install_default_drivers();
        let dialect = Dialect::from_url(url)?;
        if dialect == Dialect::Postgres {
            probe(url).await?;
        }
        let (read_max, write_max) = dialect.pool_sizes();
        let read = pool(url, dialect, read_max).await?;
        let write = if dialect.shares_pool() { read.clone() } else { pool(url, dialect, write_max).await? };
        MIGRATOR.run(&write).await.map_err(|e| Error::internal(format!("applying database migrations failed: {e}")))?;
        let store = SqlStore { read, write, dialect, actor: std::sync::Arc::new(trove_domain::audit::Actor::system()) };
        asset_types::backfill_file_types(&store).await?;
        values::rebuild_if_asked(&store).await?;
        Ok(store)
    }

    /// [`SqlStore::connect`], creating an SQLite database that does not exist yet
    /// (and its directory): for a server's own database and a copy's target, where
    /// a new file is expected. PostgreSQL URLs are used as they are.
    pub async fn open_or_create(url: &str) -> Result<Self> {
        Self::connect(&creatable(url)?).await
    }

    /// This store, writing on behalf of `actor`: the events its writes record
    /// name them. Shares the pools; cheap.
    pub fn acting_as(&self, actor: trove_domain::audit::Actor) -> SqlStore {
        SqlStore { actor: std::sync::Arc::new(actor), ..self.clone() }
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

/// How long a start waits for PostgreSQL to accept a connection.
const CONNECT_PATIENCE: Duration = Duration::from_secs(5);

/// One connection to PostgreSQL before the pools are built, so a start fails within
/// seconds naming the cause (refused, unknown host, authentication) instead of a
/// pool time-out after 30 s. A refused connection is retried briefly: the database
/// may be starting next to Trove.
async fn probe(url: &str) -> Result<()> {
    use sqlx::Connection;
    let deadline = tokio::time::Instant::now() + CONNECT_PATIENCE;
    loop {
        let attempt = tokio::time::timeout_at(deadline, sqlx::AnyConnection::connect(url)).await;
        let e = match attempt {
            Ok(Ok(conn)) => {
                let _ = conn.close().await;
                return Ok(());
            }
            Ok(Err(e)) => e,
            Err(_) => {
                return Err(Error::unavailable(format!(
                    "cannot connect to the database: no answer within {}s",
                    CONNECT_PATIENCE.as_secs()
                )));
            }
        };
        let refused = matches!(&e, sqlx::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused);
        if !refused || tokio::time::Instant::now() + Duration::from_millis(250) >= deadline {
            return Err(Error::unavailable(format!("cannot connect to the database: {e}")));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// An SQLite URL that creates its file when missing (`mode=rwc`, unless the URL
/// names a mode), after creating the file's directory.
fn creatable(url: &str) -> Result<String> {
    let Some(rest) = url.strip_prefix("sqlite:") else { return Ok(url.to_owned()) };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    let path = path.strip_prefix("//").unwrap_or(path);
    if path.is_empty() || path == ":memory:" {
        return Ok(url.to_owned());
    }
    if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::unavailable(format!("cannot create the directory {} for the database: {e}", dir.display()))
        })?;
    }
    Ok(match query {
        Some(q) if q.split('&').any(|kv| kv.starts_with("mode=")) => url.to_owned(),
        Some(_) => format!("{url}&mode=rwc"),
        None => format!("{url}?mode=rwc"),
    })
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

/// The error for an asset that does not exist (or is not live where it was looked for).
pub(crate) fn asset_not_found(uid: &str) -> Error {
    Error::not_found("asset_not_found", format!("asset {uid} does not exist"))
}
