//! Two real `trove serve` processes sharing one fresh PostgreSQL database and one
//! S3 bucket (an S3-compatible server inside this test process, which the nodes
//! reach over loopback):
//!
//! - what one node writes, the other reads and delivers at once;
//! - conditional writes racing through both nodes are ordered: one wins, one gets `412`;
//! - maintenance runs on one node per round, and frees a stored file nobody uses
//!   while keeping one another asset still uses;
//! - a node killed with SIGKILL in the middle of uploads leaves nothing half-written:
//!   the other node serves every acknowledged upload and every listed asset whole.
//!
//! Both nodes start from `docs/examples/node.toml`; only what differs per run
//! (listen address, data directory, database, bucket, S3 credentials, bootstrap token,
//! short maintenance and trash periods) comes from `TROVE_*` environment variables.
//!
//! PostgreSQL: `postgres://postgres@127.0.0.1:5432/postgres` as the admin URL, or
//! `TROVE_TEST_POSTGRES_URL`. When it is unreachable the test fails, unless
//! `TROVE_SKIP_POSTGRES` is set, in which case it is skipped. The random seed is
//! printed; set `TROVE_MULTI_NODE_SEED=<u64>` to replay a run.

mod support;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use figment::providers::{Format, Toml};
use rand::rngs::StdRng;
use rand::{Rng, RngCore, SeedableRng};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trove_blob::testing::S3TestServer;

use support::blobs::check_blobs;
use support::http::{
    Outcome, client, download_checksum, fetch, fetch_ok, header, list_assets, s, send, to_json, upload_form,
};
use support::postgres::{Database, admin_url, skip_requested};
use support::process::{Stderr, TroveProcess, trove_command_without};
use support::{checksum, join_after_kill, seed, sha_hex};

const TOKEN: &str = "multi-node-bootstrap-token-0123456789";
const BUCKET: &str = "trove-multi-node";
const PREFIX: &str = "cluster";
const RACES: usize = 10;
const MAINTENANCE_WINDOW: Duration = Duration::from_millis(6500);
const UPLOAD_WORKERS: usize = 6;
const MIN_FILE: usize = 100 * 1024;
const MAX_FILE: usize = 3 * 1024 * 1024;

/// The example configuration every node starts from.
fn example_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/node.toml")
}

// ---------------------------------------------------------------------------------
// Nodes: real `trove serve` processes, SIGKILLed when dropped (also on panic).

/// What every node of this run shares, handed over as environment variables.
struct Cluster {
    database_url: String,
    storage_url: String,
    /// The `[s3]` table as one figment dictionary (`TROVE_S3`).
    s3: String,
    /// `public_url` from the example file: response URLs start with it.
    public_url: String,
}

struct Node {
    name: &'static str,
    process: TroveProcess,
    public_url: String,
    _data_dir: tempfile::TempDir,
}

impl Node {
    async fn start(name: &'static str, cluster: &Cluster) -> Node {
        let data_dir = tempfile::tempdir().expect("tempdir");
        let mut cmd = trove_command_without(|k| k.starts_with("AWS_") || k == "RUST_LOG");
        cmd.arg("serve")
            .arg("--config")
            .arg(example_config())
            .env("TROVE_LISTEN", "127.0.0.1:0")
            .env("TROVE_DATA_DIR", data_dir.path())
            .env("TROVE_DATABASE_URL", &cluster.database_url)
            .env("TROVE_STORAGE_URL", &cluster.storage_url)
            .env("TROVE_S3", &cluster.s3)
            .env("TROVE_BOOTSTRAP_TOKEN", TOKEN)
            .env("TROVE_MAINTENANCE_INTERVAL", "1s")
            .env("TROVE_TRASH_RETENTION", "1s");
        let process = TroveProcess::start(&format!("node {name}"), &mut cmd, Stderr::Capture).await;
        Node { name, process, public_url: cluster.public_url.clone(), _data_dir: data_dir }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.process.base)
    }

    /// A URL from a response (absolute under `public_url`, as a load balancer would
    /// receive it), sent straight to this node instead.
    fn at(&self, url: &str) -> String {
        let path = url.strip_prefix(self.public_url.as_str()).unwrap_or(url);
        assert!(path.starts_with('/'), "unexpected URL in a response: {url}");
        self.url(path)
    }

    /// Lines this node logged at ERROR level.
    fn error_lines(&self) -> Vec<String> {
        self.process.error_lines().into_iter().map(|l| format!("{}: {l}", self.name)).collect()
    }
}

