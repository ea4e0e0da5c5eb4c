//! The organization's user-defined fields: one row each, the definition as JSON.

use async_trait::async_trait;
use sqlx::any::AnyRow;
use trove_app::ports::FieldRepo;
use trove_domain::audit::Event;
use trove_domain::fields::{Field, FieldDef, name_key};
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

const FIELD_COLUMNS: &str = "SELECT uid, definition, created_by, created_at, updated_by, updated_at FROM fields";

fn field_from_row(r: &AnyRow) -> Result<Field> {
    let raw: String = get(r, "definition")?;
    let def: FieldDef = serde_json::from_str(&raw)
        .map_err(|e| Error::internal(format!("the stored definition of a field cannot be read: {e}")))?;
    Ok(Field {
        def,
        created_by: get(r, "created_by")?,
        created_at: ts(get(r, "created_at")?),
        updated_by: get(r, "updated_by")?,
        updated_at: ts(get(r, "updated_at")?),
    })
}

fn definition(def: &FieldDef) -> Result<String> {
    serde_json::to_string(def).map_err(|e| Error::internal(format!("a field definition cannot be written: {e}")))
}

fn taken(code: &'static str, key: &str, message: String) -> Error {
    let mut e = Error::conflict(code, message);
    e.fields.insert(key.to_owned(), vec!["is taken".to_owned()]);
    e
}

/// Refuses a name another field (not `uid`) has, in any case.
async fn check_name(tx: &mut sqlx::AnyConnection, uid: &str, name: &str) -> Result<()> {
    let other: Option<String> = sqlx::query_scalar("SELECT uid FROM fields WHERE name_key = $1 AND uid <> $2")
        .bind(name_key(name))
        .bind(uid)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    match other {
        Some(o) => Err(taken("field_name_taken", "name", format!("the field {o} is already named {name:?}"))),
        None => Ok(()),
    }
}

#[async_trait]
impl FieldRepo for SqlStore {
    async fn list_fields(&self) -> Result<Vec<Field>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{FIELD_COLUMNS} ORDER BY uid")))
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        rows.iter().map(field_from_row).collect()
    }

    async fn get_field(&self, uid: &str) -> Result<Option<Field>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{FIELD_COLUMNS} WHERE uid = $1")))
            .bind(uid)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(field_from_row).transpose()
    }

    async fn create_field(&self, f: &Field) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT uid FROM fields WHERE uid = $1")
            .bind(&f.def.uid)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if exists.is_some() {
            return Err(taken("field_exists", "uid", format!("a field {} already exists", f.def.uid)));
        }
        check_name(w.conn(), &f.def.uid, &f.def.name).await?;
        sqlx::query(
            "INSERT INTO fields (uid, name, name_key, definition, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&f.def.uid)
        .bind(&f.def.name)
        .bind(name_key(&f.def.name))
        .bind(definition(&f.def)?)
        .bind(&f.created_by)
        .bind(ms(f.created_at))
        .bind(&f.updated_by)
        .bind(ms(f.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        crate::languages::bump_version(w.conn()).await?;
        w.record(Event::new("field.create").target(&f.def.uid));
        w.commit().await
    }

    async fn update_field(&self, f: &Field) -> Result<Option<Field>> {
        let mut w = begin_org_write(self).await?;
        check_name(w.conn(), &f.def.uid, &f.def.name).await?;
        let done = sqlx::query(
            "UPDATE fields SET name = $2, name_key = $3, definition = $4, updated_by = $5, updated_at = $6 \
             WHERE uid = $1",
        )
        .bind(&f.def.uid)
        .bind(&f.def.name)
        .bind(name_key(&f.def.name))
        .bind(definition(&f.def)?)
        .bind(&f.updated_by)
        .bind(ms(f.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{FIELD_COLUMNS} WHERE uid = $1")))
            .bind(&f.def.uid)
            .fetch_one(w.conn())
            .await
            .map_err(db_err)?;
        let stored = field_from_row(&row)?;
        crate::languages::bump_version(w.conn()).await?;
        w.record(Event::new("field.update").target(&f.def.uid));
        w.commit().await?;
        Ok(Some(stored))
    }

    async fn delete_field(&self, uid: &str) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let done =
            sqlx::query("DELETE FROM fields WHERE uid = $1").bind(uid).execute(w.conn()).await.map_err(db_err)?;
        let deleted = done.rows_affected() > 0;
        if deleted {
            w.record(Event::new("field.delete").target(uid));
        }
        crate::languages::bump_version(w.conn()).await?;
        w.commit().await?;
        Ok(deleted)
    }
}
