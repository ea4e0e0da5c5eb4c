//! Extractors: authentication with the per-route permission, and JSON, query and
//! header parsing whose failures are Trove's JSON errors rather than axum's text.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Query, RawPathParams, Request};
use axum::http::header::{AUTHORIZATION, IF_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use serde::de::DeserializeOwned;
use trove_app::access::Caller;
use trove_app::auth::Presented;
use trove_domain::access::{Action, Resource};
use trove_domain::precondition::{self, Precondition};
use trove_domain::{Error, ErrorKind, Result};

use crate::AppState;
use crate::error::ApiError;

/// A permission a route needs, as a type, so the route's signature declares it.
pub trait Permission: Send + Sync + 'static {
    const ACTION: Action;
}

macro_rules! permissions {
    ($($name:ident),* $(,)?) => {
        /// Permission markers, one per [`Action`].
        pub mod perm {
            use super::{Action, Permission};
            $(
                #[doc = concat!("Needs `Action::", stringify!($name), "`.")]
                pub struct $name;
                impl Permission for $name {
                    const ACTION: Action = Action::$name;
                }
            )*
        }
    };
}

trove_domain::with_actions!(permissions);

/// The cookie a browser session travels in.
pub const SESSION_COOKIE: &str = "trove_session";

/// The header cookie-authenticated writes carry the session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// An authenticated caller allowed to perform `P`: the credential is checked,
/// the caller's standing in the path's space (if any) resolved once, and the
/// action decided for the workspace and language the request names. A refusal is
/// a 404 where the caller may not know the space or workspace exists.
pub struct Allowed<P>(pub Caller, pub PhantomData<P>);

impl<P: Permission> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let writes = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        let presented = Presented {
            authorization: parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()),
            session: cookie(&parts.headers, SESSION_COOKIE),
            csrf: parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()),
            writes,
        };
        let principal = state.app.authenticate(presented).await?;
        let params = match RawPathParams::from_request_parts(parts, state).await {
            Ok(p) => Some(p),
            // Nothing can be decided about a space whose UID is not even text.
            Err(axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(_)) => {
                return Err(ApiError(Error::bad_request(
                    "invalid_path_parameter",
                    "a path segment of this URL is not valid UTF-8",
                )));
            }
            Err(_) => None,
        };
        let path = |name: &str| params.as_ref().and_then(|p| p.iter().find(|(k, _)| *k == name).map(|(_, v)| v));
        // A malformed query string is the route's 400, reported by its own extractor.
        let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).map(|q| q.0).unwrap_or_default();
        // The locale as the use case will read it (codes are case-insensitive), so
        // a rule about fr-fr also holds for FR-FR.
        let locale = path("locale").or(query.get("locale").map(String::as_str)).map(|l| l.trim().to_ascii_lowercase());
        let space = path("space");
        let caller = state.app.caller(principal, space).await?;
        let workspace = path("workspace")
            .or(query.get("workspace").map(String::as_str))
            .or(space.map(|_| trove_domain::ids::MAIN_WORKSPACE));
        let on = Resource { workspace, locale: locale.as_deref().filter(|l| !l.is_empty()) };
        caller.admit(P::ACTION, space, &on)?;
        Ok(Allowed(caller, PhantomData))
    }
}

/// The client's address, when the server records it for the connection (login
/// attempts are limited per address too).
pub struct ClientAddr(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(info.map(|i| i.0.ip())))
    }
}

/// A JSON object body, read by [`crate::json::read`]: 415 when not JSON, 413 when
/// too large, 400 when malformed, 422 when a field is unknown, repeated or of the
/// wrong shape (keyed by field path in `errors`).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        match crate::json::read(&parts.headers, body, true).await? {
            Some(v) => Ok(ApiJson(v)),
            None => Err(ApiError(Error::bad_request("invalid_json", "the body is empty; send a JSON object"))),
        }
    }
}

/// An optional JSON object body (routes whose body may be left out, such as a
/// restore): absent or empty is `None`; anything else is read as [`ApiJson`] is.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        let (parts, body) = req.into_parts();
        Ok(OptionalJson(crate::json::read(&parts.headers, body, false).await?))
    }
}

