//! The audit log: the outbox read back, narrowed to what the caller may see.

use trove_domain::Result;
use trove_domain::access::{Action, Resource};
use trove_domain::audit::{AuditEntry, AuditFilter};
use trove_domain::model::{Page, PageRequest};

use crate::App;
use crate::access::Caller;

impl App {
    /// A space's events (space admins), or the organization's (`space: None`,
    /// for those who may read users), newest first.
    pub async fn audit(&self, who: &Caller, filter: AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>> {
        match filter.space.as_deref() {
            Some(space) => {
                let on = Resource { workspace: filter.workspace.as_deref(), locale: None };
                who.require(Action::AuditRead, Some(space), &on)?;
            }
            None => {
                who.require(Action::OrgAuditRead, None, &Resource::default())?;
            }
        }
        self.meta.list_audit(&filter, page).await
    }

    /// One asset's history of who did what, for those who may read the asset.
    pub async fn activity(
        &self,
        scope: &crate::scope::Scope,
        asset: &str,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>> {
        // Reading the asset decides: a caller who may not read it gets its 404.
        self.get_asset(scope, asset).await?;
        // What happened in this workspace, in the languages the caller may read.
        let readable: Vec<String> =
            scope.enabled.iter().filter(|l| scope.require_in(Action::AssetRead, l).is_ok()).cloned().collect();
        let filter = AuditFilter {
            space: Some(scope.space_uid.clone()),
            asset: Some(asset.to_owned()),
            workspace: Some(scope.workspace_uid.clone()),
            locales: (readable.len() < scope.enabled.len()).then_some(readable),
            ..AuditFilter::default()
        };
        self.meta.list_audit(&filter, page).await
    }
}
