//! Request schemas that carry the server's real constraints, built from the domain
//! rules themselves (their constants and predicates), so the OpenAPI document
//! accepts exactly what the server accepts: a client generating input from it is
//! neither refused for schema-valid data nor let through with schema-invalid data.
//!
//! A request field uses one of these with `#[schema(schema_with = schemas::…)]` (or
//! `#[param(schema_with = …)]` for query parameters); a new field with a rule gets a
//! function here next to its siblings, never a number typed again.

pub mod model;

use std::sync::OnceLock;

use trove_domain::languages::MAX_CODE;
use trove_domain::model::PageRequest;
use trove_domain::rules::{self, MAX_ALT_TEXT, MAX_DESCRIPTION, MAX_SLUG, MAX_TAG, MAX_TAGS, MAX_TITLE};
use trove_domain::workspace::MAX_WORKSPACE_UID;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
use utoipa::openapi::{Object, RefOr, Schema};

/// A regular-expression character class body for every character `keep` selects,
/// as ranges (control characters escaped, so the pattern stays printable JSON).
fn class(keep: impl Fn(char) -> bool) -> String {
    let mut out = String::new();
    let mut run: Option<(char, char)> = None;
    let push = |out: &mut String, (a, b): (char, char)| {
        out.push_str(&escape(a));
        if b != a {
            out.push('-');
            out.push_str(&escape(b));
        }
    };
    for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
        match (keep(c), run) {
            (true, Some((a, b))) if u32::from(b) + 1 == u32::from(c) => run = Some((a, c)),
            (true, _) => {
                if let Some(r) = run.take() {
                    push(&mut out, r);
                }
                run = Some((c, c));
            }
            (false, _) => {}
        }
    }
    if let Some(r) = run {
        push(&mut out, r);
    }
    out
}

fn escape(c: char) -> String {
    if c.is_control() || rules::draws_nothing(c) && u32::from(c) <= 0xFFFF {
        format!("\\u{:04x}", u32::from(c))
    } else if matches!(c, '\\' | ']' | '[' | '^' | '-') {
        format!("\\{c}")
    } else {
        c.to_string()
    }
}

/// Text that draws something: no control characters, and at least one character
/// that draws something ([`rules::draws_nothing`]), as
/// [`rules::title`] requires.
fn visible_text_pattern() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| {
        let control = class(char::is_control);
        let blank = class(|c| c.is_control() || rules::draws_nothing(c));
        format!("^[^{control}]*[^{blank}][^{control}]*$")
    })
}

/// Long text: no control characters other than line breaks and tabs.
fn long_text_pattern() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| format!("^[^{}]*$", class(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))))
}

/// A version name ([`rules::version_name`]): letters, digits, space, `-`, `_`, and
/// something visible.
fn version_name_pattern() -> &'static str {
    static P: OnceLock<String> = OnceLock::new();
    P.get_or_init(|| {
        let any = class(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'));
        let shown = class(|c| (c.is_alphanumeric() && !rules::draws_nothing(c)) || matches!(c, '-' | '_'));
        format!("^[{any}]*[{shown}][{any}]*$")
    })
}

fn string(nullable: bool) -> ObjectBuilder {
    if nullable {
        ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Null]))
    } else {
        ObjectBuilder::new().schema_type(Type::String)
    }
}

fn text(max: usize, pattern: &str, nullable: bool) -> Object {
    string(nullable).min_length(Some(1)).max_length(Some(max)).pattern(Some(pattern)).build()
}

/// A title or name (required where this is used).
pub fn title() -> Object {
    text(MAX_TITLE, visible_text_pattern(), false)
}

/// A title or name that may be left out (`null` keeps the current one).
pub fn title_or_null() -> Object {
    text(MAX_TITLE, visible_text_pattern(), true)
}

/// A description; empty or `null` means none.
pub fn description() -> Object {
    string(true).max_length(Some(MAX_DESCRIPTION)).pattern(Some(long_text_pattern())).build()
}

/// Alternative text; empty or `null` means none.
pub fn alt_text() -> Object {
    string(true).max_length(Some(MAX_ALT_TEXT)).pattern(Some(long_text_pattern())).build()
}

/// Tags: at most [`MAX_TAGS`], each at most [`MAX_TAG`] characters.
pub fn tags() -> RefOr<Schema> {
    let tag = string(false).max_length(Some(MAX_TAG)).pattern(Some(format!("^[^{}]*$", class(char::is_control))));
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(tag)
        .max_items(Some(MAX_TAGS))
        .into()
}

