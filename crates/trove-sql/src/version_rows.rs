//! The rows a save adds: its file and its version, which becomes the head of its
//! variant (and, through [`crate::values`], brings the variant's typed values up
//! to date). Shared by uploads and edits (`assets`), localization (`variants`)
//! and merges.

use trove_app::ports::AssetKey;
use trove_domain::model::{AssetContent, StoredFile, Version};
use trove_domain::{Error, Result};

use crate::overlay::{Val, Writer, insert_row};
use crate::rows::{ms, tags_to_text};
use crate::{db_err, schema};

pub(crate) async fn insert_file(tx: &mut sqlx::AnyConnection, f: &StoredFile) -> Result<()> {
    let (w, h) = match f.dimensions {
        Some(d) => (Some(i64::from(d.width)), Some(i64::from(d.height))),
        None => (None, None),
    };
    sqlx::query(
        "INSERT INTO files (uid, space_uid, asset_uid, blob_hash, file_name, content_type, size, width, height, created_by, created_at, \
           asset_type) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&f.uid)
    .bind(&f.space_uid)
    .bind(&f.asset_uid)
    .bind(&f.blob_hash)
    .bind(&f.file_name)
    .bind(&f.content_type)
    .bind(i64::try_from(f.size).unwrap_or(i64::MAX))
    .bind(w)
    .bind(h)
    .bind(&f.created_by)
    .bind(ms(f.created_at))
    .bind(&f.asset_type)
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    // The blob is referenced now; this upload's lease (keyed by the file UID) has
    // done its job. Other uploads' leases on the same blob stay.
    sqlx::query("DELETE FROM blob_leases WHERE lease_id = $1").bind(&f.uid).execute(&mut *tx).await.map_err(db_err)?;
    Ok(())
}

/// Inserts a version of `key` written at this transaction's seq, as the new head
/// of its variant in place of version `replaces` (`None`: a new variant). A
/// version is created unnamed.
pub(crate) async fn insert_version(w: &mut Writer, key: &AssetKey, replaces: Option<i64>, v: &Version) -> Result<()> {
    let row = VersionRow {
        key,
        replaces,
        seq: w.seq,
        number: v.number,
        merged_from: v.merged_from.as_deref(),
        content: &v.content,
        file_uid: &v.file.uid,
        created_by: &v.created_by,
        created_at: ms(v.created_at),
    };
    insert_version_row(w, &row).await
}

/// Every column of a new version, as a save and a merge write them.
pub(crate) struct VersionRow<'a> {
    pub key: &'a AssetKey,
    /// The head version of the variant the new one replaces, as the workspace read
    /// it (`None`: the variant is new there).
    pub replaces: Option<i64>,
    pub seq: i64,
    pub number: i64,
    pub merged_from: Option<&'a str>,
    pub content: &'a AssetContent,
    pub file_uid: &'a str,
    pub created_by: &'a str,
    /// Milliseconds since the epoch.
    pub created_at: i64,
}

/// Inserts one version row (created unnamed) that becomes the head of its variant,
/// and brings the variant's typed values (see [`crate::values`]) up to date.
pub(crate) async fn insert_version_row(w: &mut Writer, v: &VersionRow<'_>) -> Result<()> {
    let tags = tags_to_text(&v.content.tags);
    let custom = serde_json::to_string(&v.content.custom).map_err(|e| Error::internal(e.to_string()))?;
    fn t(s: &str) -> Val<'_> {
        Val::Text(Some(s))
    }
    let key = v.key;
    let row = [
        ("space_uid", t(&key.space_uid)),
        ("workspace_uid", t(&key.workspace_uid)),
        ("asset_uid", t(&key.asset_uid)),
        ("locale", t(&key.locale)),
        ("number", Val::Int(Some(v.number))),
        ("seq", Val::Int(Some(v.seq))),
        ("merged_from", Val::Text(v.merged_from)),
        ("title", t(&v.content.title)),
        ("description", Val::Text(v.content.description.as_deref())),
        ("alt_text", Val::Text(v.content.alt_text.as_deref())),
        ("tags", t(&tags)),
        ("custom", t(&custom)),
        ("file_uid", t(v.file_uid)),
        ("created_by", t(v.created_by)),
        ("created_at", Val::Int(Some(v.created_at))),
    ];
    insert_row(&schema::ASSET_VERSIONS, &row)?.execute(w.conn()).await.map_err(db_err)?;
    let variant = crate::values::Variant {
        space: &key.space_uid,
        ws: &key.workspace_uid,
        asset: &key.asset_uid,
        locale: &key.locale,
    };
    crate::values::sync_values(w, &variant, v.replaces, Some(&v.content.custom)).await
}
