//! Copying a whole metadata database to another (`trove copy-data`): SQLite to
//! PostgreSQL and back. Tables are copied in dependency order, in primary-key order
//! and in batches; rows already in the target are kept, so a copy that was
//! interrupted continues where it stopped. Every table is verified at the end by a
//! row count and a checksum over its rows.

use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};
use trove_domain::{Error, Result};

use crate::dialect::params;
use crate::schema::{self, Col, Kind};
use crate::{SqlStore, db_err};

/// Rows per batch.
const BATCH: i64 = 1000;

/// The tables copy-data moves, from [`crate::schema`]: each after the tables it
/// references, with its columns and primary key. Leases, job claims and the
/// language clock are per-process state and are not copied.
fn tables() -> Vec<(&'static str, Vec<Col>, Vec<&'static str>)> {
    schema::TABLES.iter().filter(|t| t.copied).map(|t| (t.name, t.columns(), t.primary_key())).collect()
}

/// One value of a copied row.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

fn read_row(row: &AnyRow, columns: &[Col]) -> Result<Vec<Value>> {
    columns
        .iter()
        .map(|c| {
            Ok(match c.kind {
                Kind::Text => Value::Text(row.try_get(c.name).map_err(db_err)?),
                Kind::Int => Value::Int(row.try_get(c.name).map_err(db_err)?),
                Kind::Real => Value::Real(row.try_get(c.name).map_err(db_err)?),
            })
        })
        .collect()
}

/// SHA-256 of one row's values.
fn digest_row(values: &[Value]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for v in values {
        match v {
            Value::Text(Some(s)) => {
                hasher.update(b"t");
                hasher.update((s.len() as u64).to_le_bytes());
                hasher.update(s.as_bytes());
            }
            Value::Int(Some(i)) => {
                hasher.update(b"i");
                hasher.update(i.to_le_bytes());
            }
            Value::Real(Some(f)) => {
                hasher.update(b"r");
                hasher.update(f.to_bits().to_le_bytes());
            }
            Value::Text(None) | Value::Int(None) | Value::Real(None) => hasher.update(b"n"),
        }
    }
    hasher.finalize().into()
}

/// `(a, b) > ($1, $2)`: keyset pagination over a (possibly composite) primary key.
fn after_key(pk: &[&str]) -> String {
    format!("({}) > ({})", pk.join(", "), params(1, pk.len()))
}

/// Reads one batch of a table after `last` (the previous batch's last key).
async fn batch(
    store: &SqlStore,
    table: &str,
    columns: &[Col],
    pk: &[&str],
    last: Option<&[Value]>,
) -> Result<Vec<Vec<Value>>> {
    let cols: Vec<&str> = columns.iter().map(|c| c.name).collect();
    let order = pk.join(", ");
    let (filter, next) = match last {
        Some(_) => (format!("WHERE {} ", after_key(pk)), pk.len() + 1),
        None => (String::new(), 1),
    };
    let sql = format!("SELECT {} FROM {table} {filter}ORDER BY {order} LIMIT ${next}", cols.join(", "));
    let mut q = sqlx::query(AssertSqlSafe(sql));
    if let Some(last) = last {
        for name in pk {
            let i = columns.iter().position(|c| c.name == *name).unwrap_or(0);
            q = match &last[i] {
                Value::Text(v) => q.bind(v.clone()),
                Value::Int(v) => q.bind(*v),
                Value::Real(v) => q.bind(*v),
            };
        }
    }
    let rows = q.bind(BATCH).fetch_all(&store.read).await.map_err(db_err)?;
    rows.iter().map(|r| read_row(r, columns)).collect()
}

/// The batch in insertion order: as it is, except that a language comes after the
/// language it falls back to (the reference is checked at once on both engines).
fn fallbacks_first<'a>(table: &str, columns: &[Col], rows: &'a [Vec<Value>]) -> Vec<&'a Vec<Value>> {
    let (Some(code), Some(fallback)) =
        (columns.iter().position(|c| c.name == "code"), columns.iter().position(|c| c.name == "fallback_code"))
    else {
        return rows.iter().collect();
    };
    if table != "languages" {
        return rows.iter().collect();
    }
    let text = |r: &Vec<Value>, i: usize| match &r[i] {
        Value::Text(t) => t.clone(),
        Value::Int(_) | Value::Real(_) => None,
    };
    let in_batch: std::collections::HashSet<Option<String>> = rows.iter().map(|r| text(r, code)).collect();
    let mut placed: std::collections::HashSet<Option<String>> = std::collections::HashSet::new();
    let mut out: Vec<&Vec<Value>> = Vec::with_capacity(rows.len());
    while out.len() < rows.len() {
        let before = out.len();
        for r in rows {
            let c = text(r, code);
            let f = text(r, fallback);
            if !placed.contains(&c) && (f.is_none() || placed.contains(&f) || !in_batch.contains(&f)) {
                placed.insert(c);
                out.push(r);
            }
        }
        if out.len() == before {
            // A cycle (never stored by Trove): keep the rest in key order.
            out.extend(rows.iter().filter(|r| !placed.contains(&text(r, code))));
            break;
        }
    }
    out
}