/// A permanent-URL slug ([`rules::slug`]).
pub fn slug() -> Object {
    string(true).pattern(Some(format!(r"^(?!\.\.?$)[A-Za-z0-9._~\-]{{1,{MAX_SLUG}}}$"))).build()
}

/// A version name; `null` removes it.
pub fn version_name() -> Object {
    string(true)
        .max_length(Some(rules::MAX_VERSION_NAME))
        .pattern(Some(version_name_pattern()))
        .description(Some("Letters, digits, spaces, `-` or `_`; `null` removes the name."))
        .build()
}

/// The pattern of a language code ([`trove_domain::languages::code`]); case does
/// not matter.
pub fn language_code_pattern() -> String {
    format!("^[A-Za-z][A-Za-z0-9\\-]{{1,{}}}$", MAX_CODE - 1)
}

/// A language code.
pub fn language_code() -> Object {
    string(false).pattern(Some(language_code_pattern())).build()
}

/// A language code, or `null`/absent.
pub fn language_code_or_null() -> Object {
    string(true).pattern(Some(language_code_pattern())).build()
}

/// A list of language codes.
pub fn language_codes() -> RefOr<Schema> {
    ArrayBuilder::new().items(language_code()).min_items(Some(1)).into()
}

/// A workspace UID ([`trove_domain::workspace::workspace_uid`]).
pub fn workspace_uid() -> Object {
    string(false).pattern(Some(format!("^[a-z0-9_]{{1,{MAX_WORKSPACE_UID}}}$"))).build()
}

/// A workspace UID, or `null`/absent.
pub fn workspace_uid_or_null() -> Object {
    string(true).pattern(Some(format!("^[a-z0-9_]{{1,{MAX_WORKSPACE_UID}}}$"))).build()
}

/// A merge strategy.
pub fn merge_strategy() -> Object {
    use trove_domain::workspace::MergeStrategy as M;
    string(true)
        .enum_values(Some(
            [M::FailOnConflict, M::PreferWorkspace, M::PreferSource]
                .map(|s| Some(s.as_str()))
                .into_iter()
                .chain([None]),
        ))
        .build()
}

/// The UIDs of a bulk request: 1 to [`trove_app::assets::MAX_BULK`].
pub fn bulk_uids() -> RefOr<Schema> {
    ArrayBuilder::new().items(string(false)).min_items(Some(1)).max_items(Some(trove_app::assets::MAX_BULK)).into()
}

/// An `asset_type` query parameter: an asset type UID (letters, digits and `_`).
pub fn asset_type_param() -> Object {
    string(false).pattern(Some("^[A-Za-z0-9_]{1,64}$".to_owned())).build()
}

/// A `locale` query parameter: a language code; absent or empty is the default.
pub fn locale_param() -> Object {
    let code = language_code_pattern();
    let inner = code.trim_start_matches('^').trim_end_matches('$');
    string(false).pattern(Some(format!(r"^\s*({inner}\s*)?$"))).build()
}

/// An `If-Match` header as [`trove_domain::precondition::parse_if_match`] reads
/// it: `*`, a version number, or a list of entity tags (`"v3"`, `W/"x"`).
pub fn if_match() -> Object {
    let tag = r#"(W/)?"[!#-~]*""#;
    let list = format!(r"[ \t,]*{tag}[ \t]*(,[ \t,]*({tag}[ \t]*)?)*");
    string(false).pattern(Some(format!(r"^[ \t]*(\*|0*[1-9][0-9]{{0,17}}|{list})[ \t]*$"))).build()
}

/// A 64-bit integer from `min` up.
fn int64(min: i64) -> ObjectBuilder {
    use utoipa::openapi::{KnownFormat, SchemaFormat};
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
}

/// `limit`: items per page, 1 to [`PageRequest::MAX_LIMIT`] (default 100).
pub fn limit() -> Object {
    int64(1)
        .maximum(Some(PageRequest::MAX_LIMIT))
        .description(Some(format!(
            "Items per page, 1 to {} (default {}).",
            PageRequest::MAX_LIMIT,
            PageRequest::DEFAULT_LIMIT
        )))
        .build()
}

/// `skip`: items to skip, not negative.
pub fn skip() -> Object {
    int64(0).description(Some("Items to skip (default 0).")).build()
}

