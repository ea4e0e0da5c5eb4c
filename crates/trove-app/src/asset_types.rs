//! Asset types: what kind of file an asset is. Today the organization's types are
//! the built-in catalogue (`trove_domain::asset_types`); types an organization
//! defines itself join these lists when they can be created.

use trove_domain::asset_types::{AssetType, catalogue};
use trove_domain::{Error, Result};

use crate::App;

impl App {
    /// Every asset type, by UID.
    pub fn list_asset_types(&self) -> Vec<AssetType> {
        let mut types = catalogue().to_vec();
        types.sort_by(|a, b| a.uid.cmp(&b.uid));
        types
    }

    /// One asset type; `asset_type_not_found` (404) if there is none by that UID.
    pub fn get_asset_type(&self, uid: &str) -> Result<AssetType> {
        catalogue()
            .iter()
            .find(|t| t.uid == uid)
            .cloned()
            .ok_or_else(|| Error::not_found("asset_type_not_found", format!("there is no asset type {uid}")))
    }
}
