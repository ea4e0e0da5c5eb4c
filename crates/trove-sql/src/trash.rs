//! The trash: listing, restore rules and the purge after the retention period.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use trove_app::ports::{PurgeReport, TrashFilter, TrashRepo};
use trove_domain::audit::Event;
use trove_domain::model::{Page, PageRequest, Timestamp, TrashItem, TrashKind};
use trove_domain::{Error, Result};

use crate::overlay::{
    FOLDERS, HEADS, NAMES, OWN_MAX_SEQ, PLACEMENTS, Val, Writer, begin_write, bind_all, copy_down_versions,
};
use crate::rows::{get, ms, ts};
use crate::values::VALUES;
use crate::{SqlStore, db_err};

/// How many rows one purge statement removes, so a huge trash is purged in
/// bounded transactions rather than one giant one.
const PURGE_BATCH: i64 = 500;

/// Top-level trash items of both kinds, as one relation. `$1` space, `$2` workspace.
/// An asset shows its default-language title, or, for an asset localized only in
/// other languages, that of the first of them.
const TRASH_UNION: &str = "SELECT 'folder' AS kind, f.uid AS uid, f.title AS title, f.parent_uid AS parent_uid, \
       NULL AS content_type, \
       (SELECT COUNT(*) FROM live_workspace_assets x WHERE x.space_uid = f.space_uid AND x.workspace_uid = f.workspace_uid \
          AND x.trashed_with = f.uid) AS asset_count, \
       f.deleted_by AS deleted_by, f.deleted_at AS deleted_at \
     FROM live_folders f WHERE f.space_uid = $1 AND f.workspace_uid = $2 AND f.deleted_at IS NOT NULL AND f.trashed_with IS NULL \
   UNION ALL \
   SELECT 'asset' AS kind, wa.asset_uid AS uid, v.title AS title, wa.parent_uid AS parent_uid, \
       fi.content_type AS content_type, 0 AS asset_count, wa.deleted_by AS deleted_by, wa.deleted_at AS deleted_at \
     FROM live_workspace_assets wa \
     JOIN workspaces w ON w.space_uid = wa.space_uid AND w.uid = wa.workspace_uid \
     JOIN live_asset_locales l ON l.space_uid = wa.space_uid AND l.workspace_uid = wa.workspace_uid \
       AND l.asset_uid = wa.asset_uid AND l.locale = COALESCE( \
         (SELECT l2.locale FROM live_asset_locales l2 WHERE l2.space_uid = wa.space_uid \
            AND l2.workspace_uid = wa.workspace_uid AND l2.asset_uid = wa.asset_uid AND l2.locale = w.default_locale), \
         (SELECT MIN(l2.locale) FROM live_asset_locales l2 WHERE l2.space_uid = wa.space_uid \
            AND l2.workspace_uid = wa.workspace_uid AND l2.asset_uid = wa.asset_uid)) \
     JOIN live_asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
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
async fn restore_target(w: &mut Writer, space: &str, ws: &str, parent: Option<String>) -> Result<Option<String>> {
    let Some(parent) = parent else { return Ok(None) };
    let deleted: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT deleted_at FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3",
    )
    .bind(space)
    .bind(ws)
    .bind(&parent)
    .fetch_optional(w.conn())
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
        let mut filter = "WHERE ($3 IS NULL OR t.deleted_by = $3) AND ($4 IS NULL OR t.kind = $4) \
                      AND ($5 IS NULL OR t.deleted_at >= $5) AND ($6 IS NULL OR t.deleted_at < $6)"
            .to_owned();
        // What the caller may see, with its values after the eight fixed ones.
        let mut vals = Vec::new();
        if let Some(p) = &f.permitted {
            let folder = "CASE WHEN t.kind = 'folder' THEN t.uid ELSE t.parent_uid END";
            filter.push_str(&crate::permitted::and_permitted(p, "t.uid", folder, &mut vals, 8));
        }
        let q = sqlx::query(AssertSqlSafe(format!(
            "SELECT * FROM ({TRASH_UNION}) t {filter} ORDER BY t.deleted_at DESC, t.uid LIMIT $7 OFFSET $8"
        )))
        .bind(space)
        .bind(ws)
        .bind(f.deleted_by.as_deref())
        .bind(kind)
        .bind(after)
        .bind(before)
        .bind(page.limit)
        .bind(page.skip);
        let rows = bind_all(q, &vals).fetch_all(&self.read).await.map_err(db_err)?;
        // The count binds the same eight (the last two unused) so the numbering holds.
        let count_filter = format!("{filter} AND $7 = $7 AND $8 = $8");
        let q = sqlx::query(AssertSqlSafe(format!("SELECT COUNT(*) AS n FROM ({TRASH_UNION}) t {count_filter}")))
            .bind(space)
            .bind(ws)
            .bind(f.deleted_by.as_deref())
            .bind(kind)
            .bind(after)
            .bind(before)
            .bind(page.limit)
            .bind(page.skip);
        let count_row = bind_all(q, &vals).fetch_one(&self.read).await.map_err(db_err)?;
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
            "SELECT 1 FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NOT NULL",
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
            "SELECT 1 FROM live_workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND deleted_at IS NOT NULL",
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
        let mut w = begin_write(self, space).await?;
        let row = sqlx::query(
            "SELECT parent_uid, trashed_with FROM live_workspace_assets \
             WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?
        .ok_or_else(|| not_in_trash(uid))?;
        if let Some(folder) = get::<Option<String>>(&row, "trashed_with")? {
            return Err(parent_in_trash(&folder));
        }
        let parent = restore_target(&mut w, space, ws, get(&row, "parent_uid")?).await?;
        PLACEMENTS.touch(&mut w, space, ws, "v.asset_uid = $4", &[Val::Text(Some(uid))]).await?;
        sqlx::query(
            "UPDATE workspace_assets SET deleted_by = NULL, deleted_at = NULL, trashed_with = NULL, parent_uid = $5 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND asset_uid = $4",
        )
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(uid)
        .bind(parent)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        w.record(Event::new("asset.restore").workspace(ws).asset(uid));
        w.commit().await
    }

    async fn restore_folder(&self, space: &str, ws: &str, uid: &str, with_assets: bool) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        let row = sqlx::query(
            "SELECT parent_uid, trashed_with FROM live_folders \
             WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NOT NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?
        .ok_or_else(|| not_in_trash(uid))?;
        if let Some(folder) = get::<Option<String>>(&row, "trashed_with")? {
            return Err(parent_in_trash(&folder));
        }
        let parent = restore_target(&mut w, space, ws, get(&row, "parent_uid")?).await?;
        let key = [Val::Text(Some(uid))];
        FOLDERS.touch(&mut w, space, ws, "v.uid = $4 OR v.trashed_with = $4", &key).await?;
        sqlx::query(
            "UPDATE folders SET parent_uid = CASE WHEN uid = $4 THEN $5 ELSE parent_uid END, \
             deleted_by = NULL, deleted_at = NULL, trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND (uid = $4 OR trashed_with = $4)",
        )
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(uid)
        .bind(parent)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        // Without assets, the assets stay in the trash but become items of their own,
        // restorable one by one now that their folder is back.
        PLACEMENTS.touch(&mut w, space, ws, "v.trashed_with = $4", &key).await?;
        let assets_sql = if with_assets {
            "UPDATE workspace_assets SET deleted_by = NULL, deleted_at = NULL, trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND trashed_with = $4"
        } else {
            "UPDATE workspace_assets SET trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND trashed_with = $4"
        };
        sqlx::query(assets_sql).bind(space).bind(ws).bind(w.seq).bind(uid).execute(w.conn()).await.map_err(db_err)?;
        w.record(
            Event::new("folder.restore")
                .workspace(ws)
                .target(uid)
                .detail(serde_json::json!({ "with_assets": with_assets })),
        );
        w.commit().await
    }

    async fn purge_trash(&self, cutoff: Timestamp) -> Result<PurgeReport> {
        let cutoff = ms(cutoff);
        let mut report = PurgeReport::default();
        loop {
            // Candidates as every workspace sees them (a fork may see an item its
            // source trashed before the fork); each is re-checked in its space's
            // write transaction.
            let assets = candidates(&self.read, "workspace_assets", "asset_uid", cutoff).await?;
            let folders = candidates(&self.read, "folders", "uid", cutoff).await?;
            if assets.is_empty() && folders.is_empty() {
                return Ok(report);
            }
            let mut spaces: Vec<&str> = assets.iter().chain(&folders).map(|c| c.0.as_str()).collect();
            spaces.sort_unstable();
            spaces.dedup();
            for space in spaces {
                let mut w = begin_write(self, space).await?;
                for (_, ws, uid) in assets.iter().filter(|c| c.0 == space) {
                    if still_trashed(&mut w, "live_workspace_assets", "asset_uid", space, ws, uid, cutoff).await? {
                        purge_asset(&mut w, space, ws, uid).await?;
                        w.record(Event::new("asset.purge").workspace(ws).asset(uid));
                        report.assets += 1;
                    }
                }
                for (_, ws, uid) in folders.iter().filter(|c| c.0 == space) {
                    if still_trashed(&mut w, "live_folders", "uid", space, ws, uid, cutoff).await? {
                        purge_folder(&mut w, space, ws, uid).await?;
                        w.record(Event::new("folder.purge").workspace(ws).target(uid));
                        report.folders += 1;
                    }
                }
                w.commit().await?;
            }
        }
    }
}

