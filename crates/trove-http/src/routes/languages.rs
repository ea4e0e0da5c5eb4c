//! `/api/languages`: the organization's languages and their fallbacks.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trove_app::languages::{LanguagePatch, NewLanguage};
use utoipa::{IntoParams, ToSchema};

use super::NoQuery;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{LanguageEnvelope, LanguageView, LanguagesListEnvelope, Notice};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateLanguageBody {
    /// A standard code (see `?available=true`) or a custom one: 2–12 characters, a
    /// letter, then letters, digits or `-`.
    #[schema(schema_with = crate::schemas::language_code, required = true)]
    pub code: Option<String>,
    /// Required for a custom language; a standard one takes its catalogue name.
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub name: Option<String>,
    /// Default: the organization's default language.
    #[schema(schema_with = crate::schemas::language_code_or_null)]
    pub fallback_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateLanguageBody {
    /// Immutable: accepted only if unchanged.
    #[schema(schema_with = crate::schemas::language_code_or_null)]
    pub code: Option<String>,
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = crate::schemas::language_code_or_null)]
    pub fallback_code: Option<String>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LanguagesQuery {
    /// `true`: list the standard languages not added yet, instead of the organization's.
    pub available: Option<bool>,
}

#[utoipa::path(get, path = "/api/languages", tag = "languages", params(LanguagesQuery),
    responses((status = 200, body = LanguagesListEnvelope), (status = 401, body = ErrorBody)))]
pub async fn list_languages(
    State(s): State<AppState>,
    _: Allowed<perm::LanguageRead>,
    ApiQuery(q): ApiQuery<LanguagesQuery>,
) -> ApiResult<Json<LanguagesListEnvelope>> {
    let langs =
        if q.available.unwrap_or(false) { s.app.available_languages().await? } else { s.app.list_languages().await? };
    let count = i64::try_from(langs.len()).unwrap_or(i64::MAX);
    Ok(Json(LanguagesListEnvelope { languages: langs.iter().map(LanguageView::from).collect(), count }))
}

#[utoipa::path(post, path = "/api/languages", tag = "languages", request_body = CreateLanguageBody,
    responses((status = 201, body = LanguageEnvelope),
        (status = 409, description = "The code is taken, or the fallback names no language or would close a loop", body = ErrorBody)))]
pub async fn create_language(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::LanguageCreate>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<CreateLanguageBody>,
) -> ApiResult<(StatusCode, Json<LanguageEnvelope>)> {
    let l =
        s.app.create_language(&who, NewLanguage { code: b.code, name: b.name, fallback_code: b.fallback_code }).await?;
    Ok((
        StatusCode::CREATED,
        Json(LanguageEnvelope { notice: Some("Language added.".into()), language: LanguageView::from(&l) }),
    ))
}

#[utoipa::path(get, path = "/api/languages/{code}", tag = "languages", params(("code" = String, Path)),
    responses((status = 200, body = LanguageEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_language(
    State(s): State<AppState>,
    _: Allowed<perm::LanguageRead>,
    ApiPath(code): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<LanguageEnvelope>> {
    let l = s.app.get_language(&code).await?;
    Ok(Json(LanguageEnvelope { notice: None, language: LanguageView::from(&l) }))
}

#[utoipa::path(put, path = "/api/languages/{code}", tag = "languages", params(("code" = String, Path)),
    request_body = UpdateLanguageBody,
    responses((status = 200, body = LanguageEnvelope),
        (status = 409, description = "The code is immutable, the default language takes no fallback, or the chain would loop", body = ErrorBody)))]
pub async fn update_language(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::LanguageUpdate>,
    ApiPath(code): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<UpdateLanguageBody>,
) -> ApiResult<Json<LanguageEnvelope>> {
    let patch = LanguagePatch { code: b.code, name: b.name, fallback_code: b.fallback_code };
    let l = s.app.update_language(&who, &code, patch).await?;
    Ok(Json(LanguageEnvelope { notice: Some("Language updated.".into()), language: LanguageView::from(&l) }))
}

#[utoipa::path(delete, path = "/api/languages/{code}", tag = "languages", params(("code" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_language(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::LanguageDelete>,
    ApiPath(code): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_language(&who, &code).await?;
    Ok(Json(Notice::new("Language deleted.")))
}
