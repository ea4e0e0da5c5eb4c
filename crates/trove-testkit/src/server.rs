//! One server per test, in the test's process, on its own data directory and
//! (on the scale-out stack) its own PostgreSQL database and S3 bucket.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::sync::watch;
use trove::{Config, Server};

pub const TOKEN: &str = "trove_test_token_0123456789abcdef";

/// The backends a test binary runs the suite on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stack {
    /// The embedded default: SQLite + local files.
    SqliteFs,
    /// Scale-out: PostgreSQL (a fresh database per test) + S3 (an in-process server).
    PostgresS3,
}

use crate::postgres;

/// Where the backing stores of one test live; kept across restarts, and removed
/// when dropped, so a test that fails leaves no database or directory behind.
struct Resources {
    dir: tempfile::TempDir,
    s3: Option<trove_blob::testing::S3TestServer>,
    pg: Option<postgres::Database>,
}

/// A running server. Its stores are removed when it is dropped, passed or failed.
pub struct TestServer {
    pub base: String,
    pub client: reqwest::Client,
    pub app: trove_app::App,
    pub(crate) base_config: Config,
    res: Resources,
    stop: watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

impl TestServer {
    pub async fn start(stack: Stack) -> Self {
        Self::start_with(stack, |_| {}).await
    }

    /// Starts a server on `stack` after `tweak` adjusts the configuration.
    pub async fn start_with(stack: Stack, tweak: impl FnOnce(&mut Config)) -> Self {
        // Warnings and errors the server logs (an internal error's cause, above all)
        // show in the output of the test that failed.
        let _ = tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).with_test_writer().try_init();
        let dir = tempfile::tempdir().expect("tempdir");
        let mut config = Config {
            listen: "127.0.0.1:0".into(),
            data_dir: dir.path().to_path_buf(),
            bootstrap_token: Some(TOKEN.into()),
            ..Config::default()
        };
        let mut res = Resources { dir, s3: None, pg: None };
        if stack == Stack::PostgresS3 {
            let db = postgres::Database::create_migrated("trove_test")
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL is reachable for the PostgreSQL + S3 suite: {e}"));
            config.database_url = Some(db.url.clone());
            let s3 = trove_blob::testing::S3TestServer::start("trove").await.expect("S3 test server");
            config.storage_url = Some(format!("{}/data", s3.url()));
            let o = s3.options();
            config.s3 = trove::config::S3Config {
                endpoint_url: o.endpoint_url,
                region: o.region,
                access_key_id: o.access_key_id,
                secret_access_key: o.secret_access_key,
                allow_http: o.allow_http,
            };
            res.s3 = Some(s3);
            res.pg = Some(db);
        }
        let base_config = config.clone();
        tweak(&mut config);
        Self::launch(config, base_config, res).await
    }

    async fn launch(config: Config, base_config: Config, res: Resources) -> Self {
        let server = Server::bind(config).await.expect("server starts");
        let base = format!("http://{}", server.addr);
        let app = server.app();
        let (stop, rx) = watch::channel(false);
        let handle = tokio::spawn(async move {
            server.run(rx).await.expect("server runs");
        });
        TestServer { base, client: reqwest::Client::new(), app, base_config, res, stop, handle }
    }

    /// Stops this server and starts another on the same database and storage.
    pub async fn restart_with(self, tweak: impl FnOnce(&mut Config)) -> Self {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
        let mut config = self.base_config.clone();
        tweak(&mut config);
        Self::launch(config, self.base_config, self.res).await
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
    }

