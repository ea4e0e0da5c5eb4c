//! `trove copy-data` and `trove copy-blobs`: moving a deployment between backends,
//! with progress bars on stderr.

use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use trove_app::transfer::{self, CopyOptions, Progress};
use trove_sql::SqlStore;
use trove_sql::copy::CopyProgress;

use crate::config::{Config, Overrides, parse_storage_url};

fn bar(len: u64, template: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

/// Copies every row of the `from` database into `to` and verifies the result.
pub async fn copy_data(from: &str, to: &str, resume: bool) -> anyhow::Result<()> {
    let source = SqlStore::connect(from).await.context("opening the source database")?;
    let target = SqlStore::open_or_create(to).await.context("opening the target database")?;
    let pb = bar(0, "{spinner} {msg:<24} [{bar:40}] {pos}/{len} rows ({elapsed})");
    let result = source
        .copy_into(&target, resume, &mut |p| match p {
            CopyProgress::Counted { rows } => pb.set_length(rows),
            CopyProgress::Copied { table, rows } => {
                pb.set_message(format!("copying {table}"));
                pb.inc(rows);
            }
            CopyProgress::Verified { table } => pb.set_message(format!("verified {table}")),
        })
        .await;
    pb.finish_and_clear();
    source.close().await;
    target.close().await;
    result.map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
    eprintln!("copy-data: every table copied and verified (row counts and checksums match)");
    Ok(())
}

/// Copies every blob from one storage URL to another and verifies the result. S3
/// settings come from the standard `AWS_*` variables, or the `[s3]` table of `config`.
pub async fn copy_blobs(from: &str, to: &str, config: Option<&Path>, resume: bool, verify: bool) -> anyhow::Result<()> {
    let cfg = Config::load(config, Overrides::default())?;
    let source = crate::open_blob_store(&parse_storage_url(from)?, &cfg.s3)?;
    let target = crate::open_blob_store(&parse_storage_url(to)?, &cfg.s3)?;
    let pb = bar(0, "{spinner} {msg:<10} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta})");
    pb.set_message("copying");
    let report = transfer::copy_blobs(source.as_ref(), target.as_ref(), CopyOptions { resume, verify }, &|p| match p {
        Progress::Counted { bytes, .. } => pb.set_length(bytes),
        Progress::Copied { bytes } | Progress::Verified { bytes } => pb.inc(bytes),
        Progress::Verifying => {
            pb.set_message("verifying");
            pb.set_position(0);
        }
    })
    .await;
    pb.finish_and_clear();
    let r = report.map_err(|e| anyhow::anyhow!("{}: {}", e.code, e.message))?;
    eprintln!(
        "copy-blobs: {} copied ({} bytes), {} already present, {} verified by checksum",
        r.copied, r.bytes_copied, r.already_present, r.verified
    );
    Ok(())
}
