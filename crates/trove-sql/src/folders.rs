//! Folders: a tree per workspace, with moves checked for cycles inside the transaction.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use trove_app::ports::{FolderChange, FolderFilter, FolderRepo};
use trove_domain::access::PermissionFilter;
use trove_domain::audit::Event;
use trove_domain::model::{Deletion, Folder, Page, PageRequest};
use trove_domain::{Error, Result};

use crate::overlay::{FOLDERS, PLACEMENTS, Val, Writer, begin_write, bind_all};
use crate::rows::{get, ms, ts};
use crate::{SqlStore, db_err};

const FOLDER_COLUMNS: &str =
    "space_uid, workspace_uid, uid, title, description, parent_uid, created_by, created_at, updated_by, updated_at";

/// The folder bound to `param` and its live descendants in workspace (`$1`, `$2`),
/// as a subquery of UIDs.
pub(crate) fn subtree(param: &str) -> String {
    format!(
        "(WITH RECURSIVE sub(uid) AS ( \
           SELECT uid FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = {param} \
           UNION \
           SELECT f.uid FROM live_folders f JOIN sub ON f.parent_uid = sub.uid \
           WHERE f.space_uid = $1 AND f.workspace_uid = $2 AND f.deleted_at IS NULL) \
         SELECT uid FROM sub)"
    )
}

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

/// Fails with `folder_not_found` unless `uid` is a live folder of the workspace.
/// Inside a [`Writer`] the answer holds until commit: the space's writers are
/// serialized by its clock.
pub(crate) async fn require_live_folder(w: &mut Writer, space: &str, ws: &str, uid: &str) -> Result<()> {
    let live: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL",
    )
    .bind(space)
    .bind(ws)
    .bind(uid)
    .fetch_optional(w.conn())
    .await
    .map_err(db_err)?;
    live.map(|_| ()).ok_or_else(|| folder_not_found(uid))
}

