//! User-defined fields: their definitions, the typed values assets carry for them,
//! and the pure checks both must pass.
//!
//! A field is defined once for the organization (its UID is how values are keyed
//! under `custom_metadata`, as in Contentstack's API) and used by asset types. Values
//! arrive as JSON and leave [`validate`] as a typed [`Values`] map, or as one
//! [`FieldErrors`] naming every problem by its path
//! (`custom_metadata.asset_rights.license_end_date`), so nothing untyped or invalid
//! reaches storage.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

use crate::error::FieldErrors;
use crate::rules::draws_nothing;

/// Longest field name, in characters.
pub const MAX_FIELD_NAME: usize = 50;
/// Longest field UID.
pub const MAX_FIELD_UID: usize = 64;
/// Deepest nesting of groups (a group inside a group inside a group …).
pub const MAX_GROUP_DEPTH: usize = 5;
/// Most options of a select field, and most values of a multiple field.
pub const MAX_OPTIONS: usize = 1000;
pub const MAX_ITEMS: usize = 1000;
/// Longest text value, in characters, whatever the field allows.
pub const MAX_TEXT: usize = 100_000;
/// Largest compiled validation pattern, so a definition cannot make every save slow.
const REGEX_SIZE_LIMIT: usize = 256 * 1024;

/// What kind of value a field holds, with the settings of that kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    SingleLine,
    MultiLine,
    /// An absolute http(s) URL, optionally with a title.
    Link,
    /// One of `options`, or several when `multiple_choice`.
    Select {
        options: Vec<String>,
        #[serde(default)]
        multiple_choice: bool,
    },
    Number {
        #[serde(default)]
        integer: bool,
        #[serde(default)]
        min: Option<f64>,
        #[serde(default)]
        max: Option<f64>,
    },
    /// A calendar day, `YYYY-MM-DD`.
    Date,
    Boolean,
    /// Nested fields, stored as an object keyed by their UIDs.
    Group {
        fields: Vec<FieldDef>,
    },
}

/// A field's definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDef {
    /// Letters, digits and `_`; fixed once created.
    pub uid: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    #[serde(default)]
    pub mandatory: bool,
    /// Whether the field holds a list of values, with `min_items`/`max_items`.
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub min_items: Option<usize>,
    #[serde(default)]
    pub max_items: Option<usize>,
    /// Given to assets that have no value (see the docs on making a field mandatory).
    #[serde(default)]
    pub default: Option<Json>,
    /// Character limits of text values (single line, multi line).
    #[serde(default)]
    pub min_length: Option<usize>,
    #[serde(default)]
    pub max_length: Option<usize>,
    /// A pattern every text value must match, and what to tell the user when not.
    #[serde(default)]
    pub regex: Option<String>,
    #[serde(default)]
    pub regex_message: Option<String>,
    /// A value per language (inherited along fallback chains) or one shared value,
    /// written in the default language only.
    #[serde(default = "yes")]
    pub localizable: bool,
    /// Texts for editors: what the field is for, the placeholder shown in an empty
    /// input, an instruction shown above it and help shown on request.
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub placeholder: Option<String>,
    #[serde(default)]
    pub instruction: Option<String>,
    #[serde(default)]
    pub help_text: Option<String>,
}

impl FieldDef {
    /// The default a missing value takes. A JSON `null` default is no default,
    /// exactly as a `null` value is no value.
    pub fn default_value(&self) -> Option<&Json> {
        self.default.as_ref().filter(|d| !d.is_null())
    }
}

/// A field as the organization keeps it: its definition and who changed it when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Field {
    pub def: FieldDef,
    pub created_by: String,
    pub created_at: crate::model::Timestamp,
    pub updated_by: String,
    pub updated_at: crate::model::Timestamp,
}

/// The key that makes field names unique: case and surrounding space do not
/// make two names different.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn yes() -> bool {
    true
}

