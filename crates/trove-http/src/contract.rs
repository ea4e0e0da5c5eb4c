//! The contract mechanism: the responses and links every operation gets from its
//! shape, so a new route documents what it can really answer without listing it.
//!
//! A handler's `#[utoipa::path]` declares only what is particular to it: its
//! success response, and the state conflicts (409) its use case can refuse with.
//! [`SharedResponses`] then adds, from what the operation looks like, the error
//! statuses the shared extractors and middleware produce:
//!
//! | status | when the operation…                              | produced by |
//! |--------|--------------------------------------------------|-------------|
//! | 400    | always (a NUL in the URL); `/api`: unknown or unreadable query parameters; path parameters: one of the wrong type; a body: malformed JSON or multipart | `refuse_nul`, `ApiQuery`, `ApiPath`, `json`, `upload` |
//! | 401    | is under `/api` (a bearer token is required)      | `Allowed` |
//! | 404    | has path parameters, or a `workspace`/`locale` query parameter | the use cases' lookups |
//! | 412    | takes `If-Match`                                 | `if_match` and the use case |
//! | 408, 413, 415, 422 | has a request body                   | the body time-out, `ApiJson`, `OptionalJson`, `upload`, the domain rules |
//! | 503    | touches the database or storage (all but `/healthz`) | the backends |
//!
//! 429 is not documented: Trove has no rate limit, so it never answers 429.
//!
//! [`Links`] adds OpenAPI links from every operation that creates a resource
//! (answers 201) to the operations that take the new resource's identifier, so
//! stateful clients and tests follow real IDs.

use std::collections::BTreeMap;

use utoipa::Modify;
use utoipa::openapi::header::Header;
use utoipa::openapi::link::Link;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{Schema, SchemaType, Type};
use utoipa::openapi::{Content, Object, OpenApi, PathItem, Ref, RefOr, Response};

/// Adds the shared error responses to every operation (see the module docs).
pub struct SharedResponses;

/// What an operation looks like, as far as the shared responses care.
#[derive(Debug, Default)]
struct Shape {
    api: bool,
    /// Everything but `/healthz` reads the database or the storage.
    storage: bool,
    path_params: bool,
    scoped_query: bool,
    /// Takes a `locale` (path or query), which must be a language code.
    locale: bool,
    precondition: bool,
    json_body: bool,
    multipart_body: bool,
}

impl Shape {
    fn of(path: &str, op: &Operation) -> Self {
        let params = op.parameters.iter().flatten().filter_map(|p| match p {
            RefOr::T(p) => Some(p),
            RefOr::Ref(_) => None,
        });
        let mut shape = Shape {
            api: path.starts_with("/api/"),
            storage: path != "/healthz",
            path_params: path.contains('{'),
            ..Shape::default()
        };
        for p in params {
            match p.parameter_in {
                ParameterIn::Query if matches!(p.name.as_str(), "workspace" | "locale") => {
                    shape.scoped_query = true;
                    shape.locale |= p.name == "locale";
                }
                ParameterIn::Path if p.name == "locale" => shape.locale = true,
                ParameterIn::Header if p.name.eq_ignore_ascii_case("if-match") => shape.precondition = true,
                _ => {}
            }
        }
        if let Some(RefOr::T(body)) = &op.request_body {
            shape.json_body = body.content.keys().any(|c| c.contains("json"));
            shape.multipart_body = body.content.keys().any(|c| c.starts_with("multipart/"));
        }
        shape
    }

    fn body(&self) -> bool {
        self.json_body || self.multipart_body
    }