/// (space, workspace, uid) of up to [`PURGE_BATCH`] expired trash items of `table`
/// (keyed by `key`), as each workspace sees them, the workspace owning the row
/// first: an owner's purge copies down to forks what they still read, and the
/// forks' own purges then remove those copies too. The expired rows are found first,
/// through the `deleted_at` index, and only then matched to the workspaces that see
/// them, so the cost follows the size of the trash, not of the library.
async fn candidates(
    pool: &sqlx::AnyPool,
    table: &str,
    key: &str,
    cutoff: i64,
) -> Result<Vec<(String, String, String)>> {
    let sql = format!(
        "WITH expired AS MATERIALIZED ( \
           SELECT space_uid, workspace_uid, {key} AS k, seq, superseded_seq FROM {table} \
           WHERE deleted_at IS NOT NULL AND deleted_at < $1 AND tombstone = 0) \
         SELECT l.space_uid, l.workspace_uid, e.k AS uid FROM expired e \
         JOIN workspace_lineage l ON l.space_uid = e.space_uid AND l.ancestor_uid = e.workspace_uid \
           AND e.seq <= l.max_seq AND (e.superseded_seq IS NULL OR e.superseded_seq > l.max_seq) \
         WHERE NOT EXISTS (SELECT 1 FROM workspace_lineage l2 JOIN {table} t2 ON t2.space_uid = l2.space_uid \
             AND t2.workspace_uid = l2.ancestor_uid AND t2.{key} = e.k AND t2.seq <= l2.max_seq \
           WHERE l2.space_uid = l.space_uid AND l2.workspace_uid = l.workspace_uid AND l2.depth < l.depth) \
         ORDER BY l.space_uid, l.depth LIMIT $2"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(cutoff).bind(PURGE_BATCH).fetch_all(pool).await.map_err(db_err)?;
    rows.iter().map(|r| Ok((get(r, "space_uid")?, get(r, "workspace_uid")?, get(r, "uid")?))).collect()
}

/// Whether the item is still in the trash past the cutoff (it may have been
/// restored or purged since it was listed).
async fn still_trashed(
    w: &mut Writer,
    view: &str,
    key: &str,
    space: &str,
    ws: &str,
    uid: &str,
    cutoff: i64,
) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
        "SELECT 1 FROM {view} WHERE space_uid = $1 AND workspace_uid = $2 AND {key} = $3 \
         AND deleted_at IS NOT NULL AND deleted_at < $4"
    )))
    .bind(space)
    .bind(ws)
    .bind(uid)
    .bind(cutoff)
    .fetch_optional(w.conn())
    .await
    .map_err(db_err)?;
    Ok(found.is_some())
}

