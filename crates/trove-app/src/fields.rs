//! The organization's user-defined fields (`/api/fields`): create, read, replace
//! and delete their definitions. A field is checked whole on every write
//! ([`check_definition`]); what a change may not break for the asset types and
//! assets that use the field is decided in `field_changes.rs`.

use trove_domain::fields::{Field, FieldDef, FieldKind, MAX_FIELD_NAME, check_definition};
use trove_domain::{Error, FieldErrors, Result};

use crate::access::Caller;
use crate::field_changes::in_use;
use crate::{App, now};

fn field_not_found(uid: &str) -> Error {
    Error::not_found("field_not_found", format!("there is no field {uid}"))
}

/// The definition as it is stored: names trimmed (as they are compared), or every
/// problem of the definition by path.
fn checked(mut def: FieldDef) -> Result<FieldDef> {
    let mut errs = FieldErrors::default();
    check_definition(&def, &mut errs);
    untrimmed_names(&def, "", &mut errs);
    errs.finish()?;
    trim_names(&mut def);
    Ok(def)
}

/// The rule on names holds before trimming too (as the request schema says):
/// surrounding space does not make room for more characters or for control ones.
fn untrimmed_names(def: &FieldDef, prefix: &str, errs: &mut FieldErrors) {
    let name = def.name.trim();
    let fits = |n: &str| n.chars().count() <= MAX_FIELD_NAME && !n.chars().any(char::is_control);
    if fits(name) && !fits(&def.name) {
        errs.add(&format!("{prefix}name"), format!("must be 1 to {MAX_FIELD_NAME} visible characters"));
    }
    if let FieldKind::Group { fields } = &def.kind {
        for (i, f) in fields.iter().enumerate() {
            untrimmed_names(f, &format!("{prefix}fields[{i}]."), errs);
        }
    }
}

fn trim_names(def: &mut FieldDef) {
    def.name = def.name.trim().to_owned();
    if let FieldKind::Group { fields } = &mut def.kind {
        fields.iter_mut().for_each(trim_names);
    }
}

impl App {
    /// Every field, by UID.
    pub async fn list_fields(&self) -> Result<Vec<Field>> {
        self.meta.list_fields().await
    }

    /// One field; `field_not_found` (404) if there is none by that UID.
    pub async fn get_field(&self, uid: &str) -> Result<Field> {
        self.meta.get_field(uid).await?.ok_or_else(|| field_not_found(uid))
    }

    /// Adds a field. A taken UID is `field_exists`, a name another field has in
    /// any case `field_name_taken` (both 409).
    pub async fn create_field(&self, actor: &Caller, def: FieldDef) -> Result<Field> {
        let def = checked(def)?;
        let at = now();
        let field = Field {
            def,
            created_by: actor.user_uid.clone(),
            created_at: at,
            updated_by: actor.user_uid.clone(),
            updated_at: at,
        };
        self.store_for(actor).create_field(&field).await?;
        Ok(field)
    }

    /// Replaces the definition of field `uid`. The UID is fixed: a definition
    /// naming another one is `immutable_field` (409).
    pub async fn update_field(&self, actor: &Caller, uid: &str, def: FieldDef) -> Result<Field> {
        let current = self.get_field(uid).await?;
        if def.uid != current.def.uid {
            return Err(Error::immutable(&["uid"]));
        }
        let new_def = checked(def)?;
        self.check_field_change(&current.def, &new_def).await?;
        let field = Field { def: new_def, updated_by: actor.user_uid.clone(), updated_at: now(), ..current };
        self.store_for(actor).update_field(&field).await?.ok_or_else(|| field_not_found(uid))
    }

    /// Deletes a field no asset type uses; one in use is `field_in_use` (409)
    /// naming the types.
    pub async fn delete_field(&self, who: &Caller, uid: &str) -> Result<()> {
        let field = self.get_field(uid).await?;
        let model = self.asset_model().await?;
        let users = model.types_using(&field.def.uid);
        if !users.is_empty() {
            return Err(in_use("field_in_use", &format!("the field {uid} cannot be deleted"), &users));
        }
        match self.store_for(who).delete_field(uid).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(field_not_found(uid)),
            // The reference from asset_type_fields: a type took the field up meanwhile.
            Err(e) if e.code == "concurrent_delete" => Err(Error::conflict(
                "field_in_use",
                format!("the field {uid} cannot be deleted: an asset type started using it meanwhile"),
            )),
            Err(e) => Err(e),
        }
    }
}
