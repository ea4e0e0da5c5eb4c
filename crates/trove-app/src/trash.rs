//! The trash: what was deleted, and putting it back.

use trove_domain::model::{Page, PageRequest, TrashItem, TrashKind};
use trove_domain::{Error, Result};

use crate::App;
use crate::ports::TrashFilter;
use crate::scope::Scope;

impl App {
    /// Items users deleted in this workspace, newest first.
    pub async fn list_trash(&self, scope: &Scope, filter: TrashFilter, page: PageRequest) -> Result<Page<TrashItem>> {
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
        let kind = self
            .meta
            .trash_kind(&scope.space_uid, &scope.workspace_uid, uid)
            .await?
            .ok_or_else(|| Error::not_found("trash_item_not_found", format!("{uid} is not in the trash")))?;
        match kind {
            TrashKind::Asset => self.meta.restore_asset(&scope.space_uid, &scope.workspace_uid, uid).await?,
            TrashKind::Folder => {
                self.meta.restore_folder(&scope.space_uid, &scope.workspace_uid, uid, with_assets).await?
            }
        }
        Ok((kind, with_assets))
    }
}
