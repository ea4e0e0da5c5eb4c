//! Asset types: what kind of file an asset is, and the fields its assets carry.
//! The organization's types are the built-in catalogue (`trove_domain::asset_types`),
//! with the fields and rules it added to those, and the types it defined itself;
//! [`App::asset_model`] reads them together with the fields, as the value every save
//! is checked against.

use trove_domain::asset_model::AssetModel;
use trove_domain::asset_types::{AssetType, Category, catalogue, check_definition, is_uid};
use trove_domain::fields::{CrossRule, FieldKind};
use trove_domain::{Error, FieldErrors, Result};

use std::sync::Arc;

use crate::access::Caller;
use crate::ports::StoredAssetType;
use crate::scope::Scope;
use crate::{App, now};

/// An asset model and the settings version it was read at.
pub(crate) type CachedModel = (i64, Arc<AssetModel>);

impl App {
    /// The organization's asset types and fields as they are now, read from the store.
    pub async fn asset_model(&self) -> Result<AssetModel> {
        let (types, fields) = tokio::try_join!(self.meta.list_asset_types(), self.meta.list_fields())?;
        Ok(AssetModel::new(types.into_iter().map(|t| t.def).collect(), fields.into_iter().map(|f| f.def).collect()))
    }

    /// The asset model as of the scope's settings version: from memory when this
    /// node has read it at that version, else from the store. Every change of a
    /// field or type bumps the version, and every request reads it with its
    /// workspace, so a change made on any node is seen by the next request on every
    /// node, and reads and saves cost no query for it.
    pub(crate) async fn model(&self, scope: &Scope) -> Result<Arc<AssetModel>> {
        if let Ok(guard) = self.models.read()
            && let Some((v, model)) = guard.as_ref()
            && *v == scope.settings_version
        {
            return Ok(model.clone());
        }
        // Read after the version, so the model is at least that new.
        let model = Arc::new(self.asset_model().await?);
        if let Ok(mut guard) = self.models.write() {
            *guard = Some((scope.settings_version, model.clone()));
        }
        Ok(model)
    }

    /// Every asset type, by UID.
    pub async fn list_asset_types(&self) -> Result<Vec<AssetType>> {
        let mut types = self.asset_model().await?.types().to_vec();
        types.sort_by(|a, b| a.uid.cmp(&b.uid));
        Ok(types)
    }

    /// One asset type; `asset_type_not_found` (404) if there is none by that UID.
    pub async fn get_asset_type(&self, uid: &str) -> Result<AssetType> {
        self.asset_model()
            .await?
            .asset_type(uid)
            .cloned()
            .ok_or_else(|| Error::not_found("asset_type_not_found", format!("there is no asset type {uid}")))
    }
}

/// What a client sends to create or replace a type. On create, `uid`, `title`,
/// `category` and `mime_types` are required; on replace, anything left out keeps
/// its current value.
#[derive(Debug, Clone, Default)]
pub struct AssetTypeInput {
    pub uid: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<Category>,
    pub mime_types: Option<Vec<String>>,
    pub file_extensions: Option<Vec<String>>,
    /// `Some(None)`: no icon.
    pub icon: Option<Option<String>>,
    pub fields: Option<Vec<String>>,
    pub rules: Option<Vec<CrossRule>>,
}

fn not_found(uid: &str) -> Error {
    Error::not_found("asset_type_not_found", format!("there is no asset type {uid}"))
}

/// `input` applied over `base`.
fn merged(base: AssetType, input: AssetTypeInput) -> AssetType {
    AssetType {
        uid: input.uid.unwrap_or(base.uid),
        title: input.title.unwrap_or(base.title),
        description: input.description.unwrap_or(base.description),
        category: input.category.unwrap_or(base.category),
        mime_types: input.mime_types.unwrap_or(base.mime_types),
        file_extensions: input.file_extensions.unwrap_or(base.file_extensions),
        icon: input.icon.unwrap_or(base.icon),
        fields: input.fields.unwrap_or(base.fields),
        rules: input.rules.unwrap_or(base.rules),
        ..base
    }
}

