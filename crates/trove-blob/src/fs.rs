//! The local-filesystem blob store: durable writes and large-chunk range reads.

use std::io::{ErrorKind as IoErrorKind, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use async_trait::async_trait;
use bytes::Bytes;
use futures::{StreamExt, TryStreamExt, stream};
use tokio::fs::{self, File};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};
use tokio_util::io::ReaderStream;
use trove_app::ports::{BlobEntry, BlobStore, ByteStream, EntryStream, StagedBlob};
use trove_domain::{Error, ErrorKind, Result, model::Timestamp};
use ulid::Ulid;

use crate::key::{validate_key, validate_staging_id};

/// Write buffer for staging: large enough that a stream of small chunks becomes few
/// large `write` calls.
const WRITE_BUFFER: usize = 1024 * 1024;
/// Read chunk for `read`: large chunks keep per-chunk overhead low for big downloads.
const READ_CHUNK: usize = 256 * 1024;
/// How often `promote` retries when a concurrent `delete` pruned the parent directory
/// between its creation and the rename.
const PROMOTE_ATTEMPTS: usize = 3;

/// A blob store on a local filesystem, laid out as `root/objects/<key>` for complete
/// objects and `root/staging/<ulid>` for uploads in progress. Both live under one root
/// so that promotion is a same-filesystem `rename`, which is atomic.
#[derive(Debug, Clone)]
pub struct FsBlobStore {
    root: PathBuf,
    objects: PathBuf,
    staging: PathBuf,
}

impl FsBlobStore {
    /// Opens (creating if needed) a store rooted at `root`. Synchronous because it runs
    /// once at startup, where failing early on a bad path is what we want.
    pub fn open(root: PathBuf) -> Result<Self> {
        let objects = root.join("objects");
        let staging = root.join("staging");
        for dir in [&objects, &staging] {
            std::fs::create_dir_all(dir).map_err(|e| io_error("create directory", dir, &e))?;
        }
        Ok(FsBlobStore { root, objects, staging })
    }

    /// The file that holds (or would hold) the object under `key`. Public so callers
    /// and tests can check what is really on disk; refuses keys that could escape the
    /// objects directory.
    pub fn object_path(&self, key: &str) -> Result<PathBuf> {
        validate_key(key)?;
        Ok(key.split('/').fold(self.objects.clone(), |path, segment| path.join(segment)))
    }

    fn staging_path(&self, staged: &StagedBlob) -> Result<PathBuf> {
        validate_staging_id(&staged.id)?;
        Ok(self.staging.join(&staged.id))
    }

    /// Moves a staged file under its final path and makes the move durable.
    async fn rename_durably(&self, from: &Path, to: &Path) -> Result<()> {
        let parent =
            to.parent().ok_or_else(|| Error::internal(format!("object path {} has no parent", to.display())))?;
        let mut attempt = 1;
        loop {
            let created = self.create_parents(parent).await?;
            match fs::rename(from, to).await {
                Ok(()) => {
                    // The rename lives in `parent`; new directories live in theirs.
                    for dir in &created {
                        sync_dir(dir).await?;
                    }
                    return sync_dir(parent).await;
                }
                // A concurrent delete may have pruned the fresh (empty) parent.
                Err(e) if e.kind() == IoErrorKind::NotFound && attempt < PROMOTE_ATTEMPTS => {
                    if fs::metadata(from).await.is_err() {
                        return Err(io_error("promote staged blob", from, &e));
                    }
                    attempt += 1;
                }
                Err(e) => return Err(io_error("promote staged blob", from, &e)),
            }
        }
    }

    /// Creates the missing directories of `dir` and returns the directories whose
    /// entries changed (each new directory's parent), which must be fsync'd too.
    async fn create_parents(&self, dir: &Path) -> Result<Vec<PathBuf>> {
        let mut changed = Vec::new();
        let mut current = dir;
        while current != self.objects && fs::metadata(current).await.is_err() {
            let Some(parent) = current.parent() else {
                break;
            };
            changed.push(parent.to_path_buf());
            current = parent;
        }
        if !changed.is_empty() {
            fs::create_dir_all(dir).await.map_err(|e| io_error("create directory", dir, &e))?;
        }
        Ok(changed)
    }

