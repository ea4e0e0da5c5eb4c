//! Workspaces: fork, read, rename, delete, and their enabled languages.
//!
//! A fork writes one workspace row, its lineage (a handful of rows, one per
//! ancestor) and its languages; it copies no asset, folder or version, so its cost
//! does not depend on the size of the library. See [`crate::overlay`].

use async_trait::async_trait;
use sqlx::{AnyConnection, AssertSqlSafe};
use trove_app::ports::{WorkspaceChange, WorkspaceRepo};
use trove_domain::audit::Event;
use trove_domain::model::{Page, PageRequest, Workspace};
use trove_domain::workspace::{ItemChanges, MergeReport};
use trove_domain::{Error, Result};

use crate::history::{read_workspace, read_workspace_versioned, workspace_from_row, workspace_not_found};
use crate::overlay::{OWN_MAX_SEQ, begin_write, copy_down_versions};
use crate::rows::{get, ms};
use crate::trash::free_asset_files;
use crate::{SqlStore, db_err};

const WORKSPACE_COLUMNS: &str =
    "space_uid, uid, name, description, source_uid, default_locale, created_by, created_at, updated_by, updated_at";

async fn languages(conn: &mut AnyConnection, space: &str, ws: &str) -> Result<Vec<String>> {
    sqlx::query_scalar(
        "SELECT locale FROM workspace_languages WHERE space_uid = $1 AND workspace_uid = $2 ORDER BY locale",
    )
    .bind(space)
    .bind(ws)
    .fetch_all(conn)
    .await
    .map_err(db_err)
}

#[async_trait]
impl WorkspaceRepo for SqlStore {
    async fn workspace_with_settings_version(&self, space_uid: &str, uid: &str) -> Result<Option<(Workspace, i64)>> {
        let mut c = self.read.acquire().await.map_err(db_err)?;
        read_workspace_versioned(&mut c, space_uid, uid).await
    }

