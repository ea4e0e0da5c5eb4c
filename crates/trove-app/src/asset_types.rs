//! Asset types: what kind of file an asset is, and the fields its assets carry.
//! The organization's types are the built-in catalogue (`trove_domain::asset_types`),
//! with the fields and rules it added to those, and the types it defined itself;
//! [`App::asset_model`] reads them together with the fields, as the value every save
//! is checked against.

use trove_domain::asset_model::AssetModel;
use trove_domain::asset_types::AssetType;
use trove_domain::{Error, Result};

use std::sync::Arc;

use crate::App;
use crate::scope::Scope;

/// An asset model and the settings version it was read at.
pub(crate) type CachedModel = (i64, Arc<AssetModel>);

impl App {
    /// The organization's asset types and fields as they are now, read from the store.
    pub async fn asset_model(&self) -> Result<AssetModel> {
        let (types, fields) = tokio::try_join!(self.meta.list_asset_types(), self.meta.list_fields())?;
        Ok(AssetModel::new(types.into_iter().map(|t| t.def).collect(), fields.into_iter().map(|f| f.def).collect()))
    }

    /// The asset model as of the scope's settings version: from memory when this
    /// node has read it at that version, else from the store. Every change of a
    /// field or type bumps the version, and every request reads it with its
    /// workspace, so a change made on any node is seen by the next request on every
    /// node, and reads and saves cost no query for it.
    pub(crate) async fn model(&self, scope: &Scope) -> Result<Arc<AssetModel>> {
        if let Ok(guard) = self.models.read()
            && let Some((v, model)) = guard.as_ref()
            && *v == scope.settings_version
        {
            return Ok(model.clone());
        }
        // Read after the version, so the model is at least that new.
        let model = Arc::new(self.asset_model().await?);
        if let Ok(mut guard) = self.models.write() {
            *guard = Some((scope.settings_version, model.clone()));
        }
        Ok(model)
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
