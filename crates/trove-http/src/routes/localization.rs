//! `/api/spaces/{space}/assets/{asset}/locales`: which languages an asset is
//! localized in, and unlocalizing one. Localizing is a write in the language
//! (`PUT …/assets/{asset}?locale=fr-fr`), see `routes::assets`.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use trove_domain::model::LocaleStatus;
use utoipa::ToSchema;

use super::WorkspaceQuery;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiPath, ApiQuery, perm};
use crate::views::Notice;

/// How an asset reads in one language the workspace enables.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocaleStatusView {
    pub locale: String,
    /// The asset has its own variant in this language.
    pub localized: bool,
    /// `localized`, `inherited` (values come from `source_locale`), or
    /// `unavailable` (no language of the chain has a variant).
    pub status: &'static str,
    /// Where reads in this language take their values and file from.
    pub source_locale: Option<String>,
    /// The head version of `source_locale`'s variant.
    pub version: Option<i64>,
}

impl LocaleStatusView {
    fn new(s: &LocaleStatus) -> Self {
        let status = match (&s.source_locale, s.localized) {
            (_, true) => "localized",
            (Some(_), false) => "inherited",
            (None, false) => "unavailable",
        };
        LocaleStatusView {
            locale: s.locale.clone(),
            localized: s.localized,
            status,
            source_locale: s.source_locale.clone(),
            version: s.version,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocalesEnvelope {
    pub locales: Vec<LocaleStatusView>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets/{asset}/locales", tag = "localization",
    params(("space" = String, Path), ("asset" = String, Path), WorkspaceQuery),
    responses((status = 200, body = LocalesEnvelope), (status = 404, body = ErrorBody)))]
pub async fn list_locales(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
) -> ApiResult<Json<LocalesEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let list = s.app.locale_status(&scope, &asset).await?;
    Ok(Json(LocalesEnvelope { locales: list.iter().map(LocaleStatusView::new).collect() }))
}

/// Discards the language's variant (metadata and file); it inherits again at once.
#[utoipa::path(delete, path = "/api/spaces/{space}/assets/{asset}/locales/{locale}", tag = "localization",
    params(("space" = String, Path), ("asset" = String, Path), ("locale" = String, Path), WorkspaceQuery),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn unlocalize(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetUpdate>,
    ApiPath((space, asset, locale)): ApiPath<(String, String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), Some(&locale)).await?;
    s.app.unlocalize(&scope, &asset).await?;
    Ok(Json(Notice::new(format!("Asset unlocalized in {}; it inherits again.", scope.locale))))
}
