//! The blob-store port: streaming, range-aware storage of immutable byte objects.
//!
//! Writes go to a staging object first and are promoted under their final key only
//! once complete, so a crash never leaves a half-written object under a real key.

use std::ops::Range;

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::BoxStream;
use trove_domain::{Error, Result, model::Timestamp};

/// A stream of bytes whose errors are already Trove errors (so a size limit hit while
/// streaming surfaces as 413, not as a storage failure).
pub type ByteStream = BoxStream<'static, Result<Bytes, Error>>;

/// A complete object under its final key, as a listing reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobEntry {
    pub key: String,
    pub size: u64,
}

/// A listing of objects; errors are Trove errors.
pub type EntryStream = BoxStream<'static, Result<BlobEntry, Error>>;

/// A complete object in the staging area, not yet visible under any final key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedBlob {
    /// Backend-specific identifier of the staging object.
    pub id: String,
    pub size: u64,
}

/// Storage of immutable objects addressed by key.
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Checks the storage is reachable and writable enough to serve.
    async fn ping(&self) -> Result<()>;

    /// Streams `data` into a new staging object. Memory use is bounded whatever the
    /// size. On error, nothing is left behind and the stream's error is returned as is.
    async fn stage(&self, data: ByteStream) -> Result<StagedBlob>;

    /// Makes a staged object durable under `key`, atomically. If `key` already exists
    /// its bytes are replaced by identical ones (keys are content hashes).
    async fn promote(&self, staged: &StagedBlob, key: &str) -> Result<()>;

    /// Removes a staged object that will not be promoted. Missing is not an error.
    async fn discard(&self, staged: &StagedBlob) -> Result<()>;

    /// Whether a complete object exists under `key`.
    async fn exists(&self, key: &str) -> Result<bool>;

    /// Streams an object, or the byte range `range` of it. Errors with `not_found`
    /// when absent.
    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream>;

    /// Deletes an object. Missing is not an error.
    async fn delete(&self, key: &str) -> Result<()>;

    /// Removes staging objects older than `before` (left behind by a crash).
    async fn sweep_staging(&self, before: Timestamp) -> Result<u64>;

    /// Streams every complete object whose key starts with `prefix` (a whole path
    /// segment, e.g. `blobs`); never staging objects. Used to copy a deployment.
    async fn list(&self, prefix: &str) -> Result<EntryStream>;
}
