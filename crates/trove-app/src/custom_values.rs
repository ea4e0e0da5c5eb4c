//! Custom field values on saves and reads: every save checks them against the
//! asset type of the file it stores (in the language it is written in), and every
//! read shows the values of the type's fields with shared values and defaults
//! filled in.

use serde_json::{Map, Value as Json};
use trove_domain::asset_model::{AssetModel, Origin, Side};
use trove_domain::fields::values_json;
use trove_domain::model::Asset;
use trove_domain::{FieldErrors, Result, rules};

use crate::App;
use crate::assets::exact_key;
use crate::scope::Scope;

impl App {
    /// The custom values to store when `asset` (absent for a new one) is saved in the
    /// scope's language with a file of `type_uid`: `input` checked against the type's
    /// fields, defaults filled in. Problems go to `errs`, keyed by field path.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn checked_custom(
        &self,
        model: &AssetModel,
        scope: &Scope,
        asset: Option<&str>,
        type_uid: &str,
        input: &Map<String, Json>,
        origin: Origin,
        errs: &mut FieldErrors,
    ) -> Result<Map<String, Json>> {
        if origin != Origin::Current && errs.check(rules::custom_metadata(input)).is_none() {
            return Ok(Map::new());
        }
        let shared = match asset {
            Some(uid) if scope.locale != scope.default_locale && model.has_shared(type_uid) => {
                self.default_values(scope, uid).await?
            }
            _ => Map::new(),
        };
        let side = side(scope, &shared);
        Ok(values_json(&model.check(type_uid, input, side, origin, errs)))
    }

    /// The stored values of the asset's variant in the default language (shared
    /// values live there), or none if it has no such variant.
    async fn default_values(&self, scope: &Scope, uid: &str) -> Result<Map<String, Json>> {
        let key = exact_key(scope, uid, &scope.default_locale);
        Ok(self.meta.get_asset(&key).await?.map(|a| a.head.content.custom).unwrap_or_default())
    }

    /// The asset as a read shows it: its custom values are those of its type's
    /// fields, shared ones from the default language, missing ones with a default
    /// taking it.
    pub(crate) async fn presented(&self, model: &AssetModel, scope: &Scope, mut asset: Asset) -> Result<Asset> {
        let type_uid = asset.head.file.asset_type.clone();
        let shared = if asset.head.locale != asset.default_locale && model.has_shared(&type_uid) {
            self.default_values(scope, &asset.uid).await?
        } else {
            Map::new()
        };
        let side = if asset.head.locale == asset.default_locale {
            Side::Default
        } else {
            Side::Other { default_locale: &asset.default_locale, shared: &shared }
        };
        let shown = model.effective(&type_uid, &asset.head.content.custom, side);
        asset.head.content.custom = shown;
        Ok(asset)
    }
}

fn side<'a>(scope: &'a Scope, shared: &'a Map<String, Json>) -> Side<'a> {
    if scope.locale == scope.default_locale {
        Side::Default
    } else {
        Side::Other { default_locale: &scope.default_locale, shared }
    }
}