/// The properties of a built-in type `wanted` changes, which only its fields and
/// rules may.
fn changed_builtin_properties(builtin: &AssetType, wanted: &AssetType) -> Vec<&'static str> {
    let same = [
        ("uid", builtin.uid == wanted.uid),
        ("title", builtin.title == wanted.title),
        ("description", builtin.description == wanted.description),
        ("category", builtin.category == wanted.category),
        ("mime_types", builtin.mime_types == wanted.mime_types),
        ("file_extensions", builtin.file_extensions == wanted.file_extensions),
        ("icon", builtin.icon == wanted.icon),
    ];
    same.into_iter().filter(|(_, same)| !same).map(|(k, _)| k).collect()
}

/// Checks the fields and rules of `t` against the organization's fields: each
/// field exists, and each rule's paths name fields of `t` (dotted into groups).
fn check_parts(model: &AssetModel, t: &AssetType, errs: &mut FieldErrors) {
    for (i, f) in t.fields.iter().enumerate() {
        if is_uid(f) && model.field(f).is_none() {
            errs.add(&format!("fields[{i}]"), format!("there is no field {f}"));
        }
    }
    let names_field = |path: &str| {
        let mut parts = path.split('.');
        let Some(first) = parts.next().filter(|p| t.fields.iter().any(|f| f == p)) else { return false };
        let Some(mut def) = model.field(first) else { return false };
        for p in parts {
            match &def.kind {
                FieldKind::Group { fields } => match fields.iter().find(|f| f.uid == p) {
                    Some(inner) => def = inner,
                    None => return false,
                },
                _ => return false,
            }
        }
        true
    };
    for (i, rule) in t.rules.iter().enumerate() {
        let (paths, message) = match rule {
            CrossRule::Compare { left, right, message, .. } => ([("left", left), ("right", right)], message),
            CrossRule::RequiredIf { field, then, message, .. } => ([("field", field), ("then", then)], message),
        };
        for (key, path) in paths {
            if !names_field(path) {
                errs.add(&format!("rules[{i}].{key}"), "does not name a field of this asset type");
            }
        }
        if message.as_ref().is_some_and(|m| m.chars().count() > MAX_RULE_MESSAGE || m.chars().any(char::is_control)) {
            errs.add(
                &format!("rules[{i}].message"),
                format!("must be at most {MAX_RULE_MESSAGE} characters without control characters"),
            );
        }
    }
}

/// Longest message of a cross-field rule.
pub const MAX_RULE_MESSAGE: usize = 255;

/// A pair of `t` a built-in type claims (its owner named), which no organization
/// type may take (pairs other organization types claim are refused by the store).
fn builtin_pair_owner(t: &AssetType) -> Option<Error> {
    let builtin: Vec<(String, String, &AssetType)> =
        catalogue().iter().flat_map(|b| b.pairs().into_iter().map(move |(m, e)| (m, e, b))).collect();
    t.pairs().into_iter().find_map(|(mime, ext)| {
        let (_, _, owner) = builtin.iter().find(|(m, e, _)| *m == mime && *e == ext)?;
        let mut e = Error::conflict(
            "asset_type_pair_taken",
            format!("the built-in asset type {} already claims {mime} with extension {ext:?}", owner.uid),
        );
        e.fields.insert("mime_types".to_owned(), vec![format!("{mime} with {ext:?} belongs to {}", owner.uid)]);
        Some(e)
    })
}

/// `def` as written by `actor` now (a replace keeps the stored creation).
fn stamped(def: AssetType, actor: &Caller) -> StoredAssetType {
    let at = now();
    StoredAssetType {
        def,
        created_by: actor.user_uid.clone(),
        created_at: at,
        updated_by: actor.user_uid.clone(),
        updated_at: at,
    }
}

