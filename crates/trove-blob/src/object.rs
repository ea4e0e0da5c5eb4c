//! The object_store-backed blob store: in memory for tests, or any remote backend.

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt, stream};
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use trove_app::ports::{BlobEntry, BlobStore, ByteStream, EntryStream, StagedBlob};
use trove_domain::{Error, ErrorKind, Result, model::Timestamp};
use ulid::Ulid;

use crate::key::{validate_key, validate_staging_id};

/// Key prefix of staging objects; final keys may not start with it, so the sweeper
/// can never delete a promoted object.
const STAGING_PREFIX: &str = "staging";
/// Multipart part size: above S3's 5 MiB minimum, small enough to keep memory low.
const PART_SIZE: usize = 8 * 1024 * 1024;
/// Largest object promoted with one server-side copy (S3's CopyObject limit);
/// larger ones are streamed into a multipart upload.
const SINGLE_COPY_LIMIT: u64 = 5 * 1024 * 1024 * 1024;
/// Parts uploading at once. Memory stays below `(MAX_IN_FLIGHT + 1) * PART_SIZE`.
const MAX_IN_FLIGHT: usize = 2;

/// A blob store over any [`ObjectStore`]. Staging objects live under `staging/<ulid>`
/// and are uploaded with multipart writes, so memory stays bounded whatever the size.
#[derive(Debug, Clone)]
pub struct ObjectBlobStore {
    store: Arc<dyn ObjectStore>,
    single_copy_limit: u64,
}

impl ObjectBlobStore {
    /// Wraps an existing store (S3, local files, ...), so the backend is chosen by
    /// configuration rather than by code.
    pub fn new(store: Arc<dyn ObjectStore>) -> Self {
        ObjectBlobStore { store, single_copy_limit: SINGLE_COPY_LIMIT }
    }

    /// Promotes objects larger than `bytes` by streaming instead of one server-side
    /// copy. The default is S3's 5 GiB CopyObject limit; tests lower it to exercise
    /// the streaming path with small objects.
    pub fn with_single_copy_limit(mut self, bytes: u64) -> Self {
        self.single_copy_limit = bytes;
        self
    }

    /// A fresh, empty in-memory store: fast and isolated, for tests and throwaway runs.
    pub fn in_memory() -> Self {
        Self::new(Arc::new(InMemory::new()))
    }

    fn key_path(key: &str) -> Result<Path> {
        validate_key(key)?;
        if key.split('/').next() == Some(STAGING_PREFIX) {
            return Err(Error::internal(format!("invalid blob key {key:?}: the {STAGING_PREFIX}/ prefix is reserved")));
        }
        Path::parse(key).map_err(|e| Error::internal(format!("invalid blob key {key:?}: {e}")))
    }

    fn staging_path(id: &str) -> Result<Path> {
        validate_staging_id(id)?;
        Path::parse(format!("{STAGING_PREFIX}/{id}"))
            .map_err(|e| Error::internal(format!("invalid staging id {id:?}: {e}")))
    }

    /// Streams `data` into `writer`, waiting for part uploads to drain so that at most
    /// `MAX_IN_FLIGHT` parts (plus the one being filled) are held in memory.
    async fn feed(writer: &mut WriteMultipart, data: &mut ByteStream, path: &Path) -> Result<u64> {
        let mut size = 0u64;
        while let Some(chunk) = data.next().await {
            let chunk = chunk?;
            writer.wait_for_capacity(MAX_IN_FLIGHT).await.map_err(|e| store_error("upload part of", path, &e))?;
            size += chunk.len() as u64;
            writer.put(chunk);
        }
        Ok(size)
    }

    /// Deletes `path`, treating an already-missing object as success.
    async fn delete_if_exists(&self, path: &Path) -> Result<()> {
        match self.store.delete(path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error("delete", path, &e)),
        }
    }
}

/// Aborts a multipart upload whose `stage` future was dropped midway (the client
/// went away), so no orphaned parts stay behind in the bucket.
struct AbortOnDrop(Option<WriteMultipart>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take()
            && let Ok(rt) = tokio::runtime::Handle::try_current()
        {
            rt.spawn(async move {
                if let Err(e) = writer.abort().await {
                    tracing::warn!(error = %e, "could not abort an interrupted multipart upload");
                }
            });
        }
    }
}

