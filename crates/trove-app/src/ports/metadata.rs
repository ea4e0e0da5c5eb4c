//! The metadata-store port, one trait per aggregate and [`MetadataStore`] over all.
//!
//! Every method that changes state is one atomic transaction in the backend: the
//! use case computes what to write, the backend writes all of it or nothing, and
//! checks the invariants that need the database's view (a parent that still exists,
//! a head version that has not moved) inside that transaction.

use async_trait::async_trait;
use futures::future::BoxFuture;
use trove_domain::Result;
use trove_domain::access::PermissionFilter;
use trove_domain::asset_types::AssetType;
use trove_domain::fields::{Field, TypedRow};
use trove_domain::model::{
    Asset, Deletion, Folder, Language, Organization, Page, PageRequest, Space, StoredFile, Timestamp, TrashItem,
    TrashKind, Variant, Version, Workspace,
};
use trove_domain::precondition::Precondition;
use trove_domain::workspace::{ItemChanges, MergeReport, MergeStrategy};

use super::{Attributed, AuditRepo, PeopleRepo, RoleRepo};

/// Addresses one asset's state in a workspace and locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetKey {
    pub space_uid: String,
    pub workspace_uid: String,
    pub asset_uid: String,
    pub locale: String,
    /// Where a read of the asset goes, in order, when it has no variant in
    /// `locale`: the rest of the resolution chain. Writes address `locale` only.
    pub fallbacks: Vec<String>,
}

impl AssetKey {
    /// `locale` and then its fallbacks: every locale a read may take values from.
    pub fn chain(&self) -> Vec<String> {
        let mut c = Vec::with_capacity(self.fallbacks.len() + 1);
        c.push(self.locale.clone());
        c.extend(self.fallbacks.iter().cloned());
        c
    }
}

/// A brand-new asset with its first version.
#[derive(Debug, Clone)]
pub struct NewAsset {
    pub key: AssetKey,
    pub parent_uid: Option<String>,
    pub slug: String,
    pub file: StoredFile,
    pub version: Version,
}

/// A partial update of a space: only the fields that are `Some` change, so
/// concurrent edits of different fields never overwrite each other.
#[derive(Debug, Clone)]
pub struct SpaceChange {
    pub title: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// A partial update of a folder (rename and/or move); only `Some` fields change.
#[derive(Debug, Clone)]
pub struct FolderChange {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    /// `Some(None)` moves the folder to the root.
    pub parent_uid: Option<Option<String>>,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// Which assets a listing covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderFilter {
    /// Every asset in the workspace.
    Any,
    /// Assets directly in this folder; `None` is the root.
    In(Option<String>),
}

/// Which assets a listing covers: a folder and the languages they have variants in
/// (all given conditions must hold).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetFilter {
    pub folder: FolderFilter,
    /// A resolution chain: the asset has a variant in at least one of its locales.
    /// The listing's own chain always applies too.
    pub available_in: Option<Vec<String>>,
    /// The asset has its own variant in this locale.
    pub localized_in: Option<String>,
    /// The asset has no variant of its own in this locale.
    pub not_localized_in: Option<String>,
    /// The head version the listing shows has a file of this asset type.
    pub asset_type: Option<String>,
    /// Only what the caller may see (folder sets expanded to subtrees).
    pub permitted: Option<PermissionFilter>,
}

impl AssetFilter {
    /// Every asset of a folder (or of the workspace), whatever its languages.
    pub fn folder(folder: FolderFilter) -> Self {
        AssetFilter {
            folder,
            available_in: None,
            localized_in: None,
            not_localized_in: None,
            asset_type: None,
            permitted: None,
        }
    }
}

/// Trash listing filters (all optional, combined with AND).
#[derive(Debug, Clone, Default)]
pub struct TrashFilter {
    pub deleted_by: Option<String>,
    pub kind: Option<TrashKind>,
    pub deleted_after: Option<Timestamp>,
    pub deleted_before: Option<Timestamp>,
    /// Only what the caller may see (folder sets expanded to subtrees).
    pub permitted: Option<PermissionFilter>,
}

/// What one purge pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgeReport {
    pub assets: u64,
    pub folders: u64,
}

/// Everything the first start creates.
#[derive(Debug, Clone)]
pub struct Bootstrap {
    pub organization: Organization,
    pub admin_uid: String,
    pub admin_email: String,
    pub token_uid: String,
    pub token_hash: String,
    /// The hashed secret of the administrator's one-time set-up link, and when
    /// it stops working.
    pub setup: (String, Timestamp),
}

