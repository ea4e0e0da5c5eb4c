//! Narrowing to what the caller may touch: the decision's filter with its folders
//! expanded to their subtrees, ANDed into reads, and checked on single items.
//!
//! Callers whose roles allow everything (every built-in role but the asset
//! developer's writes) pay nothing here: the decision says "all" before anything
//! is read.

use trove_domain::access::{Action, Admit, PermissionFilter, Targets};
use trove_domain::{Error, ErrorKind, Result};

use crate::App;
use crate::access::Allowance;
use crate::scope::Scope;

fn asset_not_found(uid: &str) -> Error {
    Error::not_found("asset_not_found", format!("asset {uid} does not exist"))
}

fn folder_not_found(uid: &str) -> Error {
    Error::not_found("folder_not_found", format!("folder {uid} does not exist"))
}

fn refused(action: Action) -> Error {
    Error::new(ErrorKind::Forbidden, "forbidden", format!("your role does not allow you to {} here", action.describe()))
}

impl App {
    /// What `action` is allowed on in the scope: `None` for everything, else the
    /// filter, its folder sets holding every folder below the named ones too (so
    /// a row's own folder decides). Refused outright is an error.
    pub(crate) async fn permitted(&self, scope: &Scope, action: Action) -> Result<Option<PermissionFilter>> {
        let filter = match scope.require(action) {
            Ok(Allowance::All) => return Ok(None),
            Ok(Allowance::Within(f)) => f,
            // Allowed in the default language but not in this one: a language
            // rule, which says so rather than hiding what the caller can see.
            Err(e)
                if e.kind == ErrorKind::Forbidden
                    && scope.locale != scope.default_locale
                    && scope.require_in(action, &scope.default_locale).is_ok() =>
            {
                return Err(Error::new(
                    ErrorKind::Forbidden,
                    "locale_forbidden",
                    format!("your role does not allow you to {} in {}", action.describe(), scope.locale),
                ));
            }
            Err(e) => return Err(e),
        };
        let mut out = PermissionFilter::default();
        for a in filter.any_of {
            out.any_of
                .push(Admit { allow: self.expand(scope, a.allow).await?, deny: self.expand(scope, a.deny).await? });
        }
        Ok(Some(out))
    }

    async fn expand(&self, scope: &Scope, mut t: Targets) -> Result<Targets> {
        if !t.folders.is_empty() {
            let roots: Vec<String> = t.folders.iter().cloned().collect();
            t.folders =
                self.meta.folder_subtrees(&scope.space_uid, &scope.workspace_uid, &roots).await?.into_iter().collect();
        }
        Ok(t)
    }

    /// Checks `action` on asset `uid` in folder `folder`: an asset the caller may
    /// not read is a 404 as if it did not exist; one they read but may not act on
    /// is a 403.
    pub(crate) async fn check_asset(
        &self,
        scope: &Scope,
        action: Action,
        uid: &str,
        folder: Option<&str>,
    ) -> Result<()> {
        let path: Vec<String> = folder.map(|f| vec![f.to_owned()]).unwrap_or_default();
        let admits = |f: &Option<PermissionFilter>| f.as_ref().is_none_or(|f| f.admits(Some(uid), &path));
        if action != Action::AssetRead {
            let readable = match self.permitted(scope, Action::AssetRead).await {
                Ok(f) => admits(&f),
                Err(e) if e.code == "forbidden" => false,
                Err(e) => return Err(e),
            };
            if !readable {
                // Creating (uploading) needs no read right; acting on an existing
                // asset the caller cannot see is a miss.
                return Err(asset_not_found(uid));
            }
        }
        match self.permitted(scope, action).await {
            Ok(f) if admits(&f) => Ok(()),
            Ok(_) if action == Action::AssetRead => Err(asset_not_found(uid)),
            Ok(_) => Err(refused(action)),
            Err(e) if e.code == "forbidden" && action == Action::AssetRead => Err(asset_not_found(uid)),
            Err(e) => Err(e),
        }
    }

    /// Checks `action` on existing assets. Callers whose roles cover every asset
    /// pass without a read; others have each asset's folder looked up.
    pub(crate) async fn check_assets(&self, scope: &Scope, action: Action, uids: &[String]) -> Result<()> {
        let everything = |a: Result<Allowance>| matches!(a, Ok(Allowance::All));
        if everything(scope.require(action)) && everything(scope.require(Action::AssetRead)) {
            return Ok(());
        }
        for uid in uids {
            let a = self.current_for_write(scope, uid).await?;
            self.check_asset(scope, action, uid, a.parent_uid.as_deref()).await?;
        }
        Ok(())
    }

    /// Checks `action` for something new in folder `folder` (`None`: the root):
    /// an upload, a new folder, a move's target.
    pub(crate) async fn check_in_folder(&self, scope: &Scope, action: Action, folder: Option<&str>) -> Result<()> {
        let path: Vec<String> = folder.map(|f| vec![f.to_owned()]).unwrap_or_default();
        match self.permitted(scope, action).await? {
            Some(f) if !f.admits(None, &path) => Err(refused(action)),
            _ => Ok(()),
        }
    }

    /// Checks a folder's deletion can take everything below it along: every
    /// folder of its subtree must be one the caller may delete, and so must
    /// every asset in them (or there must be none). Callers whose roles cover
    /// every folder and asset pass without a read.
    pub(crate) async fn check_subtree_delete(&self, scope: &Scope, uid: &str) -> Result<()> {
        let folders = self.permitted(scope, Action::FolderDelete).await?;
        let assets = match self.permitted(scope, Action::AssetDelete).await {
            Ok(f) => Some(f),
            Err(e) if e.code == "forbidden" => None,
            Err(e) => return Err(e),
        };
        if folders.is_none() && matches!(assets, Some(None)) {
            return Ok(());
        }
        let (space, ws) = (&scope.space_uid, &scope.workspace_uid);
        let subtree = self.meta.folder_subtrees(space, ws, &[uid.to_owned()]).await?;
        for f in &subtree {
            let path = std::slice::from_ref(f);
            if let Some(fl) = &folders
                && !fl.admits(None, path)
            {
                return Err(refused(Action::FolderDelete));
            }
            let assets_ok = match &assets {
                Some(None) => true,
                // Allowed by folder, and no exception names single assets.
                Some(Some(a)) => a.admits(None, path) && a.any_of.iter().all(|x| x.deny.assets.is_empty()),
                None => false,
            };
            if !assets_ok {
                let filter = crate::ports::AssetFilter::folder(crate::ports::FolderFilter::In(Some(f.clone())));
                let page = trove_domain::model::PageRequest::new(None, Some(1));
                if self.meta.list_assets(space, ws, &scope.chain, &filter, page).await?.count > 0 {
                    return Err(refused(Action::AssetDelete));
                }
            }
        }
        Ok(())
    }

    /// Checks `action` on folder `uid` itself (rename, move, delete, read).
    pub(crate) async fn check_folder(&self, scope: &Scope, action: Action, uid: &str) -> Result<()> {
        let path = vec![uid.to_owned()];
        match self.permitted(scope, Action::FolderRead).await {
            Ok(Some(f)) if !f.admits(None, &path) => return Err(folder_not_found(uid)),
            Err(e) if e.code == "forbidden" => return Err(folder_not_found(uid)),
            Err(e) => return Err(e),
            _ => {}
        }
        match self.permitted(scope, action).await? {
            Some(f) if !f.admits(None, &path) => Err(refused(action)),
            _ => Ok(()),
        }
    }
}
