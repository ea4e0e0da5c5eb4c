//! Reading the outbox as the audit log.

use std::sync::Arc;

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use trove_app::ports::{Attributed, AuditRepo, MetadataStore};
use trove_domain::Result;
use trove_domain::audit::{Actor, AuditEntry, AuditFilter};
use trove_domain::model::{Page, PageRequest};

use crate::overlay::{Val, bind_all};
use crate::rows::{get, ms, ts};
use crate::{SqlStore, db_err};

impl Attributed for SqlStore {
    fn acting_as(&self, actor: Actor) -> Arc<dyn MetadataStore> {
        Arc::new(SqlStore::acting_as(self, actor))
    }
}

fn entry_from_row(r: &AnyRow) -> Result<AuditEntry> {
    let detail: Option<String> = get(r, "detail")?;
    Ok(AuditEntry {
        id: get(r, "id")?,
        at: ts(get(r, "at")?),
        action: get(r, "action")?,
        actor_uid: get(r, "actor_uid")?,
        credential: get(r, "credential")?,
        space_uid: get(r, "space_uid")?,
        workspace_uid: get(r, "workspace_uid")?,
        asset_uid: get(r, "asset_uid")?,
        locale: get(r, "locale")?,
        version: get(r, "version")?,
        target_uid: get(r, "target_uid")?,
        detail: detail.and_then(|d| serde_json::from_str(&d).ok()),
    })
}

#[async_trait]
impl AuditRepo for SqlStore {
    async fn list_audit(&self, f: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>> {
        // Owned copies of what is bound, so `vals` can borrow them.
        let action_prefix = f.action.as_ref().filter(|a| !a.contains('.')).map(|a| format!("{a}.%"));
        let (since, until) = (f.since.map(ms), f.until.map(ms));
        let mut cond: Vec<String> = Vec::new();
        let mut vals: Vec<Val<'_>> = Vec::new();
        let wanted: [(&str, Val<'_>, bool); 9] = [
            ("space_uid = ?", Val::Text(f.space.as_deref()), f.space.is_some()),
            ("actor_uid = ?", Val::Text(f.actor.as_deref()), f.actor.is_some()),
            ("action LIKE ?", Val::Text(action_prefix.as_deref()), action_prefix.is_some()),
            ("action = ?", Val::Text(f.action.as_deref()), f.action.is_some() && action_prefix.is_none()),
            ("asset_uid = ?", Val::Text(f.asset.as_deref()), f.asset.is_some()),
            ("workspace_uid = ?", Val::Text(f.workspace.as_deref()), f.workspace.is_some()),
            ("locale = ?", Val::Text(f.locale.as_deref()), f.locale.is_some()),
            ("at >= ?", Val::Int(since), since.is_some()),
            ("at < ?", Val::Int(until), until.is_some()),
        ];
        if f.space.is_none() {
            cond.push("space_uid IS NULL".to_owned());
        }
        for (sql, v, on) in wanted {
            if on {
                vals.push(v);
                cond.push(sql.replace('?', &crate::dialect::param(vals.len())));
            }
        }
        if let Some(locales) = &f.locales {
            let mut list = Vec::with_capacity(locales.len());
            for l in locales {
                vals.push(Val::Text(Some(l)));
                list.push(crate::dialect::param(vals.len()));
            }
            let any = if list.is_empty() { String::new() } else { format!(" OR locale IN ({})", list.join(", ")) };
            cond.push(format!("(locale IS NULL{any})"));
        }
        let filter = cond.join(" AND ");
        let n = vals.len();
        let sql = format!(
            "SELECT id, at, space_uid, workspace_uid, action, actor_uid, credential, asset_uid, locale, version, \
             target_uid, detail FROM outbox WHERE {filter} ORDER BY at DESC, id DESC LIMIT {} OFFSET {}",
            crate::dialect::param(n + 1),
            crate::dialect::param(n + 2)
        );
        let rows = bind_all(sqlx::query(AssertSqlSafe(sql)), &vals)
            .bind(page.limit)
            .bind(page.skip)
            .fetch_all(&self.read)
            .await
            .map_err(db_err)?;
        let count_sql = format!("SELECT COUNT(*) FROM outbox WHERE {filter}");
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(count_sql));
        for v in &vals {
            q = match *v {
                Val::Text(t) => q.bind(t),
                Val::Int(i) => q.bind(i),
                Val::Real(r) => q.bind(r),
            };
        }
        let count = q.fetch_one(&self.read).await.map_err(db_err)?;
        let items = rows.iter().map(entry_from_row).collect::<Result<_>>()?;
        Ok(Page { items, count })
    }
}
