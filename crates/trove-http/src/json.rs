//! JSON request bodies, read the same way on every route: at most
//! [`crate::JSON_BODY_LIMIT`] bytes (413), `Content-Type: application/json` (415),
//! well-formed (400), an object without repeated keys (422), and fields of the right
//! shape (422, keyed by field path in `errors`). Every message is Trove's own: the
//! wording of the JSON library never reaches a client.

use std::collections::BTreeMap;
use std::fmt;

use axum::body::Body;
use axum::http::HeaderMap;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use trove_domain::{Error, ErrorKind, Result};

/// Marks the error a repeated key raises while parsing, so it is told apart from
/// syntax errors; it never reaches a client.
const DUPLICATE: &str = "\u{1}duplicate key\u{1}";

/// Whether the request says its body is JSON (`application/json` or `…+json`).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}

fn not_json() -> Error {
    Error::new(
        ErrorKind::UnsupportedMediaType,
        "unsupported_content_type",
        "the body must be JSON (Content-Type: application/json)",
    )
}

/// Reads a JSON body into `T`. `required`: an absent or empty body is refused;
/// otherwise it is `None`. A body that is present must say it is JSON.
pub async fn read<T: DeserializeOwned>(headers: &HeaderMap, body: Body, required: bool) -> Result<Option<T>> {
    if required && !is_json(headers) {
        return Err(not_json());
    }
    let bytes = collect(body).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        if required {
            return Err(Error::bad_request("invalid_json", "the body is empty; send a JSON object"));
        }
        return Ok(None);
    }
    if !is_json(headers) {
        return Err(not_json());
    }
    parse(&bytes).map(Some)
}

/// Reads the whole body, at most [`crate::JSON_BODY_LIMIT`] bytes (413 beyond, and at
/// once when `Content-Length` says so). A body that breaks off or is badly framed
/// (a malformed chunk) is the client's error (400), not a size problem.
async fn collect(body: Body) -> Result<Vec<u8>> {
    use axum::body::HttpBody;
    use futures::StreamExt;
    let too_large = || {
        Error::new(
            ErrorKind::PayloadTooLarge,
            "body_too_large",
            format!("the JSON body is larger than {} bytes", crate::JSON_BODY_LIMIT),
        )
    };
    if body.size_hint().lower() > crate::JSON_BODY_LIMIT as u64 {
        return Err(too_large());
    }
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            if crate::body::is_timeout(&e) {
                return crate::body::timeout_error();
            }
            Error::bad_request("invalid_json", "the body could not be read to its end")
        })?;
        if bytes.len() + chunk.len() > crate::JSON_BODY_LIMIT {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// Parses a JSON object body into `T` with Trove's errors.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = match <Strict as de::Deserialize>::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(Strict(v)) => v,
        Err(e) => return Err(syntax_error(&e)),
    };
    if !value.is_object() {
        return Err(Error::new(ErrorKind::Validation, "invalid_body", "the body must be a JSON object"));
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        shape_error(&path, &e.into_inner().to_string())
    })
}

fn syntax_error(e: &serde_json::Error) -> Error {
    let message = e.to_string();
    if let Some(at) = message.find(DUPLICATE) {
        let key = message[at + DUPLICATE.len()..].split(DUPLICATE).next().unwrap_or_default();
        let mut err =
            Error::new(ErrorKind::Validation, "invalid_body", format!("{key}: appears more than once in its object"));
        err.fields.insert(key.to_owned(), vec!["appears more than once".to_owned()]);
        return err;
    }
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the body ends before the JSON value is complete",
        _ if message.starts_with("recursion limit") => "the JSON value nests too deeply",
        _ => "the body is not valid JSON",
    };
    Error::bad_request("invalid_json", format!("{what} (line {}, column {})", e.line(), e.column()))
}

/// A field-shape error of the derived deserializer, in Trove's words, keyed by the
/// field's path.
pub(crate) fn shape_error(path: &str, inner: &str) -> Error {
    let parent = if path == "." { "" } else { path };
    // The path of an unknown key already ends with the key itself.
    let join = |field: &str| {
        if parent.is_empty() {
            field.to_owned()
        } else if parent == field || parent.ends_with(&format!(".{field}")) {
            parent.to_owned()
        } else {
            format!("{parent}.{field}")
        }
    };
    let named = |rest: &str| rest.split('`').nth(1).unwrap_or_default().to_owned();
    let (field, problem) = if let Some(rest) = inner.strip_prefix("missing field ") {
        (join(&named(rest)), "is required".to_owned())
    } else if let Some(rest) = inner.strip_prefix("unknown field ") {
        (join(&named(rest)), "is not a known field".to_owned())
    } else if let Some(rest) = inner.strip_prefix("duplicate field ") {
        (join(&named(rest)), "appears more than once".to_owned())
    } else if let Some(rest) = inner.strip_prefix("invalid type: ") {
        let (got, want) = rest.split_once(", expected ").unwrap_or((rest, ""));
        (parent.to_owned(), format!("must be {}, not {}", expected(want), found(got)))
    } else if let Some(rest) = inner.strip_prefix("unknown variant ") {
        let options = rest.split_once("expected ").map(|(_, o)| o.replace('`', "")).unwrap_or_default();
        (parent.to_owned(), format!("must be {}", options.trim_start_matches("one of ")))
    } else if inner.starts_with("invalid length ") {
        (parent.to_owned(), "has the wrong number of items".to_owned())
    } else if let Some(rest) = inner.strip_prefix("invalid value: ") {
        let want = rest.split_once(", expected ").map(|(_, w)| w).unwrap_or_default();
        (parent.to_owned(), format!("must be {}", expected(want)))
    } else {
        (parent.to_owned(), "has an invalid value".to_owned())
    };
    let field = if field.is_empty() { "body".to_owned() } else { field };
    let mut fields = BTreeMap::new();
    fields.insert(field.clone(), vec![problem.clone()]);
    Error {
        kind: ErrorKind::Validation,
        code: "invalid_body".into(),
        message: format!("{field}: {problem}"),
        fields,
        retry_after: None,
    }
}

