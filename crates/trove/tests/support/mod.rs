//! Support code shared by the integration tests that drive the real `trove` binary
//! (`copy`, `crash_safety`, `multi_node`, `streaming_memory`); each includes it with
//! `mod support;`.
//!
//! - [`process`]: spawning `trove` with a clean environment, waiting for its address,
//!   killing it when dropped;
//! - [`postgres`]: a fresh PostgreSQL database per test, dropped afterwards (from
//!   `trove-testkit`, which also holds the in-process harness of the API suites);
//! - [`http`]: the HTTP client, answers as JSON, uploads and asset listings;
//! - [`blobs`]: walking stored blob directories and checking their contents;
//! - here: hashing, deterministic random bytes and replayable seeds.

// Every test binary uses only part of this module.
#![allow(dead_code)]

pub mod blobs;
pub mod http;
#[allow(unused_imports)]
pub use trove_testkit::postgres;
pub mod process;

use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// The SHA-256 of `data` as lowercase hex (the name of its blob).
pub fn sha_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The checksum the API reports for `data`: `sha256:<hex>`.
pub fn checksum(data: &[u8]) -> String {
    format!("sha256:{}", sha_hex(data))
}

/// The API checksum of everything fed to `hasher` (for bodies hashed as they stream).
pub fn checksum_of(hasher: Sha256) -> String {
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// `len` random bytes behind a fixed `prefix` (at least the prefix), so the content
/// sniffer never mistakes a file for a refused type (random bytes start with `MZ` once
/// in 65536 files).
pub fn random_file(rng: &mut StdRng, prefix: &[u8], len: usize) -> Vec<u8> {
    let mut data = vec![0u8; len.max(prefix.len())];
    rng.fill_bytes(&mut data[prefix.len()..]);
    data[..prefix.len()].copy_from_slice(prefix);
    data
}

/// Waits for the workers that were writing to a server when it was killed; each must
/// stop within 60 s of the kill.
pub async fn join_after_kill<T>(workers: Vec<tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut results = Vec::with_capacity(workers.len());
    for worker in workers {
        let result = tokio::time::timeout(Duration::from_secs(60), worker)
            .await
            .expect("a worker did not stop within 60 s of the kill")
            .expect("a worker panicked");
        results.push(result);
    }
    results
}

/// The seed of a randomized test: from the environment variable `var` to replay a run,
/// else a fresh one. Printed either way, with how to replay it.
pub fn seed(test: &str, var: &str) -> u64 {
    let seed: u64 = match std::env::var(var) {
        Ok(v) => v.parse().unwrap_or_else(|_| panic!("{var} must be a u64")),
        Err(_) => rand::rng().random(),
    };
    println!("{test}: seed {seed} (rerun with {var}={seed})");
    seed
}
