//! The trash: what was deleted, and putting it back.

use trove_domain::access::{Action, Resource};
use trove_domain::model::{Page, PageRequest, TrashItem, TrashKind};
use trove_domain::{Error, Result};

use crate::App;
use crate::ports::TrashFilter;
use crate::scope::Scope;

impl App {
    /// Items users deleted in this workspace, newest first.
    /// A role limited to some folders sees only their items.
    pub async fn list_trash(&self, scope: &Scope, filter: TrashFilter, page: PageRequest) -> Result<Page<TrashItem>> {
        let filter = TrashFilter { permitted: self.permitted(scope, Action::TrashRead).await?, ..filter };
        if let (Some(a), Some(b)) = (filter.deleted_after, filter.deleted_before)
            && a > b
        {
            // An interval that ends before it starts holds nothing.
            return Ok(Page { items: Vec::new(), count: 0 });
        }
        self.meta.list_trash(&scope.space_uid, &scope.workspace_uid, &filter, page).await
    }

    /// Restores an item to where it was. Folders come back with their subfolders,
    /// and with the assets deleted with them unless `with_assets` is `Some(false)`.
    /// Returns what was restored and whether assets came back with a folder.
    pub async fn restore_from_trash(
        &self,
        scope: &Scope,
        uid: &str,
        with_assets: Option<bool>,
    ) -> Result<(TrashKind, bool)> {
        let with_assets = with_assets.unwrap_or(true);
        // Restoring puts items back anywhere in the workspace: it needs the right
        // over every asset, not a part of them.
        let whole = Resource { workspace: Some(&scope.workspace_uid), locale: None };
        scope.caller.require_all(Action::TrashRestore, Some(&scope.space_uid), &whole)?;
        let kind = self
            .meta
            .trash_kind(&scope.space_uid, &scope.workspace_uid, uid)
            .await?
            .ok_or_else(|| Error::not_found("trash_item_not_found", format!("{uid} is not in the trash")))?;
        match kind {
            TrashKind::Asset => {
                self.store_for(&scope.caller).restore_asset(&scope.space_uid, &scope.workspace_uid, uid).await?
            }
            TrashKind::Folder => {
                self.store_for(&scope.caller)
                    .restore_folder(&scope.space_uid, &scope.workspace_uid, uid, with_assets)
                    .await?
            }
        }
        Ok((kind, with_assets))
    }
}
