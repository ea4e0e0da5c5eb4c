//! `/api/spaces/{space}/folders`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trove_app::folders::{FolderPatch, NewFolder};
use trove_app::ports::FolderFilter;
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, WorkspaceQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{FolderEnvelope, FolderView, FoldersEnvelope, Notice};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolderBody {
    #[schema(schema_with = crate::schemas::title, required = true)]
    pub title: Option<String>,
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<String>,
    /// Parent folder UID; absent, `null` or `root` for the root.
    pub parent_uid: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateFolderBody {
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
    /// Moves the folder; `null` or `root` for the root.
    #[serde(default, deserialize_with = "double_option")]
    pub parent_uid: Option<Option<String>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFoldersQuery {
    pub workspace: Option<String>,
    /// Only folders directly inside this one (`root` for top-level folders).
    pub parent_uid: Option<String>,
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/folders", tag = "folders",
    params(("space" = String, Path), ListFoldersQuery),
    responses((status = 200, body = FoldersEnvelope), (status = 404, body = ErrorBody)))]
pub async fn list_folders(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FolderRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<ListFoldersQuery>,
) -> ApiResult<Json<FoldersEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let parent = match q.parent_uid {
        None => FolderFilter::Any,
        Some(p) => FolderFilter::In(trove_app::assets::normalize_parent(Some(p))),
    };
    let page = s.app.list_folders(&scope, parent, PageQuery { limit: q.limit, skip: q.skip }.page()?).await?;
    Ok(Json(FoldersEnvelope { folders: page.items.iter().map(FolderView::from).collect(), count: page.count }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/folders", tag = "folders",
    params(("space" = String, Path), WorkspaceQuery), request_body = CreateFolderBody,
    responses((status = 201, body = FolderEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_folder(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FolderCreate>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
    ApiJson(b): ApiJson<CreateFolderBody>,
) -> ApiResult<(StatusCode, Json<FolderEnvelope>)> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let input = NewFolder { title: b.title, description: b.description, parent_uid: b.parent_uid };
    let f = s.app.create_folder(&who, &scope, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(FolderEnvelope { notice: Some("Folder created successfully.".into()), folder: FolderView::from(&f) }),
    ))
}

#[utoipa::path(get, path = "/api/spaces/{space}/folders/{folder}", tag = "folders",
    params(("space" = String, Path), ("folder" = String, Path), WorkspaceQuery),
    responses((status = 200, body = FolderEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_folder(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FolderRead>,
    ApiPath((space, folder)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
) -> ApiResult<Json<FolderEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let f = s.app.get_folder(&scope, &folder).await?;
    Ok(Json(FolderEnvelope { notice: None, folder: FolderView::from(&f) }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/folders/{folder}", tag = "folders",
    params(("space" = String, Path), ("folder" = String, Path), WorkspaceQuery), request_body = UpdateFolderBody,
    responses((status = 200, body = FolderEnvelope),
        (status = 409, description = "The move would put the folder inside itself", body = ErrorBody)))]
pub async fn update_folder(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FolderUpdate>,
    ApiPath((space, folder)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
    ApiJson(b): ApiJson<UpdateFolderBody>,
) -> ApiResult<Json<FolderEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let patch = FolderPatch { title: b.title, description: b.description, parent_uid: b.parent_uid };
    let f = s.app.update_folder(&who, &scope, &folder, patch).await?;
    Ok(Json(FolderEnvelope { notice: Some("Folder updated successfully.".into()), folder: FolderView::from(&f) }))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/folders/{folder}", tag = "folders",
    params(("space" = String, Path), ("folder" = String, Path), WorkspaceQuery),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody)))]
pub async fn delete_folder(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FolderDelete>,
    ApiPath((space, folder)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    s.app.delete_folder(&who, &scope, &folder).await?;
    Ok(Json(Notice::new("Folder moved to the trash.")))
}