impl App {
    /// Adds an organization type. A UID a built-in or stored type has is
    /// `asset_type_exists`, a (MIME type, extension) pair another type claims
    /// `asset_type_pair_taken` (both 409).
    pub async fn create_asset_type(&self, actor: &Caller, input: AssetTypeInput) -> Result<AssetType> {
        let mut errs = FieldErrors::default();
        for (key, given) in [
            ("uid", input.uid.is_some()),
            ("title", input.title.is_some()),
            ("category", input.category.is_some()),
            ("mime_types", input.mime_types.is_some()),
        ] {
            if !given {
                errs.add(key, "is required");
            }
        }
        // What is missing is all there is to say: the rest is judged once it is there.
        errs.finish()?;
        let mut errs = FieldErrors::default();
        let blank = AssetType {
            uid: String::new(),
            title: String::new(),
            description: String::new(),
            category: Category::Other,
            mime_types: Vec::new(),
            file_extensions: Vec::new(),
            is_system: false,
            restricted: None,
            icon: None,
            fields: Vec::new(),
            rules: Vec::new(),
        };
        let t = merged(blank, input);
        let model = self.asset_model().await?;
        check_definition(&t, &mut errs);
        check_parts(&model, &t, &mut errs);
        errs.finish()?;
        let t = AssetType { title: t.title.trim().to_owned(), ..t };
        if catalogue().iter().any(|b| b.uid == t.uid) {
            let mut e = Error::conflict("asset_type_exists", format!("{} is a built-in asset type", t.uid));
            e.fields.insert("uid".to_owned(), vec!["is taken".to_owned()]);
            return Err(e);
        }
        if let Some(e) = builtin_pair_owner(&t) {
            return Err(e);
        }
        let stored = stamped(t, actor);
        self.store_for(actor).create_asset_type(&stored).await?;
        Ok(stored.def)
    }

    /// Replaces type `uid` with `input` applied over it. Of a built-in type only
    /// the fields and rules may change: another property that differs from the
    /// built-in value is `immutable_field` (409), as is another UID.
    pub async fn update_asset_type(&self, actor: &Caller, uid: &str, input: AssetTypeInput) -> Result<AssetType> {
        let model = self.asset_model().await?;
        let current = model.asset_type(uid).cloned().ok_or_else(|| not_found(uid))?;
        let t = merged(current.clone(), input);
        if t.uid != current.uid {
            return Err(Error::immutable(&["uid"]));
        }
        if current.is_system {
            let changed = changed_builtin_properties(&current, &t);
            if !changed.is_empty() {
                let mut e = Error::immutable(&changed);
                e.message = format!(
                    "{} of a built-in asset type cannot be changed; its fields and rules can",
                    changed.join(" and ")
                );
                return Err(e);
            }
        }
        let mut errs = FieldErrors::default();
        if !current.is_system {
            check_definition(&t, &mut errs);
        }
        check_parts(&model, &t, &mut errs);
        errs.finish()?;
        let t = AssetType { title: t.title.trim().to_owned(), ..t };
        if !t.is_system
            && let Some(e) = builtin_pair_owner(&t)
        {
            return Err(e);
        }
        let stored = stamped(t, actor);
        let saved = self.store_for(actor).update_asset_type(&stored).await?.ok_or_else(|| not_found(uid))?;
        Ok(saved.def)
    }

    /// Deletes an organization type no file has. Built-in types are
    /// `system_asset_type`, types with files `asset_type_in_use` (both 409).
    pub async fn delete_asset_type(&self, who: &Caller, uid: &str) -> Result<()> {
        let model = self.asset_model().await?;
        let t = model.asset_type(uid).ok_or_else(|| not_found(uid))?;
        if t.is_system {
            return Err(Error::conflict(
                "system_asset_type",
                format!("{uid} is a built-in asset type: it cannot be deleted, but its fields and rules can change"),
            ));
        }
        let files = self.meta.count_files_of_type(uid).await?;
        if files > 0 {
            let mut e = Error::conflict(
                "asset_type_in_use",
                format!("the asset type {uid} cannot be deleted: {files} stored files are of it"),
            );
            e.fields.insert("files".to_owned(), vec![files.to_string()]);
            return Err(e);
        }
        if !self.store_for(who).delete_asset_type(uid).await? {
            return Err(not_found(uid));
        }
        Ok(())
    }
}
