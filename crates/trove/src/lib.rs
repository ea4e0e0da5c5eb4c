//! The Trove server process: reads configuration, wires the concrete backends to
//! the ports, runs the HTTP server and the maintenance loop, and shuts down
//! gracefully. This crate is the only place that knows which backends exist.

pub mod config;
pub mod conn;
pub mod copy;
pub mod serve;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio::sync::watch;
use trove_app::ports::BlobStore;
use trove_app::{App, Settings};
use trove_blob::{FsBlobStore, ObjectBlobStore};
use trove_media::StandardProbe;
use trove_sql::SqlStore;

pub use config::{Config, Storage};

/// A server bound to its address, ready to run.
pub struct Server {
    pub addr: SocketAddr,
    listener: TcpListener,
    app: App,
    store: SqlStore,
    config: Config,
    /// The admin token, when this start created the organization.
    pub bootstrap: Option<trove_app::auth::BootstrapOutcome>,
}

/// Opens the blob store a storage location names.
pub fn open_blob_store(storage: &Storage, s3: &config::S3Config) -> anyhow::Result<Arc<dyn BlobStore>> {
    Ok(match storage {
        Storage::Files(dir) => Arc::new(FsBlobStore::open(dir.clone()).context("opening the blob directory")?),
        Storage::S3(url) => Arc::new(ObjectBlobStore::s3(url, &s3.options()).context("configuring S3 storage")?),
    })
}

/// Builds the application on the configured backends (and bootstraps the
/// organization on the first start).
pub async fn build_app(config: &Config) -> anyhow::Result<(App, SqlStore, Option<trove_app::auth::BootstrapOutcome>)> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let store = SqlStore::open_or_create(&config.database_url()).await.context("opening the metadata database")?;
    let app = assemble(config, &store)?;
    let outcome = app.bootstrap(config.bootstrap_token.as_deref()).await.context("bootstrapping")?;
    Ok((app, store, outcome))
}

/// Opens an existing deployment for `trove admin`: creates nothing, and refuses a
/// data directory or database that holds no organization, so a mistyped path
/// cannot quietly start a second, empty deployment.
pub async fn open_deployment(config: &Config) -> anyhow::Result<(App, SqlStore)> {
    if config.database_url.is_none() {
        let db = config.data_dir.join("trove.db");
        anyhow::ensure!(
            db.exists(),
            "there is no Trove deployment in {}: {} does not exist (pass the server's --data-dir or --config)",
            config.data_dir.display(),
            db.display()
        );
    }
    let store = SqlStore::connect(&config.database_url()).await.context("opening the metadata database")?;
    let app = assemble(config, &store)?;
    let exists = app.deployment_exists().await.map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
    if !exists {
        store.close().await;
        anyhow::bail!("the database holds no organization yet: start `trove serve` once first");
    }
    Ok((app, store))
}

/// The application on the configured blob store, over `store`.
fn assemble(config: &Config, store: &SqlStore) -> anyhow::Result<App> {
    let blobs: Arc<dyn BlobStore> = match config.storage()? {
        Storage::Files(dir) => Arc::new(FsBlobStore::open(dir).context("opening the blob directory")?),
        Storage::S3(url) => {
            Arc::new(ObjectBlobStore::s3(&url, &config.s3.options()).context("configuring S3 storage")?)
        }
    };
    let settings = Settings {
        max_upload_bytes: config.max_upload_size.as_u64(),
        trash_retention: config.trash_retention,
        session_ttl: config.session_ttl,
        allowed_risky_types: config.allowed_risky_types.clone(),
        inline_active_content: config.inline_active_content,
        ..Settings::default()
    };
    Ok(App::new(Arc::new(store.clone()), blobs, Arc::new(StandardProbe), settings))
}

impl Server {
    /// Opens the backends and binds the listener.
    pub async fn bind(config: Config) -> anyhow::Result<Server> {
        let (app, store, bootstrap) = build_app(&config).await?;
        let listener = TcpListener::bind(&config.listen).await.with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        Ok(Server { addr, listener, app, store, config, bootstrap })
    }

    /// The application this server runs (for operational commands and tests).
    pub fn app(&self) -> App {
        self.app.clone()
    }

    /// Serves until `shutdown` turns true, then lets in-flight requests finish (up to
    /// the configured timeout) and closes the database.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) -> anyhow::Result<()> {
        let state = trove_http::AppState::new(self.app.clone(), self.config.public_url.as_deref());
        let router = trove_http::router(state);
        let maintenance = tokio::spawn(self.app.clone().maintenance_loop(self.config.maintenance_interval));
        let limits = self.config.limits();
        let serve = serve::serve(self.listener, router, limits, shutdown.clone());
        let timeout = self.config.shutdown_timeout;
        let graceful = async {
            let _ = shutdown.wait_for(|s| *s).await;
            tokio::time::sleep(timeout).await;
        };
        tokio::select! {
            () = serve => {}
            () = graceful => tracing::warn!("shutdown timeout reached; dropping remaining requests"),
        }
        maintenance.abort();
        if let Err(e) = self.app.release_maintenance().await {
            tracing::warn!(error = %e, "could not release the maintenance claim; the next start may skip a round");
        }
        self.store.close().await;
        Ok(())
    }
}
