//! Extractors: authentication with the per-route permission, and JSON, query and
//! header parsing whose failures are Trove's JSON errors rather than axum's text.

use std::collections::HashMap;
use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Query, RawPathParams, Request};
use axum::http::header::{AUTHORIZATION, IF_MATCH};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use trove_app::policy::{Action, Resource, authorize};
use trove_domain::model::Principal;
use trove_domain::{Error, ErrorKind, Result, rules};

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

permissions!(
    SpaceList,
    SpaceCreate,
    SpaceRead,
    SpaceUpdate,
    SpaceDelete,
    AssetRead,
    AssetCreate,
    AssetUpdate,
    AssetDelete,
    FolderRead,
    FolderCreate,
    FolderUpdate,
    FolderDelete,
    TrashRead,
    TrashRestore,
    WorkspaceRead,
    WorkspaceCreate,
    WorkspaceUpdate,
    WorkspaceDelete,
    WorkspaceMerge,
    LanguageRead,
    LanguageCreate,
    LanguageUpdate,
    LanguageDelete,
);

/// An authenticated caller allowed to perform `P` (in the path's space, if any).
pub struct Allowed<P>(pub Principal, pub PhantomData<P>);

impl<P: Permission> FromRequestParts<AppState> for Allowed<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
        let who = state.app.authenticate(header).await?;
        let params = RawPathParams::from_request_parts(parts, state).await.ok();
        let path = |name: &str| params.as_ref().and_then(|p| p.iter().find(|(k, _)| *k == name).map(|(_, v)| v));
        // A malformed query string is the route's 400, reported by its own extractor.
        let query = Query::<HashMap<String, String>>::try_from_uri(&parts.uri).map(|q| q.0).unwrap_or_default();
        // The locale as the use case will read it (codes are case-insensitive), so
        // a rule about fr-fr also holds for FR-FR.
        let locale = path("locale").or(query.get("locale").map(String::as_str)).map(|l| l.trim().to_ascii_lowercase());
        let on = Resource {
            space: path("space"),
            workspace: query.get("workspace").map(String::as_str),
            locale: locale.as_deref().filter(|l| !l.is_empty()),
        };
        authorize(&who, P::ACTION, &on)?;
        Ok(Allowed(who, PhantomData))
    }
}

/// JSON body whose parse errors are 400 (syntax) / 422 (shape) / 415 (not JSON).
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        // Bodies are flat JSON objects; serde would also read a struct from an array.
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(v)) => v,
            Err(rej) => return Err(ApiError(json_rejection(rej.status(), rej.body_text()))),
        };
        if !value.is_object() {
            return Err(ApiError(Error::new(ErrorKind::Validation, "invalid_body", "the body must be a JSON object")));
        }
        serde_json::from_value(value)
            .map(ApiJson)
            .map_err(|e| ApiError(Error::new(ErrorKind::Validation, "invalid_body", e.to_string())))
    }
}

/// Maps an axum JSON rejection to a Trove error.
pub fn json_rejection(status: StatusCode, detail: String) -> Error {
    match status {
        StatusCode::UNPROCESSABLE_ENTITY => Error::new(ErrorKind::Validation, "invalid_body", detail),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::new(
            ErrorKind::UnsupportedMediaType,
            "unsupported_content_type",
            "the body must be JSON (Content-Type: application/json)",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => Error::new(ErrorKind::PayloadTooLarge, "body_too_large", detail),
        _ => Error::bad_request("invalid_json", detail),
    }
}

/// Query string whose parse errors are 400 `invalid_query`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => Err(ApiError(Error::bad_request("invalid_query", rej.body_text()))),
        }
    }
}

/// Path parameters whose parse errors are 404 (the path names nothing).
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(ApiPath(v)),
            Err(rej) => Err(ApiError(Error::not_found("route_not_found", rej.body_text()))),
        }
    }
}

/// The version an `If-Match` header names, if one was sent.
pub fn if_match(headers: &HeaderMap) -> Result<Option<rules::Precondition>> {
    match headers.get(IF_MATCH) {
        None => Ok(None),
        Some(v) => {
            let s = v.to_str().map_err(|_| Error::bad_request("invalid_if_match", "If-Match must be ASCII"))?;
            rules::parse_if_match(s).map(Some)
        }
    }
}

/// Reads a JSON body of at most [`crate::JSON_BODY_LIMIT`] bytes with Trove's errors:
/// 413 when too large, 400 when malformed, 422 when the shape is wrong. An empty
/// body is `None`.
pub async fn optional_json<T: DeserializeOwned>(body: axum::body::Body) -> Result<Option<T>> {
    let bytes = axum::body::to_bytes(body, crate::JSON_BODY_LIMIT)
        .await
        .map_err(|_| json_rejection(StatusCode::PAYLOAD_TOO_LARGE, "the JSON body is too large".into()))?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    serde_json::from_slice(&bytes).map(Some).map_err(|e| {
        if e.is_data() {
            Error::new(ErrorKind::Validation, "invalid_body", e.to_string())
        } else {
            Error::bad_request("invalid_json", e.to_string())
        }
    })
}

/// Whether the request says its body is JSON (`application/json` or `…+json`).
pub fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase())
        .is_some_and(|m| m == "application/json" || m.ends_with("+json"))
}