    /// Removes the now-empty directories between `path` and the objects root. Best
    /// effort: a non-empty directory or any error simply stops the pruning.
    async fn prune_empty_parents(&self, path: &Path) {
        let mut dir = path.parent();
        while let Some(d) = dir {
            if d == self.objects || !d.starts_with(&self.objects) {
                break;
            }
            if fs::remove_dir(d).await.is_err() {
                break;
            }
            dir = d.parent();
        }
    }
}

#[async_trait]
impl BlobStore for FsBlobStore {
    async fn ping(&self) -> Result<()> {
        let meta = fs::metadata(&self.root)
            .await
            .map_err(|e| Error::unavailable(format!("blob root {}: {e}", self.root.display())))?;
        if !meta.is_dir() {
            return Err(Error::unavailable(format!("blob root {} is not a directory", self.root.display())));
        }
        let probe = self.staging.join(format!(".ping-{}", Ulid::generate()));
        let written = fs::write(&probe, b"ping").await;
        let removed = fs::remove_file(&probe).await;
        written
            .and(removed)
            .map_err(|e| Error::unavailable(format!("blob staging {} not writable: {e}", probe.display())))
    }

    async fn stage(&self, mut data: ByteStream) -> Result<StagedBlob> {
        let id = Ulid::generate().to_string();
        let path = self.staging.join(&id);
        let file = File::create(&path).await.map_err(|e| io_error("create staging file", &path, &e))?;
        // Removes the partial file if this future is dropped mid-way.
        let mut guard = RemoveOnDrop(Some(path.clone()));
        match write_stream(file, &mut data, &path).await {
            Ok(size) => {
                guard.0 = None;
                Ok(StagedBlob { id, size })
            }
            Err(e) => {
                guard.0 = None;
                if let Err(rm) = fs::remove_file(&path).await {
                    tracing::warn!(path = %path.display(), error = %rm, "could not remove partial staging file");
                }
                Err(e)
            }
        }
    }

    async fn promote(&self, staged: &StagedBlob, key: &str) -> Result<()> {
        let from = self.staging_path(staged)?;
        let to = self.object_path(key)?;
        self.rename_durably(&from, &to).await
    }

    async fn discard(&self, staged: &StagedBlob) -> Result<()> {
        let path = self.staging_path(staged)?;
        remove_if_exists(&path).await.map(|_| ())
    }

