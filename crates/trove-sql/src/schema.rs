//! The schema, described once.
//!
//! Every table is listed here with its key and data columns and how it keeps its
//! history. The column lists that statements need — the overlay's touch, copy-down
//! and purge, the inserts of versions and heads, the merge's reads and copies, the
//! columns a version is read with, and copy-data's table order — are generated
//! from this description instead of being spelled out at each site, so adding a
//! versioned column is one line here plus a migration (and the domain field that
//! carries it). [`drift`] compares the description with the live schema, which the
//! conformance suite does on SQLite and PostgreSQL, so neither can change alone.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Row;
use trove_domain::{Error, Result};

use crate::{SqlStore, db_err};

/// How a column is stored: the schema uses only `TEXT`, `BIGINT` and (for typed
/// number values) `DOUBLE PRECISION`, so both engines read the same types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Int,
    Real,
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    /// Part of the item's state that compare and merge look at: a change to it on
    /// both sides is a conflict, and a merge carries it into the source.
    pub merged: bool,
}

const fn text(name: &'static str) -> Col {
    Col { name, kind: Kind::Text, merged: false }
}

const fn int(name: &'static str) -> Col {
    Col { name, kind: Kind::Int, merged: false }
}

const fn real(name: &'static str) -> Col {
    Col { name, kind: Kind::Real, merged: false }
}

impl Col {
    const fn merged(self) -> Col {
        Col { merged: true, ..self }
    }
}

/// How a table keeps its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum History {
    /// An ordinary table: `key` is its whole primary key.
    Plain,
    /// A temporal per-workspace table written through [`crate::overlay`]: columns
    /// `space_uid, workspace_uid, key…, seq, superseded_seq, tombstone, data…`,
    /// primary key `(space_uid, workspace_uid, key…, seq)`, and a `live_<name>` view.
    Overlay,
    /// Immutable per-workspace rows stamped with the seq that wrote them: columns
    /// `space_uid, workspace_uid, key…, seq, data…`, primary key
    /// `(space_uid, workspace_uid, key…)`, and a `live_<name>` view.
    Versions,
}

/// One table of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub history: History,
    /// The primary key of a plain table; for per-workspace tables, the item's key
    /// within its workspace (after `space_uid, workspace_uid`).
    pub key: &'static [Col],
    pub data: &'static [Col],
    /// Whether `trove copy-data` moves its rows (per-process state is not moved).
    pub copied: bool,
}

const SCOPE: &[Col] = &[text("space_uid"), text("workspace_uid")];
const SEQ: Col = int("seq");
const TEMPORAL: &[Col] = &[int("superseded_seq"), int("tombstone")];

impl Table {
    /// Every column, in the order described by [`History`].
    pub fn columns(&self) -> Vec<Col> {
        match self.history {
            History::Plain => [self.key, self.data].concat(),
            History::Overlay => [SCOPE, self.key, &[SEQ], TEMPORAL, self.data].concat(),
            History::Versions => [SCOPE, self.key, &[SEQ], self.data].concat(),
        }
    }