#[async_trait]
impl BlobStore for ObjectBlobStore {
    async fn ping(&self) -> Result<()> {
        let prefix = Path::from(STAGING_PREFIX);
        match self.store.list_with_delimiter(Some(&prefix)).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::unavailable(format!("object store {} unreachable: {e}", self.store))),
        }
    }

    async fn stage(&self, mut data: ByteStream) -> Result<StagedBlob> {
        let id = Ulid::generate().to_string();
        let path = Self::staging_path(&id)?;
        let upload = self.store.put_multipart(&path).await.map_err(|e| store_error("start upload of", &path, &e))?;
        let mut guard = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)));
        let Some(writer) = guard.0.as_mut() else { return Err(Error::internal("multipart writer missing")) };
        let fed = Self::feed(writer, &mut data, &path).await;
        let Some(writer) = guard.0.take() else { return Err(Error::internal("multipart writer missing")) };
        match fed {
            Ok(size) => {
                // `finish` aborts the upload itself when completing fails.
                writer.finish().await.map_err(|e| store_error("complete upload of", &path, &e))?;
                Ok(StagedBlob { id, size })
            }
            Err(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(%path, error = %abort, "could not abort multipart upload");
                }
                Err(e)
            }
        }
    }

    async fn promote(&self, staged: &StagedBlob, key: &str) -> Result<()> {
        let from = Self::staging_path(&staged.id)?;
        let to = Self::key_path(key)?;
        if staged.size <= self.single_copy_limit {
            self.store.copy(&from, &to).await.map_err(|e| store_error("promote", &from, &e))?;
        } else {
            // S3 refuses a single CopyObject above 5 GiB: stream the object into a
            // multipart upload under the final key instead (bounded memory, as in stage).
            let mut data: ByteStream = self
                .store
                .get(&from)
                .await
                .map_err(|e| store_error("read staged", &from, &e))?
                .into_stream()
                .map_err(move |e| Error::internal(format!("object store: read staged object: {e}")))
                .boxed();
            let upload = self.store.put_multipart(&to).await.map_err(|e| store_error("start upload of", &to, &e))?;
            let mut guard = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(upload, PART_SIZE)));
            let Some(writer) = guard.0.as_mut() else { return Err(Error::internal("multipart writer missing")) };
            let fed = Self::feed(writer, &mut data, &to).await;
            let Some(writer) = guard.0.take() else { return Err(Error::internal("multipart writer missing")) };
            match fed {
                Ok(_) => writer.finish().await.map_err(|e| store_error("complete upload of", &to, &e))?,
                Err(e) => {
                    let _ = writer.abort().await;
                    return Err(e);
                }
            };
        }
        // The object is durable under `key` now; a leftover staging copy only costs
        // space until the sweeper runs, so it must not fail the promotion.
        if let Err(e) = self.delete_if_exists(&from).await {
            tracing::warn!(path = %from, error = %e, "could not delete promoted staging object");
        }
        Ok(())
    }

    async fn discard(&self, staged: &StagedBlob) -> Result<()> {
        let path = Self::staging_path(&staged.id)?;
        self.delete_if_exists(&path).await
    }

    async fn exists(&self, key: &str) -> Result<bool> {
        let path = Self::key_path(key)?;
        match self.store.head(&path).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(store_error("head", &path, &e)),
        }
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream> {
        let path = Self::key_path(key)?;
        let missing = || Error::not_found("blob_not_found", format!("no blob under key {key}"));
        let outside = |r: &Range<u64>, size: u64| {
            unsatisfiable(format!("range {}..{} is outside the blob's {size} bytes", r.start, r.end))
        };
        let options = match &range {
            None => GetOptions::default(),
            Some(r) if r.start > r.end => return Err(outside(r, 0)),
            // object_store refuses empty ranges: check the object, then yield nothing.
            Some(r) if r.start == r.end => {
                let meta = match self.store.head(&path).await {
                    Ok(meta) => meta,
                    Err(object_store::Error::NotFound { .. }) => return Err(missing()),
                    Err(e) => return Err(store_error("head", &path, &e)),
                };
                if r.end > meta.size {
                    return Err(outside(r, meta.size));
                }
                return Ok(stream::empty().boxed());
            }
            Some(r) => GetOptions::new().with_range(Some(GetRange::Bounded(r.clone()))),
        };
        let result = match self.store.get_opts(&path, options).await {
            Ok(result) => result,
            Err(object_store::Error::NotFound { .. }) => return Err(missing()),
            // A range starting past the end fails with a backend-specific error:
            // tell it apart from a real failure by the object's size.
            Err(e) => {
                if let Some(r) = &range
                    && let Ok(meta) = self.store.head(&path).await
                    && r.end > meta.size
                {
                    return Err(outside(r, meta.size));
                }
                return Err(store_error("read", &path, &e));
            }
        };
        // A bounded range past the end is silently truncated by object_store.
        if let Some(r) = range
            && result.range != r
        {
            return Err(outside(&r, result.meta.size));
        }
        let stream = result.into_stream().map_err(move |e| store_error("read", &path, &e));
        Ok(stream.boxed())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        let path = Self::key_path(key)?;
        self.delete_if_exists(&path).await
    }

    async fn sweep_staging(&self, before: Timestamp) -> Result<u64> {
        let prefix = Path::from(STAGING_PREFIX);
        let old: Vec<Path> = self
            .store
            .list(Some(&prefix))
            .try_filter_map(|meta| async move { Ok((meta.last_modified < before).then_some(meta.location)) })
            .try_collect()
            .await
            .map_err(|e| store_error("list", &prefix, &e))?;
        let mut removed = 0;
        let mut deleted = self.store.delete_stream(stream::iter(old.into_iter().map(Ok)).boxed());
        while let Some(outcome) = deleted.next().await {
            match outcome {
                Ok(_) => removed += 1,
                Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(store_error("delete", &prefix, &e)),
            }
        }
        Ok(removed)
    }

    async fn list(&self, prefix: &str) -> Result<EntryStream> {
        validate_key(prefix)?;
        if prefix.split('/').next() == Some(STAGING_PREFIX) {
            return Err(Error::internal("the staging area is not listed"));
        }
        let path = Path::from(prefix);
        let entries = self.store.list(Some(&path)).map(move |item| match item {
            Ok(meta) => Ok(BlobEntry { key: meta.location.to_string(), size: meta.size }),
            Err(e) => Err(store_error("list", &path, &e)),
        });
        Ok(entries.boxed())
    }
}

fn store_error(action: &str, path: &Path, err: &object_store::Error) -> Error {
    Error::internal(format!("object store: {action} {path}: {err}"))
}

fn unsatisfiable(message: impl ToString) -> Error {
    Error::new(ErrorKind::RangeNotSatisfiable, "range_not_satisfiable", message.to_string())
}
