//! `/api/spaces/{space}/workspaces`: fork, manage, languages, compare and merge.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use trove_app::workspaces::{NewWorkspace, WorkspacePatch};
use trove_domain::Error;
use trove_domain::workspace::MergeStrategy;
use utoipa::ToSchema;

use super::{NoQuery, PageQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, OptionalJson, perm};
use crate::views::{
    CompareEnvelope, LanguagesEnvelope, MergeEnvelope, MergeView, Notice, WorkspaceEnvelope, WorkspaceView,
    WorkspacesEnvelope,
};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkspaceBody {
    /// Lowercase letters, digits and `_`, at most 15 characters; unique in the space.
    #[schema(schema_with = crate::schemas::workspace_uid, required = true)]
    pub uid: Option<String>,
    /// Defaults to the UID.
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<String>,
    /// The workspace to fork; default `main`.
    pub source: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWorkspaceBody {
    #[schema(schema_with = crate::schemas::title_or_null)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
    /// Immutable: accepted only if unchanged.
    #[schema(schema_with = crate::schemas::workspace_uid_or_null)]
    pub uid: Option<String>,
    /// Immutable: accepted only if unchanged.
    #[serde(default, deserialize_with = "double_option")]
    pub source: Option<Option<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguagesBody {
    /// The enabled language codes; must include the default language.
    #[schema(schema_with = crate::schemas::language_codes)]
    pub languages: Vec<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MergeBody {
    /// `fail_on_conflict` (default), `prefer_workspace` or `prefer_source`.
    #[schema(schema_with = crate::schemas::merge_strategy)]
    pub strategy: Option<String>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/workspaces", tag = "workspaces",
    params(("space" = String, Path), PageQuery),
    responses((status = 200, body = WorkspacesEnvelope), (status = 404, body = ErrorBody)))]
pub async fn list_workspaces(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<WorkspacesEnvelope>> {
    let page = s.app.list_workspaces(&who, &space, q.page()?).await?;
    Ok(Json(WorkspacesEnvelope { workspaces: page.items.iter().map(WorkspaceView::from).collect(), count: page.count }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/workspaces", tag = "workspaces",
    params(("space" = String, Path)), request_body = CreateWorkspaceBody,
    responses((status = 201, body = WorkspaceEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_workspace(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceCreate>,
    ApiPath(space): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<CreateWorkspaceBody>,
) -> ApiResult<(StatusCode, Json<WorkspaceEnvelope>)> {
    let input = NewWorkspace { uid: b.uid, name: b.name, description: b.description, source: b.source };
    let w = s.app.create_workspace(&who, &space, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(WorkspaceEnvelope { notice: Some("Workspace created successfully.".into()), workspace: (&w).into() }),
    ))
}

#[utoipa::path(get, path = "/api/spaces/{space}/workspaces/{workspace}", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)),
    responses((status = 200, body = WorkspaceEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_workspace(
    State(s): State<AppState>,
    _: Allowed<perm::WorkspaceRead>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<WorkspaceEnvelope>> {
    let w = s.app.get_workspace(&space, &ws).await?;
    Ok(Json(WorkspaceEnvelope { notice: None, workspace: (&w).into() }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/workspaces/{workspace}", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)), request_body = UpdateWorkspaceBody,
    responses((status = 200, body = WorkspaceEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_workspace(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceUpdate>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<UpdateWorkspaceBody>,
) -> ApiResult<Json<WorkspaceEnvelope>> {
    let patch = WorkspacePatch { name: b.name, description: b.description, uid: b.uid, source: b.source };
    let w = s.app.update_workspace(&who, &space, &ws, patch).await?;
    Ok(Json(WorkspaceEnvelope { notice: Some("Workspace updated successfully.".into()), workspace: (&w).into() }))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/workspaces/{workspace}", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_workspace(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceDelete>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_workspace(&who, &space, &ws).await?;
    Ok(Json(Notice::new("Workspace deleted permanently.")))
}

#[utoipa::path(get, path = "/api/spaces/{space}/workspaces/{workspace}/languages", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)),
    responses((status = 200, body = LanguagesEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_languages(
    State(s): State<AppState>,
    _: Allowed<perm::WorkspaceRead>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<LanguagesEnvelope>> {
    let w = s.app.get_workspace(&space, &ws).await?;
    Ok(Json(LanguagesEnvelope { notice: None, default_language: w.default_locale, languages: w.languages }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/workspaces/{workspace}/languages", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)), request_body = LanguagesBody,
    responses((status = 200, body = LanguagesEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn set_languages(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceLanguages>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<LanguagesBody>,
) -> ApiResult<Json<LanguagesEnvelope>> {
    let w = s.app.set_workspace_languages(&who, &space, &ws, b.languages).await?;
    Ok(Json(LanguagesEnvelope {
        notice: Some("Workspace languages updated.".into()),
        default_language: w.default_locale,
        languages: w.languages,
    }))
}

#[utoipa::path(get, path = "/api/spaces/{space}/workspaces/{workspace}/compare", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path), PageQuery),
    responses((status = 200, body = CompareEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn compare(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceRead>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<CompareEnvelope>> {
    let w = s.app.get_workspace(&space, &ws).await?;
    let page = s.app.compare_workspace(&who, &space, &ws, q.page()?).await?;
    Ok(Json(CompareEnvelope { workspace: w.uid, source: w.source_uid, changes: page.items, count: page.count }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/workspaces/{workspace}/merge", tag = "workspaces",
    params(("space" = String, Path), ("workspace" = String, Path)), request_body = Option<MergeBody>,
    responses((status = 200, body = MergeEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::WorkspaceMerge>,
    ApiPath((space, ws)): ApiPath<(String, String)>,
    _: ApiQuery<NoQuery>,
    OptionalJson(b): OptionalJson<MergeBody>,
) -> ApiResult<Json<MergeEnvelope>> {
    // Without a body the merge uses the default strategy.
    let b = b.unwrap_or_default();
    let strategy = match b.strategy.as_deref() {
        None => MergeStrategy::default(),
        Some(raw) => MergeStrategy::parse(raw)
            .ok_or_else(|| Error::invalid("strategy", "must be fail_on_conflict, prefer_workspace or prefer_source"))?,
    };
    let w = s.app.get_workspace(&space, &ws).await?;
    let report = s.app.merge_workspace(&who, &space, &ws, strategy).await?;
    let notice = format!("Workspace {} merged into {}.", w.uid, w.source_uid.as_deref().unwrap_or("its source"));
    Ok(Json(MergeEnvelope { notice, merge: MergeView::new(&w, strategy.as_str(), report) }))
}
