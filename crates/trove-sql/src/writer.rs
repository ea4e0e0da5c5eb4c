//! The one door through which every write transaction commits.
//!
//! A [`Writer`] owns its transaction: statements run on [`Writer::conn`], and the
//! only way to commit is [`Writer::commit`], which first writes the events the
//! change recorded ([`Writer::record`]) to the outbox in the same transaction.
//! So no committed change lacks its events and no event outlives a rolled-back
//! change. Dropping a writer rolls back.

use sqlx::{Any, AnyConnection, Transaction};
use trove_app::ports::AssetKey;
use trove_domain::audit::{Actor, Event};
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::{Error, Result};

use crate::{SqlStore, db_err};

/// An event about the asset, workspace and locale `k` names.
pub(crate) fn asset_event(action: &'static str, k: &AssetKey) -> Event {
    Event::new(action).workspace(&k.workspace_uid).asset(&k.asset_uid).locale(&k.locale)
}

/// One write transaction, with the actor it is done for and the events it
/// records.
pub(crate) struct Writer {
    tx: Transaction<'static, Any>,
    /// This transaction's position in its space's history; 0 for writes outside
    /// any space (organization settings, users, bookkeeping).
    pub seq: i64,
    space: Option<String>,
    actor: std::sync::Arc<Actor>,
    events: Vec<Event>,
}

/// Begins a write transaction in `space` and takes the next seq of its clock. The
/// clock row stays locked until commit, so the space's writers (and forks) are
/// totally ordered; this is the transaction's first statement.
pub(crate) async fn begin_write(store: &SqlStore, space: &str) -> Result<Writer> {
    let mut tx = store.write.begin().await.map_err(db_err)?;
    let seq: Option<i64> = sqlx::query_scalar("UPDATE spaces SET clock = clock + 1 WHERE uid = $1 RETURNING clock")
        .bind(space)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
    let seq = seq.ok_or_else(|| Error::not_found("space_not_found", format!("space {space} does not exist")))?;
    Ok(Writer { tx, seq, space: Some(space.to_owned()), actor: store.actor.clone(), events: Vec::new() })
}

/// Begins a write transaction outside any space: organization-level changes and
/// the store's own bookkeeping.
pub(crate) async fn begin_org_write(store: &SqlStore) -> Result<Writer> {
    let tx = store.write.begin().await.map_err(db_err)?;
    Ok(Writer { tx, seq: 0, space: None, actor: store.actor.clone(), events: Vec::new() })
}

impl Writer {
    /// The transaction's connection, for the change's statements.
    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    /// Records an event of this change, written to the outbox at commit.
    pub(crate) fn record(&mut self, event: Event) {
        self.events.push(event);
    }

    /// Rolls back now rather than on drop, so locks are released before the
    /// caller goes on; the recorded events are dropped with the change.
    pub(crate) async fn rollback(self) {
        let _ = self.tx.rollback().await;
    }

    /// Writes the recorded events to the outbox and commits, atomically.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let at = chrono::Utc::now().timestamp_millis();
        for e in std::mem::take(&mut self.events) {
            let detail = e.detail.as_ref().map(serde_json::Value::to_string);
            sqlx::query(
                "INSERT INTO outbox (id, at, space_uid, workspace_uid, action, actor_uid, credential, asset_uid, \
                 locale, version, target_uid, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(new_uid(UidKind::Event))
            .bind(at)
            .bind(e.space.as_deref().or(self.space.as_deref()))
            .bind(e.workspace.as_deref())
            .bind(e.action)
            .bind(self.actor.user_uid.as_str())
            .bind(self.actor.credential.as_deref())
            .bind(e.asset.as_deref())
            .bind(e.locale.as_deref())
            .bind(e.version)
            .bind(e.target.as_deref())
            .bind(detail)
            .execute(&mut *self.tx)
            .await
            .map_err(db_err)?;
        }
        self.tx.commit().await.map_err(db_err)
    }
}
