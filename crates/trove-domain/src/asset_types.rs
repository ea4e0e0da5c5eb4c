//! Asset types: what kind of file an asset is, chosen from its sniffed MIME type and
//! its extension, and the built-in catalogue of system types every server ships with.
//!
//! An asset type is what user-defined fields hang on, so every upload must get one:
//! [`detect`] always answers from the catalogue (a generic type per top-level MIME
//! type, then `binary`). The sniffer's MIME type decides; the extension only chooses
//! among the types that claim that MIME type, so bytes of one kind named as another
//! (`image/png` bytes called `x.pdf`) keep the kind of their bytes, while a generic
//! container (`application/zip`) named `x.docx` becomes a Word document.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use crate::asset_kinds::{Category, Restriction};
pub use crate::asset_types_catalogue::{BINARY, PLAIN_TEXT};

/// The longest asset type title.
pub const MAX_TITLE: usize = 50;

/// A kind of asset: the MIME types and extensions it matches and the fields its
/// assets carry. The shape follows Contentstack's asset type object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetType {
    /// Letters, digits and `_`; immutable.
    pub uid: String,
    /// At most [`MAX_TITLE`] characters.
    pub title: String,
    pub description: String,
    pub category: Category,
    /// The MIME types the type matches, its canonical `content_type` first, then the
    /// other names sniffers give the same bytes (`application/zip` for a `.docx`).
    pub mime_types: Vec<String>,
    /// Lower-case extensions without the dot.
    pub file_extensions: Vec<String>,
    /// Built-in types cannot be deleted (fields can still be added to them).
    pub is_system: bool,
    /// Set when uploads of this type are refused unless an administrator allows them.
    pub restricted: Option<Restriction>,
    /// The name of the icon the web UI shows for it (a category icon when `None`).
    #[serde(default)]
    pub icon: Option<String>,
    /// UIDs of the user-defined fields, in display order; empty for fresh system types.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Rules across its fields, checked with them on every save.
    #[serde(default)]
    pub rules: Vec<crate::fields::CrossRule>,
}

impl AssetType {
    /// The canonical MIME type (`content_type` on the wire).
    pub fn content_type(&self) -> &str {
        self.mime_types.first().map_or("", String::as_str)
    }

    /// Whether the type matches the (lower-case, bare) MIME type `mime`.
    pub fn claims_mime(&self, mime: &str) -> bool {
        self.mime_types.iter().any(|m| m == mime)
    }

    /// Whether the type matches the lower-case extension `ext`.
    pub fn claims_extension(&self, ext: &str) -> bool {
        self.file_extensions.iter().any(|e| e == ext)
    }

    /// The (MIME type, extension) pairs the type claims, each of which belongs to
    /// one type only; a type without extensions claims its MIME types with the
    /// empty extension.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let exts: Vec<&str> = if self.file_extensions.is_empty() {
            vec![""]
        } else {
            self.file_extensions.iter().map(String::as_str).collect()
        };
        self.mime_types.iter().flat_map(|m| exts.iter().map(move |e| (m.clone(), (*e).to_owned()))).collect()
    }
}

/// Longest description of an organization's type, in characters.
pub const MAX_DESCRIPTION: usize = 1000;
/// Most MIME types and extensions one type claims.
pub const MAX_MIME_TYPES: usize = 20;
pub const MAX_EXTENSIONS: usize = 50;
/// Longest extension: longer ones are never detected (see [`crate::rules::extension`]).
pub const MAX_EXTENSION: usize = 16;
/// Longest icon name.
pub const MAX_ICON: usize = 64;
/// Most fields and rules of one type, so every save's checks stay small.
pub const MAX_TYPE_FIELDS: usize = 200;
pub const MAX_RULES: usize = 50;

/// Whether `uid` is a well-formed type or field UID: 1 to 64 letters, digits or `_`.
pub fn is_uid(uid: &str) -> bool {
    (1..=crate::fields::MAX_FIELD_UID).contains(&uid.len())
        && uid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A lower-case `type/subtype` MIME type without parameters, each side starting
/// with a letter or digit and made of RFC 6838's name characters.
pub fn is_mime(m: &str) -> bool {
    let name = |s: &str| {
        (1..=127).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$&^_.+-".contains(&b))
    };
    m.split_once('/').is_some_and(|(t, s)| name(t) && name(s))
}

/// A lower-case extension without the dot, starting with a letter or digit.
pub fn is_extension(e: &str) -> bool {
    (1..=MAX_EXTENSION).contains(&e.len())
        && e.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && e.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"_+-".contains(&b))
}

