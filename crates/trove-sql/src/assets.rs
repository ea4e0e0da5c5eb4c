//! Assets, their versions and files.

use async_trait::async_trait;
use sqlx::Any;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use trove_app::ports::{AssetFilter, AssetKey, AssetRepo, FolderFilter, NewAsset};
use trove_domain::audit::Event;
use trove_domain::model::{Asset, Deletion, Page, PageRequest, StoredFile, Version};
use trove_domain::precondition::Precondition;
use trove_domain::{Error, Result};

use crate::folders::require_live_folder;
use crate::listing::page_assets;
use crate::overlay::{HEADS, NAMES, PLACEMENTS, Val, Writer, begin_write};
use crate::rows::{get, locales_text, ms, ts, version_columns, version_from_row};
use crate::variants::{insert_head, set_head};
use crate::version_rows::{insert_file, insert_version};
use crate::writer::asset_event;
use crate::{SqlStore, asset_not_found, db_err, schema};

/// Live assets of a workspace joined with the head version and file of the first
/// locale of a resolution chain each has a variant in. Parameters: `$1` space, `$2`
/// workspace, then the chain's `n` codes from `$3`; `extra_where` continues at
/// `$3 + n`. The choice reads the placement's list of variant locales, so it costs
/// no lookup of its own, and an asset with no variant in the chain is no row.
fn head_query(n: usize, extra_where: &str, tail: &str) -> String {
    let pick = (0..n)
        .map(|i| format!("WHEN wa.locales LIKE '%,' || CAST(${p} AS TEXT) || ',%' THEN CAST(${p} AS TEXT)", p = i + 3))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "SELECT wa.asset_uid AS a_uid, wa.parent_uid AS a_parent_uid, a.slug AS a_slug, \
           a.slug_is_custom AS a_slug_is_custom, a.created_by AS a_created_by, a.created_at AS a_created_at, \
           {cols} \
         FROM live_workspace_assets wa \
         JOIN assets a ON a.space_uid = wa.space_uid AND a.uid = wa.asset_uid \
         JOIN live_asset_locales l ON l.space_uid = wa.space_uid AND l.workspace_uid = wa.workspace_uid \
           AND l.asset_uid = wa.asset_uid AND l.locale = (CASE {pick} END) \
         JOIN live_asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
           AND v.asset_uid = l.asset_uid AND v.locale = l.locale AND v.number = l.head_version \
         JOIN files f ON f.uid = v.file_uid \
         WHERE wa.space_uid = $1 AND wa.workspace_uid = $2 AND wa.deleted_at IS NULL{extra_where} {tail}",
        cols = version_columns()
    )
}

/// Chains at most this long have their one-asset query built once per process.
const CACHED_CHAINS: usize = 8;

/// [`head_query`] for one asset (`$3 + n`), read on every delivery: built once for
/// each chain length rather than formatted per request.
fn one_asset_query(n: usize) -> std::borrow::Cow<'static, str> {
    static QUERIES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    let build = |n: usize| head_query(n, &format!(" AND wa.asset_uid = ${}", n + 3), "");
    match QUERIES.get_or_init(|| (1..=CACHED_CHAINS).map(build).collect()).get(n.wrapping_sub(1)) {
        Some(sql) => std::borrow::Cow::Borrowed(sql.as_str()),
        None => std::borrow::Cow::Owned(build(n)),
    }
}

/// Binds a resolution chain after the space and workspace of [`head_query`].
fn bind_chain<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    chain: &'q [String],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for c in chain {
        q = q.bind(c.as_str());
    }
    q
}

/// A placement condition (over the bare `workspace_assets` table) that the asset
/// has a variant in one of `n` locales, whose [`variant_pattern`]s are bound from
/// `first`.
pub(crate) fn has_variant_in(n: usize, first: usize) -> String {
    let any = (0..n).map(|i| format!("locales LIKE ${}", first + i)).collect::<Vec<_>>().join(" OR ");
    format!(" AND ({any})")
}