    /// The shared statuses of this shape, each with why it can occur.
    fn statuses(&self) -> Vec<(u16, String)> {
        let mut out = Vec::new();
        let mut bad = vec!["a NUL character in the URL"];
        if self.api {
            bad.push("a query parameter the route does not take, repeated, or of the wrong type");
        }
        if self.path_params {
            bad.push("a path segment of the wrong type");
        }
        if self.json_body {
            bad.push("malformed or empty JSON");
        }
        if self.multipart_body {
            bad.push("a malformed multipart body");
        }
        out.push((400, format!("Bad request: {}.", bad.join("; "))));
        if self.api {
            out.push((401, "No valid `Authorization: Bearer <token>` header.".to_owned()));
        }
        if self.path_params || self.scoped_query {
            out.push((404, "A resource named in the path or query does not exist (or not here).".to_owned()));
        }
        if self.precondition {
            out.push((412, "`If-Match` (or `\"version\"`) names a version that is no longer the head.".to_owned()));
        }
        if self.body() {
            out.push((408, "The body stopped arriving for `body_read_timeout`; the connection is closed.".to_owned()));
            out.push((413, "The body is larger than this route accepts.".to_owned()));
            out.push((415, "The body's `Content-Type` is not one this route reads.".to_owned()));
        }
        if self.body() || self.locale {
            let mut why = Vec::new();
            if self.body() {
                why.push("a field is missing, unknown, repeated or breaks a rule (`errors` names it)");
            }
            if self.locale {
                why.push("`locale` is not a language code");
            }
            out.push((422, format!("Unprocessable: {}.", why.join("; "))));
        }
        if self.storage {
            out.push((503, "The database or the storage does not answer; retry shortly.".to_owned()));
        }
        out
    }
}

/// The JSON error response: the `ErrorBody` schema, and `WWW-Authenticate` on 401.
fn error_response(status: u16, description: &str) -> Response {
    let mut r = Response::builder()
        .description(description)
        .content("application/json", Content::new(Some(Ref::from_schema_name("ErrorBody"))));
    if status == 401 {
        r = r.header("WWW-Authenticate", Header::new(Object::with_type(Type::String)));
    }
    r.build()
}

/// Every operation of a path, with its method name.
pub(crate) fn operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("head", &mut item.head),
        ("post", &mut item.post),
        ("put", &mut item.put),
        ("patch", &mut item.patch),
        ("delete", &mut item.delete),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
}

/// A body the route may go without is optional, not nullable: utoipa renders an
/// `Option<T>` body as "`T` or `null`" without `required`; the server reads an
/// absent body as no options and refuses `null` (not an object).
fn optional_body(op: &mut Operation) {
    use utoipa::openapi::Required;
    let Some(RefOr::T(body)) = op.request_body.as_mut() else { return };
    if body.required == Some(Required::True) {
        return;
    }
    body.required = Some(Required::False);
    for content in body.content.values_mut() {
        let RefOr::T(content) = content else { continue };
        if let Some(RefOr::T(Schema::OneOf(one))) = &content.schema {
            let not_null = one
                .items
                .iter()
                .find(|s| !matches!(s, RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Null)));
            content.schema = not_null.cloned();
        }
    }
}

/// The server refuses a NUL anywhere in the URL (400), so no string parameter of
/// the path or query may hold one; parameters with a pattern of their own already
/// exclude it.
fn no_nul(op: &mut Operation) {
    for p in op.parameters.iter_mut().flatten() {
        let RefOr::T(p) = p else { continue };
        // `If-Match` is read as `*`, a version number or a list of entity tags (400
        // otherwise), and a header is never `null`.
        if p.parameter_in == ParameterIn::Header && p.name.eq_ignore_ascii_case("if-match") {
            p.schema = Some(crate::schemas::if_match().into());
        }
        if !matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query) {
            continue;
        }
        // A language in the path is read as a language code (422 otherwise).
        if p.parameter_in == ParameterIn::Path && p.name == "locale" {
            p.schema = Some(crate::schemas::language_code().into());
        }
        if let Some(RefOr::T(Schema::Object(o))) = p.schema.as_mut()
            && o.pattern.is_none()
            && o.enum_values.is_none()
            && o.format.is_none()
            && matches!(&o.schema_type, SchemaType::Type(Type::String))
        {
            o.pattern = Some("^[^\\u0000]*$".to_owned());
        }
    }
}

impl Modify for SharedResponses {
    fn modify(&self, doc: &mut OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            for (_, op) in operations_mut(item) {
                optional_body(op);
                no_nul(op);
                let shape = Shape::of(path, op);
                for (status, why) in shape.statuses() {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| error_response(status, &why).into());
                }
            }
        }
    }
}

