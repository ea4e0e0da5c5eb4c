//! Reading a workspace and what it saw: its row, and the rows of the temporal
//! tables as it saw them at any point of its history (the base of a merge, a
//! source now). Compare and merge, the purge and restore of trash, and workspace
//! management read through here; none of them reads through another.

use std::collections::BTreeMap;

use sqlx::AnyConnection;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use trove_domain::content_merge::ContentValue;
use trove_domain::model::{AssetContent, Workspace};
use trove_domain::workspace::{Content, FolderState, Placement};
use trove_domain::{Error, Result};

use crate::db_err;
use crate::rows::{get, stored_custom, stored_tags, ts};
use crate::schema::{ASSET_LOCALES, ASSET_VERSIONS, FOLDERS, Table, WORKSPACE_ASSETS};

pub(crate) fn workspace_not_found(uid: &str) -> Error {
    Error::not_found("workspace_not_found", format!("workspace {uid:?} does not exist"))
}

pub(crate) fn workspace_from_row(row: &AnyRow, languages: Vec<String>) -> Result<Workspace> {
    Ok(Workspace {
        space_uid: get(row, "space_uid")?,
        uid: get(row, "uid")?,
        name: get(row, "name")?,
        description: get(row, "description")?,
        source_uid: get(row, "source_uid")?,
        default_locale: get(row, "default_locale")?,
        languages,
        created_by: get(row, "created_by")?,
        created_at: ts(get(row, "created_at")?),
        updated_by: get(row, "updated_by")?,
        updated_at: ts(get(row, "updated_at")?),
    })
}

/// A workspace with its enabled languages, in one statement (one row per language).
pub(crate) async fn read_workspace(conn: &mut AnyConnection, space: &str, uid: &str) -> Result<Option<Workspace>> {
    Ok(read_workspace_versioned(conn, space, uid).await?.map(|(w, _)| w))
}

/// The workspace and the organization's languages version (`settings_clock`), in
/// one statement.
pub(crate) async fn read_workspace_versioned(
    conn: &mut AnyConnection,
    space: &str,
    uid: &str,
) -> Result<Option<(Workspace, i64)>> {
    let rows = sqlx::query(
        "SELECT w.space_uid, w.uid, w.name, w.description, w.source_uid, w.default_locale, w.created_by, \
           w.created_at, w.updated_by, w.updated_at, wl.locale AS language, \
           (SELECT c.version FROM settings_clock c) AS settings_version \
         FROM workspaces w LEFT JOIN workspace_languages wl ON wl.space_uid = w.space_uid AND wl.workspace_uid = w.uid \
         WHERE w.space_uid = $1 AND w.uid = $2 ORDER BY wl.locale",
    )
    .bind(space)
    .bind(uid)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let Some(first) = rows.first() else { return Ok(None) };
    let version = get::<Option<i64>>(first, "settings_version")?.unwrap_or(0);
    let langs = rows.iter().map(|r| get::<Option<String>>(r, "language")).collect::<Result<Vec<_>>>()?;
    Ok(Some((workspace_from_row(first, langs.into_iter().flatten().collect())?, version)))
}

/// The lineage of `$2` as of seq `$3`.
const LINEAGE_AS_OF: &str = "WITH lin AS (SELECT depth, ancestor_uid, \
     CASE WHEN max_seq < $3 THEN max_seq ELSE $3 END AS max_seq \
     FROM workspace_lineage WHERE space_uid = $1 AND workspace_uid = $2) ";

/// Rows of `table` (alias `t`) matching `cond` as workspace `$2` saw them at `$3`,
/// nearest lineage entry first.
fn as_of(table: &Table, cols: &str, cond: &str) -> String {
    let table = table.name;
    format!(
        "{LINEAGE_AS_OF} SELECT lin.depth AS depth, t.tombstone AS tombstone, {cols} FROM lin JOIN {table} t \
         ON t.space_uid = $1 AND t.workspace_uid = lin.ancestor_uid AND t.seq <= lin.max_seq \
         AND (t.superseded_seq IS NULL OR t.superseded_seq > lin.max_seq) WHERE {cond} ORDER BY lin.depth"
    )
}

/// One workspace at one point of its history.
#[derive(Clone, Copy)]
pub(crate) struct At<'a> {
    pub space: &'a str,
    pub ws: &'a str,
    pub seq: i64,
}

