//! Assets: upload, read, list, edit metadata, replace the file, move and delete.

use trove_domain::access::Action;
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::{Asset, AssetContent, Deletion, Page, PageRequest, Version};
use trove_domain::precondition::Precondition;
use trove_domain::{Error, FieldErrors, Result, rules};

use trove_domain::asset_model::Origin;

use crate::access::Caller;
use crate::ingest::Ingested;
use crate::ports::{AssetFilter, AssetKey, FolderFilter, NewAsset};
use crate::retry::Race;
use crate::scope::Scope;
use crate::{App, now};

/// Most assets one bulk request may name.
pub const MAX_BULK: usize = 1000;

/// Editable fields sent with an upload or a replace, as the client gave them.
#[derive(Debug, Clone, Default)]
pub struct MetadataInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub alt_text: Option<String>,
    pub tags: Option<Vec<String>>,
    pub parent_uid: Option<Option<String>>,
    /// Values of the asset type's fields (replacing the current ones when given).
    pub custom_metadata: Option<serde_json::Map<String, serde_json::Value>>,
}

impl MetadataInput {
    /// The custom values a save checks: the request's, or the current ones.
    fn custom<'a>(&'a self, current: &'a AssetContent) -> (&'a serde_json::Map<String, serde_json::Value>, Origin) {
        match &self.custom_metadata {
            Some(c) => (c, Origin::Request),
            None => (&current.custom, Origin::Current),
        }
    }
}

/// Conditions of a listing; the language ones each name a locale the workspace
/// enables.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Assets with a variant in this locale or in its fallback chain (what a CMS
    /// entry in that locale may pick).
    pub available_in: Option<String>,
    /// Assets localized in this locale.
    pub localized_in: Option<String>,
    /// Assets not localized in this locale (they inherit there, if anything).
    pub not_localized_in: Option<String>,
    /// Assets whose current file (as the listing's locale reads it) is of this type.
    pub asset_type: Option<String>,
}

/// A JSON metadata update. Absent fields keep their value.
#[derive(Debug, Clone, Default)]
pub struct AssetPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    /// `Some(None)` clears the alternative text.
    pub alt_text: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub custom_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Moves the asset (no new version). `Some(None)` is the root.
    pub parent_uid: Option<Option<String>>,
    /// Sets the permanent-URL slug, once (no new version).
    pub slug: Option<String>,
    /// The version the change is based on (alternative to `If-Match`).
    pub version: Option<i64>,
}

impl AssetPatch {
    /// Whether the patch touches versioned content (title, description, tags, fields).
    /// A patch with only `slug` and/or `parent_uid` creates no version.
    fn is_content_change(&self) -> bool {
        self.title.is_some()
            || self.description.is_some()
            || self.alt_text.is_some()
            || self.tags.is_some()
            || self.custom_metadata.is_some()
            || (self.slug.is_none() && self.parent_uid.is_none())
    }
}

/// The asset in the scope: written in its locale, read through its chain.
pub(crate) fn key(scope: &Scope, asset: &str) -> AssetKey {
    AssetKey {
        space_uid: scope.space_uid.clone(),
        workspace_uid: scope.workspace_uid.clone(),
        asset_uid: asset.to_owned(),
        locale: scope.locale.clone(),
        fallbacks: scope.chain.iter().skip(1).cloned().collect(),
    }
}

/// The asset's variant in exactly `locale` (no fallback).
pub(crate) fn exact_key(scope: &Scope, asset: &str, locale: &str) -> AssetKey {
    AssetKey { locale: locale.to_owned(), fallbacks: Vec::new(), ..key(scope, asset) }
}

pub(crate) fn asset_not_found(uid: &str) -> Error {
    Error::not_found("asset_not_found", format!("asset {uid} does not exist"))
}

/// "root" and empty mean the root folder, as Contentstack clients send it.
pub fn normalize_parent(parent: Option<String>) -> Option<String> {
    parent.filter(|p| !p.is_empty() && p != "root")
}

/// Applies validated metadata edits to a copy of `base`.
fn apply_metadata(base: &AssetContent, m: &MetadataInput, errs: &mut FieldErrors) -> AssetContent {
    let mut c = base.clone();
    if let Some(t) = &m.title
        && let Some(t) = errs.check(rules::title("title", t))
    {
        c.title = t;
    }
    if let Some(d) = &m.description
        && let Some(d) = errs.check(rules::description(d))
    {
        c.description = d;
    }
    if let Some(a) = &m.alt_text
        && let Some(a) = errs.check(rules::alt_text(a))
    {
        c.alt_text = a;
    }
    if let Some(t) = &m.tags
        && let Some(t) = errs.check(rules::tags(t))
    {
        c.tags = t;
    }
    c
}