/// Deletes the stored objects for blob hashes while the store holds them locked.
pub type BlobDeleter<'a> = &'a (dyn Fn(Vec<String>) -> BoxFuture<'a, Result<()>> + Send + Sync);

#[async_trait]
pub trait OrgRepo: Send + Sync {
    /// Checks the database answers.
    async fn ping(&self) -> Result<()>;
    /// Creates the organization, admin user and token unless an organization exists.
    /// Returns whether it created them. Safe to race from several nodes.
    async fn bootstrap(&self, b: &Bootstrap) -> Result<bool>;
    /// The organization's UID, once it exists.
    async fn organization_uid(&self) -> Result<Option<String>>;
}

#[async_trait]
pub trait SpaceRepo: Send + Sync {
    /// Inserts a space with its main workspace (and the workspace's default language).
    async fn create_space(&self, space: &Space, main: &Workspace) -> Result<()>;
    /// The spaces `member` is a member of, newest first.
    async fn list_spaces(&self, member: &str, page: PageRequest) -> Result<Page<Space>>;
    async fn get_space(&self, uid: &str) -> Result<Option<Space>>;
    /// Applies a partial update; `None` if the space does not exist.
    async fn update_space(&self, uid: &str, change: &SpaceChange) -> Result<Option<Space>>;
    /// Deletes the space and everything in it. `false` if it did not exist.
    async fn delete_space(&self, uid: &str) -> Result<bool>;
}

/// A partial update of a workspace; only `Some` fields change.
#[derive(Debug, Clone)]
pub struct WorkspaceChange {
    pub name: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// Who merges, when, how conflicts are settled, and what the merged content must
/// satisfy.
#[derive(Debug, Clone)]
pub struct MergeRequest {
    pub strategy: MergeStrategy,
    pub by: String,
    pub at: Timestamp,
    pub check: MergeCheck,
}

/// One locale's content a merge would write into the source, as the check sees it.
#[derive(Debug)]
pub struct MergedContent<'a> {
    pub asset_uid: &'a str,
    pub locale: &'a str,
    /// The source workspace's default language.
    pub default_locale: &'a str,
    /// The asset type of the merged version's file.
    pub asset_type: &'a str,
    pub custom: &'a serde_json::Map<String, serde_json::Value>,
    /// In another language than the default: the default language's custom values
    /// this merge writes, if it writes that language too (shared values live there).
    pub shared: &'a serde_json::Map<String, serde_json::Value>,
}

/// The check a merge runs on every content it would write, before writing any:
/// the custom values to store, or the per-field errors (`custom_metadata.<path>`)
/// that refuse the whole merge.
type CheckFn = dyn Fn(&MergedContent<'_>) -> Result<serde_json::Map<String, serde_json::Value>> + Send + Sync;

#[derive(Clone)]
pub struct MergeCheck(std::sync::Arc<CheckFn>);

impl MergeCheck {
    pub fn new(
        f: impl Fn(&MergedContent<'_>) -> Result<serde_json::Map<String, serde_json::Value>> + Send + Sync + 'static,
    ) -> Self {
        Self(std::sync::Arc::new(f))
    }

    /// Takes the values as they are: for stores' own tests, which have no asset model.
    pub fn unchecked() -> Self {
        Self::new(|c| Ok(c.custom.clone()))
    }

    pub fn check(&self, c: &MergedContent<'_>) -> Result<serde_json::Map<String, serde_json::Value>> {
        (self.0)(c)
    }
}

impl std::fmt::Debug for MergeCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MergeCheck")
    }
}

#[async_trait]
pub trait WorkspaceRepo: Send + Sync {
    /// Forks `new.source_uid` into a new workspace `new.uid`, in one transaction and
    /// without copying the source's assets: the fork reads the source as of this
    /// instant. The default language and enabled languages are the source's (those
    /// of `new` are ignored). `workspace_not_found` (404) for a missing source,
    /// `uid` field error (422) for a taken UID.
    async fn create_workspace(&self, new: &Workspace) -> Result<Workspace>;
    async fn get_workspace(&self, space_uid: &str, uid: &str) -> Result<Option<Workspace>>;
    /// The workspace, with the organization's languages version (bumped by every
    /// change of a language) read in the same statement, so a cached fallback map
    /// can be checked on every request for free.
    async fn workspace_with_settings_version(&self, space_uid: &str, uid: &str) -> Result<Option<(Workspace, i64)>>;
    /// The space's workspaces, `main` first, then by creation.
    async fn list_workspaces(&self, space_uid: &str, page: PageRequest) -> Result<Page<Workspace>>;
    /// Applies a partial update; `None` if the workspace does not exist.
    async fn update_workspace(&self, space_uid: &str, uid: &str, change: &WorkspaceChange)
    -> Result<Option<Workspace>>;
    /// Deletes a workspace with its assets, folders and history. Workspaces forked
    /// from it keep everything they read through it. `false` if it did not exist.
    async fn delete_workspace(&self, space_uid: &str, uid: &str) -> Result<bool>;
    /// Replaces the enabled languages, recording who changed the workspace and when;
    /// every code must be an organization language (`unknown_language`, 422).
    async fn set_workspace_languages(
        &self,
        space_uid: &str,
        uid: &str,
        locales: &[String],
        by: &str,
        at: Timestamp,
    ) -> Result<()>;
    /// Everything that changed in the workspace or its source since the fork (or
    /// the last merge), folders first, then assets, each by UID.
    async fn compare_workspace(&self, space_uid: &str, uid: &str) -> Result<Vec<ItemChanges>>;
    /// Merges the workspace's changes into its source, three-way, in one
    /// transaction; afterwards the next merge starts from here. With
    /// `fail_on_conflict` and a conflict, nothing changes and `merge_conflict` (409)
    /// names the conflicts.
    async fn merge_workspace(&self, space_uid: &str, uid: &str, request: &MergeRequest) -> Result<MergeReport>;
}

#[async_trait]
pub trait LanguageRepo: Send + Sync {
    /// The organization's languages, by code.
    async fn list_languages(&self) -> Result<Vec<Language>>;
    async fn get_language(&self, code: &str) -> Result<Option<Language>>;
    /// Adds a language. A taken code is a `code` field error (422); a fallback that
    /// does not exist or would make a cycle is refused (422) by the chain rules of
    /// `trove_domain::languages`, checked with the organization's languages locked.
    async fn create_language(&self, language: &Language) -> Result<()>;
    /// Renames and/or re-points the fallback; `None` if no such language.
    async fn update_language(
        &self,
        code: &str,
        name: Option<&str>,
        fallback_code: Option<&str>,
    ) -> Result<Option<Language>>;
    /// Deletes a language nothing uses: not the default, nobody's fallback, enabled
    /// in no workspace and held by no asset (`language_in_use`, 409). `false` if no
    /// such language.
    async fn delete_language(&self, code: &str) -> Result<bool>;
}

/// The organization's user-defined fields.
#[async_trait]
pub trait FieldRepo: Send + Sync {
    /// Every field, by UID.
    async fn list_fields(&self) -> Result<Vec<Field>>;
    async fn get_field(&self, uid: &str) -> Result<Option<Field>>;
    /// Adds a field. A taken UID is `field_exists`, a name another field has (in any
    /// case) `field_name_taken`, both 409 with the field named in `errors`.
    async fn create_field(&self, field: &Field) -> Result<()>;
    /// Replaces a field's definition (its UID stays); `None` if no such field. A name
    /// another field has is `field_name_taken` (409).
    async fn update_field(&self, field: &Field) -> Result<Option<Field>>;
    /// `false` if no such field.
    async fn delete_field(&self, uid: &str) -> Result<bool>;
}

/// An asset type as the organization stores it: one of its own, or (with
/// `is_system`) the fields and rules it added to a built-in type.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAssetType {
    pub def: AssetType,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_by: String,
    pub updated_at: Timestamp,
}