    /// The primary key's columns.
    pub fn primary_key(&self) -> Vec<&'static str> {
        let cols = match self.history {
            History::Plain => self.key.to_vec(),
            History::Overlay => [SCOPE, self.key, &[SEQ]].concat(),
            History::Versions => [SCOPE, self.key].concat(),
        };
        cols.iter().map(|c| c.name).collect()
    }

    /// The columns of its `live_<name>` view (none for a plain table): the owner of
    /// each row is `owner_uid`, the workspace looking is `workspace_uid`.
    pub fn live_columns(&self) -> Vec<&'static str> {
        if self.history == History::Plain {
            return Vec::new();
        }
        let mut cols: Vec<&'static str> =
            [SCOPE, self.key, &[SEQ], self.data].concat().iter().map(|c| c.name).collect();
        cols.push("owner_uid");
        cols
    }

    fn has(&self, name: &str) -> bool {
        self.columns().iter().any(|c| c.name == name)
    }

    /// The item's key columns, as `alias.col` (or bare with an empty alias).
    pub(crate) fn key_list(&self, alias: &str) -> String {
        list(self.key.iter().map(|c| c.name), alias)
    }

    /// The item's key and the data columns merge compares, as `alias.col`.
    pub(crate) fn merged_list(&self, alias: &str) -> String {
        list(self.key.iter().chain(self.data.iter().filter(|c| c.merged)).map(|c| c.name), alias)
    }

    /// Every column as `alias.col AS prefix_col`, for reading the table alongside others.
    pub(crate) fn prefixed_list(&self, alias: &str, prefix: &str) -> String {
        self.columns().iter().map(|c| format!("{alias}.{n} AS {prefix}_{n}", n = c.name)).collect::<Vec<_>>().join(", ")
    }

    /// `INSERT INTO <table> (cols) VALUES (exprs)` for the named columns; columns
    /// left out take their default. A name the table lacks is an error.
    pub(crate) fn insert_values(&self, set: &[(&str, &str)]) -> Result<String> {
        self.check(set)?;
        let cols: Vec<&str> = set.iter().map(|(c, _)| *c).collect();
        let exprs: Vec<&str> = set.iter().map(|(_, e)| *e).collect();
        Ok(format!("INSERT INTO {} ({}) VALUES ({})", self.name, cols.join(", "), exprs.join(", ")))
    }

    /// `INSERT INTO <table> (every column) SELECT …` where each column is copied
    /// from `alias.col` unless `set` gives it an expression; the caller appends
    /// `FROM …`. A name in `set` the table lacks is an error.
    pub(crate) fn insert_select(&self, alias: &str, set: &[(&str, &str)]) -> Result<String> {
        self.check(set)?;
        let cols = self.columns();
        let exprs: Vec<String> = cols
            .iter()
            .map(|c| match set.iter().find(|(n, _)| *n == c.name) {
                Some((_, e)) => (*e).to_owned(),
                None => qualified(c.name, alias),
            })
            .collect();
        let names: Vec<&str> = cols.iter().map(|c| c.name).collect();
        Ok(format!("INSERT INTO {} ({}) SELECT {}", self.name, names.join(", "), exprs.join(", ")))
    }

    fn check(&self, set: &[(&str, &str)]) -> Result<()> {
        match set.iter().find(|(n, _)| !self.has(n)) {
            Some((n, _)) => Err(Error::internal(format!("table {} has no column {n}", self.name))),
            None => Ok(()),
        }
    }
}

fn qualified(name: &str, alias: &str) -> String {
    if alias.is_empty() { name.to_owned() } else { format!("{alias}.{name}") }
}

fn list<'a>(names: impl Iterator<Item = &'a str>, alias: &str) -> String {
    names.map(|n| qualified(n, alias)).collect::<Vec<_>>().join(", ")
}

pub const FOLDERS: Table = Table {
    name: "folders",
    history: History::Overlay,
    key: &[text("uid")],
    data: &[
        text("title").merged(),
        text("description").merged(),
        text("parent_uid").merged(),
        text("created_by"),
        int("created_at"),
        text("updated_by"),
        int("updated_at"),
        text("deleted_by"),
        int("deleted_at").merged(),
        text("trashed_with").merged(),
    ],
    copied: true,
};

/// An asset's placement in a workspace; `locales` lists the locales it has
/// variants in there (`,en-us,fr-fr,`).
pub const WORKSPACE_ASSETS: Table = Table {
    name: "workspace_assets",
    history: History::Overlay,
    key: &[text("asset_uid")],
    data: &[
        text("parent_uid").merged(),
        text("deleted_by"),
        int("deleted_at").merged(),
        text("trashed_with").merged(),
        text("locales"),
    ],
    copied: true,
};

/// A locale's head version, and the version its current variant started at.
pub const ASSET_LOCALES: Table = Table {
    name: "asset_locales",
    history: History::Overlay,
    key: &[text("asset_uid"), text("locale")],
    data: &[int("head_version"), int("first_version")],
    copied: true,
};

/// Immutable versions: the content of an asset in one locale.
pub const ASSET_VERSIONS: Table = Table {
    name: "asset_versions",
    history: History::Versions,
    key: &[text("asset_uid"), text("locale"), int("number")],
    data: &[
        text("merged_from"),
        text("title").merged(),
        text("description").merged(),
        text("alt_text").merged(),
        text("tags").merged(),
        text("custom").merged(),
        text("file_uid").merged(),
        text("created_by"),
        int("created_at"),
    ],
    copied: true,
};

