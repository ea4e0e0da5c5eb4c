//! Typed custom values of the heads (`asset_values`): the read model search filters
//! and sorts on. An overlay like the heads themselves, so a fork reads its source's
//! values at no copy cost; written in the transaction that changes a head, and only
//! for the values that changed, so an edit that leaves the custom values alone
//! writes none and one that changes one field writes one row.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};
use sqlx::AssertSqlSafe;
use trove_domain::fields::{TypedRow, typed_rows};
use trove_domain::{Error, Result};

use crate::overlay::{Val, Writer, bind_all};
use crate::{SqlStore, db_err, schema};

pub(crate) const VALUES: &schema::Table = &schema::ASSET_VALUES;

/// Rows per insert statement, well inside both engines' limits on bound parameters.
const ROWS_PER_INSERT: usize = 400;

/// One variant of an asset in one workspace: whose values a head change rewrites.
pub(crate) struct Variant<'a> {
    pub space: &'a str,
    pub ws: &'a str,
    pub asset: &'a str,
    pub locale: &'a str,
}

/// Makes the workspace's values of the variant those of `custom`, the content of
/// its new head (`None`: the variant is gone), where `replaces` is the head version
/// the workspace read for the variant until now (`None`: it had no variant there).
/// The rows the workspace reads always mirror its head's content, so the change is
/// worked out from the two contents without reading any value row: values that did
/// not change keep their rows; changed ones get a new row and removed ones a
/// tombstone, both at this transaction's seq, and the rows they replace are
/// closed. Called at most once per variant and transaction, before or after the
/// head itself moves (the replaced version stays readable either way).
pub(crate) async fn sync_values(
    w: &mut Writer,
    v: &Variant<'_>,
    replaces: Option<i64>,
    custom: Option<&Map<String, Json>>,
) -> Result<()> {
    let new = custom.map(typed_rows).unwrap_or_default();
    let mut old: HashMap<(String, i64), TypedRow> = match replaces {
        Some(number) => typed_rows(&content_of(w, v, number).await?),
        None => Vec::new(),
    }
    .into_iter()
    .map(|r| ((r.path.clone(), r.ord), r))
    .collect();
    let mut writes: Vec<(&TypedRow, bool)> = Vec::new();
    for row in &new {
        match old.remove(&(row.path.clone(), row.ord)) {
            Some(before) if before == *row => {}
            _ => writes.push((row, false)),
        }
    }
    // A tombstone hides the value; it keeps none of its own.
    let gone: Vec<TypedRow> =
        old.into_values().map(|r| TypedRow { path: r.path, ord: r.ord, ..TypedRow::default() }).collect();
    writes.extend(gone.iter().map(|row| (row, true)));
    for chunk in writes.chunks(ROWS_PER_INSERT) {
        insert_rows(w, v, chunk).await?;
        close(w, v, chunk).await?;
    }
    Ok(())
}

/// The custom values of version `number` of the variant, as the workspace reads it.
async fn content_of(w: &mut Writer, v: &Variant<'_>, number: i64) -> Result<Map<String, Json>> {
    let custom: Option<String> = sqlx::query_scalar(
        "SELECT custom FROM live_asset_versions WHERE space_uid = $1 AND workspace_uid = $2 \
         AND asset_uid = $3 AND locale = $4 AND number = $5",
    )
    .bind(v.space)
    .bind(v.ws)
    .bind(v.asset)
    .bind(v.locale)
    .bind(number)
    .fetch_optional(w.conn())
    .await
    .map_err(db_err)?;
    let Some(custom) = custom else {
        return Err(Error::internal(format!("version {number} of {}/{} is not readable", v.asset, v.locale)));
    };
    serde_json::from_str(&custom).map_err(|e| Error::internal(format!("stored custom values do not parse: {e}")))
}

/// The head version the workspace reads for the variant, if it has one: what a
/// change about to move or drop the head passes to [`sync_values`] as `replaces`.
pub(crate) async fn head_number(w: &mut Writer, v: &Variant<'_>) -> Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT head_version FROM live_asset_locales WHERE space_uid = $1 AND workspace_uid = $2 \
         AND asset_uid = $3 AND locale = $4",
    )
    .bind(v.space)
    .bind(v.ws)
    .bind(v.asset)
    .bind(v.locale)
    .fetch_optional(w.conn())
    .await
    .map_err(db_err)
}