/// The organization's asset types (the built-in catalogue lives in the domain).
#[async_trait]
pub trait AssetTypeRepo: Send + Sync {
    /// Every stored type, by UID, with its fields in order.
    async fn list_asset_types(&self) -> Result<Vec<StoredAssetType>>;
    /// Stores a type with its fields and its (MIME type, extension) pairs, or the
    /// additions to a built-in type. A taken UID is `asset_type_exists`, a pair
    /// another stored type claims `asset_type_pair_taken` (409, the pair named in
    /// `errors`); a field that does not exist is `field_not_found` (422).
    async fn create_asset_type(&self, t: &StoredAssetType) -> Result<()>;
    /// Replaces a stored type, its fields and its pairs, creating the row of a
    /// built-in type's additions if there is none yet. Errors as for create;
    /// `None` if no such organization type.
    async fn update_asset_type(&self, t: &StoredAssetType) -> Result<Option<StoredAssetType>>;
    /// `false` if no such stored type.
    async fn delete_asset_type(&self, uid: &str) -> Result<bool>;
    /// How many stored files were given type `uid`.
    async fn count_files_of_type(&self, uid: &str) -> Result<u64>;
    /// How many asset variants, in every space, workspace and locale, have no stored
    /// value of the top-level field `field_uid` in their head version while their file
    /// is of one of `types`: the variants of live (not trashed) assets, and with
    /// `default_locale_only` (a shared field) only those in their workspace's
    /// default language.
    async fn count_missing_values(&self, types: &[String], field_uid: &str, default_locale_only: bool) -> Result<u64>;
    /// Up to `limit` different typed values stored anywhere (any head, current or
    /// past, of any variant) for the top-level field `field_uid` and, for a group,
    /// its members (by their paths).
    async fn stored_values(&self, field_uid: &str, limit: u32) -> Result<Vec<TypedRow>>;
}

