//! Localized variants: giving an asset a variant in a language, discarding one, and
//! keeping the placements' record of which languages an asset has variants in.
//!
//! A variant is a locale head (`asset_locales`) with its own versions. Localizing
//! starts one from the content the language inherited; unlocalizing tombstones the
//! head, so the language inherits again at once. The discarded versions stay
//! stored (a fork or a merge base taken earlier may still read them) but are no
//! longer part of any history: a later variant starts at `first_version`.

use async_trait::async_trait;
use sqlx::{AnyConnection, AssertSqlSafe};
use trove_app::ports::{AssetKey, VariantRepo};
use trove_domain::model::{StoredFile, Variant, Version};
use trove_domain::{Error, Result};

use crate::asset_not_found;
use crate::overlay::{HEADS, PLACEMENTS, Val, Writer, begin_write};
use crate::rows::locales_text;
use crate::version_rows::{insert_file, insert_version};
use crate::{SqlStore, db_err};

fn variant_not_found(asset: &str, locale: &str) -> Error {
    Error::not_found("variant_not_found", format!("asset {asset} has no variant of its own in {locale}"))
}

/// The locales the asset has variants in as `ws` sees them now, sorted, with heads.
pub(crate) async fn heads(c: &mut AnyConnection, space: &str, ws: &str, asset: &str) -> Result<Vec<(String, i64)>> {
    sqlx::query_as(
        "SELECT locale, head_version FROM live_asset_locales WHERE space_uid = $1 AND workspace_uid = $2 \
         AND asset_uid = $3 ORDER BY locale",
    )
    .bind(space)
    .bind(ws)
    .bind(asset)
    .fetch_all(c)
    .await
    .map_err(db_err)
}

/// Whether the asset is live (not trashed) in `ws`.
async fn is_live(c: &mut AnyConnection, space: &str, ws: &str, asset: &str) -> Result<bool> {
    let live: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM live_workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3 \
         AND deleted_at IS NULL",
    )
    .bind(space)
    .bind(ws)
    .bind(asset)
    .fetch_optional(c)
    .await
    .map_err(db_err)?;
    Ok(live.is_some())
}

/// The highest version number of the locale that `ws` can see, its own or
/// inherited, of any variant (0 if none): new versions number past it, so a number
/// is never used twice in one history.
pub(crate) async fn last_version(w: &mut Writer, space: &str, ws: &str, asset: &str, locale: &str) -> Result<i64> {
    let seen: Option<i64> = sqlx::query_scalar(
        "SELECT MAX(number) FROM live_asset_versions WHERE space_uid = $1 AND workspace_uid = $2 \
         AND asset_uid = $3 AND locale = $4",
    )
    .bind(space)
    .bind(ws)
    .bind(asset)
    .bind(locale)
    .fetch_one(w.conn())
    .await
    .map_err(db_err)?;
    Ok(seen.unwrap_or(0))
}

/// The number of a new variant's first version in `locale`: past every version of
/// the locale the workspace can see (a discarded variant's too) and past every head
/// the asset has, the inherited one among them. So what a locale reads only ever
/// numbers upwards, and a client holding the ETag of the inherited version cannot
/// mistake the new variant's first version for what it read.
pub(crate) async fn first_number(w: &mut Writer, space: &str, ws: &str, asset: &str, locale: &str) -> Result<i64> {
    let heads = heads(w.conn(), space, ws, asset).await?;
    let top = heads.iter().map(|(_, h)| *h).max().unwrap_or(0);
    Ok(last_version(w, space, ws, asset, locale).await?.max(top) + 1)
}

/// Inserts a new locale head of `asset` in `w`'s workspace `ws`: at version
/// `number`, its history starting at `first`. Where the key may have had a
/// tombstone in `ws`, close afterwards.
pub(crate) async fn insert_head(
    w: &mut Writer,
    space: &str,
    ws: &str,
    key: (&str, &str),
    number: i64,
    first: i64,
) -> Result<()> {
    let values = [("asset_uid", "$4"), ("locale", "$5"), ("head_version", "$6"), ("first_version", "$7")];
    sqlx::query(AssertSqlSafe(HEADS.insert_sql(&values)?))
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(key.0)
        .bind(key.1)
        .bind(number)
        .bind(first)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
    Ok(())
}