/// The version an edit is based on: the head the server just read, if the client's
/// `If-Match`/`version` (when given) accepts it; a stale one is refused at once.
pub(crate) fn based_on(current: &Asset, if_match: Option<&Precondition>) -> Result<i64> {
    let head = &current.head;
    match if_match {
        Some(p) if !p.holds(head.number, &head.locale, &current.locale) => Err(Error::stale(head.number)),
        _ => Ok(head.number),
    }
}

impl App {
    /// Creates an asset from an ingested upload; version 1 in the scope's locale.
    pub async fn create_asset(
        &self,
        actor: &Caller,
        scope: &Scope,
        up: Ingested,
        meta: MetadataInput,
    ) -> Result<Asset> {
        let mut errs = FieldErrors::default();
        let base = AssetContent { title: up.file_name.clone(), ..AssetContent::default() };
        let mut content = apply_metadata(&base, &meta, &mut errs);
        let model = self.model(scope).await?;
        let examined = self.inspect(&up, &model)?;
        let input = meta.custom_metadata.clone().unwrap_or_default();
        content.custom =
            self.checked_custom(&model, scope, None, &examined.asset_type, &input, Origin::Request, &mut errs).await?;
        errs.finish()?;
        let parent_uid = normalize_parent(meta.parent_uid.flatten());
        self.check_in_folder(scope, Action::AssetCreate, parent_uid.as_deref()).await?;
        if let Some(p) = &parent_uid {
            self.require_folder(scope, p).await?;
        }
        let uid = new_uid(UidKind::Asset);
        let slug = up.file_name.clone();
        let file = self.store_file(up, examined, actor, &scope.space_uid, &uid).await?;
        let version = Version {
            number: 1,
            name: None,
            merged_from: None,
            locale: scope.locale.clone(),
            content,
            file: file.clone(),
            created_by: actor.user_uid.clone(),
            created_at: file.created_at,
        };
        let new = NewAsset { key: key(scope, &uid), parent_uid, slug, file, version };
        self.store_for(actor).create_asset(&new).await?;
        // The uploader sees what they made, even where they may not read later.
        match self.meta.get_asset(&key(scope, &uid)).await? {
            Some(a) => self.presented(&*self.model(scope).await?, scope, a).await,
            None => Err(asset_not_found(&uid)),
        }
    }

    pub async fn get_asset(&self, scope: &Scope, uid: &str) -> Result<Asset> {
        match self.meta.get_asset(&key(scope, uid)).await? {
            Some(a) => {
                self.check_asset(scope, Action::AssetRead, uid, a.parent_uid.as_deref()).await?;
                // Values inherited through a fallback are the source language's: a
                // language the role may not read stays unread through another.
                if a.head.locale != scope.locale && scope.require_in(Action::AssetRead, &a.head.locale).is_err() {
                    return Err(Error::new(
                        trove_domain::ErrorKind::Forbidden,
                        "locale_forbidden",
                        format!(
                            "this asset's values in {} come from {}, which your role may not read",
                            scope.locale, a.head.locale
                        ),
                    ));
                }
                self.presented(&*self.model(scope).await?, scope, a).await
            }
            // Which languages an asset has is said only to those who may read every
            // asset: for others it might be one they may not know of.
            None if !matches!(scope.require(Action::AssetRead), Ok(crate::access::Allowance::All)) => {
                Err(asset_not_found(uid))
            }
            None => Err(self.not_in_chain(scope, uid).await?.1),
        }
    }

    /// Why the asset cannot be read in the scope's locale: with its first variant
    /// when it exists only in languages outside the locale's fallback chain.
    async fn not_in_chain(&self, scope: &Scope, uid: &str) -> Result<(Option<String>, Error)> {
        let variants = self.meta.variants(&scope.space_uid, &scope.workspace_uid, uid).await?.unwrap_or_default();
        let Some(first) = variants.first() else { return Ok((None, asset_not_found(uid))) };
        let has: Vec<&str> = variants.iter().map(|v| v.locale.as_str()).collect();
        let e = Error::not_found(
            "asset_not_found",
            format!(
                "asset {uid} is not available in {}: it has variants only in {}, outside that language's fallback \
                 chain",
                scope.locale,
                has.join(", ")
            ),
        );
        Ok((Some(first.locale.clone()), e))
    }

