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
    AssetTypeRead,
    AssetTypeWrite,
    FieldRead,
    FieldWrite,
}

impl Action {
    /// The action in a client's words, for error messages.
    pub fn describe(self) -> &'static str {
        use Action::*;
        match self {
            SpaceList => "list spaces",
            SpaceCreate => "create spaces",
            SpaceRead => "read this space",
            SpaceUpdate => "change this space",
            SpaceDelete => "delete this space",
            AssetRead => "read assets",
            AssetCreate => "upload assets",
            AssetUpdate => "change assets",
            AssetDelete => "delete assets",
            FolderRead => "read folders",
            FolderCreate => "create folders",
            FolderUpdate => "change folders",
            FolderDelete => "delete folders",
            TrashRead => "read the trash",
            TrashRestore => "restore from the trash",
            WorkspaceRead => "read workspaces",
            WorkspaceCreate => "create workspaces",
            WorkspaceUpdate => "change workspaces",
            WorkspaceDelete => "delete workspaces",
            WorkspaceMerge => "merge workspaces",
            LanguageRead => "read languages",
            LanguageCreate => "create languages",
            LanguageUpdate => "change languages",
            LanguageDelete => "delete languages",
            AssetTypeRead => "read asset types",
            AssetTypeWrite => "change asset types",
            FieldRead => "read fields",
            FieldWrite => "change fields",
        }
    }
}

/// What an action is performed on, as far as the request names it. Every decision
/// sees all of it, so rules per space, workspace or language (custom space roles)
/// slot in here without reshaping a route.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resource<'a> {
    pub space: Option<&'a str>,
    /// The workspace named; `None` means the space's `main` where that applies.
    pub workspace: Option<&'a str>,
    /// The language named; `None` means the workspace's default language.
    pub locale: Option<&'a str>,
}

/// Decides whether `who` may perform `action` on `on`. Unknown spaces are the use
/// case's 404, not a 403 here.
pub fn authorize(who: &Principal, action: Action, on: &Resource<'_>) -> Result<()> {
    let _ = on;
    match who.role {
        OrgRole::ProductAdmin => Ok(()),
        OrgRole::Member => Err(Error::new(
            ErrorKind::Forbidden,
            "forbidden",
            format!("your role does not allow you to {}", action.describe()),
        )),
    }
}
