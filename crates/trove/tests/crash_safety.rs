//! Crash safety of the real `trove` binary: concurrent uploads, metadata edits and
//! file replacements are interrupted by SIGKILL at a random moment, the server is
//! restarted on the same data directory, and everything the server acknowledged
//! must still be there, byte for byte, while nothing half-written may be visible.
//!
//! The random seed is printed; set `TROVE_CRASH_SEED=<u64>` to replay a run.

mod support;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use reqwest::multipart::Form;
use serde_json::{Value, json};

use support::http::{Outcome, client, download_checksum, get_json, list_assets, s, send, upload_form};
use support::process::{TroveProcess, serve};
use support::{checksum, join_after_kill, seed};

const TOKEN: &str = "crash-safety-bootstrap-token-0123456789";
const ROUNDS: usize = 6;
const WORKERS: usize = 6;
const MIN_FILE: usize = 1024;
const MAX_FILE: usize = 2 * 1024 * 1024;

/// One write the server acknowledged with a 2xx, and what it acknowledged.
#[derive(Debug, Clone)]
struct Ack {
    round: usize,
    op: &'static str,
    uid: String,
    version: i64,
    title: String,
    /// `sha256:<hex>`, computed client-side.
    checksum: String,
    size: u64,
    /// The acknowledged version's file URL (relative to the server base).
    url: String,
}

/// An asset a worker owns (only its owner writes to it, so `If-Match` is exact).
#[derive(Debug, Clone)]
struct Owned {
    uid: String,
    version: i64,
    checksum: String,
    size: u64,
}

#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    uploads: usize,
    edits: usize,
    replaces: usize,
    interrupted: usize,
}

struct Ctx {
    client: reqwest::Client,
    base: String,
    space: String,
    round: usize,
    /// Set just before the SIGKILL: transport errors after it are expected.
    killed: AtomicBool,
    acks: Mutex<Vec<Ack>>,
    problems: Mutex<Vec<String>>,
}

impl Ctx {
    fn problem(&self, msg: String) {
        eprintln!("PROBLEM: {msg}");
        self.problems.lock().unwrap().push(msg);
    }
}

/// Random bytes behind a fixed prefix, so the content sniffer never mistakes a file
/// for a refused type.
fn random_file(rng: &mut StdRng) -> Vec<u8> {
    let len = rng.random_range(MIN_FILE..=MAX_FILE);
    support::random_file(rng, b"trove-crash-test\0", len)
}

/// A random file as the upload form of `tag`, titled `title`; with its checksum and size.
fn random_upload(rng: &mut StdRng, tag: &str, title: &str) -> (Form, String, u64) {
    let data = random_file(rng);
    let (checksum, size) = (checksum(&data), data.len() as u64);
    (upload_form(&format!("{tag}.bin"), title, data), checksum, size)
}

/// Checks a write response against what the client sent and records the ack.
/// Returns the new owned state when the response is consistent.
#[allow(clippy::too_many_arguments)]
fn acknowledge(
    ctx: &Ctx,
    op: &'static str,
    status: u16,
    want_status: u16,
    asset: &Value,
    want_version: i64,
    title: &str,
    checksum: &str,
    size: u64,
) -> Option<Owned> {
    let uid = s(asset, "uid");
    let version = asset["version"].as_i64().unwrap_or(-1);
    let got = (status, version, s(asset, "title"), s(asset, "checksum"), asset["file_size"].as_u64());
    let want = (want_status, want_version, title.to_owned(), checksum.to_owned(), Some(size));
    if uid.is_empty() || got != want {
        ctx.problem(format!(
            "round {}: {op} of {uid:?} answered (status, version, title, checksum, size) = {got:?}, expected {want:?}",
            ctx.round
        ));
        return None;
    }
    ctx.acks.lock().unwrap().push(Ack {
        round: ctx.round,
        op,
        uid: uid.clone(),
        version,
        title: title.to_owned(),
        checksum: checksum.to_owned(),
        size,
        url: s(asset, "url"),
    });
    Some(Owned { uid, version, checksum: checksum.to_owned(), size })
}

/// Handles a failed request. Returns `true` when the worker must stop.
fn failed(ctx: &Ctx, what: &str, outcome: Outcome, stats: &mut Stats) -> bool {
    match outcome {
        Outcome::Transport(e) => {
            if ctx.killed.load(Ordering::SeqCst) {
                stats.interrupted += 1;
            } else {
                ctx.problem(format!("round {}: {what}: transport error while the server was up: {e}", ctx.round));
            }
            true
        }
        Outcome::Status(code, body) => {
            ctx.problem(format!("round {}: {what}: unexpected status {code}: {body}", ctx.round));
            false
        }
        Outcome::Ok(..) => false,
    }
}

