//! Blob references: upload leases and garbage collection of unreferenced blobs.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;
use trove_app::ports::{BlobDeleter, BlobRefRepo};
use trove_domain::Result;
use trove_domain::model::Timestamp;

use crate::rows::ms;
use crate::{SqlStore, db_err};

#[async_trait]
impl BlobRefRepo for SqlStore {
    async fn lease_blob(&self, hash: &str, size: u64, lease_until: Timestamp) -> Result<()> {
        // On PostgreSQL this upsert waits on the row lock a running collection holds,
        // so a lease never lands between "collector decided" and "object deleted".
        sqlx::query(
            "INSERT INTO blobs (hash, size, created_at, lease_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (hash) DO UPDATE SET lease_until = CASE \
               WHEN blobs.lease_until IS NULL OR blobs.lease_until < excluded.lease_until THEN excluded.lease_until \
               ELSE blobs.lease_until END",
        )
        .bind(hash)
        .bind(i64::try_from(size).unwrap_or(i64::MAX))
        .bind(ms(chrono::Utc::now()))
        .bind(ms(lease_until))
        .execute(&self.write)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    async fn collect_garbage(&self, now: Timestamp, limit: u32, delete: BlobDeleter<'_>) -> Result<u64> {
        let mut tx = self.write.begin().await.map_err(db_err)?;
        let lock = self.dialect.lock_rows_skip_locked();
        let hashes: Vec<String> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT hash FROM blobs b WHERE (b.lease_until IS NULL OR b.lease_until < $1) \
             AND NOT EXISTS (SELECT 1 FROM files f WHERE f.blob_hash = b.hash) ORDER BY hash LIMIT $2{lock}"
        )))
        .bind(ms(now))
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        if hashes.is_empty() {
            return Ok(0);
        }
        for h in &hashes {
            sqlx::query("DELETE FROM blobs WHERE hash = $1").bind(h).execute(&mut *tx).await.map_err(db_err)?;
        }
        // The rows stay locked (deleted but uncommitted) while the objects go; if a
        // deletion fails the transaction rolls back and the rows come back.
        let n = hashes.len() as u64;
        if let Err(e) = delete(hashes).await {
            // Roll back now rather than on drop, so the rows are unlocked before the
            // next collection pass looks for them.
            let _ = tx.rollback().await;
            return Err(e);
        }
        tx.commit().await.map_err(db_err)?;
        Ok(n)
    }
}