    /// A page of the assets available in the scope's locale (a variant in it or in
    /// its fallback chain), each read through that chain.
    pub async fn list_assets(
        &self,
        scope: &Scope,
        folder: FolderFilter,
        locales: ListFilter,
        page: PageRequest,
    ) -> Result<Page<Asset>> {
        if let FolderFilter::In(Some(f)) = &folder {
            // A folder the caller may not see answers as a missing one.
            self.check_folder(scope, Action::FolderRead, f).await?;
            if self.meta.get_folder(&scope.space_uid, &scope.workspace_uid, f).await?.is_none() {
                return Err(Error::not_found("folder_not_found", format!("folder {f} does not exist")));
            }
        }
        let mut filter = AssetFilter::folder(folder);
        filter.permitted = self.permitted(scope, Action::AssetRead).await?;
        // Filtering by a language tells about it, and a list shows values inherited
        // along the fallback chain: only languages the caller may read take part.
        let named = [&locales.available_in, &locales.localized_in, &locales.not_localized_in];
        let codes =
            named.into_iter().flatten().map(|l| l.trim().to_ascii_lowercase()).chain(scope.chain.iter().cloned());
        for code in codes {
            if scope.enabled.contains(&code) && scope.require_in(Action::AssetRead, &code).is_err() {
                return Err(Error::new(
                    trove_domain::ErrorKind::Forbidden,
                    "locale_forbidden",
                    format!("your role does not allow you to read assets in {code}"),
                ));
            }
        }
        if let Some(l) = &locales.available_in {
            filter.available_in = Some(self.chain_in(scope, l).await?);
        }
        if let Some(l) = &locales.localized_in {
            filter.localized_in = self.chain_in(scope, l).await?.first().cloned();
        }
        if let Some(l) = &locales.not_localized_in {
            filter.not_localized_in = self.chain_in(scope, l).await?.first().cloned();
        }
        let model = self.model(scope).await?;
        if let Some(t) = &locales.asset_type {
            if model.asset_type(t).is_none() {
                return Err(Error::not_found("asset_type_not_found", format!("there is no asset type {t}")));
            }
            filter.asset_type = Some(t.clone());
        }
        let page = self.meta.list_assets(&scope.space_uid, &scope.workspace_uid, &scope.chain, &filter, page).await?;
        let mut items = Vec::with_capacity(page.items.len());
        for a in page.items {
            items.push(self.presented(&model, scope, a).await?);
        }
        Ok(Page { items, ..page })
    }

    /// Applies a JSON metadata update. Content changes append a version (refused
    /// with 412 if `if_match`/`version` is stale); slug and folder changes do not.
    pub async fn update_asset(
        &self,
        actor: &Caller,
        scope: &Scope,
        uid: &str,
        if_match: Option<Precondition>,
        patch: AssetPatch,
    ) -> Result<Asset> {
        let body_version = patch.version.map(Precondition::version);
        let pre = if_match.as_ref().or(body_version.as_ref());
        let model = if patch.is_content_change() { Some(self.model(scope).await?) } else { None };
        let mut race = Race::new();
        let slug = loop {
            // Only a content change can give the locale a variant; a move or a slug
            // needs the asset readable in the locale as it is.
            let current = if patch.is_content_change() {
                self.current_for_write(scope, uid).await?
            } else {
                self.get_asset(scope, uid).await?
            };
            self.check_asset(scope, Action::AssetUpdate, uid, current.parent_uid.as_deref()).await?;
            let expected = based_on(&current, pre)?;
            let mut errs = FieldErrors::default();
            let mut content = apply_metadata(
                &current.head.content,
                &MetadataInput {
                    title: patch.title.clone(),
                    description: patch.description.clone().map(Option::unwrap_or_default),
                    alt_text: patch.alt_text.clone().map(Option::unwrap_or_default),
                    tags: patch.tags.clone(),
                    parent_uid: None,
                    custom_metadata: None,
                },
                &mut errs,
            );
            if let Some(model) = &model {
                let (input, origin) = match &patch.custom_metadata {
                    Some(c) => (c, Origin::Request),
                    None => (&current.head.content.custom, Origin::Current),
                };
                let type_uid = &current.head.file.asset_type;
                content.custom =
                    self.checked_custom(model, scope, Some(uid), type_uid, input, origin, &mut errs).await?;
            }
            let slug = patch.slug.as_deref().and_then(|s| errs.check(rules::slug(s)));
            errs.finish()?;
            if let Some(slug) = &slug
                && current.slug_is_custom
                && &current.slug != slug
            {
                return Err(Error::conflict(
                    "slug_already_set",
                    format!("the permanent URL slug is already set to {:?} and cannot change", current.slug),
                ));
            }
            // Everything that can be refused is checked before anything is written, so a
            // refused request changes nothing.
            if let Some(target) = patch.parent_uid.clone().map(normalize_parent) {
                self.check_in_folder(scope, Action::AssetUpdate, target.as_deref()).await?;
                if let Some(p) = &target {
                    self.require_folder(scope, p).await?;
                }
            }
            // The versioned change goes first: if it is stale, nothing else is applied.
            if patch.is_content_change()
                && let Err(e) =
                    self.save(actor, scope, &current, expected, content, current.head.file.clone(), None).await
            {
                race.lost(e).await?;
                continue;
            }
            break slug;
        };
        if let Some(slug) = &slug {
            self.store_for(&scope.caller).set_slug(&scope.space_uid, uid, slug).await?;
        }
        if let Some(parent) = &patch.parent_uid {
            let target = normalize_parent(parent.clone());
            self.store_for(&scope.caller)
                .move_assets(&scope.space_uid, &scope.workspace_uid, &[uid.to_owned()], target.as_deref())
                .await?;
        }
        self.get_asset(scope, uid).await
    }