/// Adds OpenAPI links from creating operations to the operations that take what
/// they created (see the module docs).
pub struct Links;

/// Where the answer to a creation carries each path parameter it can fill:
/// (parameter, JSON pointer into the response body). The pointer's first segment is
/// the envelope, so a parameter is only filled by an answer that has that envelope.
const PARAMETER_SOURCES: &[(&str, &str)] = &[
    ("space", "/space/uid"),
    ("workspace", "/workspace/uid"),
    ("asset", "/asset/uid"),
    ("n", "/asset/version"),
    ("slug", "/asset/slug"),
    ("file_uid", "/asset/file_uid"),
    ("file_name", "/asset/file_name"),
    ("folder", "/folder/uid"),
    ("code", "/language/code"),
    ("field", "/field/uid"),
    ("asset_type", "/asset_type/uid"),
];

/// The path parameters of a templated path, in order.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).collect()
}

/// The property names of the schema a `201` answer of `op` returns.
fn created_envelope<'a>(op: &Operation, schemas: &'a BTreeMap<String, RefOr<Schema>>) -> Option<Vec<&'a str>> {
    let RefOr::T(created) = op.responses.responses.get("201")? else { return None };
    let RefOr::T(content) = created.content.get("application/json")? else { return None };
    let RefOr::Ref(r) = content.schema.as_ref()? else { return None };
    let name = r.ref_location.rsplit('/').next()?;
    match schemas.get(name)? {
        RefOr::T(Schema::Object(o)) if o.schema_type == SchemaType::Type(Type::Object) => {
            Some(o.properties.keys().map(String::as_str).collect())
        }
        _ => None,
    }
}

impl Modify for Links {
    fn modify(&self, doc: &mut OpenApi) {
        let Some(components) = doc.components.as_ref() else { return };
        // (path, operation id, path parameters) of every operation a link may target.
        let mut targets: Vec<(String, String, Vec<String>)> = Vec::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (_, op) in operations_mut(item) {
                if let Some(id) = &op.operation_id
                    && !targets.iter().any(|(_, t, _)| t == id)
                {
                    targets.push((
                        path.clone(),
                        id.clone(),
                        path_params(path).into_iter().map(str::to_owned).collect(),
                    ));
                }
            }
        }
        let mut links: Vec<(String, &'static str, BTreeMap<String, Link>)> = Vec::new();
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, op) in operations_mut(item) {
                let Some(envelope) = created_envelope(op, &components.schemas) else { continue };
                let own = path_params(path);
                let filled: Vec<(&str, &str)> = PARAMETER_SOURCES
                    .iter()
                    .copied()
                    .filter(|(_, ptr)| envelope.iter().any(|e| ptr[1..].starts_with(&format!("{e}/"))))
                    .collect();
                let mut found = BTreeMap::new();
                for (_, target_id, params) in &targets {
                    let new = params.iter().filter(|p| filled.iter().any(|(f, _)| f == p)).count();
                    let all_known =
                        params.iter().all(|p| own.contains(&p.as_str()) || filled.iter().any(|(f, _)| f == p));
                    if new == 0 || !all_known || Some(target_id) == op.operation_id.as_ref() {
                        continue;
                    }
                    let mut link = Link::builder().operation_id(target_id.clone());
                    for p in params {
                        let value = match filled.iter().find(|(f, _)| f == p) {
                            Some((_, ptr)) => format!("$response.body#{ptr}"),
                            None => format!("$request.path.{p}"),
                        };
                        link = link.parameter(p.clone(), value);
                    }
                    found.insert(target_id.clone(), link.build());
                }
                if !found.is_empty() {
                    links.push((path.clone(), method, found));
                }
            }
        }
        for (path, method, found) in links {
            let Some(item) = doc.paths.paths.get_mut(&path) else { continue };
            for (m, op) in operations_mut(item) {
                if m != method {
                    continue;
                }
                if let Some(RefOr::T(created)) = op.responses.responses.get_mut("201") {
                    created.links.extend(found.iter().map(|(k, l)| (k.clone(), RefOr::T(l.clone()))));
                }
            }
        }
    }
}
