//! The backends every trove-sql suite runs on: SQLite on a temporary file and
//! PostgreSQL on a fresh database per test.
//!
//! PostgreSQL is reached at `TROVE_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`); set `TROVE_SKIP_POSTGRES=1` to
//! skip it on a machine without one (`.ci/run` always provides it).

use trove_sql::SqlStore;

pub struct Backend {
    pub store: SqlStore,
    _dir: Option<tempfile::TempDir>,
    drop_db: Option<(String, String)>,
}

impl Backend {
    pub async fn sqlite() -> Option<Backend> {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        Some(Backend { store: SqlStore::connect(&url).await.unwrap(), _dir: Some(dir), drop_db: None })
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
        let store = SqlStore::connect(&format!("{base}/{name}")).await.unwrap();
        Some(Backend { store, _dir: None, drop_db: Some((admin, name)) })
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Some((admin, name)) = self.drop_db {
            let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&admin).await.unwrap();
            let _ =
                sqlx::Executor::execute(&mut conn, sqlx::AssertSqlSafe(format!("DROP DATABASE {name} WITH (FORCE)")))
                    .await;
        }
    }
}