/// A typed value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    Boolean(bool),
    Number(f64),
    /// Text, a select option, or a date (`YYYY-MM-DD`), as the field says.
    Text(String),
    Link {
        href: String,
        title: Option<String>,
    },
    List(Vec<FieldValue>),
    Group(Values),
}

/// Values keyed by field UID.
pub type Values = BTreeMap<String, FieldValue>;

/// A declarative rule across fields of an asset type, checked with the fields.
/// Unknown properties are refused, so a misspelt `message` is not silently lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum CrossRule {
    /// `left op right`, both field paths (`license_end_date > license_start_date`);
    /// holds when either side has no value.
    Compare { left: String, op: Comparison, right: String, message: Option<String> },
    /// When `field` equals `equals`, `then` must have a value.
    RequiredIf { field: String, equals: Json, then: String, message: Option<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Comparison {
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    LessOrEqual,
    #[serde(rename = ">")]
    Greater,
    #[serde(rename = ">=")]
    GreaterOrEqual,
    #[serde(rename = "!=")]
    Different,
}

/// Checks a definition (and its group's fields, to [`MAX_GROUP_DEPTH`]); `path`
/// prefixes the error keys.
pub fn check_definition(def: &FieldDef, errs: &mut FieldErrors) {
    check_def_at(def, "", 1, errs);
}

fn check_def_at(def: &FieldDef, prefix: &str, depth: usize, errs: &mut FieldErrors) {
    let at = |name: &str| format!("{prefix}{name}");
    if def.uid.is_empty()
        || def.uid.len() > MAX_FIELD_UID
        || !def.uid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        errs.add(&at("uid"), format!("must be 1 to {MAX_FIELD_UID} letters, digits or _"));
    }
    let name = def.name.trim();
    if name.chars().all(draws_nothing) || name.chars().count() > MAX_FIELD_NAME || name.chars().any(char::is_control) {
        errs.add(&at("name"), format!("must be 1 to {MAX_FIELD_NAME} visible characters"));
    }
    for (key, text, max) in [
        ("description", &def.description, 1000),
        ("placeholder", &def.placeholder, 255),
        ("instruction", &def.instruction, 1000),
        ("help_text", &def.help_text, 1000),
        ("regex_message", &def.regex_message, 255),
    ] {
        if let Some(t) = text
            && (t.chars().count() > max || t.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')))
        {
            errs.add(&at(key), format!("must be at most {max} characters without control characters"));
        }
    }
    match &def.kind {
        FieldKind::Select { options, .. } => {
            let distinct: BTreeSet<&String> = options.iter().collect();
            if options.is_empty() || options.len() > MAX_OPTIONS || distinct.len() != options.len() {
                errs.add(&at("options"), format!("must be 1 to {MAX_OPTIONS} different values"));
            }
        }
        FieldKind::Number { min: Some(lo), max: Some(hi), .. } if lo > hi => {
            errs.add(&at("min"), "must not be greater than max");
        }
        FieldKind::Number { min, max, .. } if [min, max].iter().any(|v| v.is_some_and(|v| !v.is_finite())) => {
            errs.add(&at("min"), "min and max must be finite numbers");
        }
        FieldKind::Group { fields } => {
            if depth >= MAX_GROUP_DEPTH {
                errs.add(&at("fields"), format!("groups nest at most {MAX_GROUP_DEPTH} deep"));
            } else if fields.is_empty() {
                errs.add(&at("fields"), "a group needs at least one field");
            }
            let mut seen = BTreeSet::new();
            for (i, f) in fields.iter().enumerate() {
                if !seen.insert(f.uid.as_str()) {
                    errs.add(&format!("{prefix}fields[{i}].uid"), "is used twice in this group");
                }
                if depth < MAX_GROUP_DEPTH {
                    check_def_at(f, &format!("{prefix}fields[{i}]."), depth + 1, errs);
                }
            }
        }
        _ => {}
    }
    if let (Some(lo), Some(hi)) = (def.min_length, def.max_length)
        && lo > hi
    {
        errs.add(&at("min_length"), "must not be greater than max_length");
    }
    if (def.min_items.is_some() || def.max_items.is_some()) && !def.multiple {
        errs.add(&at("min_items"), "item counts apply to multiple fields only");
    }
    if def.max_items.is_some_and(|n| n == 0 || n > MAX_ITEMS) || def.min_items.is_some_and(|n| n > MAX_ITEMS) {
        errs.add(&at("max_items"), format!("must be 1 to {MAX_ITEMS}"));
    }
    if let (Some(lo), Some(hi)) = (def.min_items, def.max_items)
        && lo > hi
    {
        errs.add(&at("min_items"), "must not be greater than max_items");
    }
    if let Some(p) = &def.regex
        && let Err(e) = compile(p)
    {
        errs.add(&at("regex"), e);
    }
    if let Some(d) = def.default_value() {
        let mut inner = FieldErrors::default();
        field(def, d, &at("default"), &mut inner);
        if inner.finish().is_err() {
            errs.add(&at("default"), "does not satisfy the field's own rules");
        }
    }
}

/// Patterns compiled at most this many at a time; the cache starts over when full.
const CACHED_PATTERNS: usize = 512;

/// The compiled form of a field's pattern. Compiling costs far more than matching
/// one value, and a save checks the same few patterns over and over, so compiled
/// patterns are kept, shared with their match caches.
fn compile(pattern: &str) -> Result<Arc<regex::Regex>, String> {
    type Compiled = std::collections::HashMap<String, Arc<regex::Regex>>;
    static CACHE: LazyLock<Mutex<Compiled>> = LazyLock::new(Default::default);
    // A poisoned lock only means another thread panicked while holding it; the map
    // is still a valid cache.
    fn cache() -> MutexGuard<'static, Compiled> {
        CACHE.lock().unwrap_or_else(PoisonError::into_inner)
    }
    if let Some(re) = cache().get(pattern) {
        return Ok(Arc::clone(re));
    }
    let re = regex::RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).build().map_err(|e| match e {
        regex::Error::CompiledTooBig(_) => "is too complex".to_owned(),
        _ => "is not a valid regular expression".to_owned(),
    })?;
    let re = Arc::new(re);
    let mut cache = cache();
    if cache.len() >= CACHED_PATTERNS {
        cache.clear();
    }
    cache.insert(pattern.to_owned(), Arc::clone(&re));
    Ok(re)
}

