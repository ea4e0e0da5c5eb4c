//! Folders: a tree per workspace, with moves checked for cycles inside the transaction.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use trove_app::ports::{FolderChange, FolderFilter, FolderRepo};
use trove_domain::model::{Deletion, Folder, Page, PageRequest};
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::{Dialect, SqlStore, db_err};

const FOLDER_COLUMNS: &str =
    "space_uid, workspace_uid, uid, title, description, parent_uid, created_by, created_at, updated_by, updated_at";

/// A recursive CTE `sub(uid)` of folder `$3` and its live descendants in workspace
/// (`$1`, `$2`). Prefixed to statements that act on a whole subtree.
pub(crate) const SUBTREE_CTE: &str = "WITH RECURSIVE sub(uid) AS ( \
       SELECT uid FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 \
       UNION \
       SELECT f.uid FROM folders f JOIN sub ON f.parent_uid = sub.uid \
       WHERE f.space_uid = $1 AND f.workspace_uid = $2 AND f.deleted_at IS NULL) ";

fn folder_from_row(row: &AnyRow) -> Result<Folder> {
    Ok(Folder {
        space_uid: get(row, "space_uid")?,
        workspace_uid: get(row, "workspace_uid")?,
        uid: get(row, "uid")?,
        title: get(row, "title")?,
        description: get(row, "description")?,
        parent_uid: get(row, "parent_uid")?,
        created_by: get(row, "created_by")?,
        created_at: ts(get(row, "created_at")?),
        updated_by: get(row, "updated_by")?,
        updated_at: ts(get(row, "updated_at")?),
    })
}

pub(crate) fn folder_not_found(uid: &str) -> Error {
    Error::not_found("folder_not_found", format!("folder {uid} does not exist"))
}

/// Fails with `folder_not_found` unless `uid` is a live folder, and holds a share
/// lock on it until the transaction ends, so it cannot be trashed between the check
/// and the write that relies on it (PostgreSQL; SQLite's single writer already
/// excludes that).
pub(crate) async fn require_live_folder(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    space: &str,
    ws: &str,
    uid: &str,
) -> Result<()> {
    let live: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT 1 FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL{}",
        dialect.lock_rows_shared()
    )))
    .bind(space)
    .bind(ws)
    .bind(uid)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    live.map(|_| ()).ok_or_else(|| folder_not_found(uid))
}