/// A placement condition: the head version the listing shows (in the first
/// locale of the chain the asset has a variant in, as [`head_query`] picks it)
/// has a file of the asset type given after the workspace and the chain's
/// patterns. Parameters from `$first`: the viewing workspace, then per chain locale
/// its pattern and its code, then the type.
fn head_has_type(n: usize, first: usize) -> String {
    let pick = (0..n)
        .map(|i| {
            let (pattern, code) = (first + 1 + 2 * i, first + 2 + 2 * i);
            format!("WHEN workspace_assets.locales LIKE ${pattern} THEN CAST(${code} AS TEXT)")
        })
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        " AND EXISTS (SELECT 1 FROM live_asset_locales l \
           JOIN live_asset_versions v ON v.space_uid = l.space_uid AND v.workspace_uid = l.workspace_uid \
             AND v.asset_uid = l.asset_uid AND v.locale = l.locale AND v.number = l.head_version \
           JOIN files f ON f.uid = v.file_uid \
           WHERE l.space_uid = workspace_assets.space_uid AND l.workspace_uid = ${first} \
             AND l.asset_uid = workspace_assets.asset_uid AND l.locale = (CASE {pick} END) \
             AND f.asset_type = ${})",
        first + 1 + 2 * n
    )
}

/// The `LIKE` pattern matching placements whose asset has a variant in `locale`,
/// bound as a whole so the engine matches one constant pattern per row.
pub(crate) fn variant_pattern(locale: &str) -> String {
    format!("%,{locale},%")
}

/// An asset row of [`head_query`], read through `chain`.
fn asset_from_row(row: &AnyRow, space: &str, ws: &str, chain: &[String]) -> Result<Asset> {
    Ok(Asset {
        space_uid: space.to_owned(),
        workspace_uid: ws.to_owned(),
        uid: get(row, "a_uid")?,
        locale: chain.first().cloned().unwrap_or_default(),
        default_locale: chain.last().cloned().unwrap_or_default(),
        parent_uid: get(row, "a_parent_uid")?,
        slug: get(row, "a_slug")?,
        slug_is_custom: get::<i64>(row, "a_slug_is_custom")? != 0,
        created_by: get(row, "a_created_by")?,
        created_at: ts(get(row, "a_created_at")?),
        head: version_from_row(row)?,
    })
}