/// Checks `input` (a `custom_metadata` object) against `fields` and the cross-field
/// `rules`, and returns the typed values. Every problem is collected, keyed by
/// `custom_metadata.<path>`; unknown keys are refused.
pub fn validate(
    fields: &[FieldDef],
    rules: &[CrossRule],
    input: &serde_json::Map<String, Json>,
) -> crate::Result<Values> {
    let mut errs = FieldErrors::default();
    let values = validate_into(fields, rules, input, &Values::new(), &mut errs);
    errs.finish().map(|()| values)
}

/// [`validate`] collecting into `errs`; the cross-field rules also see `context`
/// (values kept elsewhere, such as the shared values of the default language), which
/// the values checked here override.
pub fn validate_into(
    fields: &[FieldDef],
    rules: &[CrossRule],
    input: &serde_json::Map<String, Json>,
    context: &Values,
    errs: &mut FieldErrors,
) -> Values {
    let values = object(fields, input, "custom_metadata", errs);
    if !rules.is_empty() {
        let mut seen = context.clone();
        seen.extend(values.iter().map(|(k, v)| (k.clone(), v.clone())));
        for rule in rules {
            check_rule(rule, &seen, errs);
        }
    }
    values
}

/// A value as JSON: whole numbers without a fraction, so `5` stays `5`.
pub fn value_json(v: &FieldValue) -> Json {
    match v {
        FieldValue::Boolean(b) => Json::Bool(*b),
        FieldValue::Number(n) if n.fract() == 0.0 && n.abs() < 9_007_199_254_740_992.0 => Json::from(*n as i64),
        FieldValue::Number(n) => serde_json::Number::from_f64(*n).map_or(Json::Null, Json::Number),
        FieldValue::Text(t) => Json::String(t.clone()),
        FieldValue::Link { href, title: None } => Json::String(href.clone()),
        FieldValue::Link { href, title: Some(t) } => serde_json::json!({"href": href, "title": t}),
        FieldValue::List(items) => Json::Array(items.iter().map(value_json).collect()),
        FieldValue::Group(g) => Json::Object(values_json(g)),
    }
}

