//! Folders: create, read, list, rename, move, delete (to the trash).

use trove_domain::access::Action;
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::{Deletion, Folder, Page, PageRequest};
use trove_domain::{Error, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::assets::normalize_parent;
use crate::ports::{FolderChange, FolderFilter};
use crate::scope::Scope;
use crate::{App, now};

/// Input for a new folder.
#[derive(Debug, Clone, Default)]
pub struct NewFolder {
    pub title: Option<String>,
    pub description: Option<String>,
    pub parent_uid: Option<String>,
}

/// A rename and/or move; absent fields stay. `parent_uid: Some(None)` is the root.
#[derive(Debug, Clone, Default)]
pub struct FolderPatch {
    pub title: Option<String>,
    pub description: Option<Option<String>>,
    pub parent_uid: Option<Option<String>>,
}

fn folder_not_found(uid: &str) -> Error {
    Error::not_found("folder_not_found", format!("folder {uid} does not exist"))
}

impl App {
    pub async fn create_folder(&self, actor: &Caller, scope: &Scope, input: NewFolder) -> Result<Folder> {
        let mut errs = FieldErrors::default();
        let title = match &input.title {
            Some(t) => errs.check(rules::title("title", t)),
            None => {
                errs.add("title", "is required");
                None
            }
        };
        let description = errs.check(rules::description(input.description.as_deref().unwrap_or(""))).flatten();
        errs.finish()?;
        let at = now();
        let folder = Folder {
            space_uid: scope.space_uid.clone(),
            workspace_uid: scope.workspace_uid.clone(),
            uid: new_uid(UidKind::Folder),
            title: title.unwrap_or_default(),
            description,
            parent_uid: normalize_parent(input.parent_uid),
            created_by: actor.user_uid.clone(),
            created_at: at,
            updated_by: actor.user_uid.clone(),
            updated_at: at,
        };
        self.check_in_folder(scope, Action::FolderCreate, folder.parent_uid.as_deref()).await?;
        self.store_for(actor).create_folder(&folder).await?;
        Ok(folder)
    }

    pub async fn get_folder(&self, scope: &Scope, uid: &str) -> Result<Folder> {
        self.check_folder(scope, Action::FolderRead, uid).await?;
        self.meta.get_folder(&scope.space_uid, &scope.workspace_uid, uid).await?.ok_or_else(|| folder_not_found(uid))
    }

    /// Folders in `parent` (`FolderFilter::Any` for all of them).
    pub async fn list_folders(&self, scope: &Scope, parent: FolderFilter, page: PageRequest) -> Result<Page<Folder>> {
        if let FolderFilter::In(Some(p)) = &parent {
            self.get_folder(scope, p).await?;
        }
        let permitted = self.permitted(scope, Action::FolderRead).await?;
        self.meta.list_folders(&scope.space_uid, &scope.workspace_uid, &parent, permitted.as_ref(), page).await
    }

    /// Renames and/or moves a folder. A move into its own subtree is refused (422).
    pub async fn update_folder(&self, actor: &Caller, scope: &Scope, uid: &str, patch: FolderPatch) -> Result<Folder> {
        let mut errs = FieldErrors::default();
        let title = patch.title.as_deref().and_then(|t| errs.check(rules::title("title", t)));
        let description =
            patch.description.as_ref().and_then(|d| errs.check(rules::description(d.as_deref().unwrap_or(""))));
        let parent_uid = patch.parent_uid.map(normalize_parent);
        if let Some(Some(p)) = &parent_uid
            && p == uid
        {
            return Err(Error::folder_cycle());
        }
        errs.finish()?;
        self.check_folder(scope, Action::FolderUpdate, uid).await?;
        if let Some(target) = &parent_uid {
            self.check_in_folder(scope, Action::FolderCreate, target.as_deref()).await?;
        }
        let change =
            FolderChange { title, description, parent_uid, updated_by: actor.user_uid.clone(), updated_at: now() };
        self.store_for(actor).update_folder(&scope.space_uid, &scope.workspace_uid, uid, &change).await
    }

    /// Moves a folder, its subfolders and their assets to the trash.
    pub async fn delete_folder(&self, actor: &Caller, scope: &Scope, uid: &str) -> Result<()> {
        self.check_folder(scope, Action::FolderDelete, uid).await?;
        self.check_subtree_delete(scope, uid).await?;
        let d = Deletion { deleted_by: actor.user_uid.clone(), deleted_at: now() };
        self.store_for(actor).trash_folder(&scope.space_uid, &scope.workspace_uid, uid, &d).await
    }
}
