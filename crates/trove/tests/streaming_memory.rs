//! Streaming of the real `trove` binary: a 512 MiB upload, generated on the fly and
//! never held in memory by the test, must not grow the server's resident memory
//! beyond a fixed bound; the download (whole and ranged) must return the exact bytes.
//!
//! Linux only (it reads `/proc/<pid>/status`); elsewhere it prints a note and passes.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

use support::checksum_of;
use support::http::{client_with_timeout, stream_checksum};
use support::process::serve;

const TOKEN: &str = "streaming-memory-bootstrap-token-0123456789";
const CHUNK: usize = 1024 * 1024;
const CHUNKS: u64 = 512;
const SIZE: u64 = CHUNKS * CHUNK as u64;
/// The server's resident memory must stay under this while it takes the upload.
const RSS_LIMIT_KIB: u64 = 200 * 1024;
const SEED: u64 = 0x7472_6f76_655f_6d65;

/// Chunk `i` of the test file: 1 MiB of pseudo-random bytes, reproducible on demand.
fn chunk(i: u64) -> Vec<u8> {
    let mut data = vec![0u8; CHUNK];
    StdRng::seed_from_u64(SEED.wrapping_add(i)).fill_bytes(&mut data);
    data
}

/// Bytes `start..=end` of the test file, regenerated from the chunks that hold them.
fn expected_range(start: u64, end: u64) -> Vec<u8> {
    let mut out = Vec::new();
    for i in start / CHUNK as u64..=end / CHUNK as u64 {
        let c = chunk(i);
        let base = i * CHUNK as u64;
        let from = start.max(base) - base;
        let to = end.min(base + CHUNK as u64 - 1) - base;
        out.extend_from_slice(&c[from as usize..=to as usize]);
    }
    out
}

/// A `/proc/<pid>/status` field in KiB (`VmRSS`, `VmHWM`).
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field) && l[field.len()..].starts_with(':'))?;
    line[field.len() + 1..].trim().trim_end_matches("kB").trim().parse().ok()
}