// ---------------------------------------------------------------------------------
// HTTP helpers.

/// Random bytes behind a fixed prefix, so the content sniffer never mistakes a file
/// for a refused type.
fn random_file(rng: &mut StdRng, len: usize) -> Vec<u8> {
    support::random_file(rng, b"trove-multi-node\0", len)
}

async fn api(client: &reqwest::Client, method: Method, url: String, body: Option<Value>) -> (StatusCode, Value) {
    let mut req = client.request(method.clone(), &url).bearer_auth(TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {url}: {e:?}"));
    to_json(resp).await
}

async fn upload_ok(client: &reqwest::Client, node: &Node, space: &str, name: &str, data: &[u8]) -> Value {
    let url = node.url(&format!("/api/spaces/{space}/assets"));
    let form = upload_form(name, name, data.to_vec());
    let body = match send(client.post(&url).bearer_auth(TOKEN).multipart(form)).await {
        Outcome::Ok(201, body) => body,
        Outcome::Ok(status, body) => panic!("upload of {name} through {}: status {status}: {body}", node.name),
        Outcome::Status(status, body) => panic!("upload of {name} through {}: status {status}: {body}", node.name),
        Outcome::Transport(e) => panic!("upload of {name} through {}: POST {url}: {e}", node.name),
    };
    assert_eq!(body["asset"]["checksum"], checksum(data), "{body}");
    body["asset"].clone()
}

// ---------------------------------------------------------------------------------
// The bucket, seen as files in the S3 test server's directory.

/// Where the object for a blob with this SHA-256 lives in the bucket directory.
fn blob_path(s3: &S3TestServer, hash: &str) -> PathBuf {
    s3.bucket_dir().join(PREFIX).join("blobs").join(&hash[0..2]).join(&hash[2..4]).join(hash)
}

// ---------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_postgres_and_s3() {
    let seed = seed("multi_node", "TROVE_MULTI_NODE_SEED");
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();

    let db = match Database::create("trove_multi_node").await {
        Ok(db) => db,
        Err(e) if skip_requested() => {
            println!("multi_node: skipped, PostgreSQL is unreachable and TROVE_SKIP_POSTGRES is set ({e})");
            return;
        }
        Err(e) => panic!(
            "multi_node needs PostgreSQL ({}; override with TROVE_TEST_POSTGRES_URL, or set \
             TROVE_SKIP_POSTGRES to skip): {e}",
            admin_url()
        ),
    };
    let s3 = S3TestServer::start(BUCKET).await.expect("starting the S3 test server");

    // The example file must load as a configuration on its own; its public_url shapes
    // every URL in the responses, which shows the nodes really run on it.
    let file: trove::Config = figment::Figment::from(Toml::file_exact(example_config()))
        .extract()
        .expect("docs/examples/node.toml is a valid configuration");
    let public_url = file.public_url.clone().expect("the example sets public_url");
    assert!(file.storage_url.as_deref().is_some_and(|u| u.starts_with("s3://")), "{:?}", file.storage_url);
    assert!(file.database_url.as_deref().is_some_and(|u| u.starts_with("postgres")), "{:?}", file.database_url);
    let example = std::fs::read_to_string(example_config()).expect("reading docs/examples/node.toml");
    let guide = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/deployment.md"))
        .expect("docs/deployment.md");
    assert!(guide.contains(&example), "docs/deployment.md must include docs/examples/node.toml verbatim");

    let o = s3.options();
    let cluster = Cluster {
        database_url: db.url.clone(),
        storage_url: format!("{}/{PREFIX}", s3.url()),
        s3: format!(
            "{{endpoint_url=\"{}\",region=\"{}\",access_key_id=\"{}\",secret_access_key=\"{}\",allow_http=true}}",
            o.endpoint_url.unwrap_or_default(),
            o.region.unwrap_or_default(),
            o.access_key_id.unwrap_or_default(),
            o.secret_access_key.unwrap_or_default(),
        ),
        public_url: public_url.trim_end_matches('/').to_owned(),
    };

    // Both nodes start at once on the empty database: migrations and bootstrap race.
    let (mut a, b) = tokio::join!(Node::start("A", &cluster), Node::start("B", &cluster));
    println!("multi_node: nodes up in {:.1?} (A {}, B {})", started.elapsed(), a.process.base, b.process.base);
    assert_eq!(
        u8::from(a.process.bootstrapped) + u8::from(b.process.bootstrapped),
        1,
        "exactly one node creates the organization (A: {}, B: {})",
        a.process.bootstrapped,
        b.process.bootstrapped
    );
    let client = client();
    for node in [&a, &b] {
        for path in ["/healthz", "/readyz"] {
            let f = fetch(&client, &node.url(path), None).await.unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(f.status, StatusCode::OK, "{path} on {}: {}", node.name, String::from_utf8_lossy(&f.body));
        }
    }

    let (status, body) = api(&client, Method::POST, a.url("/api/spaces"), Some(json!({"title": "multi node"}))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let space = s(&body["space"], "uid");

    cross_node_visibility(&client, &a, &b, &space, &mut rng).await;
    let phase = Instant::now();
    conflicting_edits(&client, &a, &b, &space, &mut rng).await;
    println!("multi_node: {RACES} races in {:.1?}", phase.elapsed());
    maintenance_once_per_round(&client, &a, &b, &space, &s3, &mut rng).await;
    sigkill_during_uploads(&client, &mut a, &b, &space, &s3, &mut rng).await;

    let errors: Vec<String> = a.error_lines().into_iter().chain(b.error_lines()).collect();
    assert!(errors.is_empty(), "the nodes logged errors:\n{}", errors.join("\n"));
    println!("multi_node: done in {:.1?} (seed {seed})", started.elapsed());
}

/// (a) An upload through A is at once readable and deliverable through B, and a
/// replacement through B is served at once by A's permanent URL.
async fn cross_node_visibility(client: &reqwest::Client, a: &Node, b: &Node, space: &str, rng: &mut StdRng) {
    let first = random_file(rng, 300_000);
    let asset = upload_ok(client, a, space, "shared.bin", &first).await;
    let uid = s(&asset, "uid");
    let (file_url, permanent_url) = (s(&asset, "url"), s(&asset, "permanent_url"));
    assert!(
        file_url.starts_with(&format!("{}/v3/assets/", a.public_url)),
        "public_url from docs/examples/node.toml is not in effect: {asset}"
    );

    let (status, seen) = api(client, Method::GET, b.url(&format!("/api/spaces/{space}/assets/{uid}")), None).await;
    assert_eq!(status, StatusCode::OK, "B reads the asset A just created: {seen}");
    let seen = &seen["asset"];
    for field in ["version", "checksum", "file_size", "url", "permanent_url", "title"] {
        assert_eq!(seen[field], asset[field], "B's view of {field}");
    }

    let perm = fetch_ok(client, &b.at(&permanent_url)).await;
    assert!(perm.body == first, "B's permanent URL serves {} bytes, not the uploaded ones", perm.body.len());
    let old_etag = header(&perm.headers, "etag");
    assert!(!old_etag.is_empty(), "the permanent URL carries an ETag");
    let file = fetch_ok(client, &b.at(&file_url)).await;
    assert!(file.body == first, "B's file URL serves {} bytes, not the uploaded ones", file.body.len());

    let len = first.len();
    let part = fetch(client, &b.at(&permanent_url), Some("bytes=1000-1999")).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&part.headers, "content-range"), format!("bytes 1000-1999/{len}"));
    assert!(part.body == first[1000..2000], "a range through B serves the wrong bytes");
    let tail = fetch(client, &b.at(&file_url), Some(&format!("bytes={}-", len - 777))).await.expect("range");
    assert_eq!(tail.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(header(&tail.headers, "content-range"), format!("bytes {}-{}/{len}", len - 777, len - 1));
    assert!(tail.body == first[len - 777..], "an open-ended range through B serves the wrong bytes");

    // Replace through B; A's permanent URL serves the new bytes at once.
    let second = random_file(rng, 200_000);
    let resp = client
        .put(b.url(&format!("/api/spaces/{space}/assets/{uid}")))
        .bearer_auth(TOKEN)
        .header("If-Match", "\"v1\"")
        .multipart(upload_form("shared-2.bin", "replaced", second.clone()))
        .send()
        .await
        .expect("replace through B");
    let (status, replaced) = to_json(resp).await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["asset"]["version"], 2, "{replaced}");
    assert_eq!(replaced["asset"]["checksum"], checksum(&second), "{replaced}");
    assert_eq!(s(&replaced["asset"], "permanent_url"), permanent_url, "the permanent URL stays");

    let now = fetch_ok(client, &a.at(&permanent_url)).await;
    assert!(now.body == second, "A's permanent URL still serves {} old bytes after B's replace", now.body.len());
    assert_ne!(header(&now.headers, "etag"), old_etag, "the ETag changes with the file");
    let (_, seen) = api(client, Method::GET, a.url(&format!("/api/spaces/{space}/assets/{uid}")), None).await;
    assert_eq!(seen["asset"]["version"], 2, "A sees B's new version: {seen}");
    let old = fetch_ok(client, &a.at(&file_url)).await;
    assert!(old.body == first, "the first file URL keeps serving the first bytes");
    println!("multi_node: (a) cross-node reads, delivery, ranges and replace: ok");
}