/// Checks the properties of an organization's type that need nothing else to be
/// judged (its fields and rules are checked against the organization's fields by
/// the use case). Every problem is collected into `errs` by property path.
pub fn check_definition(t: &AssetType, errs: &mut crate::FieldErrors) {
    if !is_uid(&t.uid) {
        errs.add("uid", "must be 1 to 64 letters, digits or _");
    }
    // Length and control characters count before trimming, as the request schema says.
    if t.title.chars().all(crate::rules::draws_nothing)
        || t.title.chars().count() > MAX_TITLE
        || t.title.chars().any(char::is_control)
    {
        errs.add("title", format!("must be 1 to {MAX_TITLE} visible characters"));
    }
    if t.description.chars().count() > MAX_DESCRIPTION
        || t.description.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        errs.add("description", format!("must be at most {MAX_DESCRIPTION} characters without control characters"));
    }
    list(&t.mime_types, "mime_types", 1, MAX_MIME_TYPES, is_mime, "a lower-case type/subtype MIME type", errs);
    list(
        &t.file_extensions,
        "file_extensions",
        0,
        MAX_EXTENSIONS,
        is_extension,
        "a lower-case extension without the dot",
        errs,
    );
    if let Some(icon) = &t.icon
        && !((1..=MAX_ICON).contains(&icon.len())
            && icon.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'))
    {
        errs.add("icon", format!("must be 1 to {MAX_ICON} characters a-z, 0-9, _ or -"));
    }
    list(&t.fields, "fields", 0, MAX_TYPE_FIELDS, is_uid, "a field UID", errs);
    if t.rules.len() > MAX_RULES {
        errs.add("rules", format!("must have at most {MAX_RULES} rules"));
    }
}

/// A list of `min` to `max` different items, each passing `ok` (else `what`).
fn list(
    items: &[String],
    key: &str,
    min: usize,
    max: usize,
    ok: fn(&str) -> bool,
    what: &str,
    errs: &mut crate::FieldErrors,
) {
    if items.len() < min || items.len() > max {
        errs.add(key, format!("must have {min} to {max} items"));
    }
    for (i, item) in items.iter().enumerate() {
        if !ok(item) {
            errs.add(&format!("{key}[{i}]"), format!("must be {what}"));
        } else if items[..i].contains(item) {
            errs.add(&format!("{key}[{i}]"), "appears more than once");
        }
    }
}

static CATALOGUE: LazyLock<Vec<AssetType>> = LazyLock::new(|| {
    crate::asset_types_catalogue::ENTRIES
        .iter()
        .map(|e| AssetType {
            uid: e.uid.to_owned(),
            title: e.title.to_owned(),
            description: e.description(),
            category: e.category,
            mime_types: e.mimes.iter().map(|m| (*m).to_owned()).collect(),
            file_extensions: e.exts.iter().map(|x| (*x).to_owned()).collect(),
            is_system: true,
            restricted: e.restricted,
            icon: None,
            fields: Vec::new(),
            rules: Vec::new(),
        })
        .collect()
});

/// The built-in system types (listed in `docs/asset-types.md`).
pub fn catalogue() -> &'static [AssetType] {
    &CATALOGUE
}

/// The restriction of the built-in types that claim the extension of `file_name`,
/// if any. Trailing dots are ignored because Windows drops them: `evil.exe.` runs
/// as `evil.exe`. Restricted extensions belong to no unrestricted type (a test
/// proves it), so the answer does not depend on the bytes.
pub fn restriction_of_file_name(file_name: &str) -> Option<Restriction> {
    let ext = crate::rules::extension(file_name.trim_end_matches('.'))?;
    catalogue().iter().find(|t| t.claims_extension(&ext)).and_then(|t| t.restricted)
}

/// The type of an upload whose bytes sniffed as `sniffed_mime` and whose name is
/// `file_name`, chosen from `types`:
///
/// 1. the type claiming both the MIME type and the extension;
/// 2. else the type whose canonical MIME type it is, else the first claiming it;
/// 3. else the generic type of its top-level type (`other_image`, `other_video`,
///    `other_audio`, `other_text`, `other_font`), else [`BINARY`].
///
/// `None` only when `types` lacks the fallbacks (the built-in catalogue has them).
pub fn detect<'a>(types: &'a [AssetType], sniffed_mime: &str, file_name: &str) -> Option<&'a AssetType> {
    let mime = essence(sniffed_mime);
    let by_uid = |uid: &str| types.iter().find(|t| t.uid == uid);
    crate::rules::extension(file_name.trim_end_matches('.'))
        .and_then(|ext| types.iter().find(|t| t.claims_mime(&mime) && t.claims_extension(&ext)))
        .or_else(|| types.iter().find(|t| t.content_type() == mime))
        .or_else(|| types.iter().find(|t| t.claims_mime(&mime)))
        .or_else(|| generic_uid(&mime).and_then(by_uid))
        .or_else(|| by_uid(BINARY))
}

/// A MIME type without parameters, trimmed and lower-cased.
fn essence(mime: &str) -> String {
    mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The generic type for a MIME type nothing more specific claims.
fn generic_uid(mime: &str) -> Option<&'static str> {
    let top = mime.split('/').next()?;
    Some(match top {
        "image" => "other_image",
        "video" => "other_video",
        "audio" => "other_audio",
        "text" => "other_text",
        "font" => "other_font",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "asset_types_tests.rs"]
mod tests;
