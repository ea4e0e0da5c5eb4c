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
        let admin = admin_url();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin.clone());
        Ok(Database { url: format!("{base}/{name}"), name })
    }
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