/// Points the touched head of `k` at version `number`.
pub(crate) async fn set_head(w: &mut Writer, k: &AssetKey, number: i64) -> Result<()> {
    sqlx::query(
        "UPDATE asset_locales SET head_version = $6 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
         AND asset_uid = $4 AND locale = $5",
    )
    .bind(&k.space_uid)
    .bind(&k.workspace_uid)
    .bind(w.seq)
    .bind(&k.asset_uid)
    .bind(&k.locale)
    .bind(number)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

/// Rewrites the asset's placement in `ws` to list the locales it has variants in
/// now. Every change of an asset's locale heads calls this in the same
/// transaction, which keeps the list exact. An asset left with no variant at all
/// would be unreadable in every language, so that is refused (`last_variant`).
pub(crate) async fn refresh_locales(w: &mut Writer, space: &str, ws: &str, asset: &str) -> Result<()> {
    let locales = heads(w.conn(), space, ws, asset).await?;
    if locales.is_empty() {
        return Err(Error::conflict(
            "last_variant",
            format!("asset {asset} would be left without a variant in any language"),
        ));
    }
    let text = locales_text(locales.iter().map(|(l, _)| l.as_str()));
    let current: Option<String> = sqlx::query_scalar(
        "SELECT locales FROM live_workspace_assets WHERE space_uid = $1 AND workspace_uid = $2 AND asset_uid = $3",
    )
    .bind(space)
    .bind(ws)
    .bind(asset)
    .fetch_optional(w.conn())
    .await
    .map_err(db_err)?;
    if current.as_deref().is_none_or(|c| c == text) {
        return Ok(());
    }
    PLACEMENTS.touch(w, space, ws, "v.asset_uid = $4", &[Val::Text(Some(asset))]).await?;
    sqlx::query(
        "UPDATE workspace_assets SET locales = $5 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
         AND asset_uid = $4",
    )
    .bind(space)
    .bind(ws)
    .bind(w.seq)
    .bind(asset)
    .bind(text)
    .execute(w.conn())
    .await
    .map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl VariantRepo for SqlStore {
    async fn localize(
        &self,
        k: &AssetKey,
        inherited: (&str, i64),
        v: &Version,
        new_file: Option<&StoredFile>,
    ) -> Result<i64> {
        let (space, ws, asset) = (k.space_uid.as_str(), k.workspace_uid.as_str(), k.asset_uid.as_str());
        let mut w = begin_write(self, space).await?;
        if !is_live(w.conn(), space, ws, asset).await? {
            return Err(asset_not_found(asset));
        }
        // The space's writers are serialized by its clock, so what is checked here
        // holds until commit: no variant in the locale yet, and the inherited head
        // is still the one the content started from.
        let now = heads(w.conn(), space, ws, asset).await?;
        if let Some((_, head)) = now.iter().find(|(l, _)| *l == k.locale) {
            return Err(Error::stale(*head));
        }
        match now.iter().find(|(l, _)| l == inherited.0) {
            Some((_, head)) if *head == inherited.1 => {}
            Some((_, head)) => return Err(Error::stale(*head)),
            None => {
                return Err(Error::new(
                    trove_domain::ErrorKind::PreconditionFailed,
                    "version_conflict",
                    format!("the {} variant this change started from has been discarded", inherited.0),
                ));
            }
        }
        let number = first_number(&mut w, space, ws, asset, &k.locale).await?;
        insert_head(&mut w, space, ws, (asset, &k.locale), number, number).await?;
        // A tombstone the workspace left under this key (an earlier unlocalize).
        HEADS.close(&mut w, space, ws).await?;
        if let Some(f) = new_file {
            insert_file(w.conn(), f).await?;
        }
        let version = Version { number, ..v.clone() };
        insert_version(&mut w, k, None, &version).await?;
        refresh_locales(&mut w, space, ws, asset).await?;
        w.record(
            crate::writer::asset_event("asset.localize", k)
                .version(number)
                .detail(serde_json::json!({ "from_locale": inherited.0, "from_version": inherited.1 })),
        );
        w.commit().await?;
        Ok(number)
    }

    async fn unlocalize(&self, k: &AssetKey) -> Result<()> {
        let (space, ws, asset) = (k.space_uid.as_str(), k.workspace_uid.as_str(), k.asset_uid.as_str());
        let mut w = begin_write(self, space).await?;
        if !is_live(w.conn(), space, ws, asset).await? {
            return Err(asset_not_found(asset));
        }
        let now = heads(w.conn(), space, ws, asset).await?;
        if !now.iter().any(|(l, _)| *l == k.locale) {
            return Err(variant_not_found(asset, &k.locale));
        }
        if now.len() == 1 {
            return Err(Error::conflict(
                "last_variant",
                format!("{} is the only language asset {asset} has a variant in; it cannot be unlocalized", k.locale),
            ));
        }
        let key = [Val::Text(Some(asset)), Val::Text(Some(&k.locale))];
        HEADS.touch(&mut w, space, ws, "v.asset_uid = $4 AND v.locale = $5", &key).await?;
        sqlx::query(
            "UPDATE asset_locales SET tombstone = 1 WHERE space_uid = $1 AND workspace_uid = $2 AND seq = $3 \
             AND asset_uid = $4 AND locale = $5",
        )
        .bind(space)
        .bind(ws)
        .bind(w.seq)
        .bind(asset)
        .bind(&k.locale)
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        let head = now.iter().find(|(l, _)| *l == k.locale).map(|(_, h)| *h);
        let variant = crate::values::Variant { space, ws, asset, locale: &k.locale };
        crate::values::sync_values(&mut w, &variant, head, None).await?;
        refresh_locales(&mut w, space, ws, asset).await?;
        w.record(crate::writer::asset_event("asset.unlocalize", k));
        w.commit().await
    }

    async fn variants(&self, space: &str, ws: &str, asset: &str) -> Result<Option<Vec<Variant>>> {
        // One snapshot for both queries.
        let mut tx = crate::dialect::begin_snapshot(&self.read, self.dialect).await?;
        if !is_live(&mut tx, space, ws, asset).await? {
            return Ok(None);
        }
        let list = heads(&mut tx, space, ws, asset).await?;
        crate::dialect::end_snapshot(tx).await;
        Ok(Some(list.into_iter().map(|(locale, head_version)| Variant { locale, head_version }).collect()))
    }
}