/// One conditional write: a metadata edit, or a file replacement.
async fn conditional_write(
    client: &reqwest::Client,
    node: &Node,
    space: &str,
    uid: &str,
    based_on: i64,
    title: &str,
    file: Option<Vec<u8>>,
) -> (StatusCode, Value) {
    let req = client
        .put(node.url(&format!("/api/spaces/{space}/assets/{uid}")))
        .bearer_auth(TOKEN)
        .header("If-Match", format!("\"v{based_on}\""));
    let req = match file {
        Some(data) => req.multipart(upload_form(&format!("{title}.bin"), title, data)),
        None => req.json(&json!({"title": title})),
    };
    let resp = req.send().await.unwrap_or_else(|e| panic!("PUT through {}: {e:?}", node.name));
    to_json(resp).await
}

/// (b) The same `If-Match` through A and B at once: exactly one 200 and one 412,
/// and exactly one new version per race.
async fn conflicting_edits(client: &reqwest::Client, a: &Node, b: &Node, space: &str, rng: &mut StdRng) {
    let asset = upload_ok(client, a, space, "contested.bin", &random_file(rng, 150_000)).await;
    let uid = s(&asset, "uid");
    let asset_url = |n: &Node| n.url(&format!("/api/spaces/{space}/assets/{uid}"));
    let mut winners: Vec<String> = Vec::new();
    for i in 0..RACES {
        let (_, head) = api(client, Method::GET, asset_url(a), None).await;
        let n = head["asset"]["version"].as_i64().expect("a version");
        // Odd races replace the file, even races edit the metadata.
        let files = (i % 2 == 1).then(|| (random_file(rng, 120_000), random_file(rng, 120_000)));
        let (title_a, title_b) = (format!("race-{i}-via-A"), format!("race-{i}-via-B"));
        let (ra, rb) = tokio::join!(
            conditional_write(client, a, space, &uid, n, &title_a, files.as_ref().map(|f| f.0.clone())),
            conditional_write(client, b, space, &uid, n, &title_b, files.as_ref().map(|f| f.1.clone())),
        );
        let statuses = (ra.0.as_u16(), rb.0.as_u16());
        let (winner, winner_body, loser, loser_body, winner_title, winner_file) = match statuses {
            (200, 412) => (a, &ra.1, b, &rb.1, &title_a, files.as_ref().map(|f| &f.0)),
            (412, 200) => (b, &rb.1, a, &ra.1, &title_b, files.as_ref().map(|f| &f.1)),
            _ => panic!(
                "race {i} (If-Match \"v{n}\"): A answered {} {}, B answered {} {}; expected one 200 and one 412",
                ra.0, ra.1, rb.0, rb.1
            ),
        };
        assert_eq!(loser_body["error_code"], "version_conflict", "race {i}: {}'s answer {loser_body}", loser.name);
        assert_eq!(winner_body["asset"]["version"], n + 1, "race {i}: {winner_body}");
        // The loser's node serves the winner's write at once.
        let (_, now) = api(client, Method::GET, asset_url(loser), None).await;
        assert_eq!(now["asset"]["version"], n + 1, "race {i}: {} sees {now}", loser.name);
        assert_eq!(&s(&now["asset"], "title"), winner_title, "race {i}: {now}");
        if let Some(data) = winner_file {
            let f = fetch_ok(client, &loser.at(&s(&now["asset"], "permanent_url"))).await;
            assert!(f.body == *data, "race {i}: {}'s permanent URL does not serve the winner's file", loser.name);
        }
        winners.push(format!("{}:{}", winner.name, if files.is_some() { "replace" } else { "edit" }));
    }

    let (status, versions) = api(client, Method::GET, format!("{}/versions", asset_url(b)), None).await;
    assert_eq!(status, StatusCode::OK, "{versions}");
    let list = versions["versions"].as_array().cloned().unwrap_or_default();
    let numbers: BTreeSet<i64> = list.iter().filter_map(|v| v["version"].as_i64()).collect();
    let want: BTreeSet<i64> = (1..=1 + RACES as i64).collect();
    assert_eq!(list.len(), 1 + RACES, "one version per upload and per race: {versions}");
    assert_eq!(numbers, want, "version numbers: {versions}");
    for i in 0..RACES {
        let hits = list.iter().filter(|v| s(v, "title").starts_with(&format!("race-{i}-via-"))).count();
        assert_eq!(hits, 1, "race {i} left {hits} versions: {versions}");
    }
    println!("multi_node: (b) {RACES} conflicting writes, one 200 and one 412 each; winners {winners:?}");
}

