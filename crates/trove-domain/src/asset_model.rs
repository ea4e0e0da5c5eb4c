//! The organization's asset model at one moment: every asset type (the built-in
//! catalogue, with the fields and rules the organization added to it, and the
//! organization's own types) and the fields they use.
//!
//! It is what every save is checked against and what reads fill defaults from, so
//! the use cases load it once per request and pass it around as a value; checking
//! is then pure.

use std::collections::BTreeMap;

use serde_json::{Map, Value as Json};

use crate::FieldErrors;
use crate::asset_types::{AssetType, BINARY, catalogue};
use crate::fields::{CrossRule, FieldDef, Values, validate_into};

/// Which language a write or read is in, as shared fields see it.
#[derive(Debug, Clone, Copy)]
pub enum Side<'a> {
    /// The workspace's default language: it holds every field's value.
    Default,
    /// Another language: it holds localizable values only, and reads the shared ones
    /// (`shared`, the default language's stored values) from the default language.
    Other { default_locale: &'a str, shared: &'a Map<String, Json> },
}

/// Where custom values come from, which decides what is reported and what is
/// quietly left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The request: every problem is reported.
    Request,
    /// An old version being restored: values of fields the type no longer has are
    /// reported (the version no longer fits), shared values it holds from the
    /// default language are left out in another language.
    Restore,
    /// The current version, carried over by an edit of something else: values of
    /// fields the type no longer has and inherited shared values are left out.
    Current,
}

/// The organization's asset types and fields.
#[derive(Debug, Clone, Default)]
pub struct AssetModel {
    types: Vec<AssetType>,
    fields: BTreeMap<String, FieldDef>,
}

impl AssetModel {
    /// The model from the organization's stored types (its own, and rows adding
    /// fields and rules to built-in ones, which carry `is_system`) and its fields.
    pub fn new(stored: Vec<AssetType>, fields: Vec<FieldDef>) -> Self {
        let mut types: Vec<AssetType> = catalogue().to_vec();
        for t in stored {
            match types.iter_mut().find(|s| s.is_system && s.uid == t.uid) {
                Some(system) => {
                    system.fields = t.fields;
                    system.rules = t.rules;
                }
                None if !t.is_system => types.push(t),
                None => {}
            }
        }
        let fields = fields.into_iter().map(|f| (f.uid.clone(), f)).collect();
        Self { types, fields }
    }

    /// Every type: the catalogue's first, then the organization's.
    pub fn types(&self) -> &[AssetType] {
        &self.types
    }

    pub fn asset_type(&self, uid: &str) -> Option<&AssetType> {
        self.types.iter().find(|t| t.uid == uid)
    }

    pub fn field(&self, uid: &str) -> Option<&FieldDef> {
        self.fields.get(uid)
    }

    /// The UID of the type of an upload (see [`crate::asset_types::detect`]);
    /// organization types take part, since each (MIME type, extension) pair
    /// belongs to one type.
    pub fn detect(&self, sniffed_mime: &str, file_name: &str) -> String {
        crate::asset_types::detect(&self.types, sniffed_mime, file_name).map_or(BINARY, |t| t.uid.as_str()).to_owned()
    }

    /// The fields of a type, in its order (fields it names that no longer exist are
    /// skipped; deleting a field in use is refused, so that is a transient state).
    pub fn fields_of(&self, type_uid: &str) -> Vec<&FieldDef> {
        self.asset_type(type_uid).map_or_else(Vec::new, |t| t.fields.iter().filter_map(|f| self.field(f)).collect())
    }

    fn rules_of(&self, type_uid: &str) -> &[CrossRule] {
        self.asset_type(type_uid).map_or(&[], |t| t.rules.as_slice())
    }

    /// The types that use field `uid`.
    pub fn types_using(&self, uid: &str) -> Vec<&AssetType> {
        self.types.iter().filter(|t| t.fields.iter().any(|f| f == uid)).collect()
    }

    /// Checks the custom values of an asset of type `type_uid` saved in `side`, and
    /// returns them typed, missing values with a default taking it. Every problem is
    /// collected into `errs` under `custom_metadata.<path>`.
    pub fn check(
        &self,
        type_uid: &str,
        input: &Map<String, Json>,
        side: Side<'_>,
        origin: Origin,
        errs: &mut FieldErrors,
    ) -> Values {
        let all = self.fields_of(type_uid);
        let (fields, shared): (Vec<FieldDef>, Vec<FieldDef>) = match side {
            Side::Default => (all.into_iter().cloned().collect(), Vec::new()),
            Side::Other { .. } => all.into_iter().cloned().partition(|f| f.localizable),
        };
        let mut own = Map::new();
        for (key, value) in input {
            let known = fields.iter().any(|f| &f.uid == key);
            if known {
                own.insert(key.clone(), value.clone());
            } else if origin != Origin::Current && !value.is_null() {
                let is_shared = shared.iter().any(|f| &f.uid == key);
                match side {
                    Side::Other { .. } if is_shared && origin == Origin::Restore => {}
                    Side::Other { default_locale, .. } if is_shared => errs.add(
                        &format!("custom_metadata.{key}"),
                        format!("is shared by every language: write it in the default language, {default_locale}"),
                    ),
                    _ => errs.add(&format!("custom_metadata.{key}"), "is not a field of this asset type"),
                }
            }
        }
        let context = match side {
            Side::Other { shared: stored, .. } if !shared.is_empty() => lenient(&shared, stored),
            _ => Values::new(),
        };
        validate_into(&fields, self.rules_of(type_uid), &own, &context, errs)
    }

    /// The values a read shows: the stored values of the type's fields (shared ones
    /// from the default language when `side` is another), and each missing value
    /// that has a default, its default — how making a field mandatory with a default
    /// reaches every existing asset at once, until it is next saved.
    pub fn effective(&self, type_uid: &str, stored: &Map<String, Json>, side: Side<'_>) -> Map<String, Json> {
        let mut out = Map::new();
        for def in self.fields_of(type_uid) {
            let source = match side {
                Side::Other { shared, .. } if !def.localizable => shared,
                _ => stored,
            };
            let value = source.get(&def.uid).filter(|v| !v.is_null()).or(def.default_value());
            if let Some(v) = value {
                out.insert(def.uid.clone(), v.clone());
            }
        }
        out
    }

    /// Whether any field of the type is shared (reads in other languages then need
    /// the default language's values).
    pub fn has_shared(&self, type_uid: &str) -> bool {
        self.fields_of(type_uid).iter().any(|f| !f.localizable)
    }
}

/// Stored values read back as typed values for the cross-field rules, skipping any
/// that no longer fit (they are reported when their own language is saved).
fn lenient(fields: &[FieldDef], stored: &Map<String, Json>) -> Values {
    let mut ignored = FieldErrors::default();
    let known: Map<String, Json> = stored
        .iter()
        .filter(|(k, _)| fields.iter().any(|f| &f.uid == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    validate_into(fields, &[], &known, &Values::new(), &mut ignored)
}

#[cfg(test)]
#[path = "asset_model_tests.rs"]
mod tests;