    async fn create_workspace(&self, n: &Workspace) -> Result<Workspace> {
        let space = n.space_uid.as_str();
        let source = n.source_uid.as_deref().ok_or_else(|| Error::invalid("source", "is required"))?;
        let mut w = begin_write(self, space).await?;
        let src = read_workspace(w.conn(), space, source).await?.ok_or_else(|| workspace_not_found(source))?;
        if read_workspace(w.conn(), space, &n.uid).await?.is_some() {
            let mut e =
                Error::conflict("workspace_exists", format!("a workspace {} already exists in this space", n.uid));
            e.fields.insert("uid".to_owned(), vec!["is taken".to_owned()]);
            return Err(e);
        }
        sqlx::query(
            "INSERT INTO workspaces (space_uid, uid, name, description, source_uid, default_locale, created_by, created_at, \
               fork_seq, merged_seq, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $7, $8)",
        )
        .bind(space)
        .bind(&n.uid)
        .bind(&n.name)
        .bind(n.description.as_deref())
        .bind(source)
        .bind(&src.default_locale)
        .bind(&n.created_by)
        .bind(ms(n.created_at))
        .bind(w.seq)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        // The fork sees itself fully, and each ancestor of the source no later than
        // the source did, and never later than now.
        sqlx::query(
            "INSERT INTO workspace_lineage (space_uid, workspace_uid, depth, ancestor_uid, max_seq) \
             SELECT $1, $2, 0, $2, $4 UNION ALL \
             SELECT space_uid, $2, depth + 1, ancestor_uid, CASE WHEN max_seq < $3 THEN max_seq ELSE $3 END \
             FROM workspace_lineage WHERE space_uid = $1 AND workspace_uid = $5",
        )
        .bind(space)
        .bind(&n.uid)
        .bind(w.seq)
        .bind(OWN_MAX_SEQ)
        .bind(source)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO workspace_languages (space_uid, workspace_uid, locale) \
             SELECT space_uid, $2, locale FROM workspace_languages WHERE space_uid = $1 AND workspace_uid = $3",
        )
        .bind(space)
        .bind(&n.uid)
        .bind(source)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        let created = read_workspace(w.conn(), space, &n.uid).await?.ok_or_else(|| workspace_not_found(&n.uid))?;
        w.record(
            Event::new("workspace.create")
                .workspace(&n.uid)
                .target(&n.uid)
                .detail(serde_json::json!({ "source": source })),
        );
        w.commit().await?;
        Ok(created)
    }

    async fn get_workspace(&self, space: &str, uid: &str) -> Result<Option<Workspace>> {
        let mut conn = self.read.acquire().await.map_err(db_err)?;
        read_workspace(&mut conn, space, uid).await
    }

    async fn list_workspaces(&self, space: &str, page: PageRequest) -> Result<Page<Workspace>> {
        let mut conn = self.read.acquire().await.map_err(db_err)?;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {WORKSPACE_COLUMNS} FROM workspaces WHERE space_uid = $1 \
             ORDER BY CASE WHEN source_uid IS NULL THEN 0 ELSE 1 END, created_at, uid LIMIT $2 OFFSET $3"
        )))
        .bind(space)
        .bind(page.limit)
        .bind(page.skip)
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM workspaces WHERE space_uid = $1")
            .bind(space)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_err)?;
        let mut items = Vec::with_capacity(rows.len());
        for r in &rows {
            let uid: String = get(r, "uid")?;
            let langs = languages(&mut conn, space, &uid).await?;
            items.push(workspace_from_row(r, langs)?);
        }
        Ok(Page { items, count })
    }

    async fn update_workspace(&self, space: &str, uid: &str, c: &WorkspaceChange) -> Result<Option<Workspace>> {
        let mut w = begin_write(self, space).await?;
        let n = sqlx::query(
            "UPDATE workspaces SET name = COALESCE($3, name), \
             description = CASE WHEN $4 = 1 THEN $5 ELSE description END, updated_by = $6, updated_at = $7 \
             WHERE space_uid = $1 AND uid = $2",
        )
        .bind(space)
        .bind(uid)
        .bind(c.name.as_deref())
        .bind(i64::from(c.description.is_some()))
        .bind(c.description.clone().flatten())
        .bind(&c.updated_by)
        .bind(ms(c.updated_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?
        .rows_affected();
        if n == 0 {
            return Ok(None);
        }
        let ws = read_workspace(w.conn(), space, uid).await?;
        w.record(Event::new("workspace.update").workspace(uid).target(uid));
        w.commit().await?;
        Ok(ws)
    }

    async fn delete_workspace(&self, space: &str, uid: &str) -> Result<bool> {
        let mut w = begin_write(self, space).await?;
        if read_workspace(w.conn(), space, uid).await?.is_none() {
            return Ok(false);
        }
        // Children keep what they read through this workspace: its rows they see
        // become theirs, and the workspace leaves every lineage.
        for o in crate::schema::overlays() {
            o.copy_down(&mut w, space, uid, "1 = 1", &[]).await?;
        }
        copy_down_versions(&mut w, space, uid, "1 = 1", &[]).await?;
        let assets: Vec<String> = sqlx::query_scalar(
            "SELECT asset_uid FROM workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 \
             UNION SELECT asset_uid FROM asset_versions WHERE space_uid = $1 AND workspace_uid = $2",
        )
        .bind(space)
        .bind(uid)
        .fetch_all(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query("DELETE FROM workspace_lineage WHERE space_uid = $1 AND ancestor_uid = $2 AND workspace_uid <> $2")
            .bind(space)
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        // Cascades to the workspace's lineage, languages, overlay rows and versions.
        sqlx::query("DELETE FROM workspaces WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        for asset in &assets {
            free_asset_files(&mut w, space, asset).await?;
        }
        w.record(Event::new("workspace.delete").target(uid));
        w.commit().await?;
        Ok(true)
    }

    async fn set_workspace_languages(
        &self,
        space: &str,
        uid: &str,
        locales: &[String],
        by: &str,
        at: trove_domain::model::Timestamp,
    ) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        if read_workspace(w.conn(), space, uid).await?.is_none() {
            return Err(workspace_not_found(uid));
        }
        let mut unknown = Vec::new();
        for l in locales {
            let known: Option<i64> = sqlx::query_scalar("SELECT 1 FROM languages WHERE code = $1")
                .bind(l)
                .fetch_optional(w.conn())
                .await
                .map_err(db_err)?;
            if known.is_none() {
                unknown.push(format!("{l:?} is not a language of the organization"));
            }
        }
        if !unknown.is_empty() {
            let mut e = Error::new(trove_domain::ErrorKind::Conflict, "unknown_language", unknown.join("; "));
            e.fields.insert("languages".to_owned(), unknown);
            return Err(e);
        }
        sqlx::query("UPDATE workspaces SET updated_by = $3, updated_at = $4 WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(uid)
            .bind(by)
            .bind(ms(at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM workspace_languages WHERE space_uid = $1 AND workspace_uid = $2")
            .bind(space)
            .bind(uid)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        for l in locales {
            sqlx::query("INSERT INTO workspace_languages (space_uid, workspace_uid, locale) VALUES ($1, $2, $3)")
                .bind(space)
                .bind(uid)
                .bind(l)
                .execute(w.conn())
                .await
                .map_err(db_err)?;
        }
        w.record(
            Event::new("workspace.languages")
                .workspace(uid)
                .target(uid)
                .detail(serde_json::json!({ "languages": locales })),
        );
        w.commit().await
    }

    async fn compare_workspace(&self, space: &str, uid: &str) -> Result<Vec<ItemChanges>> {
        crate::merge::compare(self, space, uid).await
    }

    async fn merge_workspace(
        &self,
        space: &str,
        uid: &str,
        request: &trove_app::ports::MergeRequest,
    ) -> Result<MergeReport> {
        crate::merge::merge(self, space, uid, request).await
    }
}