pub const VERSION_NAMES: Table = Table {
    name: "version_names",
    history: History::Overlay,
    key: &[text("asset_uid"), text("locale"), int("number")],
    data: &[text("name")],
    copied: true,
};

pub const FILES: Table = Table {
    name: "files",
    history: History::Plain,
    key: &[text("uid")],
    data: &[
        text("space_uid"),
        text("asset_uid"),
        text("blob_hash"),
        text("file_name"),
        text("content_type"),
        int("size"),
        int("width"),
        int("height"),
        text("created_by"),
        int("created_at"),
        text("asset_type"),
    ],
    copied: true,
};

/// Typed custom field values of the heads, one row per value (a list has one row
/// per item, `ord` numbering them; group members have dotted paths): what search
/// filters and sorts on. Written with each change of a head, and only for the
/// values that changed (see migration 0007).
pub const ASSET_VALUES: Table = Table {
    name: "asset_values",
    history: History::Overlay,
    key: &[text("asset_uid"), text("locale"), text("path"), int("ord")],
    data: &[text("text_value"), real("number_value"), int("date_value"), int("bool_value")],
    copied: true,
};

const fn plain(name: &'static str, key: &'static [Col], data: &'static [Col]) -> Table {
    Table { name, history: History::Plain, key, data, copied: true }
}

const fn per_process(name: &'static str, key: &'static [Col], data: &'static [Col]) -> Table {
    Table { name, history: History::Plain, key, data, copied: false }
}

/// Every table, each after the tables it references (the order copy-data copies in).
pub const TABLES: &[Table] = &[
    plain("organizations", &[text("uid")], &[int("singleton"), text("name"), int("created_at")]),
    plain(
        "users",
        &[text("uid")],
        &[
            text("org_uid"),
            text("email"),
            text("name"),
            text("role"),
            int("created_at"),
            text("password_hash"),
            int("disabled_at"),
            int("updated_at"),
            text("setup_hash"),
            int("setup_expires_at"),
        ],
    ),
    plain(
        "sessions",
        &[text("uid")],
        &[text("token_hash"), text("csrf_hash"), text("user_uid"), int("created_at"), int("expires_at")],
    ),
    plain(
        "org_roles",
        &[text("uid")],
        &[text("name"), text("description"), text("permissions"), int("created_at"), int("updated_at")],
    ),
    plain(
        "languages",
        &[text("code")],
        &[text("name"), text("fallback_code"), int("is_default"), int("created_at"), int("is_custom")],
    ),
    plain(
        "fields",
        &[text("uid")],
        &[
            text("name"),
            text("name_key"),
            text("definition"),
            text("created_by"),
            int("created_at"),
            text("updated_by"),
            int("updated_at"),
        ],
    ),
    plain(
        "asset_types",
        &[text("uid")],
        &[
            int("is_system"),
            text("definition"),
            text("created_by"),
            int("created_at"),
            text("updated_by"),
            int("updated_at"),
        ],
    ),
    plain("asset_type_claims", &[text("mime"), text("extension")], &[text("type_uid")]),
    plain("asset_type_fields", &[text("type_uid"), text("field_uid")], &[int("position")]),
    plain(
        "spaces",
        &[text("uid")],
        &[
            text("title"),
            text("description"),
            text("created_by"),
            int("created_at"),
            text("updated_by"),
            int("updated_at"),
            int("clock"),
        ],
    ),
    plain(
        "workspaces",
        &[text("space_uid"), text("uid")],
        &[
            text("name"),
            text("description"),
            text("source_uid"),
            text("default_locale"),
            text("created_by"),
            int("created_at"),
            int("fork_seq"),
            int("merged_seq"),
            text("updated_by"),
            int("updated_at"),
        ],
    ),
    plain(
        "tokens",
        &[text("uid")],
        &[
            text("kind"),
            text("name"),
            text("token_hash"),
            text("user_uid"),
            text("space_uid"),
            text("role_uid"),
            text("created_by"),
            int("created_at"),
            int("expires_at"),
            int("revoked_at"),
        ],
    ),
    plain(
        "space_roles",
        &[text("space_uid"), text("uid")],
        &[text("name"), text("description"), text("definition"), int("created_at"), int("updated_at")],
    ),
    plain("space_members", &[text("space_uid"), text("user_uid"), text("role_uid")], &[int("added_at")]),
    plain(
        "workspace_lineage",
        &[text("space_uid"), text("workspace_uid"), int("depth")],
        &[text("ancestor_uid"), int("max_seq")],
    ),
    plain("workspace_languages", &[text("space_uid"), text("workspace_uid"), text("locale")], &[]),
    FOLDERS,
    plain(
        "assets",
        &[text("space_uid"), text("uid")],
        &[text("slug"), int("slug_is_custom"), text("created_by"), int("created_at")],
    ),
    plain("blobs", &[text("hash")], &[int("size"), int("created_at")]),
    FILES,
    WORKSPACE_ASSETS,
    ASSET_LOCALES,
    ASSET_VERSIONS,
    ASSET_VALUES,
    VERSION_NAMES,
    plain(
        "outbox",
        &[text("id")],
        &[
            int("at"),
            text("space_uid"),
            text("workspace_uid"),
            text("action"),
            text("actor_uid"),
            text("credential"),
            text("asset_uid"),
            text("locale"),
            int("version"),
            text("target_uid"),
            text("detail"),
        ],
    ),
    per_process("blob_leases", &[text("lease_id")], &[text("hash"), int("until")]),
    per_process("job_claims", &[text("name")], &[text("holder"), int("claimed_until")]),
    per_process("settings_clock", &[int("id")], &[int("version")]),
    // Each database asks for its own rebuilds (a copy is rebuilt where it lands).
    per_process("pending_rebuilds", &[text("name")], &[]),
];

