//! The trash: listing, restore rules and the purge after the retention period.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::{Any, Transaction};
use trove_app::ports::{PurgeReport, TrashFilter, TrashRepo};
use trove_domain::model::{Page, PageRequest, Timestamp, TrashItem, TrashKind};
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::{SqlStore, db_err};

/// How many rows one purge statement removes, so a huge trash is purged in
/// bounded transactions rather than one giant one.
const PURGE_BATCH: i64 = 500;

/// Top-level trash items of both kinds, as one relation. `$1` space, `$2` workspace.
const TRASH_UNION: &str = "SELECT 'folder' AS kind, f.uid AS uid, f.title AS title, f.parent_uid AS parent_uid, \
       NULL AS content_type, \
       (SELECT COUNT(*) FROM workspace_assets x WHERE x.space_uid = f.space_uid AND x.workspace_uid = f.workspace_uid \
          AND x.trashed_with = f.uid) AS asset_count, \
       f.deleted_by AS deleted_by, f.deleted_at AS deleted_at \
     FROM folders f WHERE f.space_uid = $1 AND f.workspace_uid = $2 AND f.deleted_at IS NOT NULL AND f.trashed_with IS NULL \
   UNION ALL \
   SELECT 'asset' AS kind, wa.asset_uid AS uid, v.title AS title, wa.parent_uid AS parent_uid, \
       fi.content_type AS content_type, 0 AS asset_count, wa.deleted_by AS deleted_by, wa.deleted_at AS deleted_at \
     FROM workspace_assets wa \
     JOIN workspaces w ON w.space_uid = wa.space_uid AND w.uid = wa.workspace_uid \
     JOIN asset_locales l ON l.space_uid = wa.space_uid AND l.workspace_uid = wa.workspace_uid \
       AND l.asset_uid = wa.asset_uid AND l.locale = w.default_locale \
     JOIN asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
       AND v.asset_uid = l.asset_uid AND v.locale = l.locale AND v.number = l.head_version \
     JOIN files fi ON fi.uid = v.file_uid \
     WHERE wa.space_uid = $1 AND wa.workspace_uid = $2 AND wa.deleted_at IS NOT NULL AND wa.trashed_with IS NULL";

fn not_in_trash(uid: &str) -> Error {
    Error::not_found("trash_item_not_found", format!("{uid} is not in the trash"))
}

fn parent_in_trash(uid: &str) -> Error {
    Error::conflict(
        "parent_in_trash",
        format!("the folder {uid} that held this item is in the trash; restore it first"),
    )
}

/// Where a restored item goes: its parent if live, the root if the parent is gone
/// for good, and a conflict if the parent is itself in the trash.
async fn restore_target(
    tx: &mut Transaction<'static, Any>,
    space: &str,
    ws: &str,
    parent: Option<String>,
) -> Result<Option<String>> {
    let Some(parent) = parent else { return Ok(None) };
    let deleted: Option<Option<i64>> =
        sqlx::query_scalar("SELECT deleted_at FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3")
            .bind(space)
            .bind(ws)
            .bind(&parent)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_err)?;
    match deleted {
        None => Ok(None),
        Some(None) => Ok(Some(parent)),
        Some(Some(_)) => Err(parent_in_trash(&parent)),
    }
}