/// (c) Maintenance runs once per round across both nodes, and frees the stored file
/// of a purged asset while keeping one another asset still uses.
async fn maintenance_once_per_round(
    client: &reqwest::Client,
    a: &Node,
    b: &Node,
    space: &str,
    s3: &S3TestServer,
    rng: &mut StdRng,
) {
    const DONE: &str = "maintenance done";
    let window = Instant::now();

    let unique = random_file(rng, 64 * 1024);
    let shared = random_file(rng, 64 * 1024);
    let gone = upload_ok(client, a, space, "unique.bin", &unique).await;
    let shared_1 = upload_ok(client, a, space, "shared-1.bin", &shared).await;
    let shared_2 = upload_ok(client, b, space, "shared-2.bin", &shared).await;
    let (unique_blob, shared_blob) = (blob_path(s3, &sha_hex(&unique)), blob_path(s3, &sha_hex(&shared)));
    assert!(unique_blob.is_file(), "missing object {}", unique_blob.display());
    assert!(shared_blob.is_file(), "missing object {}", shared_blob.display());
    for asset in [&gone, &shared_1] {
        let url = a.url(&format!("/api/spaces/{space}/assets/{}", s(asset, "uid")));
        let (status, body) = api(client, Method::DELETE, url, None).await;
        assert_eq!(status, StatusCode::OK, "deleting through A: {body}");
    }

    // trash_retention and maintenance_interval are 1 s: the purge and the blob
    // collection follow within a few rounds.
    let deleted = Instant::now();
    while unique_blob.exists() {
        assert!(
            deleted.elapsed() < Duration::from_secs(10),
            "the object of a deleted asset nobody else uses is still in the bucket after {:.1?}: {}",
            deleted.elapsed(),
            unique_blob.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let freed_after = deleted.elapsed();
    // Wait until both deleted assets have left the trash, then one more round.
    loop {
        let (status, trash) = api(client, Method::GET, b.url(&format!("/api/spaces/{space}/trash")), None).await;
        assert_eq!(status, StatusCode::OK, "{trash}");
        if trash["count"] == 0 {
            break;
        }
        assert!(deleted.elapsed() < Duration::from_secs(10), "the trash is not purged after 10 s: {trash}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(shared_blob.is_file(), "the object another asset still uses was deleted: {}", shared_blob.display());
    let f = fetch_ok(client, &b.at(&s(&shared_2, "permanent_url"))).await;
    assert!(f.body == shared, "the remaining asset no longer serves its bytes");
    let (status, body) =
        api(client, Method::GET, a.url(&format!("/api/spaces/{space}/assets/{}", s(&gone, "uid"))), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the purged asset: {body}");

    let rest = MAINTENANCE_WINDOW.saturating_sub(window.elapsed());
    tokio::time::sleep(rest).await;
    let end = Instant::now();
    let elapsed = end.duration_since(window).as_secs_f64();
    let (on_a, on_b) = (a.process.lines_between(DONE, window, end), b.process.lines_between(DONE, window, end));
    let total = on_a + on_b;
    println!(
        "multi_node: (c) {total} maintenance runs in {elapsed:.1} s (A {on_a}, B {on_b}); unused object freed \
         {freed_after:.1?} after the delete, shared object kept"
    );
    assert!(
        (total as f64) <= elapsed + 2.0,
        "maintenance ran {total} times in {elapsed:.1} s with a 1 s interval (A {on_a}, B {on_b}): \
         more than one node per round"
    );
    assert!(total >= 3, "maintenance ran only {total} times in {elapsed:.1} s (A {on_a}, B {on_b})");
}

/// One upload the killed node acknowledged.
#[derive(Debug, Clone)]
struct Ack {
    uid: String,
    checksum: String,
    size: u64,
}

/// (d) SIGKILL node A while uploads stream through it; B must serve every
/// acknowledged upload and nothing half-written.
async fn sigkill_during_uploads(
    client: &reqwest::Client,
    a: &mut Node,
    b: &Node,
    space: &str,
    s3: &S3TestServer,
    rng: &mut StdRng,
) {
    let killed = Arc::new(AtomicBool::new(false));
    let acks: Arc<Mutex<Vec<Ack>>> = Arc::default();
    let problems: Arc<Mutex<Vec<String>>> = Arc::default();
    let upload_url = a.url(&format!("/api/spaces/{space}/assets"));
    let mut workers = Vec::new();
    for w in 0..UPLOAD_WORKERS {
        let (killed, acks, problems) = (killed.clone(), acks.clone(), problems.clone());
        let (client, url) = (client.clone(), upload_url.clone());
        let mut rng = StdRng::seed_from_u64(rng.next_u64());
        workers.push(tokio::spawn(async move {
            let mut interrupted = 0;
            for n in 0.. {
                let len = rng.random_range(MIN_FILE..=MAX_FILE);
                let data = random_file(&mut rng, len);
                let sum = checksum(&data);
                let name = format!("kill-w{w}-{n}.bin");
                let form = upload_form(&name, &name, data);
                match send(client.post(&url).bearer_auth(TOKEN).multipart(form)).await {
                    Outcome::Ok(201, v) => {
                        let asset = &v["asset"];
                        if asset["checksum"] != sum || asset["file_size"] != len {
                            problems.lock().unwrap().push(format!("upload {name} acknowledged as {v}"));
                        }
                        acks.lock().unwrap().push(Ack { uid: s(asset, "uid"), checksum: sum, size: len as u64 });
                    }
                    Outcome::Ok(status, v) => {
                        problems.lock().unwrap().push(format!("upload {name}: status {status}: {v}"));
                    }
                    Outcome::Status(status, text) => {
                        problems.lock().unwrap().push(format!("upload {name}: status {status}: {text}"));
                    }
                    Outcome::Transport(_) if killed.load(Ordering::SeqCst) => {
                        interrupted += 1;
                        break;
                    }
                    Outcome::Transport(e) => {
                        problems.lock().unwrap().push(format!("upload {name} while A was up: {e}"));
                        break;
                    }
                }
            }
            interrupted
        }));
    }

    // Let some uploads complete, then kill A at a random moment while others stream.
    let waiting = Instant::now();
    while acks.lock().unwrap().len() < UPLOAD_WORKERS && waiting.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(rng.random_range(0..=600))).await;
    killed.store(true, Ordering::SeqCst);
    a.process.kill().await;
    let interrupted: usize = join_after_kill(workers).await.into_iter().sum();
    let acks = std::mem::take(&mut *acks.lock().unwrap());
    let problems = std::mem::take(&mut *problems.lock().unwrap());
    assert!(problems.is_empty(), "uploads through A before the kill:\n{}", problems.join("\n"));
    assert!(!acks.is_empty(), "no upload was acknowledged before the kill");

    let mut failures: Vec<String> = Vec::new();
    let (status, _) = api(client, Method::GET, b.url("/readyz"), None).await;
    if status != StatusCode::OK {
        failures.push(format!("B is not ready after A's death: {status}"));
    }

    // Every acknowledged upload is there, through B, byte for byte.
    for ack in &acks {
        let (status, v) =
            api(client, Method::GET, b.url(&format!("/api/spaces/{space}/assets/{}", ack.uid)), None).await;
        if status != StatusCode::OK {
            failures.push(format!("acknowledged asset {} ({ack:?}): status {status}: {v}", ack.uid));
            continue;
        }
        let asset = &v["asset"];
        if s(asset, "checksum") != ack.checksum || asset["file_size"].as_u64() != Some(ack.size) {
            failures.push(format!("acknowledged asset {}: {asset}, acknowledged {ack:?}", ack.uid));
        }
        for url in [s(asset, "permanent_url"), s(asset, "url")] {
            match download_checksum(client, &b.at(&url)).await {
                Ok((sum, _)) if sum == ack.checksum => {}
                Ok((sum, len)) => failures
                    .push(format!("acknowledged asset {}: {url} through B: {len} bytes hashing to {sum}", ack.uid)),
                Err(e) => failures.push(format!("acknowledged asset {}: {e}", ack.uid)),
            }
        }
    }

    // Nothing half-written is visible: every listed asset's head file downloads whole.
    let (listed, error) = list_assets(client, TOKEN, &b.url(&format!("/api/spaces/{space}/assets"))).await;
    if let Some(e) = error {
        panic!("listing assets through {}: {e}", b.name);
    }
    let listed_uids: HashSet<String> = listed.iter().map(|v| s(v, "uid")).collect();
    for ack in &acks {
        if !listed_uids.contains(&ack.uid) {
            failures.push(format!("acknowledged asset {} is missing from B's asset list", ack.uid));
        }
    }
    for asset in &listed {
        let (uid, url, want) = (s(asset, "uid"), s(asset, "url"), s(asset, "checksum"));
        let size = asset["file_size"].as_u64();
        match download_checksum(client, &b.at(&url)).await {
            Ok((sum, len)) if sum == want && Some(len) == size => {}
            Ok((sum, len)) => failures.push(format!(
                "listed asset {uid}: {url} through B: {len} bytes hashing to {sum}; listed {size:?} bytes, {want}"
            )),
            Err(e) => failures.push(format!("listed asset {uid}: {e}")),
        }
    }

    // Every object under blobs/ is complete: its contents hash to its key. The test
    // S3 server copies objects in place (a real S3 copy is atomic), so a copy the
    // kill left running gets a moment to finish before an object counts as bad.
    let root = s3.bucket_dir().join(PREFIX).join("blobs");
    let mut checked = check_blobs(&root);
    for _ in 0..10 {
        if checked.corrupt.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        checked = check_blobs(&root);
    }
    let objects = checked.files.len();
    failures.extend(checked.corrupt.into_iter().map(|b| format!("object blobs/{b}")));

    println!(
        "multi_node: (d) SIGKILL of A: {} uploads acknowledged, {interrupted} interrupted; B lists {} assets, \
         {objects} objects under blobs/",
        acks.len(),
        listed.len()
    );
    assert!(failures.is_empty(), "after the SIGKILL of A:\n{}", failures.join("\n"));
}
