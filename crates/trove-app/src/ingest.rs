//! Streaming ingest: an upload flows to staging storage while it is hashed, measured
//! and its first bytes kept for probing. Nothing is held in memory but the current
//! chunk and a bounded probe buffer.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use sha2::{Digest, Sha256};
use trove_domain::asset_model::AssetModel;
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::StoredFile;
use trove_domain::{Error, ErrorKind, Result, rules};

use crate::access::Caller;
use crate::ports::media::PROBE_BYTES;
use crate::ports::{BlobStore, ByteStream, MediaInfo, StagedBlob};
use crate::{App, now};

/// How long an upload may take between leasing its blob and referencing it in a
/// version before garbage collection may free the blob again.
const UPLOAD_LEASE: Duration = Duration::from_secs(3600);

/// Where a blob with this SHA-256 lives in any blob store. Two levels of fan-out
/// keep directories small on filesystems.
pub fn blob_key(hash: &str) -> String {
    let a = hash.get(0..2).unwrap_or("xx");
    let b = hash.get(2..4).unwrap_or("xx");
    format!("blobs/{a}/{b}/{hash}")
}

#[derive(Default)]
struct Inspection {
    hasher: Sha256,
    size: u64,
    head: Vec<u8>,
}

/// An upload that reached staging storage completely. Dropping it without
/// [`App::store_file`] removes the staged bytes.
pub struct Ingested {
    staged: Option<StagedBlob>,
    blobs: Arc<dyn BlobStore>,
    /// SHA-256 of the bytes, lowercase hex.
    pub hash: String,
    pub size: u64,
    /// The sanitised file name.
    pub file_name: String,
    head: Vec<u8>,
}

impl Drop for Ingested {
    fn drop(&mut self) {
        if let Some(staged) = self.staged.take() {
            let blobs = self.blobs.clone();
            if let Ok(rt) = tokio::runtime::Handle::try_current() {
                rt.spawn(async move {
                    if let Err(e) = blobs.discard(&staged).await {
                        tracing::warn!(error = %e, "discarding a staged upload failed; the staging sweep will remove it");
                    }
                });
            }
        }
    }
}

fn too_large(limit: u64) -> Error {
    Error::new(
        ErrorKind::PayloadTooLarge,
        "file_too_large",
        format!("the file is larger than the upload limit of {limit} bytes"),
    )
}

/// An upload as [`App::inspect`] found it.
#[derive(Debug)]
pub(crate) struct Examined {
    info: MediaInfo,
    /// The UID of the asset type detected for it.
    pub asset_type: String,
}

impl App {
    /// Streams an uploaded file into staging storage. Refuses files over the upload
    /// limit (413) while streaming, so an oversized upload never lands whole.
    pub async fn ingest(&self, data: ByteStream, raw_file_name: &str) -> Result<Ingested> {
        let limit = self.settings.max_upload_bytes;
        let state = Arc::new(Mutex::new(Inspection::default()));
        let inspect = state.clone();
        let inspected = data.map(move |chunk| {
            let chunk = chunk?;
            let mut s = inspect.lock().unwrap_or_else(PoisonError::into_inner);
            s.size += chunk.len() as u64;
            if s.size > limit {
                return Err(too_large(limit));
            }
            s.hasher.update(&chunk);
            if s.head.len() < PROBE_BYTES {
                let take = (PROBE_BYTES - s.head.len()).min(chunk.len());
                s.head.extend_from_slice(&chunk[..take]);
            }
            Ok(chunk)
        });
        let staged = self.blobs.stage(Box::pin(inspected)).await?;
        let s = std::mem::take(&mut *state.lock().unwrap_or_else(PoisonError::into_inner));
        Ok(Ingested {
            staged: Some(staged),
            blobs: self.blobs.clone(),
            hash: hex::encode(s.hasher.finalize()),
            size: s.size,
            file_name: rules::sanitize_file_name(raw_file_name),
            head: s.head,
        })
    }

    /// Probes an ingested file, refuses risky types, and makes its bytes durable as a
    /// content-addressed blob (stored once however often it is uploaded). Returns the
    /// file record for `asset_uid`, ready to be referenced by a version.
    /// What an upload is, from its first bytes and name: its media information and
    /// its asset type. Risky types are refused here (415) unless allowed, before
    /// anything is stored.
    pub(crate) fn inspect(&self, up: &Ingested, model: &AssetModel) -> Result<Examined> {
        let info = self.media.probe(&up.head, &up.file_name, up.size);
        if let Some(risk) = info.risk {
            let ext = rules::extension(&up.file_name).unwrap_or_default();
            let allowed = self.settings.allowed_risky_types.iter().any(|a| {
                a.eq_ignore_ascii_case(&ext)
                    || a.eq_ignore_ascii_case(&info.content_type)
                    || a.eq_ignore_ascii_case(risk)
            });
            if !allowed {
                return Err(Error::new(
                    ErrorKind::UnsupportedMediaType,
                    "risky_file_type",
                    format!(
                        "{} files ({risk}) are not accepted unless an administrator allows them",
                        info.content_type
                    ),
                ));
            }
        }
        let asset_type = model.detect(&info.content_type, &up.file_name);
        Ok(Examined { info, asset_type })
    }

    /// Stores an inspected upload's bytes (once per content) and describes the file.
    pub(crate) async fn store_file(
        &self,
        mut up: Ingested,
        examined: Examined,
        actor: &Caller,
        space: &str,
        asset_uid: &str,
    ) -> Result<StoredFile> {
        let Examined { info, asset_type } = examined;
        let Some(staged) = up.staged.take() else {
            return Err(Error::internal("an ingested upload was stored twice"));
        };
        let key = blob_key(&up.hash);
        let file_uid = new_uid(UidKind::File);
        let stored = async {
            self.meta.lease_blob(&up.hash, up.size, &file_uid, now() + UPLOAD_LEASE).await?;
            if self.blobs.exists(&key).await? {
                self.blobs.discard(&staged).await
            } else {
                self.blobs.promote(&staged, &key).await
            }
        }
        .await;
        if let Err(e) = stored {
            let _ = self.blobs.discard(&staged).await;
            return Err(e);
        }
        Ok(StoredFile {
            uid: file_uid,
            space_uid: space.to_owned(),
            asset_uid: asset_uid.to_owned(),
            blob_hash: up.hash.clone(),
            file_name: up.file_name.clone(),
            content_type: info.content_type,
            size: up.size,
            dimensions: info.dimensions,
            asset_type,
            created_by: actor.user_uid.clone(),
            created_at: now(),
        })
    }
}
