//! `/api/spaces`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trove_app::spaces::{NewSpace, SpacePatch};
use utoipa::{IntoParams, ToSchema};

use super::{NoQuery, PageQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{Notice, SpaceEnvelope, SpaceView, SpacesEnvelope};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSpaceBody {
    #[schema(schema_with = crate::schemas::title, required = true)]
    pub title: Option<String>,
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSpaceBody {
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteSpaceQuery {
    /// Must be `DELETE`: deleting a space deletes everything in it (400
    /// `confirmation_required` otherwise).
    #[param(inline, value_type = Confirm, required = true)]
    pub confirm: Option<String>,
}

/// The one value `confirm` takes.
#[derive(ToSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
enum Confirm {
    DELETE,
}

#[utoipa::path(get, path = "/api/spaces", tag = "spaces", params(PageQuery),
    responses((status = 200, body = SpacesEnvelope), (status = 401, body = ErrorBody)))]
pub async fn list_spaces(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceList>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<SpacesEnvelope>> {
    let page = s.app.list_spaces(&who, q.page()?).await?;
    Ok(Json(SpacesEnvelope { spaces: page.items.iter().map(SpaceView::from).collect(), count: page.count }))
}

#[utoipa::path(post, path = "/api/spaces", tag = "spaces", request_body = CreateSpaceBody,
    responses((status = 201, body = SpaceEnvelope), (status = 422, body = ErrorBody)))]
pub async fn create_space(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceCreate>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<CreateSpaceBody>,
) -> ApiResult<(StatusCode, Json<SpaceEnvelope>)> {
    let space = s.app.create_space(&who, NewSpace { title: b.title, description: b.description }).await?;
    Ok((
        StatusCode::CREATED,
        Json(SpaceEnvelope { notice: Some("Space created successfully.".into()), space: SpaceView::from(&space) }),
    ))
}

#[utoipa::path(get, path = "/api/spaces/{space}", tag = "spaces", params(("space" = String, Path)),
    responses((status = 200, body = SpaceEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_space(
    State(s): State<AppState>,
    _: Allowed<perm::SpaceRead>,
    ApiPath(space): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<SpaceEnvelope>> {
    let space = s.app.get_space(&space).await?;
    Ok(Json(SpaceEnvelope { notice: None, space: SpaceView::from(&space) }))
}

#[utoipa::path(put, path = "/api/spaces/{space}", tag = "spaces", params(("space" = String, Path)),
    request_body = UpdateSpaceBody,
    responses((status = 200, body = SpaceEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update_space(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceUpdate>,
    ApiPath(space): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<UpdateSpaceBody>,
) -> ApiResult<Json<SpaceEnvelope>> {
    let space = s.app.update_space(&who, &space, SpacePatch { title: b.title, description: b.description }).await?;
    Ok(Json(SpaceEnvelope { notice: Some("Space updated successfully.".into()), space: SpaceView::from(&space) }))
}

#[utoipa::path(delete, path = "/api/spaces/{space}", tag = "spaces",
    params(("space" = String, Path), DeleteSpaceQuery),
    responses((status = 200, body = Notice), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_space(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceDelete>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<DeleteSpaceQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_space(&who, &space, q.confirm.as_deref()).await?;
    Ok(Json(Notice::new("Space deleted successfully.")))
}