/// Serializes changes to a workspace's folder tree by locking the workspace row.
pub(crate) async fn lock_folder_tree(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    space: &str,
    ws: &str,
) -> Result<()> {
    sqlx::query(AssertSqlSafe(format!(
        "SELECT 1 FROM workspaces WHERE space_uid = $1 AND uid = $2{}",
        dialect.lock_rows()
    )))
    .bind(space)
    .bind(ws)
    .fetch_optional(&mut **tx)
    .await
    .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl FolderRepo for SqlStore {
    async fn create_folder(&self, f: &Folder) -> Result<()> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        if let Some(parent) = &f.parent_uid {
            require_live_folder(&mut tx, self.dialect, &f.space_uid, &f.workspace_uid, parent).await?;
        }
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO folders ({FOLDER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )))
        .bind(&f.space_uid)
        .bind(&f.workspace_uid)
        .bind(&f.uid)
        .bind(&f.title)
        .bind(f.description.as_deref())
        .bind(f.parent_uid.as_deref())
        .bind(&f.created_by)
        .bind(ms(f.created_at))
        .bind(&f.updated_by)
        .bind(ms(f.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    async fn get_folder(&self, space: &str, ws: &str, uid: &str) -> Result<Option<Folder>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FOLDER_COLUMNS} FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL"
        )))
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(&self.read)
        .await
        .map_err(db_err)?;
        row.as_ref().map(folder_from_row).transpose()
    }

    async fn list_folders(
        &self,
        space: &str,
        ws: &str,
        parent: &FolderFilter,
        page: PageRequest,
    ) -> Result<Page<Folder>> {
        // Every placeholder must appear in the SQL (PostgreSQL infers parameter types
        // from it), so the parent filter changes the numbering of the rest.
        let (filter, parent_uid, next) = match parent {
            FolderFilter::Any => ("", None, 3),
            FolderFilter::In(None) => (" AND parent_uid IS NULL", None, 3),
            FolderFilter::In(Some(p)) => (" AND parent_uid = $3", Some(p.as_str()), 4),
        };
        let base = format!("FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND deleted_at IS NULL{filter}");
        let sql = format!("SELECT {FOLDER_COLUMNS} {base} ORDER BY title, uid LIMIT ${next} OFFSET ${}", next + 1);
        let mut q = sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws);
        if let Some(p) = parent_uid {
            q = q.bind(p);
        }
        let rows = q.bind(page.limit).bind(page.skip).fetch_all(&self.read).await.map_err(db_err)?;
        let count_sql = format!("SELECT COUNT(*) AS n {base}");
        let mut q = sqlx::query(AssertSqlSafe(count_sql)).bind(space).bind(ws);
        if let Some(p) = parent_uid {
            q = q.bind(p);
        }
        let count: i64 = get(&q.fetch_one(&self.read).await.map_err(db_err)?, "n")?;
        let items = rows.iter().map(folder_from_row).collect::<Result<_>>()?;
        Ok(Page { items, count })
    }

    async fn update_folder(&self, space: &str, ws: &str, uid: &str, c: &FolderChange) -> Result<Folder> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        if let Some(Some(parent)) = &c.parent_uid {
            // Moves are serialized per workspace so two concurrent moves cannot each
            // pass the cycle check and together build a cycle.
            lock_folder_tree(&mut tx, self.dialect, space, ws).await?;
            require_live_folder(&mut tx, self.dialect, space, ws, parent).await?;
            // The new parent must not be the folder itself or one of its descendants.
            let inside: Option<i64> =
                sqlx::query_scalar(AssertSqlSafe(format!("{SUBTREE_CTE} SELECT 1 FROM sub WHERE uid = $4")))
                    .bind(space)
                    .bind(ws)
                    .bind(uid)
                    .bind(parent)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(db_err)?;
            if inside.is_some() {
                return Err(Error::invalid("parent_uid", "a folder cannot be moved into itself or its own subfolder"));
            }
        }
        // Only the fields the change names are written, so concurrent edits of
        // different fields both survive.
        let n = sqlx::query(
            "UPDATE folders SET title = COALESCE($4, title), \
             description = CASE WHEN $5 = 1 THEN $6 ELSE description END, \
             parent_uid = CASE WHEN $7 = 1 THEN $8 ELSE parent_uid END, updated_by = $9, updated_at = $10 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .bind(c.title.as_deref())
        .bind(i64::from(c.description.is_some()))
        .bind(c.description.clone().flatten())
        .bind(i64::from(c.parent_uid.is_some()))
        .bind(c.parent_uid.clone().flatten())
        .bind(&c.updated_by)
        .bind(ms(c.updated_at))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Err(folder_not_found(uid));
        }
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FOLDER_COLUMNS} FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3"
        )))
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let folder = folder_from_row(&row)?;
        tx.commit().await.map_err(db_err)?;
        Ok(folder)
    }

    async fn trash_folder(&self, space: &str, ws: &str, uid: &str, d: &Deletion) -> Result<()> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        lock_folder_tree(&mut tx, self.dialect, space, ws).await?;
        require_live_folder(&mut tx, self.dialect, space, ws, uid).await?;
        // Take the subtree's rows first: inserts into these folders that checked them
        // with a share lock finish before this, and are then seen by the updates below.
        sqlx::query(AssertSqlSafe(format!(
            "{SUBTREE_CTE} SELECT uid FROM folders WHERE space_uid = $1 AND workspace_uid = $2 \
             AND uid IN (SELECT uid FROM sub){}",
            self.dialect.lock_rows()
        )))
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let at = ms(d.deleted_at);
        // Assets first, while the subtree is still live and so still walkable.
        sqlx::query(AssertSqlSafe(format!(
            "{SUBTREE_CTE} UPDATE workspace_assets SET deleted_by = $4, deleted_at = $5, trashed_with = $3 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND deleted_at IS NULL AND parent_uid IN (SELECT uid FROM sub)"
        )))
        .bind(space)
        .bind(ws)
        .bind(uid)
        .bind(&d.deleted_by)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(AssertSqlSafe(format!(
            "{SUBTREE_CTE} UPDATE folders SET deleted_by = $4, deleted_at = $5, \
             trashed_with = CASE WHEN uid = $3 THEN NULL ELSE $3 END \
             WHERE space_uid = $1 AND workspace_uid = $2 AND deleted_at IS NULL AND uid IN (SELECT uid FROM sub)"
        )))
        .bind(space)
        .bind(ws)
        .bind(uid)
        .bind(&d.deleted_by)
        .bind(at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }
}
