//! What a change of a field's definition must not break. A field is shared by
//! every asset type that lists it and by the values assets of those types hold,
//! so [`App::update_field`] asks [`App::check_field_change`] before storing a new
//! definition.
//!
//! - **A new kind** (`type`) of a field an asset type uses is accepted only when
//!   every value stored for it (in any space, workspace and locale, by any head
//!   since typed values were kept, current or past) is valid as it is under the
//!   new definition: `single_line` to `multi_line`, text to a select whose options
//!   hold every stored text, and so on. Values are never rewritten, so text to
//!   number is refused while numbers-as-text are stored (409 `field_type_in_use`,
//!   with how many values do not fit). Versions older than that (written before
//!   the database's typed values were rebuilt from its heads) are not counted; a
//!   restore checks them again like any save, so none is stored invalid.
//! - **Mandatory later**: a top-level field an asset type uses becoming mandatory
//!   needs a default, which reads then show for every asset without a value
//!   (see ARCHITECTURE.md, "Asset modelling"); without one it is refused (422
//!   `field_would_break`) when any asset variant of those types has no value,
//!   with their number. A shared field counts the default languages only.
//!
//! Tightening other properties (lengths, patterns, options) is accepted: stored
//! values are checked again the next time their asset is saved.

use trove_domain::asset_types::AssetType;
use trove_domain::fields::{FieldDef, FieldKind, TypedRow, validate};
use trove_domain::{Error, ErrorKind, Result};

use crate::App;

/// Most stored values a kind change looks at; a field with more different values
/// than this is judged on these.
const VALUES_CHECKED: u32 = 10_000;

/// A refusal because asset types use something (409 `code`): the message names
/// them and `errors.asset_types` lists their UIDs.
pub(crate) fn in_use(code: &'static str, what: &str, types: &[&AssetType]) -> Error {
    let uids: Vec<String> = types.iter().map(|t| t.uid.clone()).collect();
    let mut e = Error::conflict(code, format!("{what}: the asset types {} use it", uids.join(", ")));
    e.fields.insert("asset_types".to_owned(), uids);
    e
}

/// A stored typed value as the JSON it was written as.
fn as_json(row: &TypedRow) -> serde_json::Value {
    match row {
        TypedRow { boolean: Some(b), .. } => (*b).into(),
        TypedRow { number: Some(n), .. } => {
            serde_json::Number::from_f64(*n).map_or(serde_json::Value::Null, Into::into)
        }
        TypedRow { text: Some(t), .. } => t.clone().into(),
        _ => serde_json::Value::Null,
    }
}

impl App {
    /// Refuses changing `current` into `new` when that would break what uses the
    /// field (see the module docs).
    pub(crate) async fn check_field_change(&self, current: &FieldDef, new: &FieldDef) -> Result<()> {
        let model = self.asset_model().await?;
        let users = model.types_using(&current.uid);
        if users.is_empty() {
            return Ok(());
        }
        if std::mem::discriminant(&current.kind) != std::mem::discriminant(&new.kind) {
            self.check_values_convert(current, new, &users).await?;
        }
        if new.mandatory && !current.mandatory && new.default_value().is_none() {
            let types: Vec<String> = users.iter().map(|t| t.uid.clone()).collect();
            let missing = self.meta.count_missing_values(&types, &current.uid, !new.localizable).await?;
            if missing > 0 {
                let mut e = Error::new(
                    ErrorKind::Validation,
                    "field_would_break",
                    format!(
                        "making {} mandatory would leave {missing} asset variants without a value; give it a default \
                         (reads show it until each asset is next saved) or fill the values first",
                        current.uid
                    ),
                );
                e.fields.insert("mandatory".to_owned(), vec![format!("{missing} asset variants have no value")]);
                return Err(e);
            }
        }
        Ok(())
    }

    /// Refuses a new kind unless every stored value of the field is valid under it.
    async fn check_values_convert(&self, current: &FieldDef, new: &FieldDef, users: &[&AssetType]) -> Result<()> {
        let stored = self.meta.stored_values(&current.uid, VALUES_CHECKED).await?;
        // Each value alone, against the new kind without list or presence rules; a
        // group member's value (a dotted path) fits no other kind.
        let single = FieldDef { multiple: false, mandatory: false, min_items: None, max_items: None, ..new.clone() };
        let misfits = stored
            .iter()
            .filter(|row| {
                if row.path != current.uid || matches!(new.kind, FieldKind::Group { .. }) {
                    return true;
                }
                let mut one = serde_json::Map::new();
                one.insert(current.uid.clone(), as_json(row));
                validate(std::slice::from_ref(&single), &[], &one).is_err()
            })
            .count();
        if misfits == 0 {
            return Ok(());
        }
        let mut e = in_use(
            "field_type_in_use",
            &format!(
                "the type of the field {} cannot change: {misfits} stored values are not valid as the new type",
                current.uid
            ),
            users,
        );
        e.fields.insert("type".to_owned(), vec![format!("{misfits} stored values do not convert")]);
        Err(e)
    }
}