/// Values as the `custom_metadata` object they are stored and shown as.
pub fn values_json(values: &Values) -> serde_json::Map<String, Json> {
    values.iter().map(|(k, v)| (k.clone(), value_json(v))).collect()
}

/// One row of typed storage: the value's dotted field path, its position among the
/// values of that path (lists and repeated groups), and the value in the column of
/// its type. A date also keeps its text, so a text field holding a date-like value
/// is still found as text.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypedRow {
    pub path: String,
    pub ord: i64,
    pub text: Option<String>,
    pub number: Option<f64>,
    /// Days since 1970-01-01.
    pub date: Option<i64>,
    pub boolean: Option<bool>,
}

/// The typed rows of a stored `custom_metadata` object: numbers as numbers, dates
/// (`YYYY-MM-DD` text) as days, booleans as booleans, text, select options and link
/// URLs as text; group members under dotted paths. Stored values were validated
/// against their fields, so the JSON shape tells the type.
pub fn typed_rows(custom: &serde_json::Map<String, Json>) -> Vec<TypedRow> {
    let mut out = Vec::new();
    for (k, v) in custom {
        flatten(k, v, &mut out);
    }
    out
}

fn flatten(path: &str, v: &Json, out: &mut Vec<TypedRow>) {
    let mut push = |row: TypedRow| {
        let ord = out.iter().filter(|r| r.path == path).count() as i64;
        out.push(TypedRow { path: path.to_owned(), ord, ..row });
    };
    match v {
        Json::Null => {}
        Json::Bool(b) => push(TypedRow { boolean: Some(*b), ..TypedRow::default() }),
        Json::Number(n) => push(TypedRow { number: n.as_f64(), ..TypedRow::default() }),
        Json::String(s) => {
            let date = NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .filter(|_| s.len() == 10)
                .map(|d| d.signed_duration_since(NaiveDate::default()).num_days());
            push(TypedRow { text: Some(s.clone()), date, ..TypedRow::default() });
        }
        Json::Array(items) => {
            for item in items {
                flatten(path, item, out);
            }
        }
        Json::Object(o) => match o.get("href") {
            Some(Json::String(href)) if o.keys().all(|k| k == "href" || k == "title") => {
                push(TypedRow { text: Some(href.clone()), ..TypedRow::default() })
            }
            _ => {
                for (k, inner) in o {
                    flatten(&format!("{path}.{k}"), inner, out);
                }
            }
        },
    }
}

fn object(fields: &[FieldDef], input: &serde_json::Map<String, Json>, path: &str, errs: &mut FieldErrors) -> Values {
    let mut out = Values::new();
    for key in input.keys() {
        if !fields.iter().any(|f| &f.uid == key) {
            errs.add(&format!("{path}.{key}"), "is not a field of this asset type");
        }
    }
    for def in fields {
        let at = format!("{path}.{}", def.uid);
        match input.get(&def.uid).filter(|v| !v.is_null()).or(def.default_value()) {
            None => {
                if def.mandatory {
                    errs.add(&at, "is required");
                }
            }
            Some(raw) => {
                if let Some(v) = field(def, raw, &at, errs) {
                    out.insert(def.uid.clone(), v);
                }
            }
        }
    }
    out
}

