//! PostgreSQL: one fresh database per test, dropped at the end (also on panic).
//!
//! The admin URL is `TROVE_TEST_POSTGRES_URL`, by default
//! `postgres://postgres@127.0.0.1:5432/postgres`; `TROVE_SKIP_POSTGRES` asks tests to
//! skip rather than fail without PostgreSQL.

use std::time::Duration;

/// The URL of the database the test databases are created from.
pub fn admin_url() -> String {
    std::env::var("TROVE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Whether `TROVE_SKIP_POSTGRES` is set.
pub fn skip_requested() -> bool {
    std::env::var_os("TROVE_SKIP_POSTGRES").is_some()
}

/// Runs one statement on the admin database, on a connection of its own.
async fn admin(sql: String) -> Result<(), String> {
    sqlx::any::install_default_drivers();
    let url = admin_url();
    let connect = <sqlx::AnyConnection as sqlx::Connection>::connect(&url);
    let mut conn = tokio::time::timeout(Duration::from_secs(10), connect)
        .await
        .map_err(|_| format!("connecting to {url} timed out"))?
        .map_err(|e| format!("connecting to {url}: {e}"))?;
    sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql.clone())).await.map_err(|e| format!("{sql}: {e}"))?;
    let _ = sqlx::Connection::close(conn).await;
    Ok(())
}

/// A database of its own; `DROP DATABASE … WITH (FORCE)` when dropped.
pub struct Database {
    pub name: String,
    pub url: String,
}

impl Database {
    /// Creates `<prefix>_<ulid>` next to the admin database.
    pub async fn create(prefix: &str) -> Result<Database, String> {
        let name = format!("{prefix}_{}", ulid::Ulid::generate().to_string().to_lowercase());
        admin(format!("CREATE DATABASE {name}")).await?;
        Ok(Database { url: url_of(&name), name })
    }
}

impl Database {
    /// Like [`Database::create`], but a copy of a template that has every migration
    /// applied already, so a test does not pay for migrating a database of its own.
    /// The template is named after a hash of the migrations, created once (under an
    /// advisory lock, migrated under a temporary name and renamed when done, so a
    /// run cut short leaves no half-migrated template) and kept for later runs;
    /// templates of older migrations are dropped when a new one is made.
    pub async fn create_migrated(prefix: &str) -> Result<Database, String> {
        let template = ensure_template().await?;
        let name = format!("{prefix}_{}", ulid::Ulid::generate().to_string().to_lowercase());
        admin(format!("CREATE DATABASE {name} TEMPLATE {template}")).await?;
        Ok(Database { url: url_of(&name), name })
    }
}

fn url_of(name: &str) -> String {
    let admin = admin_url();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin.clone());
    format!("{base}/{name}")
}

/// The name of the migrated template for the migrations in this checkout,
/// creating it if no run has yet.
async fn ensure_template() -> Result<String, String> {
    use sha2::{Digest, Sha256};
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../trove-sql/migrations");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut hash = Sha256::new();
    for f in &files {
        hash.update(f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        hash.update(std::fs::read(f).map_err(|e| format!("{}: {e}", f.display()))?);
    }
    let template = format!("trove_template_{}", &hex::encode(hash.finalize())[..16]);
    sqlx::any::install_default_drivers();
    let url = admin_url();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .map_err(|e| format!("connecting to {url}: {e}"))?;
    // One lock for every run on this server: templates are made one at a time.
    sqlx::Executor::execute(&mut conn, "SELECT pg_advisory_lock(7263011)")
        .await
        .map_err(|e| format!("locking: {e}"))?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(&template)
        .fetch_optional(&mut conn)
        .await
        .map_err(|e| format!("looking for {template}: {e}"))?;
    let made = if exists.is_none() { make_template(&template).await } else { Ok(()) };
    let _ = sqlx::Executor::execute(&mut conn, "SELECT pg_advisory_unlock(7263011)").await;
    let _ = sqlx::Connection::close(conn).await;
    made.map(|()| template)
}

async fn make_template(template: &str) -> Result<(), String> {
    let building = format!("{template}_building");
    admin(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)")).await?;
    admin(format!("CREATE DATABASE {building}")).await?;
    let store = trove_sql::SqlStore::connect(&url_of(&building)).await.map_err(|e| format!("migrating: {e}"))?;
    store.close().await;
    admin(format!("ALTER DATABASE {building} RENAME TO {template}")).await?;
    // Templates of older migrations: dropped unless a run still uses them.
    let url = admin_url();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&url)
        .await
        .map_err(|e| format!("connecting to {url}: {e}"))?;
    let old: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'trove\\_template\\_%' AND datname <> $1",
    )
    .bind(template)
    .fetch_all(&mut conn)
    .await
    .map_err(|e| format!("listing templates: {e}"))?;
    let _ = sqlx::Connection::close(conn).await;
    for name in old {
        let _ = admin(format!("DROP DATABASE IF EXISTS {name}")).await;
    }
    Ok(())
}

impl Drop for Database {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop runs inside the test's runtime, so the statement gets a runtime of its own.
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            rt.block_on(admin(sql))
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("dropping the test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping the test database {} panicked", self.name),
        }
    }
}
