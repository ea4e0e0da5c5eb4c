//! Versions: history per locale, naming, and restore-as-newest.

use trove_domain::asset_model::Origin;
use trove_domain::model::{Asset, Version};
use trove_domain::precondition::Precondition;
use trove_domain::{Error, FieldErrors, Result, rules};

use crate::App;
use crate::access::Caller;
use crate::assets::{asset_not_found, based_on, exact_key, key};
use crate::retry::Race;
use crate::scope::Scope;

fn version_not_found(n: i64) -> Error {
    Error::not_found("version_not_found", format!("version {n} does not exist"))
}

impl App {
    /// Every version of the asset as the scope's locale reads it, newest first: the
    /// history of its own variant, or of the variant it inherits from.
    pub async fn list_versions(&self, scope: &Scope, uid: &str) -> Result<Vec<Version>> {
        let source = self.get_asset(scope, uid).await?.head.locale;
        self.meta.list_versions(&exact_key(scope, uid, &source)).await
    }

    pub async fn get_version(&self, scope: &Scope, uid: &str, n: i64) -> Result<Version> {
        let source = self.get_asset(scope, uid).await?.head.locale;
        self.meta.get_version(&exact_key(scope, uid, &source), n).await?.ok_or_else(|| version_not_found(n))
    }

    /// Names a version (or clears its name with `None`) of the scope locale's own
    /// variant. Creates no version. A language that inherits has no history of its
    /// own to name (`not_localized`, 409): the versions belong to the language they
    /// come from.
    pub async fn name_version(&self, scope: &Scope, uid: &str, n: i64, name: Option<&str>) -> Result<Version> {
        let name = name.map(rules::version_name).transpose()?;
        let source = self.get_asset(scope, uid).await?.head.locale;
        self.check_assets(scope, trove_domain::access::Action::AssetUpdate, &[uid.to_owned()]).await?;
        if source != scope.locale {
            return Err(Error::conflict(
                "not_localized",
                format!(
                    "asset {uid} is not localized in {}; its versions there are those of {source}: name them with \
                     locale={source}",
                    scope.locale
                ),
            ));
        }
        if !self.store_for(&scope.caller).name_version(&exact_key(scope, uid, &source), n, name.as_deref()).await? {
            return Err(version_not_found(n));
        }
        self.get_version(scope, uid, n).await
    }

    /// Saves version `n`'s content and file as the newest version. History is never
    /// rewritten; the restored version keeps its number and name. Without a
    /// precondition the restore lands on top of whatever the head is when it commits.
    pub async fn restore_version(
        &self,
        actor: &Caller,
        scope: &Scope,
        uid: &str,
        n: i64,
        if_match: Option<Precondition>,
    ) -> Result<Asset> {
        let model = self.model(scope).await?;
        let mut race = Race::new();
        loop {
            let current = self.meta.get_asset(&key(scope, uid)).await?.ok_or_else(|| asset_not_found(uid))?;
            self.check_asset(scope, trove_domain::access::Action::AssetUpdate, uid, current.parent_uid.as_deref())
                .await?;
            // The version is one of the history the locale reads; restoring it in a
            // language that inherits localizes that language with it. A version that
            // does not exist is 404 whatever the precondition says (RFC 9110 §13.2.1:
            // preconditions apply only to a request that could otherwise succeed).
            let source = exact_key(scope, uid, &current.head.locale);
            let old = self.meta.get_version(&source, n).await?.ok_or_else(|| version_not_found(n))?;
            let expected = based_on(&current, if_match.as_ref())?;
            // A version that no longer satisfies its file's asset type (fields changed
            // since) is refused with the same per-field errors as an edit.
            let mut errs = FieldErrors::default();
            let mut content = old.content;
            content.custom = self
                .checked_custom(
                    &model,
                    scope,
                    Some(uid),
                    &old.file.asset_type,
                    &content.custom,
                    Origin::Restore,
                    &mut errs,
                )
                .await?;
            errs.finish()?;
            match self.save(actor, scope, &current, expected, content, old.file, None).await {
                Err(e) => race.lost(e).await?,
                Ok(_) => return self.get_asset(scope, uid).await,
            }
        }
    }
}