    /// Replaces the file (same UID and permanent URL), optionally with metadata edits.
    pub async fn replace_file(
        &self,
        actor: &Caller,
        scope: &Scope,
        uid: &str,
        if_match: Option<Precondition>,
        up: Ingested,
        meta: MetadataInput,
    ) -> Result<Asset> {
        let mut current = self.current_for_write(scope, uid).await?;
        self.check_asset(scope, Action::AssetUpdate, uid, current.parent_uid.as_deref()).await?;
        based_on(&current, if_match.as_ref())?;
        let model = self.model(scope).await?;
        let examined = self.inspect(&up, &model)?;
        let type_uid = examined.asset_type.clone();
        let mut errs = FieldErrors::default();
        apply_metadata(&current.head.content, &meta, &mut errs);
        let (input, origin) = meta.custom(&current.head.content);
        self.checked_custom(&model, scope, Some(uid), &type_uid, input, origin, &mut errs).await?;
        errs.finish()?;
        if let Some(target) = meta.parent_uid.clone().map(normalize_parent) {
            self.check_in_folder(scope, Action::AssetUpdate, target.as_deref()).await?;
            if let Some(p) = &target {
                self.require_folder(scope, p).await?;
            }
        }
        let file = self.store_file(up, examined, actor, &scope.space_uid, uid).await?;
        let mut race = Race::new();
        loop {
            let expected = based_on(&current, if_match.as_ref())?;
            // Checked again on the head this attempt builds on, which a lost race moved.
            let mut errs = FieldErrors::default();
            let mut content = apply_metadata(&current.head.content, &meta, &mut errs);
            let (input, origin) = meta.custom(&current.head.content);
            content.custom = self.checked_custom(&model, scope, Some(uid), &type_uid, input, origin, &mut errs).await?;
            errs.finish()?;
            match self.save(actor, scope, &current, expected, content, file.clone(), Some(file.clone())).await {
                Err(e) => {
                    race.lost(e).await?;
                    current = self.current_for_write(scope, uid).await?;
                }
                Ok(_) => break,
            }
        }
        if let Some(parent) = meta.parent_uid {
            let target = normalize_parent(parent);
            self.store_for(&scope.caller)
                .move_assets(&scope.space_uid, &scope.workspace_uid, &[uid.to_owned()], target.as_deref())
                .await?;
        }
        self.get_asset(scope, uid).await
    }

    /// Refuses early (412) a write based on a version that is no longer the head, so
    /// a stale file replacement is refused before its body is streamed.
    pub async fn check_version(&self, scope: &Scope, uid: &str, expected: &Precondition) -> Result<()> {
        based_on(&self.current_for_write(scope, uid).await?, Some(expected)).map(|_| ())
    }

    /// What a write in the scope's locale starts from: the asset as that locale
    /// reads it, or, for an asset with no variant anywhere in the locale's chain (one
    /// made in another market's language), its variant in the default language's
    /// place: the first of its variants. Writing then gives the locale a variant of
    /// its own from there.
    pub(crate) async fn current_for_write(&self, scope: &Scope, uid: &str) -> Result<Asset> {
        if let Some(a) = self.meta.get_asset(&key(scope, uid)).await? {
            return Ok(a);
        }
        let (first, missing) = self.not_in_chain(scope, uid).await?;
        let Some(first) = first else { return Err(missing) };
        let mut a = self.meta.get_asset(&exact_key(scope, uid, &first)).await?.ok_or(missing)?;
        a.locale = scope.locale.clone();
        a.default_locale = scope.default_locale.clone();
        Ok(a)
    }

