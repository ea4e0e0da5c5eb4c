//! The backends every trove-sql suite runs on: SQLite on a temporary file and
//! PostgreSQL on a fresh database per test.
//!
//! PostgreSQL is reached at `TROVE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); set `TROVE_SKIP_POSTGRES=1` to
//! skip it on a machine without one (`.ci/run` always provides it).

// Each suite compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use trove_sql::SqlStore;

pub struct Backend {
    pub store: SqlStore,
    url: String,
    _dir: Option<tempfile::TempDir>,
    drop_db: Option<(String, String)>,
}

impl Backend {
    pub async fn sqlite() -> Option<Backend> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        Some(Backend { store: SqlStore::connect(&url).await.unwrap(), url, _dir: Some(dir), drop_db: None })
    }

    pub async fn postgres() -> Option<Backend> {
        if std::env::var_os("TROVE_SKIP_POSTGRES").is_some() {
            eprintln!("TROVE_SKIP_POSTGRES is set: skipping the PostgreSQL backend");
            return None;
        }
        let admin = std::env::var("TROVE_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("trove_conf_{}", ulid::Ulid::generate().to_string().to_lowercase());
        sqlx::any::install_default_drivers();
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin)
            .await
            .expect("PostgreSQL is reachable (set TROVE_SKIP_POSTGRES=1 to skip)");
        sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin.clone());
        let url = format!("{base}/{name}");
        let store = SqlStore::connect(&url).await.unwrap();
        Some(Backend { store, url, _dir: None, drop_db: Some((admin, name)) })
    }

    /// Runs `sql` on the backend's database behind the store's back, as an older
    /// server version or an operator would have left it.
    pub async fn execute(&self, sql: &str) {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&self.url).await.unwrap();
        sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(sql.to_owned())).await.unwrap();
    }

    /// Closes the store and opens the same database again, as a restart does.
    pub async fn reopen(mut self) -> Backend {
        self.store.close().await;
        self.store = SqlStore::connect(&self.url).await.unwrap();
        self
    }

    /// Closes the store; the database goes when the backend is dropped.
    pub async fn finish(self) {
        self.store.close().await;
    }
}

impl Drop for Backend {
    /// Drops a PostgreSQL test database, also when the test failed, so no run
    /// leaves databases behind. Drop runs inside the test's runtime, so the
    /// statement gets a thread and a runtime of its own.
    fn drop(&mut self) {
        let Some((admin, name)) = self.drop_db.take() else { return };
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
            rt.block_on(async {
                let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await?;
                sqlx::Executor::execute(
                    &mut conn,
                    sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")),
                )
                .await
                .map(|_| ())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("a PostgreSQL test database could not be dropped");
        }
    }
}
