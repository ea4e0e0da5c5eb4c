//! `/api/spaces/{space}/assets`: upload, list, read, edit, replace, delete, bulk.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::header::ETAG;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use trove_app::assets::{AssetPatch, ListFilter};
use trove_app::ports::FolderFilter;
use trove_domain::Error;
use trove_domain::model::Asset;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, ScopeQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, if_match, perm};
use crate::upload;
use crate::views::{AssetEnvelope, AssetView, AssetsEnvelope, Notice};

/// Multipart form of an upload or a file replacement. Other parts are refused.
/// (`Deserialize` is derived for the schema alone: `deny_unknown_fields` is what
/// makes it say so; `upload` reads the parts.)
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file (required on upload, replaces the file on PUT).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    #[schema(schema_with = crate::schemas::title)]
    title: Option<String>,
    #[schema(schema_with = crate::schemas::long_text_part)]
    description: Option<String>,
    /// Alternative text of the image.
    #[schema(schema_with = crate::schemas::alt_text_part)]
    alt_text: Option<String>,
    /// JSON array of strings, or a comma-separated list.
    #[schema(schema_with = crate::schemas::tags_part)]
    tags: Option<String>,
    /// Folder UID; `root` or empty for the root.
    parent_uid: Option<String>,
    /// A JSON object of values of the asset type's fields, keyed by field UID, so
    /// required fields can be filled in the request that uploads the file; on a
    /// replace it replaces the current values.
    custom_metadata: Option<String>,
}

/// JSON metadata update. Absent fields keep their value.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssetBody {
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
    /// Alternative text (`null` clears).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::alt_text)]
    pub alt_text: Option<Option<String>>,
    #[schema(schema_with = crate::schemas::tags)]
    pub tags: Option<Vec<String>>,
    #[schema(schema_with = crate::schemas::custom_metadata)]
    pub custom_metadata: Option<serde_json::Map<String, serde_json::Value>>,
    /// Moves the asset (`null` or `root` = the root). Creates no version.
    #[serde(default, deserialize_with = "double_option")]
    pub parent_uid: Option<Option<String>>,
    /// Sets the permanent-URL slug; allowed once. Creates no version.
    #[schema(schema_with = crate::schemas::slug)]
    pub slug: Option<String>,
    /// The version this change is based on (alternative to `If-Match`).
    #[serde(default, deserialize_with = "super::integer")]
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListAssetsQuery {
    pub workspace: Option<String>,
    #[param(schema_with = crate::schemas::locale_param)]
    pub locale: Option<String>,
    /// Only assets directly in this folder (`root` for the root).
    pub folder: Option<String>,
    /// Only assets with a variant in this locale or in its fallback chain: what a
    /// CMS entry in that locale may pick.
    #[param(schema_with = crate::schemas::locale_param)]
    pub available_in: Option<String>,
    /// Only assets localized in this locale.
    #[param(schema_with = crate::schemas::locale_param)]
    pub localized_in: Option<String>,
    /// Only assets not localized in this locale.
    #[param(schema_with = crate::schemas::locale_param)]
    pub not_localized_in: Option<String>,
    /// Only assets whose current file is of this asset type (see `/api/asset_types`).
    #[param(schema_with = crate::schemas::asset_type_param)]
    pub asset_type: Option<String>,
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkMoveBody {
    #[schema(schema_with = crate::schemas::bulk_uids, required = true)]
    pub asset_uids: Vec<String>,
    /// Target folder UID; `null` or `root` for the root.
    pub target_folder_uid: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAssetRef {
    pub uid: String,
}

/// One of the two forms, not both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(min_properties = 1, max_properties = 1)]
pub struct BulkDeleteBody {
    #[schema(schema_with = crate::schemas::bulk_uids)]
    pub asset_uids: Option<Vec<String>>,
    /// Contentstack form: `[{"uid": …}]`.
    #[schema(schema_with = crate::schemas::bulk_refs)]
    pub assets: Option<Vec<BulkAssetRef>>,
}

/// An asset response with its version as the ETag.
fn asset_response(s: &AppState, status: StatusCode, notice: Option<&str>, a: &Asset) -> Response {
    let body = AssetEnvelope { notice: notice.map(str::to_owned), asset: AssetView::new(a, &s.urls) };
    let mut resp = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&trove_domain::precondition::version_etag(
        a.head.number,
        (a.head.locale != a.locale).then_some(a.head.locale.as_str()),
    )) {
        resp.headers_mut().insert(ETAG, v);
    }
    resp
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets", tag = "assets",
    params(("space" = String, Path), ListAssetsQuery),
    responses((status = 200, body = AssetsEnvelope), (status = 404, body = ErrorBody)))]
