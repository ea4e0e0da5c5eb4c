//! `/api/asset_types`: the kinds of asset the server knows, with the MIME types and
//! extensions each matches: the built-in catalogue (see docs/asset-types.md), to
//! which the organization adds fields and rules, and the organization's own types.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use trove_app::asset_types::AssetTypeInput;
use trove_domain::asset_types::{AssetType, Category};
use trove_domain::fields::CrossRule;
use utoipa::ToSchema;

use super::{NoQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::Notice;

/// An asset type as a client writes it (schemas `NewAssetTypeSchema` and
/// `AssetTypeUpdateSchema`): on create, `uid`, `title`, `category` and
/// `mime_types` are required; on replace, what is left out keeps its value, and of
/// a built-in type only `fields` and `rules` may differ from what it is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetTypeBody {
    pub uid: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<Category>,
    pub mime_types: Option<Vec<String>>,
    pub file_extensions: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub icon: Option<Option<String>>,
    pub fields: Option<Vec<String>>,
    pub rules: Option<Vec<CrossRule>>,
}

impl From<AssetTypeBody> for AssetTypeInput {
    fn from(b: AssetTypeBody) -> Self {
        AssetTypeInput {
            uid: b.uid,
            title: b.title,
            description: b.description,
            category: b.category,
            mime_types: b.mime_types,
            file_extensions: b.file_extensions,
            icon: b.icon,
            fields: b.fields,
            rules: b.rules,
        }
    }
}

/// An asset type, in the shape of Contentstack's asset type object.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetTypeView {
    pub uid: String,
    pub title: String,
    pub description: String,
    /// `images`, `video`, `documents`, … (see docs/asset-types.md).
    pub category: String,
    /// The canonical MIME type.
    pub content_type: String,
    /// Every MIME type the type matches, `content_type` first.
    pub mime_types: Vec<String>,
    /// Extensions without the dot, lower case.
    pub file_extension: Vec<String>,
    /// Built-in types cannot be deleted.
    pub is_system: bool,
    /// `executable`, `script`, `webassembly` or `vm_image` when uploads of this type
    /// are refused unless the server's `allowed_risky_types` allows them.
    pub restricted: Option<String>,
    /// The name of the icon the web UI shows (`null`: the category's).
    pub icon: Option<String>,
    /// UIDs of the user-defined fields its assets carry, in display order.
    pub fields: Vec<String>,
    /// Rules across its fields, checked with them on every save.
    #[schema(schema_with = crate::schemas::model::type_rules)]
    pub rules: Vec<serde_json::Value>,
}

impl From<&AssetType> for AssetTypeView {
    fn from(t: &AssetType) -> Self {
        AssetTypeView {
            uid: t.uid.clone(),
            title: t.title.clone(),
            description: t.description.clone(),
            category: serde_json::to_value(t.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            content_type: t.content_type().to_owned(),
            mime_types: t.mime_types.clone(),
            file_extension: t.file_extensions.clone(),
            is_system: t.is_system,
            restricted: t.restricted.map(|r| r.label().to_owned()),
            icon: t.icon.clone(),
            fields: t.fields.clone(),
            rules: t.rules.iter().filter_map(|r| serde_json::to_value(r).ok()).collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetTypesEnvelope {
    pub asset_types: Vec<AssetTypeView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetTypeEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub asset_type: AssetTypeView,
}

fn envelope(notice: Option<&str>, t: &AssetType) -> Json<AssetTypeEnvelope> {
    Json(AssetTypeEnvelope { notice: notice.map(str::to_owned), asset_type: AssetTypeView::from(t) })
}

/// Every asset type, by UID.
#[utoipa::path(get, path = "/api/asset_types", tag = "asset_types",
    responses((status = 200, body = AssetTypesEnvelope)))]
pub async fn list_asset_types(
    State(s): State<AppState>,
    _: Allowed<perm::AssetTypeRead>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<AssetTypesEnvelope>> {
    let types = s.app.list_asset_types().await?;
    let count = i64::try_from(types.len()).unwrap_or(i64::MAX);
    Ok(Json(AssetTypesEnvelope { asset_types: types.iter().map(AssetTypeView::from).collect(), count }))
}

/// One asset type.
#[utoipa::path(get, path = "/api/asset_types/{asset_type}", tag = "asset_types", params(("asset_type" = String, Path)),
    responses((status = 200, body = AssetTypeEnvelope)))]
pub async fn get_asset_type(
    State(s): State<AppState>,
    _: Allowed<perm::AssetTypeRead>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<AssetTypeEnvelope>> {
    Ok(envelope(None, &s.app.get_asset_type(&uid).await?))
}

/// Adds an organization type.
#[utoipa::path(post, path = "/api/asset_types", tag = "asset_types", request_body = crate::schemas::model::NewAssetTypeSchema,
    responses((status = 201, body = AssetTypeEnvelope),
        (status = 409, description = "The UID is taken (`asset_type_exists`), or a (MIME type, extension) pair belongs to another type (`asset_type_pair_taken`, naming it)", body = ErrorBody)))]
pub async fn create_asset_type(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetTypeCreate>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<AssetTypeBody>,
) -> ApiResult<(StatusCode, Json<AssetTypeEnvelope>)> {
    let t = s.app.create_asset_type(&who, b.into()).await?;
    Ok((StatusCode::CREATED, envelope(Some("Asset type created."), &t)))
}

/// Replaces a type; of a built-in type, its fields and rules.
#[utoipa::path(put, path = "/api/asset_types/{asset_type}", tag = "asset_types", params(("asset_type" = String, Path)),
    request_body = crate::schemas::model::AssetTypeUpdateSchema,
    responses((status = 200, body = AssetTypeEnvelope),
        (status = 409, description = "Another UID, or another value of a built-in type's property other than its fields and rules (`immutable_field`), or a pair another type claims (`asset_type_pair_taken`)", body = ErrorBody)))]
pub async fn update_asset_type(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetTypeUpdate>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<AssetTypeBody>,
) -> ApiResult<Json<AssetTypeEnvelope>> {
    let t = s.app.update_asset_type(&who, &uid, b.into()).await?;
    Ok(envelope(Some("Asset type updated."), &t))
}

/// Deletes an organization type no file has.
#[utoipa::path(delete, path = "/api/asset_types/{asset_type}", tag = "asset_types", params(("asset_type" = String, Path)),
    responses((status = 200, body = Notice),
        (status = 409, description = "A built-in type (`system_asset_type`), or stored files are of it (`asset_type_in_use`)", body = ErrorBody)))]
pub async fn delete_asset_type(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetTypeDelete>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_asset_type(&who, &uid).await?;
    Ok(Json(Notice::new("Asset type deleted.")))
}
