//! Periodic maintenance: purging the trash after its retention period, freeing blobs
//! nothing refers to, and sweeping staging objects a crash left behind. Runs on one
//! node at a time, claimed through the database.

use std::time::Duration;

use futures::FutureExt;
use trove_domain::Result;

use crate::ingest::blob_key;
use crate::ports::PurgeReport;
use crate::{App, now};

/// How old a staging object must be before the sweep removes it: longer than any
/// upload can take.
const STAGING_MAX_AGE: Duration = Duration::from_secs(24 * 3600);
/// Blobs freed per garbage-collection transaction.
const GC_BATCH: u32 = 100;
const JOB_NAME: &str = "maintenance";

/// What one maintenance run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaintenanceReport {
    pub purged: PurgeReport,
    pub blobs_freed: u64,
    pub staging_swept: u64,
}

impl App {
    /// Runs maintenance if no other node holds the claim for this round. Returns
    /// `None` when another node has it.
    pub async fn run_maintenance(&self, every: Duration) -> Result<Option<MaintenanceReport>> {
        let at = now();
        let hold = every.mul_f64(0.9).max(Duration::from_millis(100));
        if !self.meta.try_claim_job(JOB_NAME, &self.settings.node_id, at, at + hold).await? {
            return Ok(None);
        }
        Ok(Some(self.maintain_now().await?))
    }

    /// Gives up this node's maintenance claim (at shutdown), so the next start, or
    /// another node, runs maintenance at once instead of skipping a round for a
    /// claim nobody will use.
    pub async fn release_maintenance(&self) -> Result<()> {
        self.meta.release_job(JOB_NAME, &self.settings.node_id).await
    }

    /// Runs every maintenance step now, unconditionally.
    pub async fn maintain_now(&self) -> Result<MaintenanceReport> {
        let at = now();
        let cutoff = chrono::Duration::from_std(self.settings.trash_retention)
            .ok()
            .and_then(|r| at.checked_sub_signed(r))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
        let purged = self.meta.purge_trash(cutoff).await?;
        let blobs_freed = self.free_unreferenced_blobs().await?;
        let staging_swept = self.blobs.sweep_staging(at - STAGING_MAX_AGE).await?;
        Ok(MaintenanceReport { purged, blobs_freed, staging_swept })
    }

    /// Deletes every blob no file refers to (and no upload holds a lease on).
    pub async fn free_unreferenced_blobs(&self) -> Result<u64> {
        let mut total = 0;
        loop {
            let blobs = self.blobs.clone();
            let deleter = move |hashes: Vec<String>| {
                let blobs = blobs.clone();
                async move {
                    for h in hashes {
                        blobs.delete(&blob_key(&h)).await?;
                    }
                    Ok(())
                }
                .boxed()
            };
            let n = self.meta.collect_garbage(now(), GC_BATCH, &deleter).await?;
            total += n;
            if n < u64::from(GC_BATCH) {
                return Ok(total);
            }
        }
    }

    /// Runs maintenance every `every` until the process stops. Failures are logged
    /// and retried next round.
    pub async fn maintenance_loop(self, every: Duration) {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match self.run_maintenance(every).await {
                Ok(Some(r)) => tracing::info!(
                    purged_assets = r.purged.assets,
                    purged_folders = r.purged.folders,
                    blobs_freed = r.blobs_freed,
                    staging_swept = r.staging_swept,
                    "maintenance done"
                ),
                Ok(None) => tracing::debug!("maintenance claimed by another node"),
                Err(e) => tracing::warn!(error = %e, "maintenance failed; retrying next round"),
            }
        }
    }
}
