//! `/api/spaces/{space}/assets/{asset}/versions`.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trove_domain::precondition::{Precondition, version_etag};
use utoipa::ToSchema;

use super::ScopeQuery;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, OptionalJson, if_match, perm};
use crate::views::{AssetEnvelope, AssetView, VersionEnvelope, VersionView, VersionsEnvelope};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameVersionBody {
    /// At most 32 letters, digits, spaces, `-` or `_`; `null` removes the name.
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(schema_with = crate::schemas::version_name, required = true)]
    pub name: Option<Option<String>>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets/{asset}/versions", tag = "versions",
    params(("space" = String, Path), ("asset" = String, Path), ScopeQuery),
    responses((status = 200, body = VersionsEnvelope), (status = 404, body = ErrorBody)))]
pub async fn list_versions(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
) -> ApiResult<Json<VersionsEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let versions = s.app.list_versions(&scope, &asset).await?;
    let count = versions.len() as i64;
    Ok(Json(VersionsEnvelope { versions: versions.iter().map(|v| VersionView::new(v, &s.urls)).collect(), count }))
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets/{asset}/versions/{n}", tag = "versions",
    params(("space" = String, Path), ("asset" = String, Path), ("n" = i64, Path), ScopeQuery),
    responses((status = 200, body = VersionEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_version(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath((space, asset, n)): ApiPath<(String, String, i64)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
) -> ApiResult<Json<VersionEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let v = s.app.get_version(&scope, &asset, n).await?;
    Ok(Json(VersionEnvelope { notice: None, version: VersionView::new(&v, &s.urls) }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/assets/{asset}/versions/{n}/name", tag = "versions",
    params(("space" = String, Path), ("asset" = String, Path), ("n" = i64, Path), ScopeQuery),
    request_body = NameVersionBody,
    responses((status = 200, body = VersionEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn name_version(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetUpdate>,
    ApiPath((space, asset, n)): ApiPath<(String, String, i64)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    ApiJson(b): ApiJson<NameVersionBody>,
) -> ApiResult<Json<VersionEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let name = b.name.ok_or_else(|| trove_domain::Error::invalid("name", "is required (null removes the name)"))?;
    let v = s.app.name_version(&scope, &asset, n, name.as_deref()).await?;
    Ok(Json(VersionEnvelope {
        notice: Some("Version name assigned successfully.".into()),
        version: VersionView::new(&v, &s.urls),
    }))
}

/// Optional body of a restore.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreVersionBody {
    /// The version the restore is based on (alternative to `If-Match`; `If-Match`
    /// wins when both are sent).
    #[serde(default, deserialize_with = "super::integer")]
    pub version: Option<i64>,
}

#[utoipa::path(post, path = "/api/spaces/{space}/assets/{asset}/versions/{n}/restore", tag = "versions",
    params(("space" = String, Path), ("asset" = String, Path), ("n" = i64, Path), ScopeQuery,
        ("If-Match" = Option<String>, Header, description = "ETag of the current version")),
    request_body(content = Option<RestoreVersionBody>, content_type = "application/json"),
    responses((status = 200, body = AssetEnvelope), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn restore_version(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetUpdate>,
    ApiPath((space, asset, n)): ApiPath<(String, String, i64)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
    OptionalJson(b): OptionalJson<RestoreVersionBody>,
) -> ApiResult<Response> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let body_version = b.and_then(|b| b.version).map(Precondition::version);
    let pre = if_match(&headers)?.or(body_version);
    let a = s.app.restore_version(&who, &scope, &asset, n, pre).await?;
    let body = AssetEnvelope {
        notice: Some(format!("Version {n} restored as version {}.", a.head.number)),
        asset: AssetView::new(&a, &s.urls),
    };
    let mut resp = (StatusCode::OK, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&version_etag(
        a.head.number,
        (a.head.locale != a.locale).then_some(a.head.locale.as_str()),
    )) {
        resp.headers_mut().insert(axum::http::header::ETAG, v);
    }
    Ok(resp)
}