/// Closes the rows that `rows`, just written at this transaction's seq, replace:
/// like [`crate::schema::Table::close`], but each found by its whole key, so the
/// cost is that of the keys written and not of the variant's history.
async fn close(w: &mut Writer, v: &Variant<'_>, rows: &[(&TypedRow, bool)]) -> Result<()> {
    let keys =
        (0..rows.len()).map(|i| format!("({})", crate::dialect::params(6 + 2 * i, 2))).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "UPDATE asset_values SET superseded_seq = $5 WHERE space_uid = $1 AND workspace_uid = $2 \
         AND asset_uid = $3 AND locale = $4 AND superseded_seq IS NULL AND seq < $5 AND (path, ord) IN (VALUES {keys})"
    );
    let mut vals =
        vec![Val::Text(Some(v.space)), Val::Text(Some(v.ws)), Val::Text(Some(v.asset)), Val::Text(Some(v.locale))];
    vals.push(Val::Int(Some(w.seq)));
    for (r, _) in rows {
        vals.push(Val::Text(Some(&r.path)));
        vals.push(Val::Int(Some(r.ord)));
    }
    bind_all(sqlx::query(AssertSqlSafe(sql)), &vals).execute(w.conn()).await.map_err(db_err)?;
    Ok(())
}

/// Inserts value rows (or, where the flag says so, tombstones) of `v` at the
/// writer's seq, in one statement. The variant's key and the seq are bound once.
async fn insert_rows(w: &mut Writer, v: &Variant<'_>, rows: &[(&TypedRow, bool)]) -> Result<()> {
    let cols = VALUES.columns();
    let mut vals: Vec<Val<'_>> =
        vec![Val::Text(Some(v.space)), Val::Text(Some(v.ws)), Val::Text(Some(v.asset)), Val::Text(Some(v.locale))];
    vals.push(Val::Int(Some(w.seq)));
    let mut tuples = Vec::with_capacity(rows.len());
    for (r, tombstone) in rows {
        let mut placeholders = Vec::with_capacity(cols.len());
        for c in &cols {
            let shared = match c.name {
                "space_uid" => Some("$1"),
                "workspace_uid" => Some("$2"),
                "asset_uid" => Some("$3"),
                "locale" => Some("$4"),
                "seq" => Some("$5"),
                "superseded_seq" => Some("NULL"),
                _ => None,
            };
            if let Some(p) = shared {
                placeholders.push(p.to_owned());
                continue;
            }
            let val = match c.name {
                "path" => Val::Text(Some(&r.path)),
                "ord" => Val::Int(Some(r.ord)),
                "tombstone" => Val::Int(Some(i64::from(*tombstone))),
                "text_value" => Val::Text(r.text.as_deref()),
                "number_value" => Val::Real(r.number),
                "date_value" => Val::Int(r.date),
                "bool_value" => Val::Int(r.boolean.map(i64::from)),
                other => return Err(Error::internal(format!("asset_values insert leaves out column {other}"))),
            };
            vals.push(val);
            placeholders.push(crate::dialect::params(vals.len(), 1));
        }
        tuples.push(format!("({})", placeholders.join(", ")));
    }
    let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
    let sql = format!("INSERT INTO {} ({}) VALUES {}", VALUES.name, names.join(", "), tuples.join(", "));
    bind_all(sqlx::query(AssertSqlSafe(sql)), &vals).execute(w.conn()).await.map_err(db_err)?;
    Ok(())
}

/// Heads read per batch of a rebuild.
const REBUILD_BATCH: i64 = 500;