#[async_trait]
pub trait FolderRepo: Send + Sync {
    /// Inserts a folder; `folder_not_found` (404) if the parent is not a live folder.
    async fn create_folder(&self, folder: &Folder) -> Result<()>;
    /// A live (not trashed) folder.
    async fn get_folder(&self, space: &str, ws: &str, uid: &str) -> Result<Option<Folder>>;
    async fn list_folders(
        &self,
        space: &str,
        ws: &str,
        parent: &FolderFilter,
        permitted: Option<&PermissionFilter>,
        page: PageRequest,
    ) -> Result<Page<Folder>>;
    /// Applies a partial update. Refuses a move under itself (422) or under a missing
    /// parent (404), checked inside the transaction with the workspace's folder tree
    /// locked, so concurrent moves cannot build a cycle.
    async fn update_folder(&self, space: &str, ws: &str, uid: &str, change: &FolderChange) -> Result<Folder>;
    /// Moves the folder, its subfolders and the live assets in them to the trash.
    /// The folders at or below `roots` in the workspace (trashed ones too).
    async fn folder_subtrees(&self, space: &str, ws: &str, roots: &[String]) -> Result<Vec<String>>;
    async fn trash_folder(&self, space: &str, ws: &str, uid: &str, deletion: &Deletion) -> Result<()>;
}

#[async_trait]
pub trait AssetRepo: Send + Sync {
    /// Inserts the asset, its file and version 1; the parent must be a live folder.
    async fn create_asset(&self, new: &NewAsset) -> Result<()>;
    /// The live asset at the head version of the first locale of `key.chain()` it
    /// has a variant in; `None` if it is not live or has no variant in the chain.
    async fn get_asset(&self, key: &AssetKey) -> Result<Option<Asset>>;
    /// A page of the live assets available in `chain` (see [`AssetRepo::get_asset`])
    /// that match `filter`, newest first.
    async fn list_assets(
        &self,
        space: &str,
        ws: &str,
        chain: &[String],
        filter: &AssetFilter,
        page: PageRequest,
    ) -> Result<Page<Asset>>;
    /// Appends `version` (numbered `based_on + 1`) if the head is still `based_on`;
    /// otherwise `version_conflict` (412) and nothing changes. `new_file` is inserted
    /// in the same transaction when the version brings a new file.
    async fn append_version(
        &self,
        key: &AssetKey,
        based_on: i64,
        version: &Version,
        new_file: Option<&StoredFile>,
    ) -> Result<()>;
    /// Sets the custom slug once; `slug_already_set` (409) if a different one exists.
    async fn set_slug(&self, space: &str, asset: &str, slug: &str) -> Result<()>;
    /// The versions of the current variant in `key.locale` (exactly; no fallback),
    /// newest first: those of an earlier, unlocalized variant are not part of it.
    async fn list_versions(&self, key: &AssetKey) -> Result<Vec<Version>>;
    async fn get_version(&self, key: &AssetKey, number: i64) -> Result<Option<Version>>;
    /// Names (or unnames) a version without creating one. `false` if no such version.
    async fn name_version(&self, key: &AssetKey, number: i64, name: Option<&str>) -> Result<bool>;
    /// Moves live assets into `target` (None = root), all or none: unknown assets
    /// give `asset_not_found` listing them, a missing target `folder_not_found`.
    async fn move_assets(&self, space: &str, ws: &str, uids: &[String], target: Option<&str>) -> Result<()>;
    /// Moves live assets to the trash, all or none. With `condition`, the asset its
    /// key names is trashed only while the head that key reads (through its chain)
    /// satisfies the precondition, checked in the same transaction (412
    /// `version_conflict` otherwise), so a delete based on a stale read changes nothing.
    async fn trash_assets(
        &self,
        space: &str,
        ws: &str,
        uids: &[String],
        deletion: &Deletion,
        condition: Option<(&AssetKey, &Precondition)>,
    ) -> Result<()>;
    /// A stored file by UID within a space and asset, if the asset is live somewhere.
    async fn deliverable_file(&self, space: &str, asset: &str, file_uid: &str) -> Result<Option<StoredFile>>;
}