/// What a Rust type the deserializer expected is called in JSON.
fn expected(want: &str) -> &'static str {
    match want {
        "a string" | "a borrowed string" => "a string",
        "a boolean" => "true or false",
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => "an integer",
        "f32" | "f64" => "a number",
        "a sequence" => "a list",
        "a map" => "an object",
        w if w.starts_with("struct ") || w.starts_with("a map") => "an object",
        w if w.contains("or null") || w.starts_with("option") => "a value or null",
        _ => "a valid value",
    }
}

/// What a JSON value the deserializer found is called.
fn found(got: &str) -> &'static str {
    match got.split([' ', '`']).next().unwrap_or_default() {
        "integer" | "floating" => "a number",
        "string" => "a string",
        "boolean" => "true or false",
        "sequence" => "a list",
        "map" => "an object",
        "null" | "unit" => "null",
        _ => "another type",
    }
}

/// A JSON value that refuses an object with a repeated key (which the JSON standard
/// leaves undefined, and which would otherwise silently keep the last value).
struct Strict(Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element().map_err(|e| nest(e, &format!("[{}]", items.len())))? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(v) = map.next_value().map_err(|e| nest(e, &key))?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("{DUPLICATE}{key}{DUPLICATE}")));
            }
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Puts the segment of the enclosing object key or list index in front of the path a
/// repeated-key error carries, so the error names the whole path (`items[1].uid`).
fn nest<E: de::Error>(e: E, segment: &str) -> E {
    let message = e.to_string();
    let Some(path) = message.split(DUPLICATE).nth(1) else { return e };
    let path = if path.starts_with('[') { format!("{segment}{path}") } else { format!("{segment}.{path}") };
    E::custom(format!("{DUPLICATE}{path}{DUPLICATE}"))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        title: Option<String>,
        count: Option<i64>,
        items: Option<Vec<Item>>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        uid: String,
    }

    fn err(raw: &str) -> Error {
        match parse::<Body>(raw.as_bytes()) {
            Ok(b) => panic!("{raw} parsed as {b:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn shape_errors_are_keyed_and_in_trove_words() {
        let e = err(r#"{"title": 5}"#);
        assert_eq!(e.code, "invalid_body");
        assert_eq!(e.fields["title"], vec!["must be a string, not a number"]);
        let e = err(r#"{"tittle": "x"}"#);
        assert!(e.fields.contains_key("tittle"), "{:?}", e.fields);
        assert_eq!(e.fields["tittle"], vec!["is not a known field"]);
        let e = err(r#"{"items": [{"uid": "a"}, {}]}"#);
        assert_eq!(e.fields["items[1].uid"], vec!["is required"]);
        let e = err(r#"{"count": 1.5}"#);
        assert_eq!(e.fields["count"], vec!["must be an integer, not a number"]);
        for e in [err(r#"{"title": []}"#), err(r#"{"items": {}}"#), err("[]"), err(r#"{"count": "1"}"#)] {
            assert!(!e.message.contains('`') && !e.message.contains("i64"), "{}", e.message);
        }
    }

    #[test]
    fn repeated_keys_are_refused_at_any_depth() {
        let e = err(r#"{"title": "a", "title": "b"}"#);
        assert_eq!((e.kind, e.fields["title"].clone()), (ErrorKind::Validation, vec!["appears more than once".into()]));
        let e = err(r#"{"items": [{"uid": "a"}, {"uid": "a", "uid": "b"}]}"#);
        assert_eq!(e.fields.keys().collect::<Vec<_>>(), ["items[1].uid"], "{e:?}");
        assert!(err(r#"{"c": {"d": [[{"k": 1, "k": 2}]]}}"#).fields.contains_key("c.d[0][0].k"));
    }

    #[test]
    fn syntax_errors_are_400_with_a_position() {
        let e = err(r#"{"title": "#);
        assert_eq!((e.kind, e.code.as_ref()), (ErrorKind::BadRequest, "invalid_json"));
        assert!(e.message.contains("line 1"), "{}", e.message);
        assert_eq!(err("{} {}").kind, ErrorKind::BadRequest);
        assert!(err(&"[".repeat(200)).message.contains("nests too deeply"));
    }
}