/// Samples the server's VmRSS every 50 ms until `stop`; returns the maximum seen.
fn sample_rss(pid: u32, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<(u64, usize)> {
    tokio::spawn(async move {
        let mut max = 0;
        let mut samples = 0;
        while !stop.load(Ordering::SeqCst) {
            if let Some(rss) = status_kib(pid, "VmRSS") {
                max = max.max(rss);
                samples += 1;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (max, samples)
    })
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn large_upload_streams_in_bounded_memory() {
    if !cfg!(target_os = "linux") {
        println!("streaming_memory: skipped (needs Linux /proc to measure the server's memory)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let server = serve(&dir.path().join("data"), TOKEN).await;
    let pid = server.pid();
    let client = client_with_timeout(Duration::from_secs(600));
    let resp = client
        .post(format!("{}/api/spaces", server.base))
        .bearer_auth(TOKEN)
        .json(&serde_json::json!({ "title": "streaming" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 201, "creating the space");
    let space = resp.json::<Value>().await.unwrap()["space"]["uid"].as_str().unwrap().to_owned();
    let idle_kib = status_kib(pid, "VmRSS").expect("reading the server's VmRSS");
    println!("streaming_memory: server pid {pid}, idle RSS {:.1} MiB", mib(idle_kib));

    // Upload: the body is generated chunk by chunk and hashed as it goes out.
    let sent_hash = Arc::new(Mutex::new(Sha256::new()));
    let hasher = sent_hash.clone();
    let body = futures::stream::iter(0..CHUNKS).map(move |i| {
        let data = chunk(i);
        hasher.lock().unwrap().update(&data);
        Ok::<_, std::io::Error>(Bytes::from(data))
    });
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(body), SIZE)
        .file_name("big.bin")
        .mime_str("application/octet-stream")
        .unwrap();
    let form = Form::new().text("title", "512 MiB of noise").part("file", part);
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_rss(pid, stop.clone());
    let started = Instant::now();
    let resp = client
        .post(format!("{}/api/spaces/{space}/assets", server.base))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .expect("uploading");
    let status = resp.status().as_u16();
    let text = resp.text().await.expect("reading the upload answer");
    let upload_time = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let (upload_peak_kib, samples) = sampler.await.unwrap();
    let hwm_kib = status_kib(pid, "VmHWM").expect("reading the server's VmHWM");
    assert_eq!(status, 201, "upload answered {status}: {text}");
    let asset: Value = serde_json::from_str::<Value>(&text).unwrap()["asset"].clone();
    let client_hash = checksum_of(sent_hash.lock().unwrap().clone());
    println!(
        "streaming_memory: uploaded {} MiB in {upload_time:.1?} ({:.0} MiB/s); server peak VmRSS {:.1} MiB over \
         {samples} samples, VmHWM {:.1} MiB (limit {} MiB)",
        SIZE >> 20,
        (SIZE >> 20) as f64 / upload_time.as_secs_f64(),
        mib(upload_peak_kib),
        mib(hwm_kib),
        RSS_LIMIT_KIB / 1024
    );
    assert!(samples > 0, "no RSS sample was taken");
    assert!(
        upload_peak_kib.max(hwm_kib) < RSS_LIMIT_KIB,
        "the server's resident memory reached {:.1} MiB (VmRSS samples max {:.1} MiB, VmHWM {:.1} MiB) during a \
         {} MiB upload; the limit is {} MiB",
        mib(upload_peak_kib.max(hwm_kib)),
        mib(upload_peak_kib),
        mib(hwm_kib),
        SIZE >> 20,
        RSS_LIMIT_KIB / 1024
    );
    assert_eq!(asset["file_size"].as_u64(), Some(SIZE), "file_size in {asset}");
    assert_eq!(asset["checksum"].as_str(), Some(client_hash.as_str()), "checksum in the upload answer");

    // Download through the permanent URL, streaming and hashing.
    let permanent = format!("{}{}", server.base, asset["permanent_url"].as_str().unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = sample_rss(pid, stop.clone());
    let started = Instant::now();
    let resp = client.get(&permanent).send().await.expect("downloading");
    assert_eq!(resp.status().as_u16(), 200, "GET {permanent}");
    assert_eq!(resp.content_length(), Some(SIZE), "Content-Length of {permanent}");
    let (downloaded_hash, received) =
        stream_checksum(resp).await.unwrap_or_else(|(len, e)| panic!("download body after {len} bytes: {e:?}"));
    let download_time = started.elapsed();
    stop.store(true, Ordering::SeqCst);
    let (download_peak_kib, _) = sampler.await.unwrap();
    println!(
        "streaming_memory: downloaded {} MiB in {download_time:.1?}; server peak VmRSS while serving {:.1} MiB",
        received >> 20,
        mib(download_peak_kib)
    );
    assert_eq!(received, SIZE, "bytes received from the permanent URL");
    assert_eq!(downloaded_hash, client_hash, "downloaded bytes differ");
    assert!(
        download_peak_kib < RSS_LIMIT_KIB,
        "the server's resident memory reached {:.1} MiB while serving the download",
        mib(download_peak_kib)
    );

    // A range near the end.
    let (start, end) = (536_870_000u64, 536_870_911u64);
    let resp = client.get(&permanent).header("Range", format!("bytes={start}-{end}")).send().await.unwrap();
    assert_eq!(resp.status().as_u16(), 206, "ranged GET");
    let content_range = resp.headers().get("content-range").and_then(|v| v.to_str().ok()).map(str::to_owned);
    assert_eq!(content_range.as_deref(), Some(format!("bytes {start}-{end}/{SIZE}").as_str()), "Content-Range");
    let got = resp.bytes().await.unwrap();
    let want = expected_range(start, end);
    assert_eq!(got.len(), want.len(), "ranged body length");
    assert!(got[..] == want[..], "the ranged body differs from bytes {start}-{end} of the upload");
    println!("streaming_memory: range {start}-{end} OK ({} bytes)", got.len());
}