/// Re-reads an owned asset's head after an unexpected answer.
async fn resync(ctx: &Ctx, owned: &mut Owned) {
    let url = format!("{}/api/spaces/{}/assets/{}", ctx.base, ctx.space, owned.uid);
    if let Outcome::Ok(_, v) = send(ctx.client.get(url).bearer_auth(TOKEN)).await {
        let a = &v["asset"];
        owned.version = a["version"].as_i64().unwrap_or(owned.version);
        owned.checksum = s(a, "checksum");
        owned.size = a["file_size"].as_u64().unwrap_or(owned.size);
    }
}

async fn worker(ctx: Arc<Ctx>, w: usize, mut owned: Vec<Owned>, mut rng: StdRng) -> (Vec<Owned>, Stats) {
    let mut stats = Stats::default();
    let assets_url = format!("{}/api/spaces/{}/assets", ctx.base, ctx.space);
    for counter in 0.. {
        let tag = format!("r{}-w{w}-c{counter}", ctx.round);
        let dice: f64 = rng.random();
        if owned.is_empty() || dice < 0.4 {
            let title = format!("{tag}-upload");
            let (form, checksum, size) = random_upload(&mut rng, &tag, &title);
            match send(ctx.client.post(&assets_url).bearer_auth(TOKEN).multipart(form)).await {
                Outcome::Ok(st, v) => {
                    if let Some(o) = acknowledge(&ctx, "upload", st, 201, &v["asset"], 1, &title, &checksum, size) {
                        owned.push(o);
                        stats.uploads += 1;
                    }
                }
                other => {
                    if failed(&ctx, &format!("upload {tag}"), other, &mut stats) {
                        break;
                    }
                }
            }
        } else {
            let i = rng.random_range(0..owned.len());
            let o = owned[i].clone();
            let url = format!("{assets_url}/{}", o.uid);
            let if_match = format!("\"v{}\"", o.version);
            let (op, req, title, checksum, size) = if dice < 0.75 {
                let title = format!("{tag}-edit");
                let req = ctx.client.put(&url).bearer_auth(TOKEN).header("If-Match", &if_match);
                ("edit", req.json(&json!({ "title": title })), title, o.checksum.clone(), o.size)
            } else {
                let title = format!("{tag}-replace");
                let (form, checksum, size) = random_upload(&mut rng, &tag, &title);
                let req = ctx.client.put(&url).bearer_auth(TOKEN).header("If-Match", &if_match);
                ("replace", req.multipart(form), title, checksum, size)
            };
            match send(req).await {
                Outcome::Ok(st, v) => {
                    match acknowledge(&ctx, op, st, 200, &v["asset"], o.version + 1, &title, &checksum, size) {
                        Some(new) => {
                            owned[i] = new;
                            if op == "edit" {
                                stats.edits += 1;
                            } else {
                                stats.replaces += 1;
                            }
                        }
                        None => resync(&ctx, &mut owned[i]).await,
                    }
                }
                other => {
                    if failed(&ctx, &format!("{op} {} ({tag}, If-Match {if_match})", o.uid), other, &mut stats) {
                        break;
                    }
                    resync(&ctx, &mut owned[i]).await;
                }
            }
        }
    }
    (owned, stats)
}

/// Downloads `url` (relative to `base`), hashing as it streams.
async fn fetch(client: &reqwest::Client, base: &str, url: &str) -> Result<(String, u64), String> {
    let full = if url.starts_with("http") { url.to_owned() } else { format!("{base}{url}") };
    download_checksum(client, &full).await
}

/// What verification learned about the heads of the assets (to resume writing).
type Heads = HashMap<String, Owned>;

