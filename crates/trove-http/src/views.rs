//! The JSON shapes Trove sends: one view per resource, in Contentstack's envelope
//! style (`{"asset": …}`, `{"assets": […], "count": N}`, with a `notice` on writes).

use serde::Serialize;
use trove_domain::model::{
    Asset, Dimensions, Folder, Language, Space, StoredFile, Timestamp, TrashItem, Version, Workspace,
};
use trove_domain::rules;
use trove_domain::workspace::{ItemChanges, MergeReport};
use utoipa::ToSchema;

/// RFC 3339 with milliseconds, always UTC.
pub fn time(t: Timestamp) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Percent-encodes one URL path segment (everything but RFC 3986 unreserved bytes).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Builds delivery URLs, absolute when a public base URL is configured.
#[derive(Debug, Clone, Default)]
pub struct Urls {
    pub base: String,
}

impl Urls {
    pub fn file(&self, f: &StoredFile) -> String {
        format!("{}/v3/assets/{}/{}/{}/{}", self.base, f.space_uid, f.asset_uid, f.uid, encode_segment(&f.file_name))
    }

    /// The permanent URL of the asset as read: its workspace and, unless it is the
    /// default language, its locale are part of it.
    pub fn permanent(&self, a: &Asset) -> String {
        let mut url = format!("{}/v3/assets/{}/{}/{}", self.base, a.space_uid, a.uid, encode_segment(&a.slug));
        let mut sep = '?';
        if a.workspace_uid != trove_domain::ids::MAIN_WORKSPACE {
            url.push(sep);
            url.push_str("workspace=");
            url.push_str(&a.workspace_uid);
            sep = '&';
        }
        if a.locale != a.default_locale {
            url.push(sep);
            url.push_str("locale=");
            url.push_str(&a.locale);
        }
        url
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceView {
    pub uid: String,
    pub title: String,
    pub description: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<&Space> for SpaceView {
    fn from(s: &Space) -> Self {
        SpaceView {
            uid: s.uid.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            created_by: s.created_by.clone(),
            created_at: time(s.created_at),
            updated_by: s.updated_by.clone(),
            updated_at: time(s.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DimensionsView {
    pub width: u32,
    pub height: u32,
}

fn dims(d: Option<Dimensions>) -> Option<DimensionsView> {
    d.map(|d| DimensionsView { width: d.width, height: d.height })
}

/// System metadata of a stored file, shared by asset and version views.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    pub file_uid: String,
    pub file_name: String,
    pub file_extension: Option<String>,
    /// MIME type sniffed from the bytes.
    pub content_type: String,
    /// The asset type detected from the sniffed MIME type and the extension when the
    /// file was stored (see `/api/asset_types`): it decides the custom fields.
    pub asset_type: String,
    /// Size in bytes.
    pub file_size: u64,
    /// Display dimensions (EXIF orientation applied), for images.
    pub dimensions: Option<DimensionsView>,
    /// `sha256:<hex>` of the bytes.
    pub checksum: String,
    /// The file URL: this exact file, forever.
    pub url: String,
}

impl FileView {
    fn new(f: &StoredFile, urls: &Urls) -> Self {
        FileView {
            file_uid: f.uid.clone(),
            file_name: f.file_name.clone(),
            file_extension: rules::extension(&f.file_name),
            content_type: f.content_type.clone(),
            asset_type: f.asset_type.clone(),
            file_size: f.size,
            dimensions: dims(f.dimensions),
            checksum: format!("sha256:{}", f.blob_hash),
            url: urls.file(f),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetView {
    pub uid: String,
    pub space_uid: String,
    pub workspace: String,
    /// The locale asked for.
    pub locale: String,
    /// The locale the values (and file) came from: `locale` itself when the asset
    /// is localized in it, else the nearest language of its fallback chain that is.
    pub source_locale: String,
    /// Whether the asset has its own variant in `locale`.
    pub localized: bool,
    pub is_dir: bool,
    /// The head version number; also the ETag (`"v<version>"`).
    pub version: i64,
    pub version_name: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub alt_text: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_metadata: serde_json::Map<String, serde_json::Value>,
    /// The folder holding the asset; `null` at the root.
    pub parent_uid: Option<String>,
    #[serde(flatten)]
    pub file: FileView,
    /// The permanent URL: always the current version's file.
    pub permanent_url: String,
    pub slug: String,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl AssetView {
    pub fn new(a: &Asset, urls: &Urls) -> Self {
        let h = &a.head;
        AssetView {
            uid: a.uid.clone(),
            space_uid: a.space_uid.clone(),
            workspace: a.workspace_uid.clone(),
            locale: a.locale.clone(),
            source_locale: h.locale.clone(),
            localized: a.locale == h.locale,
            is_dir: false,
            version: h.number,
            version_name: h.name.clone(),
            title: h.content.title.clone(),
            description: h.content.description.clone(),
            alt_text: h.content.alt_text.clone(),
            tags: h.content.tags.clone(),
            custom_metadata: h.content.custom.clone(),
            parent_uid: a.parent_uid.clone(),
            file: FileView::new(&h.file, urls),
            permanent_url: urls.permanent(a),
            slug: a.slug.clone(),
            created_by: a.created_by.clone(),
            created_at: time(a.created_at),
            updated_by: h.created_by.clone(),
            updated_at: time(h.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub version_name: Option<String>,
    /// The workspace a merge brought this version from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_from: Option<String>,
    pub locale: String,
    pub title: String,
    pub description: Option<String>,
    pub alt_text: Option<String>,
    pub tags: Vec<String>,
    #[schema(value_type = Object)]
    pub custom_metadata: serde_json::Map<String, serde_json::Value>,
    #[serde(flatten)]
    pub file: FileView,
    pub created_by: String,
    pub created_at: String,
}

impl VersionView {
    pub fn new(v: &Version, urls: &Urls) -> Self {
        VersionView {
            version: v.number,
            version_name: v.name.clone(),
            merged_from: v.merged_from.clone(),
            locale: v.locale.clone(),
            title: v.content.title.clone(),
            description: v.content.description.clone(),
            alt_text: v.content.alt_text.clone(),
            tags: v.content.tags.clone(),
            custom_metadata: v.content.custom.clone(),
            file: FileView::new(&v.file, urls),
            created_by: v.created_by.clone(),
            created_at: time(v.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FolderView {
    pub uid: String,
    pub space_uid: String,
    pub workspace: String,
    pub is_dir: bool,
    pub title: String,
    pub description: Option<String>,
    /// The parent folder; `null` at the root.
    pub parent_uid: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<&Folder> for FolderView {
    fn from(f: &Folder) -> Self {
        FolderView {
            uid: f.uid.clone(),
            space_uid: f.space_uid.clone(),
            workspace: f.workspace_uid.clone(),
            is_dir: true,
            title: f.title.clone(),
            description: f.description.clone(),
            parent_uid: f.parent_uid.clone(),
            created_by: f.created_by.clone(),
            created_at: time(f.created_at),
            updated_by: f.updated_by.clone(),
            updated_at: time(f.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrashItemView {
    pub uid: String,
    /// `asset` or `folder`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    /// Where the item goes back to on restore.
    pub parent_uid: Option<String>,
    pub content_type: Option<String>,
    /// For folders: how many assets went to the trash with it.
    pub asset_count: i64,
    pub deleted_by: String,
    pub deleted_at: String,
    /// When the item is purged for good.
    pub purge_at: String,
}

impl TrashItemView {
    pub fn new(t: &TrashItem, retention: std::time::Duration) -> Self {
        let purge_at = chrono::Duration::from_std(retention)
            .ok()
            .and_then(|r| t.deleted_at.checked_add_signed(r))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        TrashItemView {
            uid: t.uid.clone(),
            kind: t.kind.as_str().to_owned(),
            title: t.title.clone(),
            parent_uid: t.parent_uid.clone(),
            content_type: t.content_type.clone(),
            asset_count: t.asset_count,
            deleted_by: t.deleted_by.clone(),
            deleted_at: time(t.deleted_at),
            purge_at: time(purge_at),
        }
    }
}

// Envelopes.

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub space: SpaceView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpacesEnvelope {
    pub spaces: Vec<SpaceView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub asset: AssetView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetsEnvelope {
    pub assets: Vec<AssetView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub version: VersionView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VersionsEnvelope {
    pub versions: Vec<VersionView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FolderEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub folder: FolderView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoldersEnvelope {
    pub folders: Vec<FolderView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrashEnvelope {
    pub items: Vec<TrashItemView>,
    pub count: i64,
}

/// The answer to writes that return no resource.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notice {
    pub notice: String,
}

impl Notice {
    pub fn new(s: impl Into<String>) -> Self {
        Notice { notice: s.into() }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceView {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    /// The workspace this one was forked from; `null` for `main`.
    pub source: Option<String>,
    pub default_language: String,
    /// The languages enabled in this workspace.
    pub languages: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<&Workspace> for WorkspaceView {
    fn from(w: &Workspace) -> Self {
        WorkspaceView {
            uid: w.uid.clone(),
            name: w.name.clone(),
            description: w.description.clone(),
            source: w.source_uid.clone(),
            default_language: w.default_locale.clone(),
            languages: w.languages.clone(),
            created_by: w.created_by.clone(),
            created_at: time(w.created_at),
            updated_by: w.updated_by.clone(),
            updated_at: time(w.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspaceEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub workspace: WorkspaceView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspacesEnvelope {
    pub workspaces: Vec<WorkspaceView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguagesEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub default_language: String,
    pub languages: Vec<String>,
}

/// What changed in a workspace and its source since the fork or the last merge.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompareEnvelope {
    pub workspace: String,
    pub source: Option<String>,
    /// One entry per changed folder or asset: `type`, `uid`, `workspace` and
    /// `source` (each `null` or `{change: added|modified|deleted, fields, file_changed}`),
    /// `conflict`, and for assets `locales` (the same per changed locale, plus
    /// `conflicts`: the paths of the fields changed differently on both sides, as
    /// `title` or `custom_metadata.<key>`).
    #[schema(value_type = Vec<Object>)]
    pub changes: Vec<ItemChanges>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeView {
    pub workspace: String,
    pub source: Option<String>,
    pub strategy: String,
    pub assets: u64,
    pub folders: u64,
    pub versions: u64,
    /// Conflicts the strategy settled (`asset/<uid>`, `asset/<uid>/<locale>` followed by
    /// `asset/<uid>/<locale>/<field path>` per field, `folder/<uid>`).
    pub conflicts: Vec<String>,
}

impl MergeView {
    pub fn new(ws: &Workspace, strategy: &str, r: MergeReport) -> Self {
        MergeView {
            workspace: ws.uid.clone(),
            source: ws.source_uid.clone(),
            strategy: strategy.to_owned(),
            assets: r.assets,
            folders: r.folders,
            versions: r.versions,
            conflicts: r.conflicts,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MergeEnvelope {
    pub notice: String,
    pub merge: MergeView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguageView {
    pub code: String,
    pub name: String,
    /// `null` only for the default language, which ends every chain.
    pub fallback_code: Option<String>,
    pub is_default: bool,
    pub is_custom: bool,
}

impl From<&Language> for LanguageView {
    fn from(l: &Language) -> Self {
        LanguageView {
            code: l.code.clone(),
            name: l.name.clone(),
            fallback_code: l.fallback_code.clone(),
            is_default: l.is_default,
            is_custom: l.is_custom,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguageEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub language: LanguageView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LanguagesListEnvelope {
    pub languages: Vec<LanguageView>,
    pub count: i64,
}
