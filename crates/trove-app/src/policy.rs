//! The one place that decides who may do what.
//!
//! Every route names the [`Action`] it performs; [`authorize`] is the only function
//! that answers yes or no. Until access control lands only the product admin role
//! exists, and it may do everything; members may do nothing.

use trove_domain::model::{OrgRole, Principal};
use trove_domain::{Error, ErrorKind, Result};

/// Everything a caller can ask Trove to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SpaceList,
    SpaceCreate,
    SpaceRead,
    SpaceUpdate,
    SpaceDelete,
    AssetRead,
    AssetCreate,
    AssetUpdate,
    AssetDelete,
    FolderRead,
    FolderCreate,
    FolderUpdate,
    FolderDelete,
    TrashRead,
    TrashRestore,
    WorkspaceRead,
    WorkspaceCreate,
    WorkspaceUpdate,
    WorkspaceDelete,
    WorkspaceMerge,
    LanguageRead,
    LanguageCreate,
    LanguageUpdate,
    LanguageDelete,
}

/// Decides whether `who` may perform `action`, in `space` when the action is
/// scoped to one. Unknown spaces are the use case's 404, not a 403 here.
pub fn authorize(who: &Principal, action: Action, space: Option<&str>) -> Result<()> {
    let _ = space;
    match who.role {
        OrgRole::ProductAdmin => Ok(()),
        OrgRole::Member => {
            Err(Error::new(ErrorKind::Forbidden, "forbidden", format!("your role does not allow {action:?}")))
        }
    }
}