/// One field's value: a list when the field is multiple.
fn field(def: &FieldDef, raw: &Json, at: &str, errs: &mut FieldErrors) -> Option<FieldValue> {
    if !def.multiple {
        return value(def, raw, at, errs);
    }
    let Json::Array(items) = raw else {
        errs.add(at, "must be a list");
        return None;
    };
    let (lo, hi) = (def.min_items.unwrap_or(0), def.max_items.unwrap_or(MAX_ITEMS));
    if items.len() < lo.max(usize::from(def.mandatory)) || items.len() > hi {
        errs.add(at, format!("must have {} to {hi} items", lo.max(usize::from(def.mandatory))));
    }
    let typed: Vec<_> =
        items.iter().enumerate().filter_map(|(i, v)| value(def, v, &format!("{at}[{i}]"), errs)).collect();
    (typed.len() == items.len()).then_some(FieldValue::List(typed))
}

/// One value of a field's kind.
fn value(def: &FieldDef, raw: &Json, at: &str, errs: &mut FieldErrors) -> Option<FieldValue> {
    match (&def.kind, raw) {
        (FieldKind::SingleLine | FieldKind::MultiLine, Json::String(s)) => text(def, s, at, errs),
        (FieldKind::Link, Json::String(href)) => link(href, None, at, errs),
        (FieldKind::Link, Json::Object(o)) => {
            let title = match o.get("title") {
                None | Some(Json::Null) => None,
                Some(Json::String(t)) if !t.chars().any(char::is_control) => Some(t.clone()),
                Some(_) => {
                    errs.add(&format!("{at}.title"), "must be text without control characters");
                    return None;
                }
            };
            if let Some(k) = o.keys().find(|k| !matches!(k.as_str(), "href" | "title")) {
                errs.add(&format!("{at}.{k}"), "is not part of a link (href, title)");
                return None;
            }
            match o.get("href") {
                Some(Json::String(href)) => link(href, title, at, errs),
                _ => {
                    errs.add(&format!("{at}.href"), "is required");
                    None
                }
            }
        }
        (FieldKind::Select { options, multiple_choice }, raw) => select(options, *multiple_choice, raw, at, errs),
        (FieldKind::Number { integer, min, max }, Json::Number(n)) => {
            let n = n.as_f64().filter(|n| n.is_finite())?;
            if *integer && n.fract() != 0.0 {
                errs.add(at, "must be a whole number");
            } else if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                let range = match (min, max) {
                    (Some(a), Some(b)) => format!("from {a} to {b}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                errs.add(at, format!("must be {range}"));
            } else {
                return Some(FieldValue::Number(n));
            }
            None
        }
        (FieldKind::Date, Json::String(s)) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if s.len() == 10 => Some(FieldValue::Text(d.format("%Y-%m-%d").to_string())),
            _ => {
                errs.add(at, "must be a date as YYYY-MM-DD");
                None
            }
        },
        (FieldKind::Boolean, Json::Bool(b)) => Some(FieldValue::Boolean(*b)),
        (FieldKind::Group { fields }, Json::Object(o)) => Some(FieldValue::Group(object(fields, o, at, errs))),
        (kind, _) => {
            errs.add(at, format!("must be {}", expected(kind)));
            None
        }
    }
}

fn expected(kind: &FieldKind) -> &'static str {
    match kind {
        FieldKind::SingleLine | FieldKind::MultiLine => "text",
        FieldKind::Link => "a URL or {\"href\", \"title\"}",
        FieldKind::Select { .. } => "one of the field's options",
        FieldKind::Number { .. } => "a number",
        FieldKind::Date => "a date as YYYY-MM-DD",
        FieldKind::Boolean => "true or false",
        FieldKind::Group { .. } => "an object of the group's fields",
    }
}

