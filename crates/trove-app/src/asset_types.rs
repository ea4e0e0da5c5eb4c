//! Asset types: what kind of file an asset is, and the fields its assets carry.
//! The organization's types are the built-in catalogue (`trove_domain::asset_types`),
//! with the fields and rules it added to those, and the types it defined itself;
//! [`App::asset_model`] reads them together with the fields, as the value every save
//! is checked against.

use trove_domain::asset_model::AssetModel;
use trove_domain::asset_types::AssetType;
use trove_domain::{Error, Result};

use crate::App;

impl App {
    /// The organization's asset types and fields as they are now.
    pub async fn asset_model(&self) -> Result<AssetModel> {
        let (types, fields) = tokio::try_join!(self.meta.list_asset_types(), self.meta.list_fields())?;
        Ok(AssetModel::new(types.into_iter().map(|t| t.def).collect(), fields.into_iter().map(|f| f.def).collect()))
    }

    /// Every asset type, by UID.
    pub async fn list_asset_types(&self) -> Result<Vec<AssetType>> {
        let mut types = self.asset_model().await?.types().to_vec();
        types.sort_by(|a, b| a.uid.cmp(&b.uid));
        Ok(types)
    }

    /// One asset type; `asset_type_not_found` (404) if there is none by that UID.
    pub async fn get_asset_type(&self, uid: &str) -> Result<AssetType> {
        self.asset_model()
            .await?
            .asset_type(uid)
            .cloned()
            .ok_or_else(|| Error::not_found("asset_type_not_found", format!("there is no asset type {uid}")))
    }
}
