//! `/api/asset_types`: the kinds of asset the server knows, with the MIME types and
//! extensions each matches (the built-in catalogue; see docs/asset-types.md).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trove_domain::asset_types::AssetType;
use utoipa::ToSchema;

use super::NoQuery;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Allowed, ApiPath, ApiQuery, perm};

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
    /// UIDs of the user-defined fields its assets carry, in display order.
    pub fields: Vec<String>,
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
            fields: t.fields.clone(),
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
    pub asset_type: AssetTypeView,
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
#[utoipa::path(get, path = "/api/asset_types/{uid}", tag = "asset_types", params(("uid" = String, Path)),
    responses((status = 200, body = AssetTypeEnvelope)))]
pub async fn get_asset_type(
    State(s): State<AppState>,
    _: Allowed<perm::AssetTypeRead>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<AssetTypeEnvelope>> {
    let t = s.app.get_asset_type(&uid).await?;
    Ok(Json(AssetTypeEnvelope { asset_type: AssetTypeView::from(&t) }))
}
