//! The organization's languages and their fallback chains.

use std::collections::BTreeMap;

use async_trait::async_trait;
use sqlx::any::AnyRow;
use trove_app::ports::LanguageRepo;
use trove_domain::audit::Event;
use trove_domain::languages::check_fallbacks;
use trove_domain::model::Language;
use trove_domain::{Error, Result};

use crate::rows::{get, ms, ts};
use crate::writer::{Writer, begin_org_write};
use crate::{SqlStore, db_err};

const LANGUAGE_COLUMNS: &str = "SELECT code, name, fallback_code, is_default, is_custom, created_at FROM languages";

fn language_from_row(r: &AnyRow) -> Result<Language> {
    Ok(Language {
        code: get(r, "code")?,
        name: get(r, "name")?,
        fallback_code: get(r, "fallback_code")?,
        is_default: get::<i64>(r, "is_default")? != 0,
        is_custom: get::<i64>(r, "is_custom")? != 0,
        created_at: ts(get(r, "created_at")?),
    })
}

/// Begins a transaction that changes languages, holding the default language's row
/// (which always exists) so concurrent changes of fallback chains are checked one
/// after the other.
async fn begin_languages(store: &SqlStore) -> Result<Writer> {
    let mut w = begin_org_write(store).await?;
    sqlx::query("UPDATE languages SET is_default = is_default WHERE is_default = 1")
        .execute(w.conn())
        .await
        .map_err(db_err)?;
    Ok(w)
}

async fn all(tx: &mut sqlx::AnyConnection) -> Result<Vec<Language>> {
    let rows = sqlx::query(LANGUAGE_COLUMNS).fetch_all(&mut *tx).await.map_err(db_err)?;
    rows.iter().map(language_from_row).collect()
}

/// The chain rules over `langs` after a change.
fn check(langs: &[Language]) -> Result<()> {
    let default = langs.iter().find(|l| l.is_default).map(|l| l.code.clone()).unwrap_or_default();
    let map: BTreeMap<String, Option<String>> =
        langs.iter().map(|l| (l.code.clone(), l.fallback_code.clone())).collect();
    check_fallbacks(&map, &default)
}

fn in_use(code: &str, why: &str) -> Error {
    Error::conflict("language_in_use", format!("{code} cannot be deleted: {why}"))
}

/// Marks the organization's settings (languages, fields, asset types) as changed,
/// so every node reloads what it keeps of them (see `settings_clock`, migrations
/// 0004 and 0006). Runs in the transaction of the change.
pub(crate) async fn bump_version(tx: &mut sqlx::AnyConnection) -> Result<()> {
    sqlx::query("UPDATE settings_clock SET version = version + 1").execute(&mut *tx).await.map_err(db_err)?;
    Ok(())
}

#[async_trait]
impl LanguageRepo for SqlStore {
    async fn list_languages(&self) -> Result<Vec<Language>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{LANGUAGE_COLUMNS} ORDER BY code")))
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        rows.iter().map(language_from_row).collect()
    }

    async fn get_language(&self, code: &str) -> Result<Option<Language>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{LANGUAGE_COLUMNS} WHERE code = $1")))
            .bind(code)
            .fetch_optional(&self.read)
            .await
            .map_err(db_err)?;
        row.as_ref().map(language_from_row).transpose()
    }

    async fn create_language(&self, l: &Language) -> Result<()> {
        let mut w = begin_languages(self).await?;
        let mut langs = all(w.conn()).await?;
        if langs.iter().any(|x| x.code == l.code) {
            let mut e = Error::conflict("language_exists", format!("the language {} already exists", l.code));
            e.fields.insert("code".to_owned(), vec!["is taken".to_owned()]);
            return Err(e);
        }
        langs.push(l.clone());
        check(&langs)?;
        sqlx::query(
            "INSERT INTO languages (code, name, fallback_code, is_default, is_custom, created_at) VALUES ($1, $2, $3, 0, $4, $5)",
        )
        .bind(&l.code)
        .bind(&l.name)
        .bind(l.fallback_code.as_deref())
        .bind(i64::from(l.is_custom))
        .bind(ms(l.created_at))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        bump_version(w.conn()).await?;
        w.record(Event::new("language.create").target(&l.code));
        w.commit().await
    }

    async fn update_language(
        &self,
        code: &str,
        name: Option<&str>,
        fallback: Option<&str>,
    ) -> Result<Option<Language>> {
        let mut w = begin_languages(self).await?;
        let mut langs = all(w.conn()).await?;
        let Some(l) = langs.iter_mut().find(|x| x.code == code) else { return Ok(None) };
        if let Some(n) = name {
            l.name = n.to_owned();
        }
        if let Some(f) = fallback {
            if l.is_default {
                let mut e = Error::conflict(
                    "default_language_locked",
                    "the default language ends every chain and has no fallback",
                );
                e.fields.insert("fallback_code".to_owned(), vec!["the default language has no fallback".to_owned()]);
                return Err(e);
            }
            l.fallback_code = Some(f.to_owned());
        }
        let changed = l.clone();
        check(&langs)?;
        sqlx::query("UPDATE languages SET name = $2, fallback_code = $3 WHERE code = $1")
            .bind(code)
            .bind(&changed.name)
            .bind(changed.fallback_code.as_deref())
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        bump_version(w.conn()).await?;
        w.record(Event::new("language.update").target(code));
        w.commit().await?;
        Ok(Some(changed))
    }

    async fn delete_language(&self, code: &str) -> Result<bool> {
        let mut w = begin_languages(self).await?;
        let langs = all(w.conn()).await?;
        let Some(l) = langs.iter().find(|x| x.code == code) else { return Ok(false) };
        if l.is_default {
            return Err(in_use(code, "it is the organization's default language"));
        }
        if let Some(other) = langs.iter().find(|x| x.fallback_code.as_deref() == Some(code)) {
            return Err(in_use(code, &format!("it is the fallback of {}", other.code)));
        }
        for (table, what) in [
            ("workspace_languages", "it is enabled in a workspace"),
            ("asset_locales", "assets are localized in it"),
            ("asset_versions", "asset versions are in it"),
        ] {
            let used: Option<i64> =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT 1 FROM {table} WHERE locale = $1 LIMIT 1")))
                    .bind(code)
                    .fetch_optional(w.conn())
                    .await
                    .map_err(db_err)?;
            if used.is_some() {
                return Err(in_use(code, what));
            }
        }
        sqlx::query("DELETE FROM languages WHERE code = $1").bind(code).execute(w.conn()).await.map_err(db_err)?;
        bump_version(w.conn()).await?;
        w.record(Event::new("language.delete").target(code));
        w.commit().await?;
        Ok(true)
    }
}
