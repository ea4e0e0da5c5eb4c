//! Blob references: upload leases and garbage collection of unreferenced blobs.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use trove_app::ports::{BlobDeleter, BlobRefRepo};
use trove_domain::Result;
use trove_domain::audit::Event;
use trove_domain::model::Timestamp;

use crate::rows::ms;
use crate::writer::begin_org_write;
use crate::{SqlStore, db_err};

#[async_trait]
impl BlobRefRepo for SqlStore {
    async fn lease_blob(&self, hash: &str, size: u64, lease_id: &str, lease_until: Timestamp) -> Result<()> {
        let mut w = begin_org_write(self).await?;
        // The no-op update locks an existing row until commit (so a collection skips
        // it), and waits for a collection that already holds it to finish (after
        // which the row is inserted afresh).
        sqlx::query(
            "INSERT INTO blobs (hash, size, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (hash) DO UPDATE SET size = excluded.size",
        )
        .bind(hash)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(ms(chrono::Utc::now()))
        .execute(w.conn())
        .await
        .map_err(db_err)?;
        sqlx::query("INSERT INTO blob_leases (lease_id, hash, until) VALUES ($1, $2, $3)")
            .bind(lease_id)
            .bind(hash)
            .bind(ms(lease_until))
            .execute(w.conn())
            .await
            .map_err(db_err)?;
        w.commit().await
    }

    async fn collect_garbage(&self, now: Timestamp, limit: u32, delete: BlobDeleter<'_>) -> Result<u64> {
        let mut w = begin_org_write(self).await?;
        let lock = self.dialect.lock_rows_skip_locked();
        let hashes: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT hash FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_hash = b.hash) \
             AND NOT EXISTS (SELECT 1 FROM blob_leases l WHERE l.hash = b.hash AND l.until >= $1) \
             ORDER BY hash LIMIT $2{lock}"
        )))
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(w.conn())
        .await
        .map_err(db_err)?;
        if hashes.is_empty() {
            // Leases of uploads that died, on blobs that stay referenced anyway.
            sqlx::query("DELETE FROM blob_leases WHERE until < $1")
                .bind(ms(now))
                .execute(w.conn())
                .await
                .map_err(db_err)?;
            w.commit().await?;
            return Ok(0);
        }
        // Each delete re-checks both conditions with a fresh snapshot: on PostgreSQL
        // the SELECT above may have read from before a lease committed.
        let mut doomed = Vec::with_capacity(hashes.len());
        for h in &hashes {
            let gone: Option<String> = sqlx::query_scalar(
                "DELETE FROM blobs WHERE hash = $1 AND NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_hash = $1) \
                 AND NOT EXISTS (SELECT 1 FROM blob_leases l WHERE l.hash = $1 AND l.until >= $2) RETURNING hash",
            )
            .bind(h)
            .bind(ms(now))
            .fetch_optional(w.conn())
            .await
            .map_err(db_err)?;
            doomed.extend(gone);
        }
        let hashes = doomed;
        // The rows stay locked (deleted but uncommitted) while the objects go; if a
        // deletion fails the transaction rolls back and the rows come back.
        let n = hashes.len() as u64;
        for h in &hashes {
            // Consumers drop what they derived from the blob (renditions, analysis).
            w.record(Event::new("blob.delete").target(h));
        }
        if let Err(e) = delete(hashes).await {
            // Roll back now rather than on drop, so the rows are unlocked before the
            // next collection pass looks for them.
            w.rollback().await;
            return Err(e);
        }
        w.commit().await?;
        Ok(n)
    }
}
