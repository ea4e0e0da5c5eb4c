//! Paging a workspace's assets without resolving the whole workspace.
//!
//! The `live_workspace_assets` view answers "which assets does this workspace see"
//! row by row, which is right for lookups but makes a page of a large workspace cost
//! a pass over all of it, and a fork more than its source (each inherited row needs
//! a shadow check). A page is instead read lineage entry by lineage entry: each
//! entry's rows come in key order straight from the primary-key index, the keys a
//! nearer entry holds (few, in a fork: what it changed) are set aside, and the sorted
//! streams are merged. A page then costs its size plus the workspace's own changes,
//! and the count costs one counting pass over the source's rows plus a lookup per
//! change, so a fork reads like its source.

use std::collections::HashSet;

use sqlx::{AnyConnection, AssertSqlSafe};
use trove_domain::Result;

use crate::db_err;
use crate::overlay::Val;

/// One entry of a workspace's lineage.
struct Entry {
    ancestor: String,
    max_seq: i64,
}

/// Rows of `workspace_assets` live in entry `$2` as of `$3`.
const VALID: &str = "space_uid = $1 AND workspace_uid = $2 AND seq <= $3 \
     AND (superseded_seq IS NULL OR superseded_seq > $3) AND tombstone = 0 AND deleted_at IS NULL";

/// The asset UIDs of one page of workspace `ws`, newest first (asset UIDs are
/// ULIDs), and how many there are in all. In a fork the keys up to the page are
/// held in memory while the streams are merged, so deep pages of large forks cost
/// memory in proportion to `skip`. `filter` narrows the live placements
/// (over the bare table, parameters from `$4`, values in `vals`).
pub(crate) async fn page_assets(
    c: &mut AnyConnection,
    space: &str,
    ws: &str,
    filter: &str,
    vals: &[Val<'_>],
    skip: i64,
    limit: i64,
) -> Result<(Vec<String>, i64)> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT ancestor_uid, max_seq FROM workspace_lineage WHERE space_uid = $1 AND workspace_uid = $2 ORDER BY depth",
    )
    .bind(space)
    .bind(ws)
    .fetch_all(&mut *c)
    .await
    .map_err(db_err)?;
    let lineage: Vec<Entry> = rows.into_iter().map(|(ancestor, max_seq)| Entry { ancestor, max_seq }).collect();
    if let [only] = lineage.as_slice() {
        // A workspace without ancestors (`main`): nothing to merge, so the engine
        // pages itself and no key of the skipped pages is held in memory.
        let n = vals.len() + 4;
        let sql = format!(
            "SELECT asset_uid FROM workspace_assets WHERE {VALID}{filter} ORDER BY asset_uid DESC LIMIT ${n} OFFSET ${}",
            n + 1
        );
        let q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).bind(space).bind(&only.ancestor).bind(only.max_seq);
        let keys = bind_all_scalar(q, vals).bind(limit).bind(skip).fetch_all(&mut *c).await.map_err(db_err)?;
        let sql = format!("SELECT COUNT(*) FROM workspace_assets WHERE {VALID}{filter}");
        let q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(space).bind(&only.ancestor).bind(only.max_seq);
        let count = bind_all_scalar(q, vals).fetch_one(&mut *c).await.map_err(db_err)?;
        return Ok((keys, count));
    }
    let skip = usize::try_from(skip).unwrap_or(0);
    let limit = usize::try_from(limit).unwrap_or(0);

    let mut shadow: HashSet<String> = HashSet::new();
    let mut streams: Vec<Vec<String>> = Vec::with_capacity(lineage.len());
    let mut count = 0i64;
    for (d, e) in lineage.iter().enumerate() {
        // Enough of this entry's rows that, after setting aside the shadowed ones,
        // the first skip + limit visible ones are surely among them.
        let want = i64::try_from(skip + limit + shadow.len()).unwrap_or(i64::MAX);
        let n = vals.len() + 4;
        let sql =
            format!("SELECT asset_uid FROM workspace_assets WHERE {VALID}{filter} ORDER BY asset_uid DESC LIMIT ${n}");
        let q = sqlx::query_scalar::<_, String>(AssertSqlSafe(sql)).bind(space).bind(&e.ancestor).bind(e.max_seq);
        let keys = bind_all_scalar(q, vals).bind(want).fetch_all(&mut *c).await.map_err(db_err)?;
        streams.push(keys.into_iter().filter(|k| !shadow.contains(k)).collect());

        let sql = format!("SELECT COUNT(*) FROM workspace_assets WHERE {VALID}{filter}");
        let q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(space).bind(&e.ancestor).bind(e.max_seq);
        count += bind_all_scalar(q, vals).fetch_one(&mut *c).await.map_err(db_err)?;
        if !shadow.is_empty() {
            count -= shadowed(c, space, e, filter, vals, &lineage[..d]).await?;
        }
        if d + 1 < lineage.len() {
            // Every key this entry holds at all hides the farther entries' rows of it.
            let held: Vec<String> = sqlx::query_scalar(
                "SELECT DISTINCT asset_uid FROM workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND seq <= $3",
            )
            .bind(space)
            .bind(&e.ancestor)
            .bind(e.max_seq)
            .fetch_all(&mut *c)
            .await
            .map_err(db_err)?;
            shadow.extend(held);
        }
    }
    Ok((merge_desc(streams, skip, limit), count))
}

/// How many of entry `e`'s live rows (matching `filter`) belong to keys a nearer
/// entry holds: driven from the nearer entries' keys, which are few in a fork.
async fn shadowed(
    c: &mut AnyConnection,
    space: &str,
    e: &Entry,
    filter: &str,
    vals: &[Val<'_>],
    nearer: &[Entry],
) -> Result<i64> {
    let first = vals.len() + 4;
    let held = nearer
        .iter()
        .enumerate()
        .map(|(i, n)| format!("(o.workspace_uid = ${} AND o.seq <= {})", first + i, n.max_seq))
        .collect::<Vec<_>>()
        .join(" OR ");
    let sql = format!(
        "SELECT COUNT(*) FROM workspace_assets WHERE {VALID}{filter} AND asset_uid IN ( \
           SELECT o.asset_uid FROM workspace_assets o WHERE o.space_uid = $1 AND ({held}))"
    );
    let q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(space).bind(&e.ancestor).bind(e.max_seq);
    let mut q = bind_all_scalar(q, vals);
    for n in nearer {
        q = q.bind(&n.ancestor);
    }
    q.fetch_one(c).await.map_err(db_err)
}

fn bind_all_scalar<'q, O>(
    mut q: sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    vals: &[Val<'q>],
) -> sqlx::query::QueryScalar<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    for v in vals {
        q = match *v {
            Val::Text(t) => q.bind(t),
            Val::Int(i) => q.bind(i),
            Val::Real(r) => q.bind(r),
        };
    }
    q
}

/// Merges streams each sorted descending and disjoint, and takes `[skip, skip + limit)`.
fn merge_desc(streams: Vec<Vec<String>>, skip: usize, limit: usize) -> Vec<String> {
    let mut all: Vec<String> = streams.into_iter().flatten().collect();
    all.sort_unstable_by(|a, b| b.cmp(a));
    all.into_iter().skip(skip).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::merge_desc;

    #[test]
    fn merges_and_pages() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let out = merge_desc(vec![s(&["e", "c", "a"]), s(&["d", "b"])], 1, 3);
        assert_eq!(out, s(&["d", "c", "b"]));
    }
}
