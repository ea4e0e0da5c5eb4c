//! Trove's application layer: the use cases, and the ports they run on.
//!
//! The HTTP layer calls [`App`]; [`App`] calls only the traits in [`ports`]. Which
//! database, storage or media backend sits behind a port is decided by the binary,
//! so every use case here runs unchanged on SQLite + files and PostgreSQL + S3.

pub mod access;
pub mod asset_types;
pub mod assets;
pub mod audit;
pub mod auth;
mod custom_values;
pub mod delivery;
mod field_changes;
pub mod fields;
pub mod folders;
pub mod ingest;
pub mod languages;
pub mod localization;
pub mod maintenance;
pub mod operator;
pub mod people;
mod permitted;
pub mod ports;
mod retry;
pub mod roles;
pub mod scope;
pub mod spaces;
pub mod transfer;
pub mod trash;
pub mod versions;
pub mod workspaces;

use std::sync::Arc;
use std::time::Duration;

use ports::{BlobStore, MediaProbe, MetadataStore};

/// Tunables the use cases obey. Built by the binary from configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
    /// How long deleted items stay restorable.
    pub trash_retention: Duration,
    /// Risky types allowed anyway: file extensions, MIME types or risk labels
    /// (`executable`, `script`, `webassembly`, `vm_image`).
    pub allowed_risky_types: Vec<String>,
    /// Identifies this process when claiming periodic jobs.
    pub node_id: String,
    /// Deliver active content (HTML, XHTML, XML, SVG) inline instead of as an
    /// attachment. Off by default: inline, such a file runs in the browser under the
    /// delivery origin (the CSP sandbox limits, but does not remove, what it can do).
    pub inline_active_content: bool,
    /// How long a browser session lasts after login.
    pub session_ttl: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_upload_bytes: 10 * 1000 * 1000 * 1000,
            trash_retention: Duration::from_secs(14 * 24 * 3600),
            allowed_risky_types: Vec::new(),
            node_id: ulid::Ulid::generate().to_string().to_lowercase(),
            inline_active_content: false,
            session_ttl: Duration::from_secs(12 * 3600),
        }
    }
}

/// The application: every use case is a method on it. Cheap to clone.
#[derive(Clone)]
pub struct App {
    meta: Arc<dyn MetadataStore>,
    blobs: Arc<dyn BlobStore>,
    media: Arc<dyn MediaProbe>,
    settings: Arc<Settings>,
    /// The organization's fallback map, with the settings version it was read
    /// at; see `App::fallbacks`.
    fallbacks: Arc<std::sync::RwLock<Option<scope::CachedFallbacks>>>,
    /// The organization's asset model, with the settings version it was read at;
    /// see `App::model`.
    models: Arc<std::sync::RwLock<Option<asset_types::CachedModel>>>,
    /// Login attempts per account and address, on this node.
    login_limits: Arc<auth::LoginLimits>,
}

impl App {
    pub fn new(
        meta: Arc<dyn MetadataStore>,
        blobs: Arc<dyn BlobStore>,
        media: Arc<dyn MediaProbe>,
        settings: Settings,
    ) -> Self {
        App {
            meta,
            blobs,
            media,
            settings: Arc::new(settings),
            fallbacks: Arc::default(),
            models: Arc::default(),
            login_limits: Arc::new(auth::LoginLimits::new()),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Readiness: the database and the storage both answer.
    pub async fn ready(&self) -> trove_domain::Result<()> {
        self.meta.ping().await?;
        self.blobs.ping().await
    }
}

/// The current time, to the millisecond (the precision stored), so what a write
/// returns equals what a later read returns. One function for every use case.
pub(crate) fn now() -> trove_domain::model::Timestamp {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(3)
}
