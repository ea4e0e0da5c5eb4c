//! Workspaces as copy-on-write overlays: the write side of the temporal tables.
//!
//! A workspace reads every key through its lineage (itself, then each ancestor as of
//! the fork), which the `live_*` views of migration 0002 resolve. Writes never
//! update a current row in place. Each write transaction of a space first takes a
//! new `seq` from the space's clock ([`begin_write`]); a change to a key then
//! [`Overlay::touch`]es it (appends a copy of its live state, owned by the writing
//! workspace and stamped with `seq`, closing the row it replaces) and updates only
//! that new row. So the rows an ancestor had at any fork point stay as they were,
//! and forks see them unchanged.
//!
//! Physical deletion (trash purge, workspace deletion) is the one operation that
//! removes rows a descendant may still read through; [`Overlay::copy_down`] first
//! gives each direct child its own copy of what it sees.

use sqlx::Any;
use sqlx::AssertSqlSafe;
use trove_domain::{Error, Result};

use crate::db_err;
use crate::schema::{self, Table};

/// `max_seq` of a workspace's own lineage entry: it sees all of its own rows.
pub(crate) const OWN_MAX_SEQ: i64 = i64::MAX;

/// A bound parameter of a condition passed to the overlay helpers.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Val<'a> {
    Text(Option<&'a str>),
    Int(Option<i64>),
    Real(Option<f64>),
}

/// Binds `vals` in order to `q`.
pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    vals: &[Val<'q>],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for v in vals {
        q = match *v {
            Val::Text(t) => q.bind(t),
            Val::Int(i) => q.bind(i),
            Val::Real(r) => q.bind(r),
        };
    }
    q
}