/// Fails with `asset_not_found` naming every UID that is not a live asset.
async fn require_live_assets(w: &mut Writer, space: &str, ws: &str, uids: &[String]) -> Result<()> {
    let mut missing = Vec::new();
    for uid in uids {
        let live: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM live_workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 AND deleted_at IS NULL",
        )
        .bind(space)
        .bind(ws)
        .bind(uid)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?;
        if live.is_none() {
            missing.push(uid.as_str());
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let mut e = asset_not_found(&missing.join(", "));
    e.fields.insert("asset_uids".to_owned(), missing.iter().map(|u| format!("{u} does not exist")).collect());
    Err(e)
}

/// The versions of `key`'s current variant visible in its workspace, newest first;
/// `$5` optionally narrows to one number.
fn versions_query(one: bool) -> String {
    format!(
        "SELECT {cols} FROM live_asset_versions v JOIN files f ON f.uid = v.file_uid \
         JOIN live_asset_locales l ON l.space_uid = v.space_uid AND l.workspace_uid = v.workspace_uid \
           AND l.asset_uid = v.asset_uid AND l.locale = v.locale AND v.number >= l.first_version \
         WHERE v.space_uid = $1 AND v.workspace_uid = $2 AND v.asset_uid = $3 AND v.locale = $4{} ORDER BY v.number DESC",
        if one { " AND v.number = $5" } else { "" },
        cols = version_columns()
    )
}

#[async_trait]
impl AssetRepo for SqlStore {
    async fn create_asset(&self, n: &NewAsset) -> Result<()> {
        let k = &n.key;
        let mut w = begin_write(self, &k.space_uid).await?;
        if let Some(parent) = &n.parent_uid {
            require_live_folder(&mut w, &k.space_uid, &k.workspace_uid, parent).await?;
        }
        sqlx::query("INSERT INTO assets (space_uid, uid, slug, slug_is_custom, created_by, created_at) VALUES ($1, $2, $3, 0, $4, $5)")
            .bind(&k.space_uid)
            .bind(&k.asset_uid)
            .bind(&n.slug)
            .bind(&n.version.created_by)
            .bind(ms(n.version.created_at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        sqlx::query(AssertSqlSafe(PLACEMENTS.insert_sql(&[
            ("asset_uid", "$4"),
            ("parent_uid", "$5"),
            ("locales", "$6"),
        ])?))
        .bind(&k.space_uid)
        .bind(&k.workspace_uid)
        .bind(w.seq)
        .bind(&k.asset_uid)
        .bind(n.parent_uid.as_deref())
        .bind(locales_text([k.locale.as_str()]))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        insert_file(w.conn(), &n.file).await?;
        insert_head(
            &mut w,
            &k.space_uid,
            &k.workspace_uid,
            (&k.asset_uid, &k.locale),
            n.version.number,
            n.version.number,
        )
        .await?;
        insert_version(&mut w, k, None, &n.version).await?;
        w.record(asset_event("asset.create", k).version(n.version.number).target(&n.file.uid));
        w.commit().await
    }

    async fn get_asset(&self, k: &AssetKey) -> Result<Option<Asset>> {
        let chain = k.chain();
        let q = sqlx::query(AssertSqlSafe(one_asset_query(chain.len()))).bind(&k.space_uid).bind(&k.workspace_uid);
        let row = bind_chain(q, &chain).bind(&k.asset_uid).fetch_optional(&self.read).await.map_err(db_err)?;
        row.map(|r| asset_from_row(&r, &k.space_uid, &k.workspace_uid, &chain)).transpose()
    }

    async fn list_assets(
        &self,
        space: &str,
        ws: &str,
        chain: &[String],
        filter: &AssetFilter,
        page: PageRequest,
    ) -> Result<Page<Asset>> {
        if chain.is_empty() {
            return Ok(Page { items: Vec::new(), count: 0 });
        }
        // The page's UIDs first (see `crate::listing`), then only those assets are
        // joined with their head versions and files. Conditions are over the bare
        // placements, parameters from $4.
        let mut cond = String::new();
        let chains: Vec<&[String]> = std::iter::once(chain).chain(filter.available_in.as_deref()).collect();
        let patterns: Vec<Vec<String>> =
            chains.iter().map(|c| c.iter().map(|l| variant_pattern(l)).collect()).collect();
        let localized = filter.localized_in.as_deref().map(variant_pattern);
        let not_localized = filter.not_localized_in.as_deref().map(variant_pattern);
        let mut vals: Vec<Val<'_>> = Vec::new();
        match &filter.folder {
            FolderFilter::Any => {}
            FolderFilter::In(None) => cond.push_str(" AND parent_uid IS NULL"),
            FolderFilter::In(Some(p)) => {
                cond.push_str(" AND parent_uid = $4");
                vals.push(Val::Text(Some(p.as_str())));
            }
        }
        for p in &patterns {
            cond.push_str(&has_variant_in(p.len(), vals.len() + 4));
            vals.extend(p.iter().map(|l| Val::Text(Some(l.as_str()))));
        }
        if let Some(p) = &localized {
            cond.push_str(&has_variant_in(1, vals.len() + 4));
            vals.push(Val::Text(Some(p.as_str())));
        }
        if let Some(p) = &not_localized {
            cond.push_str(&format!(" AND locales NOT LIKE ${}", vals.len() + 4));
            vals.push(Val::Text(Some(p.as_str())));
        }
        if let Some(t) = &filter.asset_type {
            cond.push_str(&head_has_type(chain.len(), vals.len() + 4));
            vals.push(Val::Text(Some(ws)));
            for (pattern, code) in patterns[0].iter().zip(chain) {
                vals.push(Val::Text(Some(pattern.as_str())));
                vals.push(Val::Text(Some(code.as_str())));
            }
            vals.push(Val::Text(Some(t.as_str())));
        }
        if let Some(p) = &filter.permitted {
            cond.push_str(&crate::permitted::and_permitted(p, "asset_uid", "parent_uid", &mut vals, 3));
        }
        // One read snapshot for the page, its count and its rows.
        let mut tx = crate::dialect::begin_snapshot(&self.read, self.dialect).await?;
        let (uids, count) = page_assets(&mut tx, space, ws, &cond, &vals, page.skip, page.limit).await?;
        if uids.is_empty() {
            return Ok(Page { items: Vec::new(), count });
        }
        let first = chain.len() + 3;
        let list = (0..uids.len()).map(|i| format!("${}", i + first)).collect::<Vec<_>>().join(", ");
        let sql = head_query(chain.len(), &format!(" AND wa.asset_uid IN ({list})"), "ORDER BY wa.asset_uid DESC");
        let mut q = bind_chain(sqlx::query(AssertSqlSafe(sql)).bind(space).bind(ws), chain);
        for u in &uids {
            q = q.bind(u);
        }
        let rows = q.fetch_all(&mut *tx).await.map_err(db_err)?;
        crate::dialect::end_snapshot(tx).await;
        let items = rows.iter().map(|r| asset_from_row(r, space, ws, chain)).collect::<Result<_>>()?;
        Ok(Page { items, count })
    }

    async fn append_version(
        &self,
        k: &AssetKey,
        based_on: i64,
        v: &Version,
        new_file: Option<&StoredFile>,
    ) -> Result<()> {
        let mut w = begin_write(self, &k.space_uid).await?;
        // Compare-and-set on the head: the space's writers are serialized by its
        // clock, so the head read here cannot move before commit.
        let moved = HEADS
            .touch(
                &mut w,
                &k.space_uid,
                &k.workspace_uid,
                "v.asset_uid = $4 AND v.locale = $5 AND v.head_version = $6 \
                 AND EXISTS (SELECT 1 FROM live_workspace_assets wa WHERE wa.space_uid = $1 AND wa.workspace_uid = $2 \
                             AND wa.asset_uid = $4 AND wa.deleted_at IS NULL)",
                &[Val::Text(Some(&k.asset_uid)), Val::Text(Some(&k.locale)), Val::Int(Some(based_on))],
            )
            .await?;
        if moved == 0 {
            let head: Option<i64> = sqlx::query_scalar(
                "SELECT l.head_version FROM live_asset_locales l JOIN live_workspace_assets wa ON wa.space_uid = l.space_uid \
                 AND wa.workspace_uid = l.workspace_uid AND wa.asset_uid = l.asset_uid AND wa.deleted_at IS NULL \
                 WHERE l.space_uid = $1 AND l.workspace_uid = $2 AND l.asset_uid = $3 AND l.locale = $4",
            )
            .bind(&k.space_uid)
            .bind(&k.workspace_uid)
            .bind(&k.asset_uid)
            .bind(&k.locale)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
            return Err(match head {
                Some(current) => Error::stale(current),
                // The asset is live but the locale's variant was discarded meanwhile.
                None if require_live_assets(
                    &mut w,
                    &k.space_uid,
                    &k.workspace_uid,
                    std::slice::from_ref(&k.asset_uid),
                )
                .await
                .is_ok() =>
                {
                    Error::new(
                        trove_domain::ErrorKind::PreconditionFailed,
                        "version_conflict",
                        format!("the asset's {} variant was discarded since you read it", k.locale),
                    )
                }
                None => asset_not_found(&k.asset_uid),
            });
        }
        set_head(&mut w, k, v.number).await?;
        if let Some(f) = new_file {
            insert_file(w.conn(), f).await?;
        }
        insert_version(&mut w, k, Some(based_on), v).await?;
        let action = if new_file.is_some() { "asset.replace" } else { "asset.update" };
        w.record(asset_event(action, k).version(v.number));
        w.commit().await
    }

    async fn set_slug(&self, space: &str, asset: &str, slug: &str) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        let row = sqlx::query("SELECT slug, slug_is_custom FROM assets WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(asset)
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?
            .ok_or_else(|| asset_not_found(asset))?;
        let current: String = get(&row, "slug")?;
        if get::<i64>(&row, "slug_is_custom")? != 0 {
            if current == slug {
                return Ok(());
            }
            return Err(Error::conflict(
                "slug_already_set",
                format!("the permanent URL slug is already set to {current:?} and cannot change"),
            ));
        }
        sqlx::query("UPDATE assets SET slug = $3, slug_is_custom = 1 WHERE space_uid = $1 AND uid = $2")
            .bind(space)
            .bind(asset)
            .bind(slug)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.record(Event::new("asset.slug").asset(asset).detail(serde_json::json!({ "slug": slug })));
        w.commit().await
    }

    async fn list_versions(&self, k: &AssetKey) -> Result<Vec<Version>> {
        let rows = sqlx::query(AssertSqlSafe(versions_query(false)))
            .bind(&k.space_uid)
            .bind(&k.workspace_uid)
            .bind(&k.asset_uid)
            .bind(&k.locale)
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        rows.iter().map(version_from_row).collect()
    }

    async fn get_version(&self, k: &AssetKey, number: i64) -> Result<Option<Version>> {
        let row = sqlx::query(AssertSqlSafe(versions_query(true)))
            .bind(&k.space_uid)
            .bind(&k.workspace_uid)
            .bind(&k.asset_uid)
            .bind(&k.locale)
            .bind(number)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn name_version(&self, k: &AssetKey, number: i64, name: Option<&str>) -> Result<bool> {
        let mut w = begin_write(self, &k.space_uid).await?;
        // A version of the current variant only: one of a discarded variant is not
        // part of any history any more.
        let exists: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM live_asset_versions v JOIN live_asset_locales l ON l.space_uid = v.space_uid \
               AND l.workspace_uid = v.workspace_uid AND l.asset_uid = v.asset_uid AND l.locale = v.locale \
               AND v.number >= l.first_version \
             WHERE v.space_uid = $1 AND v.workspace_uid = $2 AND v.asset_uid = $3 AND v.locale = $4 AND v.number = $5",
        )
        .bind(&k.space_uid)
        .bind(&k.workspace_uid)
        .bind(&k.asset_uid)
        .bind(&k.locale)
        .bind(number)
        .fetch_optional(w.conn())
        .await
        .map_err(db_err)?;
        if exists.is_none() {
            return Ok(false);
        }
        let key = [Val::Text(Some(&k.asset_uid)), Val::Text(Some(&k.locale)), Val::Int(Some(number))];
        let touched = NAMES
            .touch(&mut w, &k.space_uid, &k.workspace_uid, "v.asset_uid = $4 AND v.locale = $5 AND v.number = $6", &key)
            .await?;
        let sql = if touched == 0 {
            NAMES.insert_sql(&[("asset_uid", "$4"), ("locale", "$5"), ("number", "$6"), ("name", "$7")])?
        } else {
            "UPDATE version_names SET name = $7 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
             AND asset_uid = $4 AND locale = $5 AND number = $6"
                .to_owned()
        };
        sqlx::query(AssertSqlSafe(sql))
            .bind(&k.space_uid)
            .bind(&k.workspace_uid)
            .bind(w.seq)
            .bind(&k.asset_uid)
            .bind(&k.locale)
            .bind(number)
            .bind(name)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.record(asset_event("version.name", k).version(number).detail(serde_json::json!({ "name": name })));
        w.commit().await?;
        Ok(true)
    }

    async fn move_assets(&self, space: &str, ws: &str, uids: &[String], target: Option<&str>) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        if let Some(t) = target {
            require_live_folder(&mut w, space, ws, t).await?;
        }
        require_live_assets(&mut w, space, ws, uids).await?;
        for uid in uids {
            PLACEMENTS.touch(&mut w, space, ws, "v.asset_uid = $4", &[Val::Text(Some(uid))]).await?;
            sqlx::query(
                "UPDATE workspace_assets SET parent_uid = $5 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
                 AND asset_uid = $4",
            )
            .bind(space)
            .bind(ws)
            .bind(w.seq)
            .bind(uid)
            .bind(target)
            .execute(w.conn())
            .await
            .map_err(db_err)?;
            w.record(
                Event::new("asset.move").workspace(ws).asset(uid).detail(serde_json::json!({ "folder_uid": target })),
            );
        }
        w.commit().await
    }

    async fn trash_assets(
        &self,
        space: &str,
        ws: &str,
        uids: &[String],
        d: &Deletion,
        condition: Option<(&AssetKey, &Precondition)>,
    ) -> Result<()> {
        let mut w = begin_write(self, space).await?;
        require_live_assets(&mut w, space, ws, uids).await?;
        if let Some((k, pre)) = condition {
            // Writers of the space are serialized by its clock: the head read here is
            // the one the deletion replaces.
            let now = crate::variants::heads(w.conn(), space, ws, &k.asset_uid).await?;
            let head = k.chain().into_iter().find_map(|l| now.iter().find(|(v, _)| *v == l).cloned());
            match head {
                Some((locale, version)) if pre.holds(version, &locale, &k.locale) => {}
                Some((_, version)) => return Err(Error::stale(version)),
                None => return Err(asset_not_found(&k.asset_uid)),
            }
        }
        for uid in uids {
            PLACEMENTS.touch(&mut w, space, ws, "v.asset_uid = $4", &[Val::Text(Some(uid))]).await?;
            sqlx::query(
                "UPDATE workspace_assets SET deleted_by = $5, deleted_at = $6, trashed_with = NULL \
                 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 AND asset_uid = $4",
            )
            .bind(space)
            .bind(ws)
            .bind(w.seq)
            .bind(uid)
            .bind(&d.deleted_by)
            .bind(ms(d.deleted_at))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
            w.record(Event::new("asset.delete").workspace(ws).asset(uid));
        }
        w.commit().await
    }

    async fn deliverable_file(&self, space: &str, asset: &str, file_uid: &str) -> Result<Option<StoredFile>> {
        let sql = format!(
            "SELECT {cols} FROM files f WHERE f.uid = $3 AND f.space_uid = $1 AND f.asset_uid = $2 \
             AND EXISTS (SELECT 1 FROM live_workspace_assets wa WHERE wa.space_uid = $1 AND wa.asset_uid = $2 AND wa.deleted_at IS NULL)",
            cols = schema::FILES.prefixed_list("f", "f")
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(space)
            .bind(asset)
            .bind(file_uid)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(crate::rows::file_from_row).transpose()
    }
}