#[async_trait]
impl FolderRepo for SqlStore {
    async fn create_folder(&self, f: &Folder) -> Result<()> {
        let mut w = begin_write(self, &f.space_uid).await?;
        if let Some(parent) = &f.parent_uid {
            require_live_folder(&mut w, &f.space_uid, &f.workspace_uid, parent).await?;
        }
        sqlx::query(AssertSqlSafe(FOLDERS.insert_sql(&[
            ("uid", "$4"),
            ("title", "$5"),
            ("description", "$6"),
            ("parent_uid", "$7"),
            ("created_by", "$8"),
            ("created_at", "$9"),
            ("updated_by", "$10"),
            ("updated_at", "$11"),
        ])?))
        .bind(&f.space_uid)
        .bind(&f.workspace_uid)
        .bind(w.seq)
        .bind(&f.uid)
        .bind(&f.title)
        .bind(f.description.as_deref())
        .bind(f.parent_uid.as_deref())
        .bind(&f.created_by)
        .bind(ms(f.created_at))
        .bind(&f.updated_by)
        .bind(ms(f.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        w.record(Event::new("folder.create").workspace(&f.workspace_uid).target(&f.uid));
        w.commit().await
    }

    async fn get_folder(&self, space: &str, ws: &str, uid: &str) -> Result<Option<Folder>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FOLDER_COLUMNS} FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL"
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
        permitted: Option<&PermissionFilter>,
        page: PageRequest,
    ) -> Result<Page<Folder>> {
        // Every bound parameter must appear in the SQL (PostgreSQL infers parameter types
        // from it), so the parent filter changes the numbering of the rest.
        let (filter, parent_uid, first) = match parent {
            FolderFilter::Any => ("", None, 2),
            FolderFilter::In(None) => (" AND parent_uid IS NULL", None, 2),
            FolderFilter::In(Some(p)) => (" AND parent_uid = $3", Some(p.as_str()), 3),
        };
        let mut vals = Vec::new();
        if let Some(p) = parent_uid {
            vals.push(Val::Text(Some(p)));
        }
        let narrowed = match permitted {
            Some(f) => crate::permitted::and_permitted(f, "uid", "uid", &mut vals, 2),
            None => String::new(),
        };
        let next = 2 + vals.len() + 1;
        debug_assert!(next > first);
        let base = format!(
            "FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND deleted_at IS NULL{filter}{narrowed}"
        );
        let sql = format!("SELECT {FOLDER_COLUMNS} {base} ORDER BY title, uid LIMIT ${next} OFFSET ${}", next + 1);
        let q = bind_all(sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws), &vals);
        let rows = q.bind(page.limit).bind(page.skip).fetch_all(&self.read).await.map_err(db_err)?;
        let count_sql = format!("SELECT COUNT(*) AS n {base}");
        let q = bind_all(sqlx::query(AssertSqlSafe(count_sql)).bind(space).bind(ws), &vals);
        let count: i64 = get(&q.fetch_one(&self.read).await.map_err(db_err)?, "n")?;
        let items = rows.iter().map(folder_from_row).collect::<Result<_>>()?;
        Ok(Page { items, count })
    }

    async fn update_folder(&self, space: &str, ws: &str, uid: &str, c: &FolderChange) -> Result<Folder> {
        let mut w = begin_write(self, space).await?;
        if let Some(Some(parent)) = &c.parent_uid {
            require_live_folder(&mut w, space, ws, parent).await?;
            // The new parent must not be the folder itself or one of its descendants.
            // The space's writers are serialized, so no concurrent move can slip in.
            let inside: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
                "SELECT 1 WHERE $4 IN {} AND $1 = $1 AND $2 = $2",
                subtree("$3")
            )))
            .bind(space)
            .bind(ws)
            .bind(uid)
            .bind(parent)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
            if inside.is_some() {
                return Err(Error::folder_cycle());
            }
        }
        let touched =
            FOLDERS.touch(&mut w, space, ws, "v.uid = $4 AND v.deleted_at IS NULL", &[Val::Text(Some(uid))]).await?;
        if touched == 0 {
            return Err(folder_not_found(uid));
        }
        // Only the fields the change names are written, so concurrent edits of
        // different fields both survive.
        sqlx::query(
            "UPDATE folders SET title = COALESCE($5, title), \
             description = CASE WHEN $6 = 1 THEN $7 ELSE description END, \
             parent_uid = CASE WHEN $8 = 1 THEN $9 ELSE parent_uid END, updated_by = $10, updated_at = $11 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND uid = $4",
        )
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(uid)
        .bind(c.title.as_deref())
        .bind(i64::from(c.description.is_some()))
        .bind(c.description.clone().flatten())
        .bind(i64::from(c.parent_uid.is_some()))
        .bind(c.parent_uid.clone().flatten())
        .bind(&c.updated_by)
        .bind(ms(c.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {FOLDER_COLUMNS} FROM folders WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND uid = $4"
        )))
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(uid)
        .fetch_one(w.conn())
        .await
        .map_err(db_err)?;
        let folder = folder_from_row(&row)?;
        w.record(Event::new("folder.update").workspace(ws).target(uid));
        w.commit().await?;
        Ok(folder)
    }

    async fn folder_subtrees(&self, space: &str, ws: &str, roots: &[String]) -> Result<Vec<String>> {
        if roots.is_empty() {
            return Ok(Vec::new());
        }
        let list = crate::dialect::params(3, roots.len());
        let sql = format!(
            "WITH RECURSIVE sub(uid) AS ( \
               SELECT uid FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid IN ({list}) \
               UNION \
               SELECT f.uid FROM live_folders f JOIN sub ON f.parent_uid = sub.uid \
               WHERE f.space_uid = $1 AND f.workspace_uid = $2) \
             SELECT uid FROM sub"
        );
        let mut q = sqlx::query_scalar(AssertSqlSafe(sql)).bind(space).bind(ws);
        for r in roots {
            q = q.bind(r);
        }
        let mut out: Vec<String> = q.fetch_all(&self.read).await.map_err(db_err)?;
        // Named folders that do not exist (yet) still count: a rule may name a
        // folder created later, and a UID never matches anything else.
        out.extend(roots.iter().cloned());
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }

    async fn trash_folder(&self, space: &str, ws: &str, uid: &str, d: &Deletion) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        require_live_folder(&mut w, space, ws, uid).await?;
        trash_subtree(&mut w, space, ws, uid, &d.deleted_by, ms(d.deleted_at)).await?;
        w.record(Event::new("folder.delete").workspace(ws).target(uid));
        w.commit().await
    }
}

/// Moves folder `uid`, its live subfolders and the live assets in them to the trash
/// of `ws`, all marked as trashed with `uid`.
pub(crate) async fn trash_subtree(w: &mut Writer, space: &str, ws: &str, uid: &str, by: &str, at: i64) -> Result<()> {
    // Assets first, while the subtree is still live and so still walkable.
    let assets = format!("v.deleted_at IS NULL AND v.parent_uid IN {}", subtree("$4"));
    PLACEMENTS.touch(w, space, ws, &assets, &[Val::Text(Some(uid))]).await?;
    let folders = format!("v.deleted_at IS NULL AND v.uid IN {}", subtree("$4"));
    FOLDERS.touch(w, space, ws, &folders, &[Val::Text(Some(uid))]).await?;
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE workspace_assets SET deleted_by = $5, deleted_at = $6, trashed_with = $4 \
         WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND deleted_at IS NULL AND parent_uid IN {}",
        subtree("$4")
    )))
    .bind(space)
    .bind(ws)
    .bind(w.seq)
    .bind(uid)
    .bind(by)
    .bind(at)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    sqlx::query(AssertSqlSafe(format!(
        "UPDATE folders SET deleted_by = $5, deleted_at = $6, trashed_with = CASE WHEN uid = $4 THEN NULL ELSE $4 END \
         WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND deleted_at IS NULL AND uid IN {}",
        subtree("$4")
    )))
    .bind(space)
    .bind(ws)
    .bind(w.seq)
    .bind(uid)
    .bind(by)
    .bind(at)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}