/// Rebuilds `asset_values` from the heads when the database asks for it (a row in
/// `pending_rebuilds`, left by the migration that introduced the table's present
/// form): every workspace gets rows of its own for the values of the heads it
/// reads, at seq 0, and a tombstone for every value an ancestor has that it does
/// not, so each reads exactly its heads' values. One space per transaction, taken
/// like any write of the space (so nodes starting together and writers wait their
/// turn), with the heads read in batches; a space done is marked done, so a start
/// cut short goes on where it stopped, and the request is removed at the end.
pub(crate) async fn rebuild_if_asked(store: &SqlStore) -> Result<()> {
    let asked: Option<i64> = sqlx::query_scalar("SELECT 1 FROM pending_rebuilds WHERE name = 'asset_values'")
        .fetch_optional(&store.write)
        .await
        .map_err(db_err)?;
    if asked.is_none() {
        return Ok(());
    }
    let spaces: Vec<String> =
        sqlx::query_scalar("SELECT uid FROM spaces ORDER BY uid").fetch_all(&store.write).await.map_err(db_err)?;
    for space in &spaces {
        rebuild_space(store, space).await?;
    }
    let mut w = crate::writer::begin_org_write(store).await?;
    sqlx::query("DELETE FROM pending_rebuilds WHERE name = 'asset_values' OR name LIKE 'asset_values:%'")
        .execute(w.conn())
        .await
        .map_err(db_err)?;
    w.commit().await
}

async fn rebuild_space(store: &SqlStore, space: &str) -> Result<()> {
    let mut w = match crate::overlay::begin_write(store, space).await {
        Ok(w) => w,
        // Deleted meanwhile: nothing to rebuild.
        Err(e) if e.code == "space_not_found" => return Ok(()),
        Err(e) => return Err(e),
    };
    let done = format!("asset_values:{space}");
    let marked: Option<i64> = sqlx::query_scalar("SELECT 1 FROM pending_rebuilds WHERE name = $1")
        .bind(&done)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?;
    if marked.is_some() {
        return w.commit().await;
    }
    sqlx::query("DELETE FROM asset_values WHERE space_uid = $1").bind(space).execute(w.conn()).await.map_err(db_err)?;
    // The rows are written at seq 0, below everything any reader may see.
    w.seq = 0;
    let mut after = (String::new(), String::new(), String::new());
    loop {
        let heads: Vec<(String, String, String, String)> = sqlx::query_as(
            "SELECT l.workspace_uid, l.asset_uid, l.locale, v.custom FROM live_asset_locales l \
             JOIN live_asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
               AND v.asset_uid = l.asset_uid AND v.locale = l.locale AND v.number = l.head_version \
             WHERE l.space_uid = $1 AND (l.workspace_uid, l.asset_uid, l.locale) > ($2, $3, $4) \
             ORDER BY l.workspace_uid, l.asset_uid, l.locale LIMIT $5",
        )
        .bind(space)
        .bind(&after.0)
        .bind(&after.1)
        .bind(&after.2)
        .bind(REBUILD_BATCH)
        .fetch_all(w.conn())
        .await
        .map_err(db_err)?;
        for (ws, asset, locale, custom) in &heads {
            let custom: Map<String, Json> = serde_json::from_str(custom)
                .map_err(|e| Error::internal(format!("stored custom values do not parse: {e}")))?;
            let typed = typed_rows(&custom);
            let rows: Vec<(&TypedRow, bool)> = typed.iter().map(|r| (r, false)).collect();
            let v = Variant { space, ws, asset, locale };
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                insert_rows(&mut w, &v, chunk).await?;
            }
        }
        match heads.last() {
            Some((ws, asset, locale, _)) if heads.len() as i64 == REBUILD_BATCH => {
                after = (ws.clone(), asset.clone(), locale.clone());
            }
            _ => break,
        }
    }
    sqlx::query(
        "INSERT INTO asset_values (space_uid, workspace_uid, asset_uid, locale, path, ord, seq, superseded_seq, tombstone) \
         SELECT DISTINCT g.space_uid, g.workspace_uid, x.asset_uid, x.locale, x.path, x.ord, 0, CAST(NULL AS BIGINT), 1 \
         FROM workspace_lineage g JOIN asset_values x ON x.space_uid = g.space_uid AND x.workspace_uid = g.ancestor_uid \
         WHERE g.space_uid = $1 AND g.depth > 0 AND x.tombstone = 0 AND NOT EXISTS (SELECT 1 FROM asset_values o \
           WHERE o.space_uid = g.space_uid AND o.workspace_uid = g.workspace_uid AND o.asset_uid = x.asset_uid \
             AND o.locale = x.locale AND o.path = x.path AND o.ord = x.ord)",
    )
    .bind(space)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    sqlx::query("INSERT INTO pending_rebuilds (name) VALUES ($1)")
        .bind(&done)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
    w.commit().await
}