    async fn exists(&self, key: &str) -> Result<bool> {
        let path = self.object_path(key)?;
        match fs::metadata(&path).await {
            Ok(meta) => Ok(meta.is_file()),
            Err(e) if e.kind() == IoErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_error("stat blob", &path, &e)),
        }
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> Result<ByteStream> {
        let path = self.object_path(key)?;
        let missing = || Error::not_found("blob_not_found", format!("no blob under key {key}"));
        let mut file = match File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == IoErrorKind::NotFound => return Err(missing()),
            Err(e) => return Err(io_error("open blob", &path, &e)),
        };
        let meta = file.metadata().await.map_err(|e| io_error("stat blob", &path, &e))?;
        if !meta.is_file() {
            return Err(missing());
        }
        let size = meta.len();
        let (start, len) = match range {
            None => (0, size),
            Some(r) if r.start <= r.end && r.end <= size => (r.start, r.end - r.start),
            Some(r) => {
                return Err(Error::new(
                    ErrorKind::RangeNotSatisfiable,
                    "range_not_satisfiable",
                    format!("range {}..{} is outside the blob's {size} bytes", r.start, r.end),
                ));
            }
        };
        if len == 0 {
            return Ok(stream::empty().boxed());
        }
        if start > 0 {
            file.seek(SeekFrom::Start(start)).await.map_err(|e| io_error("seek blob", &path, &e))?;
        }
        let stream =
            ReaderStream::with_capacity(file.take(len), READ_CHUNK).map_err(move |e| io_error("read blob", &path, &e));
        Ok(stream.boxed())
    }

    async fn delete(&self, key: &str) -> Result<()> {
        let path = self.object_path(key)?;
        if remove_if_exists(&path).await? {
            self.prune_empty_parents(&path).await;
        }
        Ok(())
    }

    async fn sweep_staging(&self, before: Timestamp) -> Result<u64> {
        let before = SystemTime::from(before);
        let mut entries = fs::read_dir(&self.staging).await.map_err(|e| io_error("list staging", &self.staging, &e))?;
        let mut removed = 0;
        while let Some(entry) = entries.next_entry().await.map_err(|e| io_error("list staging", &self.staging, &e))? {
            let path = entry.path();
            let meta = match entry.metadata().await {
                Ok(meta) => meta,
                Err(e) if e.kind() == IoErrorKind::NotFound => continue,
                Err(e) => return Err(io_error("stat staging file", &path, &e)),
            };
            let modified = meta.modified().map_err(|e| io_error("stat staging file", &path, &e))?;
            if meta.is_file() && modified < before && remove_if_exists(&path).await? {
                removed += 1;
            }
        }
        Ok(removed)
    }

    async fn list(&self, prefix: &str) -> Result<EntryStream> {
        let root = self.object_path(prefix)?;
        let objects = self.objects.clone();
        // A directory walk is blocking work; it runs on a blocking thread and hands
        // entries over a bounded channel, so memory stays flat however many objects exist.
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<BlobEntry>>(256);
        tokio::task::spawn_blocking(move || {
            let mut dirs = vec![root];
            while let Some(dir) = dirs.pop() {
                let read = match std::fs::read_dir(&dir) {
                    Ok(r) => r,
                    Err(e) if e.kind() == IoErrorKind::NotFound => continue,
                    Err(e) => {
                        let _ = tx.blocking_send(Err(io_error("list directory", &dir, &e)));
                        return;
                    }
                };
                let mut names: Vec<_> = read.flatten().collect();
                names.sort_by_key(std::fs::DirEntry::file_name);
                for entry in names.into_iter().rev() {
                    let path = entry.path();
                    let Ok(meta) = entry.metadata() else { continue };
                    if meta.is_dir() {
                        dirs.push(path);
                    } else if let Ok(rel) = path.strip_prefix(&objects) {
                        let key =
                            rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");
                        if tx.blocking_send(Ok(BlobEntry { key, size: meta.len() })).is_err() {
                            return;
                        }
                    }
                }
            }
        });
        Ok(futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }).boxed())
    }
}

/// Streams `data` into `file` through a large buffer, then flushes and fsyncs so the
/// staged bytes are on disk before anyone records them. Returns the byte count.
async fn write_stream(file: File, data: &mut ByteStream, path: &Path) -> Result<u64> {
    let mut writer = BufWriter::with_capacity(WRITE_BUFFER, file);
    let mut size = 0u64;
    while let Some(chunk) = data.next().await {
        let chunk: Bytes = chunk?;
        writer.write_all(&chunk).await.map_err(|e| io_error("write staging file", path, &e))?;
        size += chunk.len() as u64;
    }
    writer.flush().await.map_err(|e| io_error("flush staging file", path, &e))?;
    writer.into_inner().sync_all().await.map_err(|e| io_error("fsync staging file", path, &e))?;
    Ok(size)
}

/// Removes a file; `Ok(false)` when it was already gone.
async fn remove_if_exists(path: &Path) -> Result<bool> {
    match fs::remove_file(path).await {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == IoErrorKind::NotFound => Ok(false),
        Err(e) => Err(io_error("remove file", path, &e)),
    }
}

/// Fsyncs a directory so the entries just created or renamed in it survive a crash.
async fn sync_dir(dir: &Path) -> Result<()> {
    let handle = File::open(dir).await.map_err(|e| io_error("open directory", dir, &e))?;
    handle.sync_all().await.map_err(|e| io_error("fsync directory", dir, &e))
}

fn io_error(action: &str, path: &Path, err: &std::io::Error) -> Error {
    Error::internal(format!("{action} {}: {err}", path.display()))
}

/// Deletes a partial staging file when `stage` is cancelled, so a dropped upload does
/// not wait for the sweeper. Disarmed (set to `None`) once `stage` decides itself.
struct RemoveOnDrop(Option<PathBuf>);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}