/// The overlay tables, in the order workspace deletion copies them down.
pub(crate) fn overlays() -> impl Iterator<Item = &'static Table> {
    TABLES.iter().filter(|t| t.history == History::Overlay)
}

/// A column as the database reports it: name and declared type (lower case).
pub type LiveColumns = BTreeMap<String, Vec<(String, String)>>;

impl SqlStore {
    /// The columns of every table and view of the live database (not sqlx's own
    /// bookkeeping), from the engine's catalogue; what [`drift`] compares with.
    pub async fn live_schema(&self) -> Result<LiveColumns> {
        let rows = sqlx::query(self.dialect.columns_catalogue()).fetch_all(&self.read).await.map_err(db_err)?;
        let mut out = LiveColumns::new();
        for r in rows {
            let table: String = r.try_get("table_name").map_err(db_err)?;
            let column: String = r.try_get("column_name").map_err(db_err)?;
            let kind: Option<String> = r.try_get("data_type").map_err(db_err)?;
            out.entry(table).or_default().push((column, kind.unwrap_or_default().to_lowercase()));
        }
        Ok(out)
    }

    /// How many rows a table of the registry holds, superseded history included:
    /// for operators sizing a database, and for tests of what a write stores.
    pub async fn row_count(&self, table: &str) -> Result<u64> {
        let Some(t) = TABLES.iter().find(|t| t.name == table) else {
            return Err(Error::bad_request("unknown_table", format!("there is no table {table}")));
        };
        let sql = format!("SELECT COUNT(*) FROM {}", t.name);
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).fetch_one(&self.read).await.map_err(db_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// How `live` differs from `tables`: one line per table, view or column that is in
/// one and not the other, or stored with another type. Empty when they agree.
pub fn drift(tables: &[Table], live: &LiveColumns) -> Vec<String> {
    let mut expected: BTreeMap<String, Vec<(&str, Option<Kind>)>> = BTreeMap::new();
    for t in tables {
        expected.insert(t.name.to_owned(), t.columns().iter().map(|c| (c.name, Some(c.kind))).collect());
        if t.history != History::Plain {
            // View column types are the engine's inference; only names are compared.
            expected.insert(format!("live_{}", t.name), t.live_columns().into_iter().map(|c| (c, None)).collect());
        }
    }
    let mut out = Vec::new();
    for (name, cols) in &expected {
        let Some(found) = live.get(name) else {
            out.push(format!("{name}: described but not in the database"));
            continue;
        };
        let found_names: BTreeSet<&str> = found.iter().map(|(c, _)| c.as_str()).collect();
        for (col, kind) in cols {
            match found.iter().find(|(c, _)| c == col) {
                None => out.push(format!("{name}.{col}: described but not in the database")),
                Some((_, ty)) if kind.is_some_and(|k| Some(k) != kind_of(ty)) => {
                    out.push(format!("{name}.{col}: described as {kind:?} but stored as {ty}"))
                }
                Some(_) => {}
            }
        }
        let described: BTreeSet<&str> = cols.iter().map(|(c, _)| *c).collect();
        out.extend(
            found_names.difference(&described).map(|c| format!("{name}.{c}: in the database but not described")),
        );
    }
    out.extend(
        live.keys().filter(|t| !expected.contains_key(*t)).map(|t| format!("{t}: in the database but not described")),
    );
    out
}

fn kind_of(declared: &str) -> Option<Kind> {
    match declared {
        "text" => Some(Kind::Text),
        "bigint" => Some(Kind::Int),
        "double precision" | "double" => Some(Kind::Real),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlay_columns_follow_the_protocol() {
        let names: Vec<&str> = ASSET_LOCALES.columns().iter().map(|c| c.name).collect();
        assert_eq!(
            names,
            [
                "space_uid",
                "workspace_uid",
                "asset_uid",
                "locale",
                "seq",
                "superseded_seq",
                "tombstone",
                "head_version",
                "first_version"
            ]
        );
        assert_eq!(ASSET_LOCALES.primary_key(), ["space_uid", "workspace_uid", "asset_uid", "locale", "seq"]);
        assert_eq!(ASSET_VERSIONS.primary_key(), ["space_uid", "workspace_uid", "asset_uid", "locale", "number"]);
    }

    #[test]
    fn inserts_refuse_unknown_columns() {
        assert!(VERSION_NAMES.insert_values(&[("nmae", "$1")]).is_err());
        assert!(VERSION_NAMES.insert_select("t", &[("nmae", "$1")]).is_err());
        let sql = VERSION_NAMES.insert_select("t", &[("seq", "$3")]).expect("known columns");
        assert_eq!(
            sql,
            "INSERT INTO version_names (space_uid, workspace_uid, asset_uid, locale, number, seq, superseded_seq, \
             tombstone, name) SELECT t.space_uid, t.workspace_uid, t.asset_uid, t.locale, t.number, $3, \
             t.superseded_seq, t.tombstone, t.name"
        );
    }

    #[test]
    fn copy_order_puts_referenced_tables_first() {
        let at = |n: &str| TABLES.iter().position(|t| t.name == n).expect("described");
        for (child, parent) in [
            ("users", "organizations"),
            ("workspaces", "spaces"),
            ("folders", "workspaces"),
            ("files", "blobs"),
            ("files", "assets"),
            ("workspace_assets", "assets"),
            ("asset_versions", "files"),
            ("asset_values", "assets"),
            ("asset_type_fields", "fields"),
            ("asset_type_fields", "asset_types"),
            ("asset_type_claims", "asset_types"),
        ] {
            assert!(at(parent) < at(child), "{parent} must come before {child}");
        }
    }

    #[test]
    fn drift_names_each_difference() {
        let ty = |k: Kind| match k {
            Kind::Text => "text",
            Kind::Int => "bigint",
            Kind::Real => "double precision",
        };
        let mut live = LiveColumns::new();
        for t in TABLES {
            live.insert(
                t.name.to_owned(),
                t.columns().iter().map(|c| (c.name.to_owned(), ty(c.kind).to_owned())).collect(),
            );
            if t.history != History::Plain {
                let view = t.live_columns().iter().map(|c| (c.to_string(), String::new())).collect();
                live.insert(format!("live_{}", t.name), view);
            }
        }
        assert!(drift(TABLES, &live).is_empty());
        live.entry("asset_versions".into()).or_default().push(("caption".into(), "text".into()));
        if let Some(c) = live.get_mut("blobs") {
            c.retain(|(n, _)| n != "size");
        }
        live.insert("extra".into(), Vec::new());
        assert_eq!(
            drift(TABLES, &live),
            [
                "asset_versions.caption: in the database but not described",
                "blobs.size: described but not in the database",
                "extra: in the database but not described"
            ]
        );
    }
}
