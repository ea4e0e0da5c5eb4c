//! The records Trove keeps. These are plain data; the use cases give them meaning
//! and the backends persist them.
//!
//! The shape is final: an asset's state lives per (workspace, asset, locale) as a
//! chain of immutable [`Version`]s, each pointing at a [`StoredFile`], and files
//! point at content-addressed blobs that any number of versions may share.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A point in time, always UTC.
pub type Timestamp = DateTime<Utc>;

/// The one organization a deployment serves.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Organization {
    pub uid: String,
    pub name: String,
    pub created_at: Timestamp,
}

/// A space: the top-level container for one brand, site or business unit.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Space {
    pub uid: String,
    pub title: String,
    pub description: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// A workspace of a space; `main` always exists. Others are forks, recording the
/// workspace they were forked from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Workspace {
    pub space_uid: String,
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub source_uid: Option<String>,
    pub default_locale: String,
    /// The languages enabled in this workspace, sorted; always holds the default.
    pub languages: Vec<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// Who deleted something and when; present while an item is in the trash.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Deletion {
    pub deleted_by: String,
    pub deleted_at: Timestamp,
}

/// A folder in one workspace. `parent_uid` is `None` at the root.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Folder {
    pub space_uid: String,
    pub workspace_uid: String,
    pub uid: String,
    pub title: String,
    pub description: Option<String>,
    pub parent_uid: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// Pixel dimensions as a viewer sees them (EXIF orientation already applied).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Dimensions {
    pub width: u32,
    pub height: u32,
}

/// One stored file: what a file URL addresses. Immutable once written.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StoredFile {
    pub uid: String,
    pub space_uid: String,
    pub asset_uid: String,
    /// SHA-256 of the bytes, lowercase hex; also the blob's identity.
    pub blob_hash: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub dimensions: Option<Dimensions>,
    /// The asset type the file was given when stored, from its sniffed MIME type and
    /// extension: what decides the fields its version carries.
    pub asset_type: String,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// The editable, per-locale content of an asset at one version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AssetContent {
    pub title: String,
    pub description: Option<String>,
    /// Alternative text for images, read by screen readers and shown when the
    /// image cannot be.
    pub alt_text: Option<String>,
    pub tags: Vec<String>,
    /// User-defined field values; an object, empty until asset modelling lands.
    pub custom: serde_json::Map<String, serde_json::Value>,
}

/// One immutable version of an asset in a workspace and locale.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Version {
    pub number: i64,
    pub name: Option<String>,
    pub locale: String,
    /// The workspace whose change a merge brought in as this version.
    pub merged_from: Option<String>,
    pub content: AssetContent,
    pub file: StoredFile,
    pub created_by: String,
    pub created_at: Timestamp,
}

/// An asset as seen in one workspace and locale: identity, placement and head version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Asset {
    pub space_uid: String,
    pub workspace_uid: String,
    pub uid: String,
    /// The locale asked for. `head.locale` is the one the values came from: the
    /// same when the asset is localized in it, else the nearest language of its
    /// fallback chain that is.
    pub locale: String,
    /// The workspace's default language, where every fallback chain ends.
    pub default_locale: String,
    pub parent_uid: Option<String>,
    /// The permanent-URL slug: the first file name, or a custom slug set once.
    pub slug: String,
    pub slug_is_custom: bool,
    pub created_by: String,
    pub created_at: Timestamp,
    pub head: Version,
}

/// One language's variant of an asset: the locale and its head version.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Variant {
    pub locale: String,
    pub head_version: i64,
}

/// How an asset reads in one enabled language of its workspace.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LocaleStatus {
    pub locale: String,
    /// The asset has its own variant in this language.
    pub localized: bool,
    /// Where reads in this language take their values: the language itself when
    /// localized, else the nearest of its fallback chain that is; `None` when no
    /// language of the chain has a variant (the asset is not available in it).
    pub source_locale: Option<String>,
    /// The head version of `source_locale`'s variant.
    pub version: Option<i64>,
}

/// What kind of thing sits in the trash.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum TrashKind {
    Asset,
    Folder,
}

impl TrashKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TrashKind::Asset => "asset",
            TrashKind::Folder => "folder",
        }
    }
}

/// An item the user deleted, restorable until the retention period ends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrashItem {
    pub uid: String,
    pub kind: TrashKind,
    pub title: String,
    pub parent_uid: Option<String>,
    /// For assets, the MIME type of the head file; `None` for folders.
    pub content_type: Option<String>,
    /// For folders, how many assets went to the trash with it.
    pub asset_count: i64,
    pub deleted_by: String,
    pub deleted_at: Timestamp,
}

/// A page of results and the total count that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub count: i64,
}

/// `skip` / `limit` pagination as the API speaks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub skip: i64,
    pub limit: i64,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: i64 = 100;
    pub const MAX_LIMIT: i64 = 1000;

    /// Clamps client values into the accepted range.
    pub fn new(skip: Option<i64>, limit: Option<i64>) -> Self {
        PageRequest {
            skip: skip.unwrap_or(0).max(0),
            limit: limit.unwrap_or(Self::DEFAULT_LIMIT).clamp(1, Self::MAX_LIMIT),
        }
    }
}

/// A language of the organization. Following `fallback_code` from any language ends
/// at the default language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Language {
    pub code: String,
    pub name: String,
    /// `None` only for the default language.
    pub fallback_code: Option<String>,
    pub is_default: bool,
    /// Created by the organization rather than taken from the standard catalogue.
    pub is_custom: bool,
    pub created_at: Timestamp,
}