    /// Stops the server but keeps its stores (for checks after shutdown).
    pub async fn stop_and_keep_dir(self) -> tempfile::TempDir {
        let _ = self.stop.send(true);
        let _ = self.handle.await;
        self.res.dir
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A request with the admin token.
    pub fn req(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path)).bearer_auth(TOKEN)
    }

    /// A request without credentials.
    pub fn anon(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, self.url(path))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        json(self.req(Method::GET, path).send().await.expect("request")).await
    }

    pub async fn send_json(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        json(self.req(method, path).json(&body).send().await.expect("request")).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        json(self.req(Method::DELETE, path).send().await.expect("request")).await
    }

    pub async fn create_space(&self, title: &str) -> String {
        let (status, body) = self.send_json(Method::POST, "/api/spaces", serde_json::json!({"title": title})).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["space"]["uid"].as_str().expect("space uid").to_owned()
    }

    pub async fn create_folder(&self, space: &str, title: &str, parent: Option<&str>) -> String {
        let (status, body) = self
            .send_json(
                Method::POST,
                &format!("/api/spaces/{space}/folders"),
                serde_json::json!({"title": title, "parent_uid": parent}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["folder"]["uid"].as_str().expect("folder uid").to_owned()
    }

    /// Uploads `bytes` as `name` with extra text fields; returns status and body.
    pub async fn upload(&self, space: &str, name: &str, bytes: &[u8], fields: &[(&str, &str)]) -> (StatusCode, Value) {
        let mut form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        let resp = self
            .req(Method::POST, &format!("/api/spaces/{space}/assets"))
            .multipart(form)
            .send()
            .await
            .expect("upload");
        json(resp).await
    }

    /// Uploads `name` (its own name as its bytes) into `folder` (the root if
    /// `None`), asserting success; returns the asset's UID.
    pub async fn upload_into(&self, space: &str, name: &str, folder: Option<&str>) -> String {
        let fields: Vec<(&str, &str)> = folder.map(|f| vec![("parent_uid", f)]).unwrap_or_default();
        let (status, body) = self.upload(space, name, name.as_bytes(), &fields).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["asset"]["uid"].as_str().expect("asset uid").to_owned()
    }

    /// Uploads and returns the asset JSON, asserting success.
    pub async fn upload_ok(&self, space: &str, name: &str, bytes: &[u8]) -> Value {
        let (status, body) = self.upload(space, name, bytes, &[]).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["asset"].clone()
    }

    /// Replaces an asset's file; `if_match` is sent as `If-Match: "v<n>"`.
    pub async fn replace(
        &self,
        space: &str,
        asset: &str,
        name: &str,
        bytes: &[u8],
        if_match: Option<i64>,
    ) -> (StatusCode, Value) {
        let form = Form::new().part("file", Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
        let mut req = self.req(Method::PUT, &format!("/api/spaces/{space}/assets/{asset}")).multipart(form);
        if let Some(v) = if_match {
            req = req.header("If-Match", format!("\"v{v}\""));
        }
        json(req.send().await.expect("replace")).await
    }

    /// GETs a delivery URL (relative) and returns status and body bytes.
    pub async fn fetch(&self, url: &str) -> (StatusCode, Vec<u8>) {
        let resp = self.anon(Method::GET, url).send().await.expect("fetch");
        let status = resp.status();
        (status, resp.bytes().await.expect("body").to_vec())
    }

    /// Where this stack keeps stored objects as files (a directory, or the S3 test
    /// server's bucket).
    fn object_root(&self) -> std::path::PathBuf {
        match &self.res.s3 {
            Some(s3) => s3.bucket_dir().join("data"),
            None => self.res.dir.path().join("blobs").join("objects"),
        }
    }

    /// Every stored blob (named by its SHA-256) currently in storage.
    pub fn blob_files(&self) -> Vec<std::path::PathBuf> {
        files_under(self.object_root().join("blobs"))
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n.len() == 64 && n.to_string_lossy().bytes().all(|b| b.is_ascii_hexdigit()))
            })
            .collect()
    }

    /// Objects in the staging area (uploads not yet promoted).
    pub fn staging_files(&self) -> Vec<std::path::PathBuf> {
        match &self.res.s3 {
            Some(s3) => files_under(s3.bucket_dir().join("data").join("staging")),
            None => files_under(self.res.dir.path().join("blobs").join("staging")),
        }
    }
}

fn files_under(root: std::path::PathBuf) -> Vec<std::path::PathBuf> {
    {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(d) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&d) else { continue };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.push(p);
                }
            }
        }
        out
    }
}

pub async fn json(resp: Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("body");
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, value)
}

pub fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Deterministic pseudo-random bytes.
pub fn bytes(seed: u64, len: usize) -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut v = vec![0u8; len];
    rng.fill(&mut v[..]);
    v
}

/// Asserts an error response shape and code.
pub fn assert_error(status: StatusCode, body: &Value, want_status: StatusCode, want_code: &str) {
    assert_eq!(status, want_status, "{body}");
    assert_eq!(body["error_code"], want_code, "{body}");
    assert!(body["error_message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert!(body["errors"].is_object(), "{body}");
}
