//! The organization's asset types: one row each (the definition as JSON), their
//! fields in `asset_type_fields` (whose reference to `fields` keeps a field in use
//! from being deleted) and their (MIME type, extension) pairs in
//! `asset_type_claims` (whose primary key gives each pair one owner).

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use trove_app::ports::{AssetTypeRepo, StoredAssetType};
use trove_domain::asset_types::AssetType;
use trove_domain::audit::Event;
use trove_domain::fields::TypedRow;
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

fn definition(t: &AssetType) -> Result<String> {
    // The field list lives in asset_type_fields, in one place.
    let bare = AssetType { fields: Vec::new(), ..t.clone() };
    serde_json::to_string(&bare).map_err(|e| Error::internal(format!("an asset type cannot be written: {e}")))
}

fn taken(code: &'static str, key: &str, message: String) -> Error {
    let mut e = Error::conflict(code, message);
    e.fields.insert(key.to_owned(), vec!["is taken".to_owned()]);
    e
}

/// Writes the fields and pairs of `t` (after removing its old ones).
async fn write_parts(tx: &mut sqlx::AnyConnection, t: &AssetType) -> Result<()> {
    for table in ["asset_type_fields", "asset_type_claims"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE type_uid = $1")))
            .bind(&t.uid)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    for (i, f) in t.fields.iter().enumerate() {
        let exists: Option<String> = sqlx::query_scalar("SELECT uid FROM fields WHERE uid = $1")
            .bind(f)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_err)?;
        if exists.is_none() {
            let mut e = Error::invalid(&format!("fields[{i}]"), format!("there is no field {f}"));
            e.code = "field_not_found".into();
            return Err(e);
        }
        sqlx::query("INSERT INTO asset_type_fields (type_uid, field_uid, position) VALUES ($1, $2, $3)")
            .bind(&t.uid)
            .bind(f)
            .bind(i as i64)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    if t.is_system {
        return Ok(());
    }
    for (mime, ext) in t.pairs() {
        let owner: Option<String> =
            sqlx::query_scalar("SELECT type_uid FROM asset_type_claims WHERE mime = $1 AND extension = $2")
                .bind(&mime)
                .bind(&ext)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if let Some(o) = owner {
            return Err(taken(
                "asset_type_pair_taken",
                "mime_types",
                format!("the asset type {o} already claims {mime} with extension {ext:?}"),
            ));
        }
        sqlx::query("INSERT INTO asset_type_claims (mime, extension, type_uid) VALUES ($1, $2, $3)")
            .bind(&mime)
            .bind(&ext)
            .bind(&t.uid)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
    }
    Ok(())
}

async fn insert(tx: &mut sqlx::AnyConnection, t: &StoredAssetType) -> Result<()> {
    sqlx::query(
        "INSERT INTO asset_types (uid, is_system, definition, created_by, created_at, updated_by, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&t.def.uid)
    .bind(i64::from(t.def.is_system))
    .bind(definition(&t.def)?)
    .bind(&t.created_by)
    .bind(ms(t.created_at))
    .bind(&t.updated_by)
    .bind(ms(t.updated_at))
    .execute(&mut *tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Files per back-fill transaction.
const BACKFILL_BATCH: i64 = 500;

/// Gives every file stored before asset types existed the built-in type detection
/// gives it (organization types did not exist then either), a batch per
/// transaction, so listing by type finds them. Idempotent; a no-op once done.
pub(crate) async fn backfill_file_types(store: &SqlStore) -> Result<()> {
    loop {
        let mut w = begin_org_write(store).await?;
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT uid, content_type, file_name FROM files WHERE asset_type IS NULL ORDER BY uid LIMIT $1",
        )
        .bind(BACKFILL_BATCH)
        .fetch_all(w.conn())
        .await
        .map_err(db_err)?;
        for (uid, content_type, file_name) in &rows {
            sqlx::query("UPDATE files SET asset_type = $2 WHERE uid = $1")
                .bind(uid)
                .bind(crate::rows::detect_builtin(content_type, file_name))
                .execute(w.conn())
                .await
                .map_err(db_err)?;
        }
        w.commit().await?;
        if (rows.len() as i64) < BACKFILL_BATCH {
            return Ok(());
        }
    }
}

#[async_trait]
impl AssetTypeRepo for SqlStore {
    async fn list_asset_types(&self) -> Result<Vec<StoredAssetType>> {
        let mut tx = crate::dialect::begin_snapshot(&self.read, self.dialect).await?;
        let rows = sqlx::query(
            "SELECT uid, definition, created_by, created_at, updated_by, updated_at FROM asset_types ORDER BY uid",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let links = sqlx::query("SELECT type_uid, field_uid FROM asset_type_fields ORDER BY type_uid, position")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        crate::dialect::end_snapshot(tx).await;
        let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for l in &links {
            fields.entry(get(l, "type_uid")?).or_default().push(get(l, "field_uid")?);
        }
        rows.iter()
            .map(|r| {
                let uid: String = get(r, "uid")?;
                let raw: String = get(r, "definition")?;
                let mut def: AssetType = serde_json::from_str(&raw)
                    .map_err(|e| Error::internal(format!("the stored asset type {uid} cannot be read: {e}")))?;
                def.fields = fields.remove(&uid).unwrap_or_default();
                Ok(StoredAssetType {
                    def,
                    created_by: get(r, "created_by")?,
                    created_at: ts(get(r, "created_at")?),
                    updated_by: get(r, "updated_by")?,
                    updated_at: ts(get(r, "updated_at")?),
                })
            })
            .collect()
    }

    async fn create_asset_type(&self, t: &StoredAssetType) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        let exists: Option<String> = sqlx::query_scalar("SELECT uid FROM asset_types WHERE uid = $1")
            .bind(&t.def.uid)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
        if exists.is_some() {
            return Err(taken("asset_type_exists", "uid", format!("an asset type {} already exists", t.def.uid)));
        }
        insert(w.conn(), t).await?;
        write_parts(w.conn(), &t.def).await?;
        crate::languages::bump_version(w.conn()).await?;
        w.record(Event::new("asset_type.create").target(&t.def.uid));
        w.commit().await
    }

    async fn update_asset_type(&self, t: &StoredAssetType) -> Result<Option<StoredAssetType>> {
        let mut w = begin_org_write(self).await?;
        let done =
            sqlx::query("UPDATE asset_types SET definition = $2, updated_by = $3, updated_at = $4 WHERE uid = $1")
                .bind(&t.def.uid)
                .bind(definition(&t.def)?)
                .bind(&t.updated_by)
                .bind(ms(t.updated_at))
                .execute(w.conn())
                .await
                .map_err(db_err)?;
        if done.rows_affected() == 0 {
            if !t.def.is_system {
                return Ok(None);
            }
            insert(w.conn(), t).await?;
        }
        write_parts(w.conn(), &t.def).await?;
        let created: Option<(String, i64)> =
            sqlx::query_as("SELECT created_by, created_at FROM asset_types WHERE uid = $1")
                .bind(&t.def.uid)
                .fetch_optional(w.conn())
                .await
                .map_err(db_err)?;
        crate::languages::bump_version(w.conn()).await?;
        w.record(Event::new("asset_type.update").target(&t.def.uid));
        w.commit().await?;
        let (created_by, created_at) = created.unwrap_or_else(|| (t.created_by.clone(), ms(t.created_at)));
        Ok(Some(StoredAssetType { created_by, created_at: ts(created_at), ..t.clone() }))
    }

    async fn delete_asset_type(&self, uid: &str) -> Result<bool> {
        let mut w = begin_org_write(self).await?;
        let done =
            sqlx::query("DELETE FROM asset_types WHERE uid = $1").bind(uid).execute(w.conn()).await.map_err(db_err)?;
        let deleted = done.rows_affected() > 0;
        if deleted {
            w.record(Event::new("asset_type.delete").target(uid));
        }
        crate::languages::bump_version(w.conn()).await?;
        w.commit().await?;
        Ok(deleted)
    }

    async fn count_missing_values(&self, types: &[String], field_uid: &str, default_locale_only: bool) -> Result<u64> {
        if types.is_empty() {
            return Ok(0);
        }
        let list = crate::dialect::params(2, types.len());
        let default_only = if default_locale_only {
            " JOIN workspaces w ON w.space_uid = l.space_uid AND w.uid = l.workspace_uid AND w.default_locale = l.locale"
        } else {
            ""
        };
        // Heads as each workspace reads them, and the values it reads for them.
        let sql = format!(
            "SELECT COUNT(*) FROM live_asset_locales l \
             JOIN live_workspace_assets wa ON wa.space_uid = l.space_uid AND wa.workspace_uid = l.workspace_uid \
               AND wa.asset_uid = l.asset_uid AND wa.deleted_at IS NULL \
             JOIN live_asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
               AND v.asset_uid = l.asset_uid AND v.locale = l.locale AND v.number = l.head_version \
             JOIN files f ON f.uid = v.file_uid{default_only} \
             WHERE f.asset_type IN ({list}) AND NOT EXISTS (SELECT 1 FROM live_asset_values x \
               WHERE x.space_uid = l.space_uid AND x.workspace_uid = l.workspace_uid AND x.asset_uid = l.asset_uid \
                 AND x.locale = l.locale AND (x.path = $1 OR SUBSTR(x.path, 1, {n}) = $1 || '.'))",
            n = field_uid.len() + 1
        );
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(field_uid);
        for t in types {
            q = q.bind(t);
        }
        let n = q.fetch_one(&self.read).await.map_err(db_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn stored_values(&self, field_uid: &str, limit: u32) -> Result<Vec<TypedRow>> {
        let sql = format!(
            "SELECT DISTINCT path, text_value, number_value, date_value, bool_value FROM asset_values \
             WHERE tombstone = 0 AND (path = $1 OR SUBSTR(path, 1, {n}) = $1 || '.') LIMIT $2",
            n = field_uid.len() + 1
        );
        let rows: Vec<(String, Option<String>, Option<f64>, Option<i64>, Option<i64>)> =
            sqlx::query_as(AssertSqlSafe(sql))
                .bind(field_uid)
                .bind(i64::from(limit))
                .fetch_all(&self.read)
                .await
                .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(path, text, number, date, boolean)| TypedRow {
                path,
                ord: 0,
                text,
                number,
                date,
                boolean: boolean.map(|b| b != 0),
            })
            .collect())
    }

    async fn count_files_of_type(&self, uid: &str) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM files WHERE asset_type = $1")
            .bind(uid)
            .fetch_one(&self.read)
            .await
            .map_err(db_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