/// An insert of one whole row of `table`, every column named and bound. A column
/// of the table left out is an error, so a column added to [`crate::schema`] is
/// written by every such insert or refused at once.
pub(crate) fn insert_row<'q>(
    table: &Table,
    row: &[(&str, Val<'q>)],
) -> Result<sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>> {
    if let Some(c) = table.columns().iter().find(|c| !row.iter().any(|(n, _)| *n == c.name)) {
        return Err(Error::internal(format!("an insert into {} leaves out column {}", table.name, c.name)));
    }
    let params: Vec<String> = (1..=row.len()).map(crate::dialect::param).collect();
    let set: Vec<(&str, &str)> = row.iter().zip(&params).map(|((c, _), p)| (*c, p.as_str())).collect();
    let sql = table.insert_values(&set)?;
    let vals: Vec<Val<'q>> = row.iter().map(|(_, v)| *v).collect();
    Ok(bind_all(sqlx::query(AssertSqlSafe(sql)), &vals))
}

pub(crate) use crate::writer::{Writer, begin_write};

/// The overlay tables, as [`crate::schema`] describes them; [`Table`]'s methods
/// below are their write protocol.
pub(crate) const FOLDERS: &Table = &schema::FOLDERS;
pub(crate) const PLACEMENTS: &Table = &schema::WORKSPACE_ASSETS;
pub(crate) const HEADS: &Table = &schema::ASSET_LOCALES;
pub(crate) const NAMES: &Table = &schema::VERSION_NAMES;

/// The columns every new row of an overlay starts with: `$1` space, `$2`
/// workspace, `$3` the writer's seq, current and not a tombstone.
const NEW_ROW: [(&str, &str); 5] =
    [("space_uid", "$1"), ("workspace_uid", "$2"), ("seq", "$3"), ("superseded_seq", "NULL"), ("tombstone", "0")];

impl Table {
    fn key_match(&self, a: &str, b: &str) -> String {
        self.key.iter().map(|k| format!("{a}.{k} = {b}.{k}", k = k.name)).collect::<Vec<_>>().join(" AND ")
    }

    /// Makes the keys of workspace `ws` that match `cond` writable in this
    /// transaction: each gets a row owned by `ws` with seq `w.seq`, a copy of its
    /// live state (inherited or own), and the row it replaces is closed. Keys already
    /// touched in this transaction are left as they are. `cond` is over the live
    /// view aliased `v`, with parameters from `$4` on (`$1` space, `$2` workspace,
    /// `$3` seq). Afterwards, change the touched rows with `... AND seq = $seq`.
    pub(crate) async fn touch(
        &self,
        w: &mut Writer,
        space: &str,
        ws: &str,
        cond: &str,
        vals: &[Val<'_>],
    ) -> Result<u64> {
        let t = self.name;
        let sql = format!(
            "{insert} FROM live_{t} v \
             WHERE v.space_uid = $1 AND v.workspace_uid = $2 AND ({cond}) \
             AND NOT EXISTS (SELECT 1 FROM {t} o WHERE o.space_uid = $1 AND o.workspace_uid = $2 AND {km} AND o.seq = $3)",
            insert = self.insert_select("v", &[("seq", "$3"), ("superseded_seq", "NULL"), ("tombstone", "0")])?,
            km = self.key_match("o", "v"),
        );
        let q = sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws).bind(w.seq);
        let n = bind_all(q, vals).execute(w.conn()).await.map_err(db_err)?.rows_affected();
        if n > 0 {
            self.close(w, space, ws).await?;
        }
        Ok(n)
    }

    /// Closes the rows that this transaction's new rows in `ws` replace (a touched
    /// key's previous row, or a tombstone under a key inserted anew).
    pub(crate) async fn close(&self, w: &mut Writer, space: &str, ws: &str) -> Result<()> {
        let t = self.name;
        let keys = self.key_list("");
        let sql = format!(
            "UPDATE {t} SET superseded_seq = $3 WHERE space_uid = $1 AND workspace_uid = $2 \
             AND ({keys}) IN (SELECT {keys} FROM {t} n WHERE n.space_uid = $1 AND n.workspace_uid = $2 AND n.seq = $3) \
             AND superseded_seq IS NULL AND seq < $3"
        );
        sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws).bind(w.seq).execute(w.conn()).await.map_err(db_err)?;
        Ok(())
    }

    /// An insert of one new row for `ws`: `values` names the key and data columns
    /// (with `$1` space, `$2` workspace, `$3` seq available; columns left out take
    /// their default). Where the key may have existed in `ws` before (a
    /// tombstone), [`Table::close`] afterwards.
    pub(crate) fn insert_sql(&self, values: &[(&str, &str)]) -> Result<String> {
        self.insert_values(&[&NEW_ROW[..], values].concat())
    }

    /// Before rows of `ws` whose keys match `cond` are physically deleted: every
    /// direct child of `ws` that still reads such a key through `ws` gets its own copy
    /// of the row it sees, placed before the child's own history of the key, so the
    /// child (and its descendants) read exactly what they read before. `cond` names
    /// key columns only, unqualified, with parameters from `$4` on.
    pub(crate) async fn copy_down(
        &self,
        w: &mut Writer,
        space: &str,
        ws: &str,
        cond: &str,
        vals: &[Val<'_>],
    ) -> Result<()> {
        let tab = self.name;
        // $3 (the seq) is unused here but bound like everywhere else, so callers number
        // their parameters the same way for every helper.
        let km = self.key_match("o", "t");
        let next = format!(
            "(SELECT MIN(o.seq) FROM {tab} o WHERE o.space_uid = t.space_uid AND o.workspace_uid = c.workspace_uid AND {km})"
        );
        let insert = self.insert_select("t", &[("workspace_uid", "c.workspace_uid"), ("superseded_seq", &next)])?;
        let sql = format!(
            "{insert} \
             FROM workspace_lineage c JOIN {tab} t ON t.space_uid = c.space_uid AND t.workspace_uid = c.ancestor_uid \
               AND t.seq <= c.max_seq AND (t.superseded_seq IS NULL OR t.superseded_seq > c.max_seq) \
             WHERE c.space_uid = $1 AND c.ancestor_uid = $2 AND c.depth > 0 AND $3 = $3 \
               AND c.depth = (SELECT MIN(m.depth) FROM workspace_lineage m WHERE m.space_uid = c.space_uid \
                              AND m.workspace_uid = c.workspace_uid AND m.depth > 0) \
               AND ({cond}) \
               AND NOT EXISTS (SELECT 1 FROM {tab} o WHERE o.space_uid = t.space_uid AND o.workspace_uid = c.workspace_uid \
                               AND {km} AND o.seq <= c.max_seq)"
        );
        let q = sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws).bind(w.seq);
        bind_all(q, vals).execute(w.conn()).await.map_err(db_err)?;
        Ok(())
    }

    /// Removes the keys of `ws` matching `cond` for good: copies them down to
    /// children, deletes every row of them in `ws`, and leaves a tombstone where an
    /// ancestor still has the key, so it does not reappear. `cond` as for
    /// [`Overlay::copy_down`].
    ///
    /// With `keep = Some(base)` (a fork whose next merge still has to carry this
    /// deletion to its source) the rows valid at `base` stay, closed now and followed
    /// by a tombstone, so the merge still sees what the key was; only the history
    /// after `base` goes. The merge releases them afterwards.
    pub(crate) async fn purge(
        &self,
        w: &mut Writer,
        space: &str,
        ws: &str,
        cond: &str,
        vals: &[Val<'_>],
        keep: Option<i64>,
    ) -> Result<()> {
        let t = self.name;
        self.copy_down(w, space, ws, cond, vals).await?;
        let n = vals.len() + 4;
        let tombstone =
            |alias: &str| self.insert_select(alias, &[("seq", "$3"), ("superseded_seq", "NULL"), ("tombstone", "1")]);
        let seq = w.seq;
        let exec = |sql: String, base: Option<i64>| {
            let mut q = bind_all(sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws).bind(seq), vals);
            if let Some(b) = base {
                q = q.bind(b);
            }
            q
        };
        match keep {
            Some(base) => {
                exec(format!("DELETE FROM {t} WHERE space_uid = $1 AND workspace_uid = $2 AND $3 = $3 AND ({cond}) AND seq > ${n}"), Some(base))
                    .execute(w.conn())
                    .await
                    .map_err(db_err)?;
                exec(
                    format!(
                        "UPDATE {t} SET superseded_seq = $3 WHERE space_uid = $1 AND workspace_uid = $2 AND ({cond}) \
                         AND (superseded_seq IS NULL OR superseded_seq > ${n})"
                    ),
                    Some(base),
                )
                .execute(w.conn())
                .await
                .map_err(db_err)?;
                exec(
                    format!(
                        "{insert} FROM {t} \
                         WHERE space_uid = $1 AND workspace_uid = $2 AND ({cond}) AND superseded_seq = $3 AND seq < $3",
                        insert = tombstone("")?
                    ),
                    None,
                )
                .execute(w.conn())
                .await
                .map_err(db_err)?;
            }
            None => {
                exec(
                    format!("DELETE FROM {t} WHERE space_uid = $1 AND workspace_uid = $2 AND $3 = $3 AND ({cond})"),
                    None,
                )
                .execute(w.conn())
                .await
                .map_err(db_err)?;
            }
        }
        // Keys the workspace now reads from an ancestor get a tombstone.
        exec(
            format!(
                "{insert} FROM live_{t} v WHERE v.space_uid = $1 AND v.workspace_uid = $2 AND ({cond})",
                insert = tombstone("v")?
            ),
            None,
        )
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        Ok(())
    }
}

