//! Copying stored files between blob stores (`trove copy-blobs`): file system to S3
//! and back, resumable, verified by checksum. Works through the blob-store port
//! alone, so any pair of backends can be copied.

use std::sync::{Arc, Mutex, PoisonError};

use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use trove_domain::{Error, ErrorKind, Result};

use crate::ports::{BlobEntry, BlobStore};

/// Where content-addressed blobs live in every store (see [`crate::ingest::blob_key`]).
const BLOB_PREFIX: &str = "blobs";

/// How a copy should treat the target.
#[derive(Debug, Clone, Copy, Default)]
pub struct CopyOptions {
    /// Continue into a non-empty target (an interrupted copy); objects already there
    /// are checked by key and kept, never overwritten.
    pub resume: bool,
    /// Re-read every object from the target at the end and check its checksum.
    pub verify: bool,
}

/// Progress reports, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The source holds `objects` objects of `bytes` bytes in all.
    Counted { objects: u64, bytes: u64 },
    /// One object was copied (or found already present) with `bytes` bytes.
    Copied { bytes: u64 },
    /// The verification pass starts.
    Verifying,
    /// One object was verified.
    Verified { bytes: u64 },
}

/// What a copy did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub copied: u64,
    pub already_present: u64,
    pub bytes_copied: u64,
    pub verified: u64,
}

fn hash_of_key(key: &str) -> Result<&str> {
    let name = key.rsplit('/').next().unwrap_or_default();
    if name.len() == 64 && name.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(name)
    } else {
        Err(Error::internal(format!("{key} is not a content-addressed blob key")))
    }
}

/// Reads `key` from `store`, streaming, and returns the SHA-256 of its bytes.
async fn hash_object(store: &dyn BlobStore, key: &str) -> Result<String> {
    let mut stream = store.read(key, None).await?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = stream.next().await {
        hasher.update(&chunk?);
    }
    Ok(hex::encode(hasher.finalize()))
}

fn checksum_mismatch(key: &str, got: &str) -> Error {
    Error::new(ErrorKind::Conflict, "checksum_mismatch", format!("{key}: the bytes hash to {got}, not to their name"))
}

/// Copies every blob from `from` to `to`, streaming each one through a checksum.
pub async fn copy_blobs(
    from: &dyn BlobStore,
    to: &dyn BlobStore,
    options: CopyOptions,
    progress: &(dyn Fn(Progress) + Send + Sync),
) -> Result<CopyReport> {
    if !options.resume && to.list(BLOB_PREFIX).await?.next().await.is_some() {
        return Err(Error::conflict(
            "target_not_empty",
            "the target storage already holds blobs; pass --resume to continue an interrupted copy into it",
        ));
    }
    let (objects, bytes) = from
        .list(BLOB_PREFIX)
        .await?
        .try_fold((0u64, 0u64), |(n, b), e| async move { Ok((n + 1, b + e.size)) })
        .await?;
    progress(Progress::Counted { objects, bytes });

    let mut report = CopyReport::default();
    let mut entries = from.list(BLOB_PREFIX).await?;
    while let Some(entry) = entries.next().await {
        let BlobEntry { key, size } = entry?;
        let want = hash_of_key(&key)?.to_owned();
        if to.exists(&key).await? {
            report.already_present += 1;
        } else {
            let hasher = Arc::new(Mutex::new(Sha256::new()));
            let h = hasher.clone();
            let data = from
                .read(&key, None)
                .await?
                .inspect_ok(move |chunk| h.lock().unwrap_or_else(PoisonError::into_inner).update(chunk));
            let staged = to.stage(data.boxed()).await?;
            let got =
                hex::encode(std::mem::take(&mut *hasher.lock().unwrap_or_else(PoisonError::into_inner)).finalize());
            if got != want {
                let _ = to.discard(&staged).await;
                return Err(checksum_mismatch(&key, &got));
            }
            to.promote(&staged, &key).await?;
            report.copied += 1;
            report.bytes_copied += size;
        }
        progress(Progress::Copied { bytes: size });
    }

    if options.verify {
        progress(Progress::Verifying);
        let mut entries = from.list(BLOB_PREFIX).await?;
        while let Some(entry) = entries.next().await {
            let BlobEntry { key, size } = entry?;
            let got = hash_object(to, &key).await?;
            if got != hash_of_key(&key)? {
                return Err(checksum_mismatch(&key, &got));
            }
            report.verified += 1;
            progress(Progress::Verified { bytes: size });
        }
    }
    Ok(report)
}
