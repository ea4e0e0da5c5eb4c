//! Applying a merge: the workspace's side of each item written into the source.

use sqlx::AssertSqlSafe;
use trove_app::ports::MergeRequest;
use trove_domain::Result;
use trove_domain::content_merge::ContentValue;
use trove_domain::workspace::{Content, FolderState, Placement, Three};

use super::Pair;
use crate::db_err;
use crate::folders::{subtree, trash_subtree};
use crate::overlay::{FOLDERS, HEADS, PLACEMENTS, Val, Writer};
use crate::rows::ms;
use crate::variants::{insert_head, set_head};
use crate::version_rows::{VersionRow, insert_version_row};

/// Applies the workspace's side of items to the source, inside the merge's writer.
pub(super) struct Merger<'a> {
    pub w: &'a mut Writer,
    pub p: &'a Pair,
    pub r: &'a MergeRequest,
}

impl Merger<'_> {
    /// `parent` if it is a live folder of the source, else the root.
    async fn live_parent(&mut self, parent: Option<&str>) -> Result<Option<String>> {
        let Some(parent) = parent else { return Ok(None) };
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM live_folders WHERE space_uid = $1 AND workspace_uid = $2 AND uid = $3 AND deleted_at IS NULL",
        )
        .bind(&self.p.space)
        .bind(&self.p.source)
        .bind(parent)
        .fetch_optional(self.w.conn())
        .await
        .map_err(db_err)?;
        Ok(live.map(|_| parent.to_owned()))
    }

    /// Gives the source the workspace's folder state. `false` when the move would
    /// put the folder inside itself in the source (then nothing changes).
    pub async fn folder(&mut self, uid: &str, t: &Three<FolderState>) -> Result<bool> {
        let (space, src) = (self.p.space.as_str(), self.p.source.as_str());
        let source_live = t.source.as_ref().is_some_and(|f| f.deleted_at.is_none());
        let Some(f) = &t.workspace else {
            // Gone from the workspace: the folder and what the source keeps in it go
            // to the source's trash together.
            if source_live {
                trash_subtree(self.w, space, src, uid, &self.r.by, ms(self.r.at)).await?;
            }
            return Ok(true);
        };
        if f.deleted_at.is_some() && source_live {
            trash_subtree(self.w, space, src, uid, &self.r.by, ms(self.r.at)).await?;
        }
        let parent = self.live_parent(f.parent_uid.as_deref()).await?;
        if let Some(parent) = &parent {
            let inside: Option<i64> =
                sqlx::query_scalar(AssertSqlSafe(format!("SELECT 1 WHERE $4 IN {} AND $3 = $3", subtree("$3"))))
                    .bind(space)
                    .bind(src)
                    .bind(uid)
                    .bind(parent)
                    .fetch_optional(self.w.conn())
                    .await
                    .map_err(db_err)?;
            if inside.is_some() {
                return Ok(false);
            }
        }
        let at = ms(self.r.at);
        if t.source.is_none() {
            let insert = FOLDERS.insert_select(
                "",
                &[
                    ("workspace_uid", "$2"),
                    ("seq", "$3"),
                    ("superseded_seq", "NULL"),
                    ("tombstone", "0"),
                    ("parent_uid", "$5"),
                    ("updated_by", "$6"),
                    ("updated_at", "$7"),
                ],
            )?;
            sqlx::query(AssertSqlSafe(format!(
                "{insert} FROM live_folders WHERE space_uid = $1 AND workspace_uid = $8 AND uid = $4"
            )))
            .bind(space)
            .bind(src)
            .bind(self.w.seq)
            .bind(uid)
            .bind(parent)
            .bind(&self.r.by)
            .bind(at)
            .bind(&self.p.ws)
            .execute(self.w.conn())
            .await
            .map_err(db_err)?;
            // The source may hold a tombstone of this folder (it purged one it had).
            FOLDERS.close(self.w, space, src).await?;
            return Ok(true);
        }
        FOLDERS.touch(self.w, space, src, "v.uid = $4", &[Val::Text(Some(uid))]).await?;
        sqlx::query(
            "UPDATE folders SET title = $5, description = $6, parent_uid = $7, deleted_at = $8, trashed_with = $9, \
             deleted_by = CASE WHEN $8 IS NULL THEN NULL ELSE $10 END, updated_by = $10, updated_at = $11 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND uid = $4",
        )
        .bind(space)
        .bind(src)
        .bind(self.w.seq)
        .bind(uid)
        .bind(&f.title)
        .bind(f.description.as_deref())
        .bind(parent)
        .bind(f.deleted_at)
        .bind(f.trashed_with.as_deref())
        .bind(&self.r.by)
        .bind(at)
        .execute(self.w.conn())
        .await
        .map_err(db_err)?;
        Ok(true)
    }

    /// Moves a key of the source to the trash (the workspace no longer has it).
    async fn trash(&mut self, o: &crate::schema::Table, key: &str, uid: &str) -> Result<()> {
        let (space, src) = (self.p.space.as_str(), self.p.source.as_str());
        let cond = format!("v.{key} = $4 AND v.deleted_at IS NULL");
        if o.touch(self.w, space, src, &cond, &[Val::Text(Some(uid))]).await? == 0 {
            return Ok(());
        }
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE {} SET deleted_by = $5, deleted_at = $6, trashed_with = NULL \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND {key} = $4",
            o.name
        )))
        .bind(space)
        .bind(src)
        .bind(self.w.seq)
        .bind(uid)
        .bind(&self.r.by)
        .bind(ms(self.r.at))
        .execute(self.w.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Gives the source the workspace's placement of an asset.
    pub async fn placement(&mut self, asset: &str, t: &Three<Placement>) -> Result<()> {
        let (space, src) = (self.p.space.as_str(), self.p.source.as_str());
        let Some(pl) = &t.workspace else {
            return self.trash(PLACEMENTS, "asset_uid", asset).await;
        };
        let parent = self.live_parent(pl.parent_uid.as_deref()).await?;
        let deleted_by = pl.deleted_at.map(|_| self.r.by.as_str());
        // The source's own row of the asset: a new one if the source never had it
        // (closing any tombstone it left), else a touched copy; then the same update.
        if t.source.is_none() {
            sqlx::query(AssertSqlSafe(PLACEMENTS.insert_sql(&[("asset_uid", "$4"), ("locales", "''")])?))
                .bind(space)
                .bind(src)
                .bind(self.w.seq)
                .bind(asset)
                .execute(self.w.conn())
                .await
                .map_err(db_err)?;
            PLACEMENTS.close(self.w, space, src).await?;
        } else {
            PLACEMENTS.touch(self.w, space, src, "v.asset_uid = $4", &[Val::Text(Some(asset))]).await?;
        }
        sqlx::query(
            "UPDATE workspace_assets SET parent_uid = $5, deleted_by = $6, deleted_at = $7, trashed_with = $8 \
             WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND asset_uid = $4",
        )
        .bind(space)
        .bind(src)
        .bind(self.w.seq)
        .bind(asset)
        .bind(parent)
        .bind(deleted_by)
        .bind(pl.deleted_at)
        .bind(pl.trashed_with.as_deref())
        .execute(self.w.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// Whether the source and the workspace see version `number` of the locale as
    /// the very same row (one inherited from a common ancestor).
    async fn same_version(&mut self, asset: &str, locale: &str, number: i64) -> Result<bool> {
        let owners: Vec<(String, String)> = sqlx::query_as(
            "SELECT workspace_uid, owner_uid FROM live_asset_versions WHERE space_uid = $1 \
             AND workspace_uid IN ($2, $3) AND asset_uid = $4 AND locale = $5 AND number = $6",
        )
        .bind(&self.p.space)
        .bind(&self.p.source)
        .bind(&self.p.ws)
        .bind(asset)
        .bind(locale)
        .bind(number)
        .fetch_all(self.w.conn())
        .await
        .map_err(db_err)?;
        let owner = |ws: &str| owners.iter().find(|(w, _)| w == ws).map(|(_, o)| o.as_str());
        Ok(owner(&self.p.source).is_some() && owner(&self.p.source) == owner(&self.p.ws))
    }

    /// Brings the source's record of the asset's variant locales up to date after
    /// its locales changed.
    pub async fn refresh_locales(&mut self, asset: &str) -> Result<()> {
        crate::variants::refresh_locales(self.w, &self.p.space, &self.p.source, asset).await
    }

    /// Gives the source `value` (the merged content of one locale) as a new version
    /// naming the merge, or drops the source's locale when `value` is `None`.
    /// `false` when the locale was dropped.
    pub async fn content(
        &mut self,
        asset: &str,
        locale: &str,
        t: &Three<Content>,
        value: Option<&ContentValue>,
    ) -> Result<bool> {
        let (space, src) = (self.p.space.as_str(), self.p.source.as_str());
        let key = [Val::Text(Some(asset)), Val::Text(Some(locale))];
        let variant = crate::values::Variant { space, ws: src, asset, locale };
        let replaces = crate::values::head_number(self.w, &variant).await?;
        let touched = HEADS.touch(self.w, space, src, "v.asset_uid = $4 AND v.locale = $5", &key).await? > 0;
        let Some(value) = value else {
            if touched {
                sqlx::query(
                    "UPDATE asset_locales SET tombstone = 1 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
                     AND asset_uid = $4 AND locale = $5",
                )
                .bind(space)
                .bind(src)
                .bind(self.w.seq)
                .bind(asset)
                .bind(locale)
                .execute(self.w.conn())
                .await
                .map_err(db_err)?;
                crate::values::sync_values(self.w, &variant, replaces, None).await?;
            }
            return Ok(false);
        };
        // Past every version the source can see of this locale, its own or inherited
        // (a key the source purged and tombstoned may still show an ancestor's).
        let number = if touched {
            let seen = crate::variants::last_version(self.w, space, src, asset, locale).await?;
            seen.max(t.source.as_ref().map_or(0, |s| s.version)) + 1
        } else {
            // A variant new to the source: numbered as a localization there would be.
            crate::variants::first_number(self.w, space, src, asset, locale).await?
        };
        let k = trove_app::ports::AssetKey {
            space_uid: space.to_owned(),
            workspace_uid: src.to_owned(),
            asset_uid: asset.to_owned(),
            locale: locale.to_owned(),
            fallbacks: Vec::new(),
        };
        if touched {
            set_head(self.w, &k, number).await?;
        } else {
            // A variant new to the source keeps the history the workspace reads for
            // it where the source reads the very same versions (one inherited from
            // a common ancestor), and starts afresh otherwise, so versions of a
            // variant the source discarded do not come back.
            let first: Option<i64> = sqlx::query_scalar(
                "SELECT first_version FROM live_asset_locales WHERE space_uid = $1 AND workspace_uid = $2 \
                 AND asset_uid = $3 AND locale = $4",
            )
            .bind(space)
            .bind(&self.p.ws)
            .bind(asset)
            .bind(locale)
            .fetch_optional(self.w.conn())
            .await
            .map_err(db_err)?;
            // Shared only if every version the source sees from `f` on is one the
            // workspace sees too: checked on `f` and on the source's newest.
            let newest = crate::variants::last_version(self.w, space, src, asset, locale).await?;
            let shared = match first.filter(|f| *f < number) {
                Some(f)
                    if self.same_version(asset, locale, newest).await?
                        && self.same_version(asset, locale, f).await? =>
                {
                    Some(f)
                }
                _ => None,
            };
            let first = shared.unwrap_or(number);
            insert_head(self.w, space, src, (asset, locale), number, first).await?;
            HEADS.close(self.w, space, src).await?;
        }
        // The merged content, as a version of the source naming the workspace, who
        // merged it and when.
        let row = VersionRow {
            key: &k,
            replaces,
            seq: self.w.seq,
            number,
            merged_from: Some(&self.p.ws),
            content: &value.content,
            file_uid: &value.file_uid,
            created_by: &self.r.by,
            created_at: ms(self.r.at),
        };
        insert_version_row(self.w, &row).await?;
        Ok(true)
    }
}