    async fn require_folder(&self, scope: &Scope, folder: &str) -> Result<()> {
        match self.meta.get_folder(&scope.space_uid, &scope.workspace_uid, folder).await? {
            Some(_) => Ok(()),
            None => Err(Error::not_found("folder_not_found", format!("folder {folder} does not exist"))),
        }
    }

    /// Saves new content (and file) of `current` in the scope's locale, as the next
    /// version on top of `based_on`: appended to the locale's variant, or, when the
    /// values were inherited, as the first version of a new variant that from then
    /// on no longer inherits.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn save(
        &self,
        actor: &Caller,
        scope: &Scope,
        current: &Asset,
        based_on: i64,
        content: AssetContent,
        file: trove_domain::model::StoredFile,
        new_file: Option<trove_domain::model::StoredFile>,
    ) -> Result<()> {
        let version = Version {
            number: based_on + 1,
            name: None,
            merged_from: None,
            locale: scope.locale.clone(),
            content,
            file,
            created_by: actor.user_uid.clone(),
            created_at: now(),
        };
        let key = exact_key(scope, &current.uid, &scope.locale);
        if current.head.locale == scope.locale {
            self.store_for(actor).append_version(&key, based_on, &version, new_file.as_ref()).await
        } else {
            let inherited = (current.head.locale.as_str(), based_on);
            self.store_for(actor).localize(&key, inherited, &version, new_file.as_ref()).await.map(|_| ())
        }
    }

    /// Moves one asset to the trash. With a precondition (`If-Match`), only while the
    /// asset as the scope's locale reads it is still at a version it accepts.
    pub async fn delete_asset(
        &self,
        actor: &Caller,
        scope: &Scope,
        uid: &str,
        if_match: Option<Precondition>,
    ) -> Result<()> {
        let uids = [uid.to_owned()];
        self.check_assets(scope, Action::AssetDelete, &uids).await?;
        let d = Deletion { deleted_by: actor.user_uid.clone(), deleted_at: now() };
        let Some(pre) = if_match.filter(|p| !p.follows_head()) else {
            return self.store_for(actor).trash_assets(&scope.space_uid, &scope.workspace_uid, &uids, &d, None).await;
        };
        // The read tells a stale condition (412) from an asset this locale cannot read
        // (404) with the same answers as a PUT; the store checks the head again when
        // it commits.
        based_on(&self.get_asset(scope, uid).await?, Some(&pre))?;
        let k = key(scope, uid);
        self.store_for(actor).trash_assets(&scope.space_uid, &scope.workspace_uid, &uids, &d, Some((&k, &pre))).await
    }

    /// Moves assets to the trash, all or none. Each asset counts once, however often
    /// it is named; the answer is how many assets were moved.
    pub async fn delete_assets(&self, actor: &Caller, scope: &Scope, uids: &[String]) -> Result<usize> {
        let uids = distinct(uids);
        check_bulk(&uids)?;
        self.check_assets(scope, Action::AssetDelete, &uids).await?;
        let d = Deletion { deleted_by: actor.user_uid.clone(), deleted_at: now() };
        self.store_for(actor).trash_assets(&scope.space_uid, &scope.workspace_uid, &uids, &d, None).await?;
        Ok(uids.len())
    }

    /// Moves assets into a folder (`None` or "root" = the root), all or none. Each
    /// asset counts once; the answer is how many assets were moved.
    pub async fn move_assets(&self, scope: &Scope, uids: &[String], target: Option<String>) -> Result<usize> {
        let uids = distinct(uids);
        check_bulk(&uids)?;
        let target = normalize_parent(target);
        self.check_assets(scope, Action::AssetUpdate, &uids).await?;
        self.check_in_folder(scope, Action::AssetUpdate, target.as_deref()).await?;
        self.store_for(&scope.caller)
            .move_assets(&scope.space_uid, &scope.workspace_uid, &uids, target.as_deref())
            .await?;
        Ok(uids.len())
    }
}

/// The UIDs in their first order, each once: a bulk request that names an asset twice
/// touches it once and says so.
fn distinct(uids: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::with_capacity(uids.len());
    uids.iter().filter(|u| seen.insert(u.as_str())).cloned().collect()
}

fn check_bulk(uids: &[String]) -> Result<()> {
    if uids.is_empty() {
        return Err(Error::invalid("asset_uids", "must name at least one asset"));
    }
    if uids.len() > MAX_BULK {
        return Err(Error::invalid("asset_uids", format!("at most {MAX_BULK} assets per request")));
    }
    Ok(())
}