/// Progress of a database copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyProgress<'a> {
    /// The source holds `rows` rows to copy in all.
    Counted { rows: u64 },
    /// `rows` more rows of `table` were copied (or found already present).
    Copied { table: &'a str, rows: u64 },
    /// `table` was verified.
    Verified { table: &'a str },
}

/// Row count and checksum of a table. The checksum XORs the rows' digests, so it does
/// not depend on the order each engine sorts text in (rows are unique by key).
async fn fingerprint(store: &SqlStore, table: &str, columns: &[Col], pk: &[&str]) -> Result<(u64, String)> {
    let mut acc = [0u8; 32];
    let mut count = 0u64;
    let mut last: Option<Vec<Value>> = None;
    loop {
        let rows = batch(store, table, columns, pk, last.as_deref()).await?;
        for r in &rows {
            for (a, b) in acc.iter_mut().zip(digest_row(r)) {
                *a ^= b;
            }
        }
        count += rows.len() as u64;
        match rows.into_iter().last() {
            Some(r) => last = Some(r),
            None => return Ok((count, hex::encode(acc))),
        }
    }
}

impl SqlStore {
    /// Whether the database holds an organization (i.e. is a deployment already).
    pub async fn is_populated(&self) -> Result<bool> {
        let n: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM organizations").fetch_one(&self.read).await.map_err(db_err)?;
        Ok(n > 0)
    }

    /// Copies every table of `self` into `to`, then verifies both hold the same rows.
    /// Refuses a populated target unless `resume` (then rows already present are kept).
    pub async fn copy_into(
        &self,
        to: &SqlStore,
        resume: bool,
        progress: &mut dyn FnMut(CopyProgress<'_>),
    ) -> Result<()> {
        if !resume && to.is_populated().await? {
            return Err(Error::conflict(
                "target_not_empty",
                "the target database already holds a deployment; pass --resume to continue an interrupted copy into it",
            ));
        }
        let tables = tables();
        let mut total = 0u64;
        for (table, _, _) in &tables {
            let n: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&self.read)
                .await
                .map_err(db_err)?;
            total += u64::try_from(n).unwrap_or(0);
        }
        progress(CopyProgress::Counted { rows: total });
        for (table, columns, pk) in &tables {
            let cols: Vec<&str> = columns.iter().map(|c| c.name).collect();
            let insert = format!(
                "INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING",
                cols.join(", "),
                params(1, cols.len())
            );
            let mut last: Option<Vec<Value>> = None;
            loop {
                let rows = batch(self, table, columns, pk, last.as_deref()).await?;
                if rows.is_empty() {
                    break;
                }
                let mut w = crate::writer::begin_org_write(to).await?;
                for r in fallbacks_first(table, columns, &rows) {
                    let mut q = sqlx::query(AssertSqlSafe(insert.clone()));
                    for v in r {
                        q = match v {
                            Value::Text(v) => q.bind(v.clone()),
                            Value::Int(v) => q.bind(*v),
                            Value::Real(v) => q.bind(*v),
                        };
                    }
                    q.execute(w.conn()).await.map_err(db_err)?;
                }
                w.commit().await?;
                progress(CopyProgress::Copied { table, rows: rows.len() as u64 });
                last = rows.into_iter().last();
            }
        }
        // Nodes already running on the target may hold its (empty) language map in
        // memory: moving the clock makes them read the copied languages.
        let mut w = crate::writer::begin_org_write(to).await?;
        crate::languages::bump_version(w.conn()).await?;
        w.commit().await?;
        for (table, columns, pk) in &tables {
            let (a, b) = (fingerprint(self, table, columns, pk).await?, fingerprint(to, table, columns, pk).await?);
            if a != b {
                return Err(Error::conflict(
                    "copy_mismatch",
                    format!("table {table} differs after the copy: {} rows vs {} rows", a.0, b.0),
                ));
            }
            progress(CopyProgress::Verified { table });
        }
        Ok(())
    }
}