pub async fn list_assets(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListAssetsQuery>,
) -> ApiResult<Json<AssetsEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let folder = match q.folder {
        None => FolderFilter::Any,
        Some(f) => FolderFilter::In(trove_app::assets::normalize_parent(Some(f))),
    };
    let page = PageQuery { limit: q.limit, skip: q.skip }.page()?;
    let filter = ListFilter {
        available_in: q.available_in,
        localized_in: q.localized_in,
        not_localized_in: q.not_localized_in,
        asset_type: q.asset_type,
    };
    let page = s.app.list_assets(&scope, folder, filter, page).await?;
    Ok(Json(AssetsEnvelope {
        assets: page.items.iter().map(|a| AssetView::new(a, &s.urls)).collect(),
        count: page.count,
    }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/assets", tag = "assets",
    params(("space" = String, Path), ScopeQuery),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, body = AssetEnvelope), (status = 400, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload_asset(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetCreate>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    if !upload::is_multipart(&headers) {
        return Err(Error::new(
            trove_domain::ErrorKind::UnsupportedMediaType,
            "unsupported_content_type",
            "uploads are multipart/form-data with a \"file\" part",
        )
        .into());
    }
    let up = upload::read(&s.app, &headers, body).await?;
    let file = up.file.ok_or_else(|| Error::invalid("file", "is required"))?;
    let asset = s.app.create_asset(&who, &scope, file, up.meta).await?;
    Ok(asset_response(&s, StatusCode::CREATED, Some("Asset created successfully."), &asset))
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets/{asset}", tag = "assets",
    params(("space" = String, Path), ("asset" = String, Path), ScopeQuery),
    responses((status = 200, body = AssetEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_asset(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
) -> ApiResult<Response> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let asset = s.app.get_asset(&scope, &asset).await?;
    Ok(asset_response(&s, StatusCode::OK, None, &asset))
}

#[utoipa::path(put, path = "/api/spaces/{space}/assets/{asset}", tag = "assets",
    params(("space" = String, Path), ("asset" = String, Path), ScopeQuery,
        ("If-Match" = Option<String>, Header, description = "ETag of the version the change is based on")),
    request_body(content(
        (UpdateAssetBody = "application/json"),
        (UploadForm = "multipart/form-data"),
    )),
    responses((status = 200, body = AssetEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_asset(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetUpdate>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let expected = if_match(&headers)?;
    if upload::is_multipart(&headers) {
        if let Some(v) = &expected {
            s.app.check_version(&scope, &asset, v).await?;
        }
        let up = upload::read(&s.app, &headers, body).await?;
        let file = up.file.ok_or_else(|| Error::invalid("file", "is required to replace the file"))?;
        let a = s.app.replace_file(&who, &scope, &asset, expected, file, up.meta).await?;
        return Ok(asset_response(&s, StatusCode::OK, Some("Asset updated successfully."), &a));
    }
    if !crate::json::is_json(&headers) {
        return Err(Error::new(
            trove_domain::ErrorKind::UnsupportedMediaType,
            "unsupported_content_type",
            "send JSON (Content-Type: application/json) to edit metadata, or multipart/form-data to replace the file",
        )
        .into());
    }
    let b: UpdateAssetBody = crate::json::read(&headers, body, true)
        .await?
        .ok_or_else(|| Error::bad_request("invalid_json", "the body is empty; send a JSON object"))?;
    let patch = AssetPatch {
        title: b.title,
        description: b.description,
        alt_text: b.alt_text,
        tags: b.tags,
        custom_metadata: b.custom_metadata,
        parent_uid: b.parent_uid,
        slug: b.slug,
        version: b.version,
    };
    let a = s.app.update_asset(&who, &scope, &asset, expected, patch).await?;
    Ok(asset_response(&s, StatusCode::OK, Some("Asset updated successfully."), &a))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/assets/{asset}", tag = "assets",
    params(("space" = String, Path), ("asset" = String, Path), ScopeQuery,
        ("If-Match" = Option<String>, Header, description = "ETag of the version the deletion is based on")),
    responses((status = 200, body = Notice), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 412, body = ErrorBody)))]
pub async fn delete_asset(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetDelete>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    headers: HeaderMap,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    s.app.delete_asset(&who, &scope, &asset, if_match(&headers)?).await?;
    Ok(Json(Notice::new("Asset moved to the trash.")))
}

#[utoipa::path(post, path = "/api/spaces/{space}/assets/bulk/move", tag = "assets",
    params(("space" = String, Path), ScopeQuery), request_body = BulkMoveBody,
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bulk_move(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetUpdate>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    ApiJson(b): ApiJson<BulkMoveBody>,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let moved = s.app.move_assets(&scope, &b.asset_uids, b.target_folder_uid).await?;
    Ok(Json(Notice::new(format!("{moved} assets moved."))))
}

#[utoipa::path(post, path = "/api/spaces/{space}/assets/bulk/delete", tag = "assets",
    params(("space" = String, Path), ScopeQuery), request_body = BulkDeleteBody,
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn bulk_delete(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetDelete>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<ScopeQuery>,
    ApiJson(b): ApiJson<BulkDeleteBody>,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), q.locale.as_deref()).await?;
    let uids = match (b.asset_uids, b.assets) {
        (Some(_), Some(_)) => {
            return Err(Error::invalid("assets", "send either asset_uids or assets, not both").into());
        }
        (Some(uids), None) => uids,
        (None, assets) => assets.unwrap_or_default().into_iter().map(|a| a.uid).collect(),
    };
    let trashed = s.app.delete_assets(&who, &scope, &uids).await?;
    Ok(Json(Notice::new(format!("{trashed} assets moved to the trash."))))
}
