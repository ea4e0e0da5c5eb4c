//! What a change of a field's definition must not break. A field is shared by
//! every asset type that lists it and by the values assets of those types hold,
//! so [`App::update_field`] asks [`App::check_field_change`] before storing a new
//! definition.
//!
//! Checked today: a field an asset type uses keeps its kind (`type`), since the
//! values stored for it were checked as that kind (409 `field_type_in_use`, naming
//! the types). A field no type uses holds no values and may change freely.

use trove_domain::Error;
use trove_domain::Result;
use trove_domain::asset_types::AssetType;
use trove_domain::fields::FieldDef;

use crate::App;

/// A refusal because asset types use something (409 `code`): the message names
/// them and `errors.asset_types` lists their UIDs.
pub(crate) fn in_use(code: &'static str, what: &str, types: &[&AssetType]) -> Error {
    let uids: Vec<String> = types.iter().map(|t| t.uid.clone()).collect();
    let mut e = Error::conflict(code, format!("{what}: the asset types {} use it", uids.join(", ")));
    e.fields.insert("asset_types".to_owned(), uids);
    e
}

impl App {
    /// Refuses changing `current` into `new` when that would break what uses the
    /// field (see the module docs).
    pub(crate) async fn check_field_change(&self, current: &FieldDef, new: &FieldDef) -> Result<()> {
        if std::mem::discriminant(&current.kind) == std::mem::discriminant(&new.kind) {
            return Ok(());
        }
        let model = self.asset_model().await?;
        let users = model.types_using(&current.uid);
        if users.is_empty() {
            return Ok(());
        }
        Err(in_use("field_type_in_use", &format!("the type of the field {} cannot change", current.uid), &users))
    }
}