/// Versions are immutable rows without a temporal history: before versions of `ws`
/// matching `cond` (key columns, parameters from `$4`) are deleted, each direct
/// child gets its own copy of those it sees.
pub(crate) async fn copy_down_versions(
    w: &mut Writer,
    space: &str,
    ws: &str,
    cond: &str,
    vals: &[Val<'_>],
) -> Result<()> {
    let table = &schema::ASSET_VERSIONS;
    let sql = format!(
        "{insert} \
         FROM workspace_lineage c JOIN {t} t ON t.space_uid = c.space_uid AND t.workspace_uid = c.ancestor_uid \
           AND t.seq <= c.max_seq \
         WHERE c.space_uid = $1 AND c.ancestor_uid = $2 AND c.depth > 0 AND $3 = $3 \
           AND c.depth = (SELECT MIN(m.depth) FROM workspace_lineage m WHERE m.space_uid = c.space_uid \
                          AND m.workspace_uid = c.workspace_uid AND m.depth > 0) \
           AND ({cond}) \
           AND NOT EXISTS (SELECT 1 FROM {t} o WHERE o.space_uid = t.space_uid AND o.workspace_uid = c.workspace_uid \
                           AND {km})",
        t = table.name,
        insert = table.insert_select("t", &[("workspace_uid", "c.workspace_uid")])?,
        km = table.key_match("o", "t"),
    );
    let q = sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws).bind(w.seq);
    bind_all(q, vals).execute(w.conn()).await.map_err(db_err)?;
    Ok(())
}