#[async_trait]
impl TrashRepo for SqlStore {
    async fn list_trash(&self, space: &str, ws: &str, f: &TrashFilter, page: PageRequest) -> Result<Page<TrashItem>> {
        // Optional filters are expressed with always-present parameters so the
        // statement text (and PostgreSQL's inferred parameter types) never changes.
        let kind = f.kind.map(|k| k.as_str());
        let after = f.deleted_after.map(ms);
        let before = f.deleted_before.map(ms);
        let filter = "WHERE ($3 IS NULL OR t.deleted_by = $3) AND ($4 IS NULL OR t.kind = $4) \
                      AND ($5 IS NULL OR t.deleted_at >= $5) AND ($6 IS NULL OR t.deleted_at < $6)";
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT * FROM ({TRASH_UNION}) t {filter} ORDER BY t.deleted_at DESC, t.uid LIMIT $7 OFFSET $8"
        )))
        .bind(space)
        .bind(ws)
        .bind(f.deleted_by.as_deref())
        .bind(kind)
        .bind(after)
        .bind(before)
        .bind(page.limit)
        .bind(page.skip)
        .fetch_all(&self.read)
        .await
        .map_err(db_err)?;
        let count_row = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM ({TRASH_UNION}) t {filter}")))
            .bind(space)
            .bind(ws)
            .bind(f.deleted_by.as_deref())
            .bind(kind)
            .bind(after)
            .bind(before)
            .fetch_one(&self.read)
            .await
            .map_err(db_err)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = get(r, "kind")?;
            items.push(TrashItem {
                uid: get(r, "uid")?,
                kind: if kind == "folder" { TrashKind::Folder } else { TrashKind::Asset },
                title: get(r, "title")?,
                parent_uid: get(r, "parent_uid")?,
                content_type: get(r, "content_type")?,
                asset_count: get(r, "asset_count")?,
                deleted_by: get(r, "deleted_by")?,
                deleted_at: ts(get(r, "deleted_at")?),
            });
        }
        Ok(Page { items, count: get(&count_row, "n")? })
    }

    async fn trash_kind(&self, space: &str, ws: &str, uid: &str) -> Result<Option<TrashKind>> {
        let folder: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        if folder.is_some() {
            return Ok(Some(TrashKind::Folder));
        }
        let asset: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        Ok(asset.map(|_| TrashKind::Asset))
    }

    async fn restore_asset(&self, space: &str, ws: &str, uid: &str) -> Result<()> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        let row = sqlx::query(
            "SELECT parent_uid, trashed_with FROM workspace_assets \
             WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| not_in_trash(uid))?;
        if let Some(folder) = get::<Option<String>>(&row, "trashed_with")? {
            return Err(parent_in_trash(&folder));
        }
        let parent = restore_target(&mut tx, space, ws, get(&row, "parent_uid")?).await?;
        sqlx::query(
            "UPDATE workspace_assets SET deleted_by = NULL, deleted_at = NULL, trashed_with = NULL, parent_uid = $4 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .bind(parent)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn restore_folder(&self, space: &str, ws: &str, uid: &str, with_assets: bool) -> Result<()> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        let row = sqlx::query(
            "SELECT parent_uid, trashed_with FROM folders \
             WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?
        .ok_or_else(|| not_in_trash(uid))?;
        if let Some(folder) = get::<Option<String>>(&row, "trashed_with")? {
            return Err(parent_in_trash(&folder));
        }
        let parent = restore_target(&mut tx, space, ws, get(&row, "parent_uid")?).await?;
        sqlx::query("UPDATE folders SET parent_uid = $4 WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3")
            .bind(space)
            .bind(ws)
            .bind(uid)
            .bind(parent)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query(
            "UPDATE folders SET deleted_by = NULL, deleted_at = NULL, trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND (uid = $3 OR trashed_with = $3)",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        // Without assets, the assets stay in the trash but become items of their own,
        // restorable one by one now that their folder is back.
        let assets_sql = if with_assets {
            "UPDATE workspace_assets SET deleted_by = NULL, deleted_at = NULL, trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND trashed_with = $3"
        } else {
            "UPDATE workspace_assets SET trashed_with = NULL WHERE space_uid = $1 AND workspace_uid = $2 AND trashed_with = $3"
        };
        sqlx::query(assets_sql).bind(space).bind(ws).bind(uid).execute(&mut *tx).await.map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn purge_trash(&self, cutoff: Timestamp) -> Result<PurgeReport> {
        let cutoff = ms(cutoff);
        let mut report = PurgeReport::default();
        loop {
            let mut tx = self.write.begin().await.map_err(db_err)?;
            let purged = sqlx::query(
                // The trash condition is repeated outside the subquery: on PostgreSQL a
                // row restored while this statement waited is re-checked against it.
                "DELETE FROM workspace_assets WHERE (space_uid, workspace_uid, asset_uid) IN ( \
                   SELECT space_uid, workspace_uid, asset_uid FROM workspace_assets \
                   WHERE deleted_at IS NOT NULL AND deleted_at < $1 LIMIT $2) \
                 AND deleted_at IS NOT NULL AND deleted_at < $1 \
                 RETURNING space_uid, asset_uid",
            )
            .bind(cutoff)
            .bind(PURGE_BATCH)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
            for row in &purged {
                let space: String = get(row, "space_uid")?;
                let asset: String = get(row, "asset_uid")?;
                // Files no version refers to any more, then the asset itself once no
                // workspace has it. Blobs are freed later by garbage collection.
                sqlx::query(
                    "DELETE FROM files WHERE space_uid = $1 AND asset_uid = $2 \
                     AND NOT EXISTS (SELECT 1 FROM asset_versions v WHERE v.file_uid = files.uid)",
                )
                .bind(&space)
                .bind(&asset)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                sqlx::query(
                    "DELETE FROM assets WHERE space_uid = $1 AND uid = $2 \
                     AND NOT EXISTS (SELECT 1 FROM workspace_assets wa WHERE wa.space_uid = $1 AND wa.asset_uid = $2)",
                )
                .bind(&space)
                .bind(&asset)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            let folders = sqlx::query(
                "DELETE FROM folders WHERE (space_uid, workspace_uid, uid) IN ( \
                   SELECT space_uid, workspace_uid, uid FROM folders WHERE deleted_at IS NOT NULL AND deleted_at < $1 LIMIT $2) \
                 AND deleted_at IS NOT NULL AND deleted_at < $1",
            )
            .bind(cutoff)
            .bind(PURGE_BATCH)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?
            .rows_affected();
            tx.commit().await.map_err(db_err)?;
            report.assets += purged.len() as u64;
            report.folders += folders;
            if (purged.len() as i64) < PURGE_BATCH && (folders as i64) < PURGE_BATCH {
                return Ok(report);
            }
        }
    }
}
