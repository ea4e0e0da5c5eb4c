//! Moving a deployment: a populated SQLite + filesystem deployment is copied to
//! PostgreSQL + S3 with `trove copy-data` and `trove copy-blobs`, and back again; each
//! copy then answers the API identically, byte for byte.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use tokio::sync::watch;
use trove::{Config, Server};
use trove_blob::testing::S3TestServer;

use support::blobs::files_under;
use support::http::fetch;
use support::postgres::{Database, skip_requested};
use support::process::trove_command;

const TOKEN: &str = "trove_copy_test_token_0123456789";

struct Running {
    base: String,
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

async fn start(config: Config) -> Running {
    let server = Server::bind(config).await.expect("server starts");
    let base = format!("http://{}", server.addr);
    let (stop, rx) = watch::channel(false);
    let handle = tokio::spawn(async move { server.run(rx).await.expect("runs") });
    Running { base, stop, handle }
}

impl Running {
    async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// The body of an unauthenticated `GET`, whatever its status.
async fn get_bytes(url: String) -> Vec<u8> {
    fetch(&client(), &url, None).await.unwrap().body
}

async fn call(method: reqwest::Method, url: String, body: Option<Value>) -> Value {
    let mut req = client().request(method, url).bearer_auth(TOKEN);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    resp.json().await.unwrap()
}

async fn upload(base: &str, space: &str, name: &str, bytes: Vec<u8>, folder: Option<&str>) -> Value {
    upload_in(base, space, "main", name, bytes, folder).await
}

async fn upload_in(base: &str, space: &str, ws: &str, name: &str, bytes: Vec<u8>, folder: Option<&str>) -> Value {
    let mut form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    if let Some(f) = folder {
        form = form.text("parent_uid", f.to_owned());
    }
    let resp = client()
        .post(format!("{base}/api/spaces/{space}/assets?workspace={ws}"))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 201);
    resp.json::<Value>().await.unwrap()["asset"].clone()
}

/// Everything a client can read about the deployment, plus every file's bytes.
async fn snapshot(base: &str) -> (Value, Vec<Vec<u8>>) {
    use reqwest::Method;
    let spaces = call(Method::GET, format!("{base}/api/spaces"), None).await;
    let mut out = vec![spaces.clone()];
    let mut bytes = Vec::new();
    out.push(call(Method::GET, format!("{base}/api/languages"), None).await);
    for s in spaces["spaces"].as_array().unwrap() {
        let sp = s["uid"].as_str().unwrap();
        let workspaces = call(Method::GET, format!("{base}/api/spaces/{sp}/workspaces"), None).await;
        out.push(workspaces.clone());
        for w in workspaces["workspaces"].as_array().unwrap() {
            let ws = w["uid"].as_str().unwrap();
            let q = format!("workspace={ws}");
            if ws != "main" {
                out.push(call(Method::GET, format!("{base}/api/spaces/{sp}/workspaces/{ws}/compare"), None).await);
            }
            out.push(call(Method::GET, format!("{base}/api/spaces/{sp}/folders?{q}"), None).await);
            out.push(call(Method::GET, format!("{base}/api/spaces/{sp}/trash?{q}"), None).await);
            let assets = call(Method::GET, format!("{base}/api/spaces/{sp}/assets?{q}"), None).await;
            out.push(assets.clone());
            for a in assets["assets"].as_array().unwrap() {
                let uid = a["uid"].as_str().unwrap();
                let versions =
                    call(Method::GET, format!("{base}/api/spaces/{sp}/assets/{uid}/versions?{q}"), None).await;
                for v in versions["versions"].as_array().unwrap() {
                    bytes.push(get_bytes(format!("{base}{}", v["url"].as_str().unwrap())).await);
                }
                out.push(versions);
                bytes.push(get_bytes(format!("{base}{}", a["permanent_url"].as_str().unwrap())).await);
            }
        }
    }
    (Value::Array(out), bytes)
}

async fn trove(args: &[&str], s3: &S3TestServer) -> Output {
    let o = s3.options();
    trove_command()
        .args(args)
        .env("AWS_ENDPOINT_URL", o.endpoint_url.unwrap())
        .env("AWS_REGION", o.region.unwrap())
        .env("AWS_ACCESS_KEY_ID", o.access_key_id.unwrap())
        .env("AWS_SECRET_ACCESS_KEY", o.secret_access_key.unwrap())
        .env("AWS_ALLOW_HTTP", "true")
        .output()
        .await
        .expect("trove runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn deployments_copied_between_sqlite_files_and_postgres_s3_serve_identically() {
    if skip_requested() {
        eprintln!("TROVE_SKIP_POSTGRES is set: skipping");
        return;
    }
    // 1. A populated embedded deployment.
    let dir = tempfile::tempdir().unwrap();
    let source = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        bootstrap_token: Some(TOKEN.into()),
        ..Config::default()
    };
    let s1 = start(source.clone()).await;
    let b = s1.base.clone();
    let sp =
        call(reqwest::Method::POST, format!("{b}/api/spaces"), Some(json!({"title": "Brand"}))).await["space"]["uid"]
            .as_str()
            .unwrap()
            .to_owned();
    let folder = call(reqwest::Method::POST, format!("{b}/api/spaces/{sp}/folders"), Some(json!({"title": "Heroes"})))
        .await["folder"]["uid"]
        .as_str()
        .unwrap()
        .to_owned();
    let png = trove_media::fixtures::png_header(800, 600);
    let a1 = upload(&b, &sp, "hero.png", png.clone(), Some(&folder)).await;
    let a1_uid = a1["uid"].as_str().unwrap().to_owned();
    call(
        reqwest::Method::PUT,
        format!("{b}/api/spaces/{sp}/assets/{a1_uid}"),
        Some(json!({"title": "Hero", "slug": "hero"})),
    )
    .await;
    call(
        reqwest::Method::PUT,
        format!("{b}/api/spaces/{sp}/assets/{a1_uid}/versions/1/name"),
        Some(json!({"name": "First"})),
    )
    .await;
    let a2 = upload(&b, &sp, "notes.txt", b"version one".to_vec(), None).await;
    let form = Form::new().part("file", Part::bytes(b"version two".to_vec()).file_name("notes.txt"));
    client()
        .put(format!("{b}/api/spaces/{sp}/assets/{}", a2["uid"].as_str().unwrap()))
        .bearer_auth(TOKEN)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let gone = upload(&b, &sp, "old.bin", vec![9u8; 5000], None).await;
    call(reqwest::Method::DELETE, format!("{b}/api/spaces/{sp}/assets/{}", gone["uid"].as_str().unwrap()), None).await;
    // A fork with changes on both sides, and languages whose fallbacks must be
    // copied in chain order (fr-ca sorts before its fallback fr-fr).
    call(reqwest::Method::POST, format!("{b}/api/spaces/{sp}/workspaces"), Some(json!({"uid": "campaign"}))).await;
    call(
        reqwest::Method::PUT,
        format!("{b}/api/spaces/{sp}/assets/{a1_uid}?workspace=campaign"),
        Some(json!({"title": "Hero for the campaign"})),
    )
    .await;
    call(
        reqwest::Method::PUT,
        format!("{b}/api/spaces/{sp}/assets/{a1_uid}/versions/2/name?workspace=campaign"),
        Some(json!({"name": "Campaign cut"})),
    )
    .await;
    upload_in(&b, &sp, "campaign", "campaign.txt", b"campaign only".to_vec(), None).await;
    call(reqwest::Method::PUT, format!("{b}/api/spaces/{sp}/assets/{a1_uid}"), Some(json!({"title": "Hero, main"})))
        .await;
    call(reqwest::Method::POST, format!("{b}/api/languages"), Some(json!({"code": "fr-fr"}))).await;
    call(reqwest::Method::POST, format!("{b}/api/languages"), Some(json!({"code": "fr-ca", "fallback_code": "fr-fr"})))
        .await;
    let (before, before_bytes) = snapshot(&b).await;
    assert!(before.to_string().contains("Hero for the campaign") && before.to_string().contains("Campaign cut"));
    s1.stop().await;

    // 2. Fresh PostgreSQL database and S3 bucket.
    let db = Database::create("trove_copy").await.unwrap_or_else(|e| panic!("PostgreSQL reachable: {e}"));
    let pg_url = db.url.clone();
    let s3 = S3TestServer::start("trove").await.unwrap();
    let blobs_from = format!("file://{}", dir.path().join("blobs").display());
    let blobs_to = format!("{}/deploy", s3.url());
    let sqlite_url = format!("sqlite://{}?mode=rwc", dir.path().join("trove.db").display());

    // 3. Copy the files; a second copy into the now non-empty target needs --resume.
    let out = trove(&["copy-blobs", "--from", &blobs_from, "--to", &blobs_to], &s3).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("5 verified"), "{}", stderr(&out));
    let out = trove(&["copy-blobs", "--from", &blobs_from, "--to", &blobs_to], &s3).await;
    assert!(!out.status.success() && stderr(&out).contains("target_not_empty"), "{}", stderr(&out));
    // An interrupted copy: one object missing from the target is copied on resume.
    let victim = walk(&s3.bucket_dir().join("deploy").join("blobs")).into_iter().next().unwrap();
    std::fs::remove_file(&victim).unwrap();
    let out = trove(&["copy-blobs", "--from", &blobs_from, "--to", &blobs_to, "--resume"], &s3).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 copied") && stderr(&out).contains("4 already present"), "{}", stderr(&out));