/// Removes an asset from one workspace for good: its placement, heads, names and
/// versions there (descendants keep what they read through it), then the files no
/// version anywhere refers to, and the asset itself once no workspace has it.
/// Blobs are freed later by garbage collection.
pub(crate) async fn purge_asset(w: &mut Writer, space: &str, ws: &str, asset: &str) -> Result<()> {
    // The deletion still has to reach the source when the asset was live at the
    // merge base and still is in the source.
    let keep = match merge_base(w, space, ws).await? {
        Some((b, source)) => {
            let base = crate::history::At { space, ws, seq: b };
            let now = crate::history::At { space, ws: &source, seq: OWN_MAX_SEQ };
            let live = |p: Option<trove_domain::workspace::Placement>| p.is_some_and(|p| p.deleted_at.is_none());
            (live(crate::history::placement(w.conn(), base, asset).await?)
                && live(crate::history::placement(w.conn(), now, asset).await?))
            .then_some(b)
        }
        None => None,
    };
    let key = [Val::Text(Some(asset))];
    for o in [&PLACEMENTS, &HEADS, &NAMES, &VALUES] {
        o.purge(w, space, ws, "asset_uid = $4", &key, keep).await?;
    }
    copy_down_versions(w, space, ws, "asset_uid = $4", &key).await?;
    // Versions the merge base still names stay with it (see `Overlay::purge`).
    sqlx::query(
        "DELETE FROM asset_versions WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND seq > $4",
    )
    .bind(space)
    .bind(ws)
    .bind(asset)
    .bind(keep.unwrap_or(-1))
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    free_asset_files(w, space, asset).await
}

