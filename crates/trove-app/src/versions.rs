//! Versions: history per locale, naming, and restore-as-newest.

use trove_domain::model::{Asset, Principal, Version};
use trove_domain::{Error, Result, rules};

use crate::App;
use crate::assets::{asset_not_found, key};
use crate::scope::Scope;

fn version_not_found(n: i64) -> Error {
    Error::not_found("version_not_found", format!("version {n} does not exist"))
}

impl App {
    /// Every version of the asset in the scope's locale, newest first.
    pub async fn list_versions(&self, scope: &Scope, uid: &str) -> Result<Vec<Version>> {
        self.get_asset(scope, uid).await?;
        self.meta.list_versions(&key(scope, uid)).await
    }

    pub async fn get_version(&self, scope: &Scope, uid: &str, n: i64) -> Result<Version> {
        self.get_asset(scope, uid).await?;
        self.meta.get_version(&key(scope, uid), n).await?.ok_or_else(|| version_not_found(n))
    }

    /// Names a version (or clears its name with `None`). Creates no version.
    pub async fn name_version(&self, scope: &Scope, uid: &str, n: i64, name: Option<&str>) -> Result<Version> {
        let name = name.map(rules::version_name).transpose()?;
        self.get_asset(scope, uid).await?;
        if !self.meta.name_version(&key(scope, uid), n, name.as_deref()).await? {
            return Err(version_not_found(n));
        }
        self.get_version(scope, uid, n).await
    }

    /// Saves version `n`'s content and file as the newest version. History is never
    /// rewritten; the restored version keeps its number and name.
    pub async fn restore_version(
        &self,
        actor: &Principal,
        scope: &Scope,
        uid: &str,
        n: i64,
        if_match: Option<i64>,
    ) -> Result<Asset> {
        let current = self.meta.get_asset(&key(scope, uid)).await?.ok_or_else(|| asset_not_found(uid))?;
        if let Some(v) = if_match
            && v != current.head.number
        {
            return Err(Error::stale(current.head.number));
        }
        let old = self.meta.get_version(&key(scope, uid), n).await?.ok_or_else(|| version_not_found(n))?;
        self.append(actor, scope, uid, current.head.number, old.content, old.file, None).await?;
        self.get_asset(scope, uid).await
    }
}