/// The names of a struct's fields, read from its derived `Deserialize` (which hands
/// them to the deserializer), so an extractor can name the parameters a route does
/// not know. Empty for types that are not plain structs.
fn field_names<'de, T: serde::Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    #[derive(Debug)]
    struct Stop;
    impl std::fmt::Display for Stop {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("field names read")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: std::fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    impl<'de> serde::Deserializer<'de> for &mut Fields {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut f = Fields(&[]);
    let _ = T::deserialize(&mut f);
    f.0
}

/// The query string of an `/api` route: a parameter the route does not take is
/// refused (400 `unknown_query_parameter`, naming it), so a typo such as `?tag=`
/// cannot silently widen a list; a value of the wrong shape is 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let raw = parts.uri.query().unwrap_or_default();
        let known = field_names::<T>();
        let mut unknown: Vec<String> = Vec::new();
        for (k, _) in form_urlencoded::parse(raw.as_bytes()) {
            if !known.contains(&k.as_ref()) && !unknown.iter().any(|u| *u == k) {
                unknown.push(k.into_owned());
            }
        }
        if !unknown.is_empty() {
            let mut e = Error::bad_request(
                "unknown_query_parameter",
                format!(
                    "this route takes no query parameter {}; it takes {}",
                    unknown.iter().map(|u| format!("{u:?}")).collect::<Vec<_>>().join(", "),
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                ),
            );
            for u in unknown {
                e.fields.insert(u, vec!["is not a query parameter of this route".into()]);
            }
            return Err(ApiError(e));
        }
        parse_query(raw).map(ApiQuery).map_err(ApiError)
    }
}

/// The query string of a delivery URL: parameters it does not know are ignored,
/// because CDNs and CMS clients add their own (cache-busters, `environment`).
pub struct DeliveryQueryOf<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for DeliveryQueryOf<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parse_query(parts.uri.query().unwrap_or_default()).map(DeliveryQueryOf).map_err(ApiError)
    }
}

fn parse_query<T: DeserializeOwned>(raw: &str) -> Result<T> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(raw.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let inner = e.into_inner().to_string();
        let mut err = crate::json::shape_error(&field, &inner);
        err.kind = ErrorKind::BadRequest;
        err.code = "invalid_query".into();
        err
    })
}

/// Path parameters; one that cannot be what the route expects (a version number
/// that is not a number) is 400 `invalid_path_parameter`, naming it.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        use axum::extract::path::ErrorKind as PathError;
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(PathRejection::FailedToDeserializePathParams(e)) => {
                let raw = RawPathParams::from_request_parts(parts, state).await.ok();
                let name_at = |i: usize| {
                    raw.as_ref()
                        .and_then(|p| p.iter().nth(i).map(|(k, _)| k.to_owned()))
                        .unwrap_or_else(|| format!("#{}", i + 1))
                };
                let number = |name: String, value: &str| {
                    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                        format!("the path segment {name} is too large: {value}")
                    } else {
                        format!("the path segment {name} must be a whole number, not {value:?}")
                    }
                };
                let message = match e.kind() {
                    PathError::ParseErrorAtKey { key, value, .. } => number(key.clone(), value),
                    PathError::ParseErrorAtIndex { index, value, .. } => number(name_at(*index), value),
                    PathError::ParseError { value, .. } => number(name_at(0), value),
                    PathError::InvalidUtf8InPathParam { key } => format!("the path segment {key} is not valid UTF-8"),
                    PathError::DeserializeError { key, value, .. } => {
                        format!("the path segment {key} is not valid: {value:?}")
                    }
                    // The route and the handler's parameters disagree: a defect, not the
                    // client's doing.
                    other @ (PathError::WrongNumberOfParameters { .. } | PathError::UnsupportedType { .. }) => {
                        return Err(ApiError(Error::internal(format!("path parameters cannot be read: {other}"))));
                    }
                    _ => "a path segment of this URL cannot be read".to_owned(),
                };
                Err(ApiError(Error::bad_request("invalid_path_parameter", message)))
            }
            Err(e) => Err(ApiError(Error::internal(format!("path parameters cannot be read: {e}")))),
        }
    }
}

/// The precondition an `If-Match` header names, if one was sent.
pub fn if_match(headers: &HeaderMap) -> Result<Option<Precondition>> {
    let mut values = headers.get_all(IF_MATCH).iter().peekable();
    if values.peek().is_none() {
        return Ok(None);
    }
    // Several header lines are one comma-separated list (RFC 9110 §5.3).
    let mut joined = String::new();
    for v in values {
        let s = v.to_str().map_err(|_| Error::bad_request("invalid_if_match", "If-Match must be ASCII"))?;
        if !joined.is_empty() {
            joined.push_str(", ");
        }
        joined.push_str(s);
    }
    precondition::parse_if_match(&joined).map(Some)
}