/// Verifies everything acknowledged so far, and that nothing half-written is visible.
async fn verify(
    server: &TroveProcess,
    space: &str,
    data_dir: &Path,
    acks: &[Ack],
    failures: &mut Vec<String>,
) -> Heads {
    let client = client();
    let base = &server.base;
    let assets_url = format!("{base}/api/spaces/{space}/assets");
    let mut heads = Heads::new();
    // Every file URL checked in this pass, with the checksum it served.
    let mut served: HashMap<String, Result<(String, u64), String>> = HashMap::new();
    let mut check_file = async |url: &str, checksum: &str, size: u64, what: &str, failures: &mut Vec<String>| {
        if !served.contains_key(url) {
            served.insert(url.to_owned(), fetch(&client, base, url).await);
        }
        match &served[url] {
            Ok((got, len)) if got == checksum && *len == size => {}
            Ok((got, len)) => failures
                .push(format!("{what}: {url} served {len} bytes with {got}, expected {size} bytes with {checksum}")),
            Err(e) => failures.push(format!("{what}: {e}")),
        }
    };

    // 1. Every acknowledged write survived.
    let mut by_asset: BTreeMap<&str, Vec<&Ack>> = BTreeMap::new();
    for a in acks {
        by_asset.entry(&a.uid).or_default().push(a);
    }
    for (uid, acked) in &by_asset {
        let versions = match get_json(&client, TOKEN, &format!("{assets_url}/{uid}/versions")).await {
            Ok(v) => v,
            Err(e) => {
                failures.push(format!("acknowledged asset {uid} (first acked by {:?}): {e}", acked[0]));
                continue;
            }
        };
        let list: HashMap<i64, &Value> = versions["versions"]
            .as_array()
            .map(|vs| vs.iter().map(|v| (v["version"].as_i64().unwrap_or(-1), v)).collect())
            .unwrap_or_default();
        for a in acked {
            let Some(v) = list.get(&a.version) else {
                failures.push(format!("asset {uid}: acknowledged version {} is missing; ack: {a:?}", a.version));
                continue;
            };
            let got = (s(v, "title"), s(v, "checksum"), v["file_size"].as_u64(), s(v, "url"));
            let want = (a.title.clone(), a.checksum.clone(), Some(a.size), a.url.clone());
            if got != want {
                failures.push(format!(
                    "asset {uid} v{}: (title, checksum, size, url) = {got:?}, acknowledged {want:?} ({} in round {})",
                    a.version, a.op, a.round
                ));
            }
            check_file(&a.url, &a.checksum, a.size, &format!("asset {uid} acknowledged v{}", a.version), failures)
                .await;
        }
        let asset = match get_json(&client, TOKEN, &format!("{assets_url}/{uid}")).await {
            Ok(v) => v["asset"].clone(),
            Err(e) => {
                failures.push(format!("acknowledged asset {uid}: {e}"));
                continue;
            }
        };
        let head = asset["version"].as_i64().unwrap_or(-1);
        let max_acked = acked.iter().map(|a| a.version).max().unwrap_or(0);
        let max_listed = list.keys().copied().max().unwrap_or(-1);
        if head < max_acked || head != max_listed {
            failures.push(format!(
                "asset {uid}: head version {head}, highest listed {max_listed}, highest acknowledged {max_acked}"
            ));
        }
        let checksum = s(&asset, "checksum");
        let size = asset["file_size"].as_u64().unwrap_or(0);
        match fetch(&client, base, &s(&asset, "permanent_url")).await {
            Ok((got, len)) if got == checksum && len == size => {}
            Ok((got, len)) => failures.push(format!(
                "asset {uid}: permanent URL served {len} bytes with {got}, head v{head} has {size} bytes with {checksum}"
            )),
            Err(e) => failures.push(format!("asset {uid} permanent URL: {e}")),
        }
        heads.insert(uid.to_string(), Owned { uid: uid.to_string(), version: head, checksum, size });
    }

    // 2. Nothing half-written is visible: every listed asset, every version, downloads whole.
    let (listed, error) = list_assets(&client, TOKEN, &assets_url).await;
    if let Some(e) = error {
        failures.push(format!("listing assets: {e}"));
    }
    let listed_uids: HashSet<String> = listed.iter().map(|a| s(a, "uid")).collect();
    for uid in by_asset.keys() {
        if !listed_uids.contains(*uid) {
            failures.push(format!("acknowledged asset {uid} is missing from the asset list"));
        }
    }
    for a in &listed {
        let uid = s(a, "uid");
        let size = a["file_size"].as_u64().unwrap_or(u64::MAX);
        check_file(&s(a, "url"), &s(a, "checksum"), size, &format!("listed asset {uid} head"), failures).await;
        match get_json(&client, TOKEN, &format!("{assets_url}/{uid}/versions")).await {
            Ok(vs) => {
                for v in vs["versions"].as_array().cloned().unwrap_or_default() {
                    let what = format!("listed asset {uid} v{}", v["version"]);
                    let size = v["file_size"].as_u64().unwrap_or(u64::MAX);
                    check_file(&s(&v, "url"), &s(&v, "checksum"), size, &what, failures).await;
                }
            }
            Err(e) => failures.push(format!("listed asset {uid}: {e}")),
        }
    }

    // 3. Every blob on disk is complete: its name is the SHA-256 of its contents.
    let objects = data_dir.join("blobs").join("objects");
    let blob_failures = tokio::task::spawn_blocking(move || check_blobs(&objects)).await.unwrap();
    let blobs = blob_failures.0;
    failures.extend(blob_failures.1);
    println!(
        "  verified {} acknowledged writes on {} assets; {} listed assets, {} distinct files served, {blobs} blobs on disk",
        acks.len(),
        by_asset.len(),
        listed.len(),
        served.len()
    );
    heads
}