fn text(def: &FieldDef, s: &str, at: &str, errs: &mut FieldErrors) -> Option<FieldValue> {
    let n = s.chars().count();
    let multi = matches!(def.kind, FieldKind::MultiLine);
    let before = errs.len();
    if s.chars().any(|c| c.is_control() && !(multi && matches!(c, '\n' | '\r' | '\t'))) {
        errs.add(
            at,
            if multi {
                "must not contain control characters but line breaks and tabs"
            } else {
                "must be one line without control characters"
            },
        );
    }
    let (lo, hi) = (def.min_length.unwrap_or(0), def.max_length.unwrap_or(MAX_TEXT).min(MAX_TEXT));
    if n < lo || n > hi {
        errs.add(at, format!("must be {lo} to {hi} characters"));
    }
    if let Some(p) = &def.regex
        && compile(p).is_ok_and(|re| !re.is_match(s))
    {
        errs.add(at, def.regex_message.clone().unwrap_or_else(|| format!("must match {p}")));
    }
    (errs.len() == before).then(|| FieldValue::Text(s.to_owned()))
}

fn link(href: &str, title: Option<String>, at: &str, errs: &mut FieldErrors) -> Option<FieldValue> {
    match url::Url::parse(href) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() && href.len() <= 2048 => {
            Some(FieldValue::Link { href: href.to_owned(), title })
        }
        _ => {
            errs.add(at, "must be an absolute http or https URL of at most 2048 characters");
            None
        }
    }
}

fn select(options: &[String], multiple: bool, raw: &Json, at: &str, errs: &mut FieldErrors) -> Option<FieldValue> {
    let one = |v: &Json, at: &str, errs: &mut FieldErrors| match v {
        Json::String(s) if options.contains(s) => Some(FieldValue::Text(s.clone())),
        _ => {
            errs.add(at, format!("must be one of: {}", options.join(", ")));
            None
        }
    };
    match (multiple, raw) {
        (true, Json::Array(items)) => {
            let typed: Vec<_> =
                items.iter().enumerate().filter_map(|(i, v)| one(v, &format!("{at}[{i}]"), errs)).collect();
            (typed.len() == items.len()).then_some(FieldValue::List(typed))
        }
        (true, _) => {
            errs.add(at, "must be a list of the field's options");
            None
        }
        (false, v) => one(v, at, errs),
    }
}

/// The value at a dotted path (`asset_rights.license_end_date`), if any.
pub fn lookup<'a>(values: &'a Values, path: &str) -> Option<&'a FieldValue> {
    let mut parts = path.split('.');
    let mut current = values.get(parts.next()?)?;
    for p in parts {
        match current {
            FieldValue::Group(g) => current = g.get(p)?,
            _ => return None,
        }
    }
    Some(current)
}

fn check_rule(rule: &CrossRule, values: &Values, errs: &mut FieldErrors) {
    match rule {
        CrossRule::Compare { left, op, right, message } => {
            let (Some(a), Some(b)) = (lookup(values, left), lookup(values, right)) else { return };
            let order = match (a, b) {
                (FieldValue::Number(x), FieldValue::Number(y)) => x.partial_cmp(y),
                (FieldValue::Text(x), FieldValue::Text(y)) => Some(x.cmp(y)),
                _ => None,
            };
            let holds = order.is_some_and(|o| match op {
                Comparison::Less => o.is_lt(),
                Comparison::LessOrEqual => o.is_le(),
                Comparison::Greater => o.is_gt(),
                Comparison::GreaterOrEqual => o.is_ge(),
                Comparison::Different => o.is_ne(),
            });
            if !holds {
                let symbol =
                    serde_json::to_value(op).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                errs.add(
                    &format!("custom_metadata.{left}"),
                    message.clone().unwrap_or_else(|| format!("must be {symbol} {right}")),
                );
            }
        }
        CrossRule::RequiredIf { field, equals, then, message } => {
            let triggered =
                lookup(values, field).and_then(|v| serde_json::to_value(v).ok()).is_some_and(|v| &v == equals);
            if triggered && lookup(values, then).is_none() {
                errs.add(
                    &format!("custom_metadata.{then}"),
                    message.clone().unwrap_or_else(|| format!("is required when {field} is {equals}")),
                );
            }
        }
    }
}

#[cfg(test)]
#[path = "fields_tests.rs"]
mod tests;
