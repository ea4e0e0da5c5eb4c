//! `/api/spaces/{space}/trash`.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use trove_app::ports::TrashFilter;
use trove_domain::model::{Timestamp, TrashKind};
use trove_domain::{Error, Result};
use utoipa::{IntoParams, ToSchema};

use super::{PageQuery, WorkspaceQuery};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiPath, ApiQuery, OptionalJson, perm};
use crate::views::{Notice, TrashEnvelope, TrashItemView};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrashQuery {
    pub workspace: Option<String>,
    /// User UID of who deleted the item.
    pub deleted_by: Option<String>,
    /// `asset` or `folder`.
    #[serde(rename = "type")]
    #[param(rename = "type", schema_with = crate::schemas::trash_kind)]
    pub kind: Option<String>,
    /// Deleted at or after this instant (RFC 3339) or day (`YYYY-MM-DD`).
    #[param(schema_with = crate::schemas::trash_time)]
    pub from: Option<String>,
    /// Deleted before this instant, or before the end of this day.
    #[param(schema_with = crate::schemas::trash_time)]
    pub to: Option<String>,
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RestoreBody {
    /// For folders: also restore the assets deleted with it (default true).
    pub with_assets: Option<bool>,
}

/// A query value of the wrong form: 400 `invalid_query`, keyed by the parameter.
fn bad_query(field: &str, message: &str) -> Error {
    let mut e = Error::bad_request("invalid_query", format!("{field}: {message}"));
    e.fields.insert(field.to_owned(), vec![message.to_owned()]);
    e
}

/// Parses an RFC 3339 instant or a calendar day; a day as `to` means its end.
fn parse_time(field: &str, raw: &str, end_of_day: bool) -> Result<Timestamp> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .map_err(|_| bad_query(field, "must be an RFC 3339 time or a YYYY-MM-DD date"))?;
    let day = if end_of_day { day.succ_opt().unwrap_or(day) } else { day };
    Ok(day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

#[utoipa::path(get, path = "/api/spaces/{space}/trash", tag = "trash",
    params(("space" = String, Path), TrashQuery),
    responses((status = 200, body = TrashEnvelope)))]
pub async fn list_trash(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::TrashRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<TrashQuery>,
) -> ApiResult<Json<TrashEnvelope>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let kind = match q.kind.as_deref() {
        None => None,
        Some("asset") => Some(TrashKind::Asset),
        Some("folder") => Some(TrashKind::Folder),
        Some(_) => return Err(bad_query("type", "must be asset or folder").into()),
    };
    let filter = TrashFilter {
        deleted_by: q.deleted_by,
        kind,
        deleted_after: q.from.as_deref().map(|r| parse_time("from", r, false)).transpose()?,
        deleted_before: q.to.as_deref().map(|r| parse_time("to", r, true)).transpose()?,
        permitted: None,
    };
    let page = s.app.list_trash(&scope, filter, PageQuery { limit: q.limit, skip: q.skip }.page()?).await?;
    let items = page.items.iter().map(|t| TrashItemView::new(t, s.trash_retention)).collect();
    Ok(Json(TrashEnvelope { items, count: page.count }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/trash/{uid}/restore", tag = "trash",
    params(("space" = String, Path), ("uid" = String, Path), WorkspaceQuery), request_body = Option<RestoreBody>,
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn restore(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::TrashRestore>,
    ApiPath((space, uid)): ApiPath<(String, String)>,
    ApiQuery(q): ApiQuery<WorkspaceQuery>,
    OptionalJson(b): OptionalJson<RestoreBody>,
) -> ApiResult<Json<Notice>> {
    let scope = s.app.scope(&who, &space, q.workspace.as_deref(), None).await?;
    let b = b.unwrap_or_default();
    let (kind, with_assets) = s.app.restore_from_trash(&scope, &uid, b.with_assets).await?;
    Ok(Json(Notice::new(match kind {
        TrashKind::Asset => "Asset restored.",
        TrashKind::Folder if with_assets => "Folder restored with its assets.",
        TrashKind::Folder => "Folder restored without its assets.",
    })))
}