pub(crate) async fn placement(c: &mut AnyConnection, at: At<'_>, asset: &str) -> Result<Option<Placement>> {
    let sql = as_of(&WORKSPACE_ASSETS, &WORKSPACE_ASSETS.merged_list("t"), "t.asset_uid = $4");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(at.space)
        .bind(at.ws)
        .bind(at.seq)
        .bind(asset)
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    let Some(r) = row.filter(|r| get::<i64>(r, "tombstone").is_ok_and(|t| t == 0)) else { return Ok(None) };
    Ok(Some(Placement {
        parent_uid: get(&r, "parent_uid")?,
        deleted_at: get(&r, "deleted_at")?,
        trashed_with: get(&r, "trashed_with")?,
    }))
}

/// Each locale's head version number.
async fn heads(c: &mut AnyConnection, at: At<'_>, asset: &str) -> Result<BTreeMap<String, i64>> {
    let sql = as_of(&ASSET_LOCALES, "t.locale, t.head_version", "t.asset_uid = $4");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(at.space)
        .bind(at.ws)
        .bind(at.seq)
        .bind(asset)
        .fetch_all(c)
        .await
        .map_err(db_err)?;
    let mut nearest: BTreeMap<String, Option<i64>> = BTreeMap::new();
    for r in &rows {
        let locale: String = get(r, "locale")?;
        if let std::collections::btree_map::Entry::Vacant(e) = nearest.entry(locale) {
            let live = get::<i64>(r, "tombstone")? == 0;
            e.insert(if live { Some(get(r, "head_version")?) } else { None });
        }
    }
    Ok(nearest.into_iter().filter_map(|(l, h)| h.map(|h| (l, h))).collect())
}

async fn content(c: &mut AnyConnection, at: At<'_>, asset: &str, locale: &str, number: i64) -> Result<Option<Content>> {
    let sql = format!(
        "{LINEAGE_AS_OF} SELECT {cols} \
         FROM lin JOIN asset_versions t ON t.space_uid = $1 AND t.workspace_uid = lin.ancestor_uid AND t.seq <= lin.max_seq \
         WHERE t.asset_uid = $4 AND t.locale = $5 AND t.number = $6 ORDER BY lin.depth",
        cols = ASSET_VERSIONS.merged_list("t")
    );
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(at.space)
        .bind(at.ws)
        .bind(at.seq)
        .bind(asset)
        .bind(locale)
        .bind(number)
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.map(|r| {
        let (tags, custom): (String, String) = (get(&r, "tags")?, get(&r, "custom")?);
        let content = AssetContent {
            title: get(&r, "title")?,
            description: get(&r, "description")?,
            alt_text: get(&r, "alt_text")?,
            tags: stored_tags(&tags)?,
            custom: stored_custom(&custom)?,
        };
        Ok(Content { version: number, value: ContentValue { content, file_uid: get(&r, "file_uid")? } })
    })
    .transpose()
}

/// Each locale's content at its head version.
pub(crate) async fn contents(c: &mut AnyConnection, at: At<'_>, asset: &str) -> Result<BTreeMap<String, Content>> {
    let mut out = BTreeMap::new();
    for (locale, head) in heads(c, at, asset).await? {
        if let Some(x) = content(c, at, asset, &locale, head).await? {
            out.insert(locale, x);
        }
    }
    Ok(out)
}

fn folder_from(r: &AnyRow) -> Result<FolderState> {
    Ok(FolderState {
        title: get(r, "title")?,
        description: get(r, "description")?,
        parent_uid: get(r, "parent_uid")?,
        deleted_at: get(r, "deleted_at")?,
        trashed_with: get(r, "trashed_with")?,
    })
}

pub(crate) async fn folder(c: &mut AnyConnection, at: At<'_>, uid: &str) -> Result<Option<FolderState>> {
    let sql = as_of(&FOLDERS, &FOLDERS.merged_list("t"), "t.uid = $4");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(at.space)
        .bind(at.ws)
        .bind(at.seq)
        .bind(uid)
        .fetch_optional(c)
        .await
        .map_err(db_err)?;
    row.filter(|r| get::<i64>(r, "tombstone").is_ok_and(|t| t == 0)).map(|r| folder_from(&r)).transpose()
}