    // 4. Copy the metadata, with the same rules.
    let out = trove(&["copy-data", "--from", &sqlite_url, "--to", &pg_url], &s3).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = trove(&["copy-data", "--from", &sqlite_url, "--to", &pg_url], &s3).await;
    assert!(!out.status.success() && stderr(&out).contains("target_not_empty"), "{}", stderr(&out));
    let out = trove(&["copy-data", "--from", &sqlite_url, "--to", &pg_url, "--resume"], &s3).await;
    assert!(out.status.success(), "{}", stderr(&out));

    // 5. The copy serves the same answers and bytes (the old token still works).
    let target = Config {
        listen: "127.0.0.1:0".into(),
        data_dir: tempfile::tempdir().unwrap().keep(),
        database_url: Some(pg_url.clone()),
        storage_url: Some(blobs_to.clone()),
        s3: trove::config::S3Config {
            endpoint_url: s3.options().endpoint_url,
            region: s3.options().region,
            access_key_id: s3.options().access_key_id,
            secret_access_key: s3.options().secret_access_key,
            allow_http: Some(true),
        },
        ..Config::default()
    };
    let s2 = start(target).await;
    let (after, after_bytes) = snapshot(&s2.base).await;
    assert_eq!(after, before);
    assert_eq!(after_bytes, before_bytes);
    assert!(after_bytes.contains(&png) && after_bytes.contains(&b"version one".to_vec()));
    s2.stop().await;

    // 6. And back: PostgreSQL + S3 to a fresh SQLite database and file store.
    let back = tempfile::tempdir().unwrap();
    let back_db = format!("sqlite://{}?mode=rwc", back.path().join("trove.db").display());
    let back_blobs = format!("file://{}", back.path().join("blobs").display());
    let out = trove(&["copy-blobs", "--from", &blobs_to, "--to", &back_blobs], &s3).await;
    assert!(out.status.success() && stderr(&out).contains("5 verified"), "{}", stderr(&out));
    let out = trove(&["copy-data", "--from", &pg_url, "--to", &back_db], &s3).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let s3_back =
        start(Config { listen: "127.0.0.1:0".into(), data_dir: back.path().to_path_buf(), ..Config::default() }).await;
    let (again, again_bytes) = snapshot(&s3_back.base).await;
    assert_eq!(again, before);
    assert_eq!(again_bytes, before_bytes);
    s3_back.stop().await;
}

/// The stored blobs below `root` (files named by a SHA-256).
fn walk(root: &Path) -> Vec<PathBuf> {
    files_under(root).0.into_iter().filter(|p| p.file_name().is_some_and(|n| n.len() == 64)).collect()
}
