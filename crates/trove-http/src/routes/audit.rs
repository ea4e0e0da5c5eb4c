//! The audit log: `/api/audit` (organization), `/api/spaces/{space}/audit` and
//! one asset's activity.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use trove_domain::audit::{AuditEntry, AuditFilter};
use utoipa::{IntoParams, ToSchema};

use super::PageQuery;
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiPath, ApiQuery, perm};
use crate::views::time;

/// Filters of an audit listing, all ANDed.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only events of this user.
    pub user_uid: Option<String>,
    /// An action (`asset.update`) or a resource (`asset`).
    pub action: Option<String>,
    pub asset_uid: Option<String>,
    pub workspace: Option<String>,
    pub locale: Option<String>,
    /// Only events at or after this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only events before this time (RFC 3339).
    #[param(value_type = Option<String>, format = DateTime)]
    pub until: Option<chrono::DateTime<chrono::Utc>>,
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

impl AuditQuery {
    fn filter(&self, space: Option<String>) -> AuditFilter {
        AuditFilter {
            space,
            actor: self.user_uid.clone(),
            action: self.action.clone(),
            asset: self.asset_uid.clone(),
            workspace: self.workspace.clone(),
            locale: self.locale.clone(),
            locales: None,
            since: self.since,
            until: self.until,
        }
    }
}

/// One recorded change.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub id: String,
    pub at: String,
    /// `<resource>.<verb>`, e.g. `asset.update`.
    pub action: String,
    /// The user who made the change (`system` for Trove's own).
    pub user_uid: String,
    /// `token:<uid>` or `session:<uid>`.
    pub credential: Option<String>,
    pub space_uid: Option<String>,
    pub workspace: Option<String>,
    pub asset_uid: Option<String>,
    pub locale: Option<String>,
    pub version: Option<i64>,
    /// What the change is about when not an asset (folder, user, role, …).
    pub target_uid: Option<String>,
    #[schema(value_type = Option<Object>)]
    pub detail: Option<serde_json::Value>,
}

impl From<AuditEntry> for EventView {
    fn from(e: AuditEntry) -> Self {
        EventView {
            id: e.id,
            at: time(e.at),
            action: e.action,
            user_uid: e.actor_uid,
            credential: e.credential,
            space_uid: e.space_uid,
            workspace: e.workspace_uid,
            asset_uid: e.asset_uid,
            locale: e.locale,
            version: e.version,
            target_uid: e.target_uid,
            detail: e.detail,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventsEnvelope {
    pub events: Vec<EventView>,
    pub count: i64,
}

fn envelope(page: trove_domain::model::Page<AuditEntry>) -> Json<EventsEnvelope> {
    Json(EventsEnvelope { events: page.items.into_iter().map(EventView::from).collect(), count: page.count })
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = EventsEnvelope), (status = 403, body = ErrorBody)))]
pub async fn org_audit(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OrgAuditRead>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<EventsEnvelope>> {
    let page = PageQuery { limit: q.limit, skip: q.skip }.page()?;
    Ok(envelope(s.app.audit(&who, q.filter(None), page).await?))
}

#[utoipa::path(get, path = "/api/spaces/{space}/audit", tag = "audit",
    params(("space" = String, Path), AuditQuery),
    responses((status = 200, body = EventsEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn space_audit(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AuditRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Json<EventsEnvelope>> {
    let page = PageQuery { limit: q.limit, skip: q.skip }.page()?;
    Ok(envelope(s.app.audit(&who, q.filter(Some(space)), page).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityQuery {
    /// Workspace UID; default `main`.
    pub workspace: Option<String>,
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/assets/{asset}/activity", tag = "audit",
    params(("space" = String, Path), ("asset" = String, Path), ActivityQuery),
    responses((status = 200, body = EventsEnvelope), (status = 404, body = ErrorBody)))]
pub async fn asset_activity(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::AssetRead>,
    ApiPath((space, asset)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<EventsEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let page = PageQuery { limit: q.limit, skip: q.skip }.page()?;
    Ok(envelope(s.app.activity(&scope, &asset, page).await?))
}