/// The `type` filter of the trash.
pub fn trash_kind() -> Object {
    string(false).enum_values(Some(["asset", "folder"])).build()
}

/// A trash time filter: an RFC 3339 instant or a `YYYY-MM-DD` day.
pub fn trash_time() -> RefOr<Schema> {
    use utoipa::openapi::{KnownFormat, SchemaFormat};
    let as_format = |f| string(false).format(Some(SchemaFormat::KnownFormat(f))).build();
    utoipa::openapi::schema::AnyOfBuilder::new()
        .item(as_format(KnownFormat::DateTime))
        .item(as_format(KnownFormat::Date))
        .description(Some("An RFC 3339 instant or a `YYYY-MM-DD` day."))
        .into()
}

/// The Contentstack form of a bulk request: 1 to [`trove_app::assets::MAX_BULK`]
/// `{"uid": …}` objects.
pub fn bulk_refs() -> RefOr<Schema> {
    ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("BulkAssetRef"))
        .min_items(Some(1))
        .max_items(Some(trove_app::assets::MAX_BULK))
        .into()
}

/// A description sent as a multipart text part.
pub fn long_text_part() -> Object {
    string(false).max_length(Some(MAX_DESCRIPTION)).pattern(Some(long_text_pattern())).build()
}

/// Alternative text sent as a multipart text part.
pub fn alt_text_part() -> Object {
    string(false).max_length(Some(MAX_ALT_TEXT)).pattern(Some(long_text_pattern())).build()
}

/// Tags sent as a multipart text part, in the comma-separated form (the JSON-array
/// form, starting with `[`, is accepted too but not described by this pattern).
pub fn tags_part() -> Object {
    static P: OnceLock<String> = OnceLock::new();
    let p = P.get_or_init(|| {
        let tag = format!("[^,{}]{{0,{MAX_TAG}}}", class(char::is_control));
        format!(r"^(?!\s*\[){tag}(,{tag}){{0,{}}}$", MAX_TAGS - 1)
    });
    string(false).pattern(Some(p.as_str())).build()
}

/// A key of `custom_metadata` ([`rules::custom_metadata`]): 1 to
/// [`rules::MAX_CUSTOM_KEY`] characters, no control, invisible or variation
/// characters, not only whitespace.
fn custom_key() -> Object {
    let bad = |c: char| c.is_control() || rules::is_invisible(c) || rules::is_variation_selector(c);
    let pattern = format!("^[^{}]*[^{}][^{}]*$", class(bad), class(|c| bad(c) || c.is_whitespace()), class(bad));
    string(false).min_length(Some(1)).max_length(Some(rules::MAX_CUSTOM_KEY)).pattern(Some(pattern)).build()
}

/// Free-form custom metadata: at most [`rules::MAX_CUSTOM_KEYS`] keys (see
/// [`custom_key`]), each holding a [`CustomValue`]; `null` keeps the current one.
pub fn custom_metadata() -> Object {
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Object, Type::Null]))
        .max_properties(Some(rules::MAX_CUSTOM_KEYS))
        .property_names(Some(custom_key()))
        .additional_properties(Some(utoipa::openapi::Ref::from_schema_name("CustomValue")))
        .description(Some(format!(
            "At most {} keys and {} bytes of JSON; text holds no control characters but tab, CR and LF.",
            rules::MAX_CUSTOM_KEYS,
            rules::MAX_CUSTOM_BYTES
        )))
        .build()
}

/// Any JSON value whose strings (and nested keys) hold no control characters but
/// tab, CR and LF: what a custom metadata key may hold.
pub struct CustomValue;

impl utoipa::PartialSchema for CustomValue {
    fn schema() -> RefOr<Schema> {
        let me = || utoipa::openapi::Ref::from_schema_name("CustomValue");
        let text = string(false)
            .pattern(Some(format!("^[^{}]*$", class(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')))));
        let nested_key = string(false).pattern(Some(format!("^[^{}]*$", class(char::is_control))));
        utoipa::openapi::schema::AnyOfBuilder::new()
            .item(text)
            .item(ObjectBuilder::new().schema_type(Type::Number))
            .item(ObjectBuilder::new().schema_type(Type::Boolean))
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .item(ArrayBuilder::new().items(me()))
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Object)
                    .property_names(Some(nested_key))
                    .additional_properties(Some(me())),
            )
            .into()
    }
}

impl utoipa::ToSchema for CustomValue {}