/// Localized variants: creating one from what a language inherited, discarding
/// one, and listing them.
#[async_trait]
pub trait VariantRepo: Send + Sync {
    /// Gives the asset a variant in `key.locale`, whose first version is `version`
    /// (its number is assigned past every version of that locale the workspace can
    /// see, and returned). `inherited` is the locale and head version the content
    /// started from: if that head has moved, or `key.locale` has meanwhile got a
    /// variant, `version_conflict` (412) and nothing changes.
    async fn localize(
        &self,
        key: &AssetKey,
        inherited: (&str, i64),
        version: &Version,
        new_file: Option<&StoredFile>,
    ) -> Result<i64>;
    /// Discards the variant in `key.locale`; the language inherits again.
    /// `variant_not_found` (404) if there is none, `last_variant` (409) if it is the
    /// asset's only one.
    async fn unlocalize(&self, key: &AssetKey) -> Result<()>;
    /// The asset's variants, by locale; `None` if the asset is not live.
    async fn variants(&self, space: &str, ws: &str, asset: &str) -> Result<Option<Vec<Variant>>>;
}

#[async_trait]
pub trait TrashRepo: Send + Sync {
    /// Items deleted directly by a user (not those that went along with a folder).
    async fn list_trash(
        &self,
        space: &str,
        ws: &str,
        filter: &TrashFilter,
        page: PageRequest,
    ) -> Result<Page<TrashItem>>;
    /// Which kind a trashed UID is, if it is in this workspace's trash at all.
    async fn trash_kind(&self, space: &str, ws: &str, uid: &str) -> Result<Option<TrashKind>>;
    /// Restores an asset; `parent_in_trash` (409) while its folder is trashed.
    async fn restore_asset(&self, space: &str, ws: &str, uid: &str) -> Result<()>;
    /// Restores a folder and its subfolders; with `with_assets`, also the assets that
    /// went to the trash with it (the others stay, listed on their own).
    async fn restore_folder(&self, space: &str, ws: &str, uid: &str, with_assets: bool) -> Result<()>;
    /// Permanently removes items deleted before `cutoff`, across all spaces.
    async fn purge_trash(&self, cutoff: Timestamp) -> Result<PurgeReport>;
}

#[async_trait]
pub trait BlobRefRepo: Send + Sync {
    /// Records that an upload is about to rely on blob `hash`, protecting it from
    /// garbage collection until `lease_until` or until the file whose UID is
    /// `lease_id` is inserted (which ends the lease). Waits for a collection of the
    /// same blob in progress to finish.
    async fn lease_blob(&self, hash: &str, size: u64, lease_id: &str, lease_until: Timestamp) -> Result<()>;
    /// Deletes up to `limit` blobs that no file references and no lease protects,
    /// calling `delete` for their objects while holding them locked, so no upload can
    /// lease one mid-deletion. Returns how many were freed.
    async fn collect_garbage(&self, now: Timestamp, limit: u32, delete: BlobDeleter<'_>) -> Result<u64>;
}

#[async_trait]
pub trait JobRepo: Send + Sync {
    /// Claims the periodic job `name` for `holder` until `until`, if nobody holds an
    /// unexpired claim. Exactly one node wins each round.
    async fn try_claim_job(&self, name: &str, holder: &str, now: Timestamp, until: Timestamp) -> Result<bool>;

    /// Gives up `holder`'s claim on `name`, if it still holds it, so the next claim
    /// (by any node) succeeds at once.
    async fn release_job(&self, name: &str, holder: &str) -> Result<()>;
}

/// The whole metadata store, as the use cases see it.
pub trait MetadataStore:
    OrgRepo
    + LanguageRepo
    + FieldRepo
    + AssetTypeRepo
    + SpaceRepo
    + WorkspaceRepo
    + FolderRepo
    + AssetRepo
    + VariantRepo
    + TrashRepo
    + BlobRefRepo
    + JobRepo
    + AuditRepo
    + PeopleRepo
    + RoleRepo
    + Attributed
{
}

impl<T> MetadataStore for T where
    T: OrgRepo
        + LanguageRepo
        + FieldRepo
        + AssetTypeRepo
        + SpaceRepo
        + WorkspaceRepo
        + FolderRepo
        + AssetRepo
        + VariantRepo
        + TrashRepo
        + BlobRefRepo
        + JobRepo
        + AuditRepo
        + PeopleRepo
        + RoleRepo
        + Attributed
{
}
