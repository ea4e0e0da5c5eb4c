//! Localization of assets: which languages an asset is localized in, and
//! discarding a language's variant so that it inherits again.
//!
//! Localizing is not a use case of its own: any write in a locale whose values are
//! inherited (metadata, file replace, restore) creates that locale's variant; see
//! `App::save`.

use trove_domain::access::Action;
use trove_domain::model::LocaleStatus;
use trove_domain::{Error, ErrorKind, Result};

use crate::App;
use crate::assets::{asset_not_found, exact_key};
use crate::scope::Scope;

impl App {
    /// Each language the workspace enables, in code order: localized, or where its
    /// values come from along its fallback chain.
    /// Languages the caller's role may not read are left out.
    pub async fn locale_status(&self, scope: &Scope, uid: &str) -> Result<Vec<LocaleStatus>> {
        self.check_assets(scope, Action::AssetRead, &[uid.to_owned()]).await?;
        let variants = self
            .meta
            .variants(&scope.space_uid, &scope.workspace_uid, uid)
            .await?
            .ok_or_else(|| asset_not_found(uid))?;
        let head = |locale: &str| variants.iter().find(|v| v.locale == locale).map(|v| v.head_version);
        Ok(self
            .chains(scope)
            .await?
            .into_iter()
            .filter(|(code, _)| scope.require_in(Action::AssetRead, code).is_ok())
            .map(|(code, chain)| {
                let source = chain.iter().find(|l| head(l).is_some());
                LocaleStatus {
                    localized: head(&code).is_some(),
                    source_locale: source.cloned(),
                    version: source.and_then(|l| head(l)),
                    locale: code,
                }
            })
            .collect())
    }

    /// Discards the scope locale's variant of an asset, metadata and file: the
    /// language inherits along its fallback chain again, at once, delivery
    /// included. The default language cannot be unlocalized.
    pub async fn unlocalize(&self, scope: &Scope, uid: &str) -> Result<()> {
        if scope.locale == scope.default_locale {
            return Err(Error::new(
                ErrorKind::Conflict,
                "default_language_locked",
                format!("{} is the default language; its variant cannot be unlocalized", scope.locale),
            ));
        }
        self.check_assets(scope, Action::AssetUpdate, &[uid.to_owned()]).await?;
        self.store_for(&scope.caller).unlocalize(&exact_key(scope, uid, &scope.locale)).await
    }
}