/// Removes a folder from one workspace for good, keeping what the next merge needs.
async fn purge_folder(w: &mut Writer, space: &str, ws: &str, uid: &str) -> Result<()> {
    let keep = match merge_base(w, space, ws).await? {
        Some((b, source)) => {
            let base = crate::history::At { space, ws, seq: b };
            let now = crate::history::At { space, ws: &source, seq: OWN_MAX_SEQ };
            let live = |f: Option<trove_domain::workspace::FolderState>| f.is_some_and(|f| f.deleted_at.is_none());
            (live(crate::history::folder(w.conn(), base, uid).await?)
                && live(crate::history::folder(w.conn(), now, uid).await?))
            .then_some(b)
        }
        None => None,
    };
    FOLDERS.purge(w, space, ws, "uid = $4", &[Val::Text(Some(uid))], keep).await
}

/// The seq the next merge of `ws` starts from, and its source; `None` for a
/// workspace without a source.
async fn merge_base(w: &mut Writer, space: &str, ws: &str) -> Result<Option<(i64, String)>> {
    let row: Option<(Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT merged_seq, source_uid FROM workspaces WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(ws)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
    Ok(match row {
        Some((Some(b), Some(source))) => Some((b, source)),
        _ => None,
    })
}

/// After a merge of `ws`: what purges kept for this merge (keys now a tombstone over
/// older rows) is purged for good, the new base no longer needing it.
pub(crate) async fn release_purged(w: &mut Writer, space: &str, ws: &str) -> Result<()> {
    for (table, key) in [("workspace_assets", "asset_uid"), ("folders", "uid")] {
        let keys: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT DISTINCT t.{key} FROM {table} t WHERE t.space_uid = $1 AND t.workspace_uid = $2 \
             AND t.tombstone = 1 AND t.superseded_seq IS NULL \
             AND EXISTS (SELECT 1 FROM {table} o WHERE o.space_uid = $1 AND o.workspace_uid = $2 \
                         AND o.{key} = t.{key} AND o.tombstone = 0)"
        )))
        .bind(space)
        .bind(ws)
        .fetch_all(w.conn())
        .await
        .map_err(db_err)?;
        for k in keys {
            if table == "folders" {
                purge_folder(w, space, ws, &k).await?;
            } else {
                purge_asset(w, space, ws, &k).await?;
            }
        }
    }
    Ok(())
}

/// Deletes the files of `asset` that no version refers to, and the asset once no
/// workspace has a row of it.
pub(crate) async fn free_asset_files(w: &mut Writer, space: &str, asset: &str) -> Result<()> {
    sqlx::query(
        "DELETE FROM files WHERE space_uid = $1 AND asset_uid = $2 \
         AND NOT EXISTS (SELECT 1 FROM asset_versions v WHERE v.file_uid = files.uid)",
    )
    .bind(space)
    .bind(asset)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    sqlx::query(
        "DELETE FROM assets WHERE space_uid = $1 AND uid = $2 \
         AND NOT EXISTS (SELECT 1 FROM workspace_assets wa WHERE wa.space_uid = $1 AND wa.asset_uid = $2)",
    )
    .bind(space)
    .bind(asset)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}