/// Walks the objects directory; returns the blob count and the failures.
fn check_blobs(objects: &Path) -> (usize, Vec<String>) {
    let check = support::blobs::check_blobs(objects);
    let mut failures = check.unreadable;
    for path in &check.files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let rel = path.strip_prefix(objects).unwrap_or(path).to_string_lossy().into_owned();
        let expected_rel = format!("blobs/{}/{}/{name}", name.get(0..2).unwrap_or("?"), name.get(2..4).unwrap_or("?"));
        if rel != expected_rel {
            failures.push(format!("blob file at unexpected path {rel}"));
        }
    }
    failures.extend(check.corrupt.into_iter().map(|c| format!("blob {c}")));
    (check.files.len(), failures)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill() {
    let seed = seed("crash_safety", "TROVE_CRASH_SEED");
    let started = Instant::now();
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");

    let mut server = serve(&data_dir, TOKEN).await;
    let space = match send(client().post(format!("{}/api/spaces", server.base)).bearer_auth(TOKEN).json(&json!({
        "title": "crash safety"
    })))
    .await
    {
        Outcome::Ok(201, v) => s(&v["space"], "uid"),
        Outcome::Ok(code, v) => panic!("creating the space: status {code}: {v}"),
        Outcome::Status(code, body) => panic!("creating the space: status {code}: {body}"),
        Outcome::Transport(e) => panic!("creating the space: {e}"),
    };

    let mut all_acks: Vec<Ack> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    let mut owned: Vec<Vec<Owned>> = vec![Vec::new(); WORKERS];
    for round in 1..=ROUNDS {
        let ctx = Arc::new(Ctx {
            client: client(),
            base: server.base.clone(),
            space: space.clone(),
            round,
            killed: AtomicBool::new(false),
            acks: Mutex::new(Vec::new()),
            problems: Mutex::new(Vec::new()),
        });
        let handles: Vec<_> = owned
            .drain(..)
            .enumerate()
            .map(|(w, mine)| tokio::spawn(worker(ctx.clone(), w, mine, StdRng::seed_from_u64(rng.next_u64()))))
            .collect();
        let delay = Duration::from_millis(rng.random_range(100..=1500));
        tokio::time::sleep(delay).await;
        let pid = server.pid();
        ctx.killed.store(true, Ordering::SeqCst);
        server.kill().await;
        let mut totals = Stats::default();
        for (mine, st) in join_after_kill(handles).await {
            owned.push(mine);
            totals.uploads += st.uploads;
            totals.edits += st.edits;
            totals.replaces += st.replaces;
            totals.interrupted += st.interrupted;
        }
        let round_acks = std::mem::take(&mut *ctx.acks.lock().unwrap());
        problems.extend(std::mem::take(&mut *ctx.problems.lock().unwrap()));
        println!(
            "round {round}: SIGKILL pid {pid} after {delay:?}: acknowledged {} uploads, {} edits, {} replaces; \
             {} requests interrupted",
            totals.uploads, totals.edits, totals.replaces, totals.interrupted
        );
        all_acks.extend(round_acks);

        server = serve(&data_dir, TOKEN).await;
        let mut round_failures = Vec::new();
        let heads = verify(&server, &space, &data_dir, &all_acks, &mut round_failures).await;
        for f in &round_failures {
            eprintln!("FAILURE after round {round}: {f}");
        }
        failures.extend(round_failures.into_iter().map(|f| format!("after round {round}: {f}")));
        // Resume from what the server really holds: a write whose answer the kill
        // swallowed may have been committed anyway.
        for mine in &mut owned {
            for o in mine.iter_mut() {
                if let Some(h) = heads.get(&o.uid) {
                    *o = h.clone();
                }
            }
        }
    }
    println!("crash_safety: {ROUNDS} rounds in {:.1?} (seed {seed})", started.elapsed());
    assert!(
        problems.is_empty() && failures.is_empty(),
        "seed {seed}: {} problems while writing, {} verification failures:\n{}\n{}",
        problems.len(),
        failures.len(),
        problems.iter().take(30).cloned().collect::<Vec<_>>().join("\n"),
        failures.iter().take(50).cloned().collect::<Vec<_>>().join("\n"),
    );
    assert!(!all_acks.is_empty(), "seed {seed}: no write was acknowledged at all");
}
