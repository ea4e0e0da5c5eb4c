//! Delivery: finding the exact file a file URL or permanent URL names, and streaming it.

use std::ops::Range;

use trove_domain::model::StoredFile;
use trove_domain::{Error, Result};

use crate::App;
use crate::ingest::blob_key;
use crate::ports::ByteStream;

fn file_not_found() -> Error {
    Error::not_found("file_not_found", "no such file")
}

impl App {
    /// The file a file URL names. Its bytes never change, so the response may be
    /// cached forever. The name in the URL must be the stored name.
    pub async fn file_by_url(&self, space: &str, asset: &str, file_uid: &str, file_name: &str) -> Result<StoredFile> {
        let file = self.meta.deliverable_file(space, asset, file_uid).await?.ok_or_else(file_not_found)?;
        if file.file_name != file_name {
            return Err(file_not_found());
        }
        Ok(file)
    }

    /// The current file of an asset in a workspace and locale, by its permanent URL.
    pub async fn file_by_slug(
        &self,
        space: &str,
        asset: &str,
        slug: &str,
        workspace: Option<&str>,
        locale: Option<&str>,
    ) -> Result<StoredFile> {
        // Delivery is public: an unknown or disabled workspace or locale is just no
        // such file, so the answer tells nothing about a space's configuration.
        let scope = self.public_scope(space, workspace, locale).await.map_err(|e| match e.kind {
            trove_domain::ErrorKind::NotFound | trove_domain::ErrorKind::Validation => file_not_found(),
            _ => e,
        })?;
        // The file of the nearest language of the chain with a variant: its own
        // file if it has one, else the one it inherits.
        let current = self.meta.get_asset(&crate::assets::key(&scope, asset)).await?.ok_or_else(file_not_found)?;
        if current.slug != slug {
            return Err(file_not_found());
        }
        Ok(current.head.file)
    }

    /// Streams a file's bytes, or the byte range `range` of them.
    pub async fn open_file(&self, file: &StoredFile, range: Option<Range<u64>>) -> Result<ByteStream> {
        self.blobs.read(&blob_key(&file.blob_hash), range).await
    }
}
