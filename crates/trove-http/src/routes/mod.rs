//! Handlers, one module per resource.

pub mod assets;
pub mod delivery;
pub mod folders;
pub mod health;
pub mod languages;
pub mod localization;
pub mod spaces;
pub mod trash;
pub mod versions;
pub mod workspaces;

use serde::Deserialize;
use trove_domain::model::PageRequest;
use utoipa::IntoParams;

/// `workspace` and `locale`, accepted by every space-scoped route.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// Workspace UID; default `main`.
    pub workspace: Option<String>,
    /// Locale code; default: the workspace's default language.
    pub locale: Option<String>,
}

/// `workspace` alone, for routes whose resources are not localized (folders, trash).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkspaceQuery {
    /// Workspace UID; default `main`.
    pub workspace: Option<String>,
}

/// The query of a route that takes no parameters: it still goes through
/// [`crate::extract::ApiQuery`], so an unknown one is refused (400
/// `unknown_query_parameter`) as on every other `/api` route, rather than silently
/// ignored.
#[derive(Debug, Default, Deserialize)]
pub struct NoQuery {}

/// `limit` / `skip` pagination.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page (1–1000, default 100).
    pub limit: Option<i64>,
    /// Items to skip.
    pub skip: Option<i64>,
}

impl PageQuery {
    pub fn page(&self) -> PageRequest {
        PageRequest::new(self.skip, self.limit)
    }
}

/// Deserializes a field that may be absent, `null`, or a value, keeping the
/// difference between absent (`None`) and `null` (`Some(None)`).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
