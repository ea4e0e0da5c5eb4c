//! The hostile-input corpus: hundreds of requests an attacker, a fuzzer or a
//! confused client sends, as rows of data (`hostile_rows`, `hostile_model`, `hostile_requests`,
//! `hostile_text`, `hostile_uploads`), run against one server. For every row the runner checks the
//! status (exact or class), that no 5xx ever comes back, that every 4xx carries
//! Trove's JSON error body in Trove's own words, and that `/healthz` still answers;
//! at the end, everything created before the corpus ran in the victim space is
//! byte for byte what it was. Later features add rows, not code.
//!
//! `HOSTILE_VERBOSE=1` prints each row's status and error code as it runs, which is
//! how a new row's expected answer is checked against the server's.
//!
//! Rows are sent over a raw TCP connection so that what reaches the server is
//! exactly what the row says: dot segments, encoded slashes, repeated and non-ASCII
//! headers and malformed bodies are not normalised away by a client library.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::{TOKEN, TestServer, sha256};

/// The boundary of multipart bodies built from [`Part`]s.
pub const BOUNDARY: &str = "hostile-boundary-7MA4YWxkTrZu0gW";

/// What a row expects back.
#[derive(Debug, Clone, Copy)]
pub enum Expect {
    /// Exactly this status.
    Status(u16),
    /// Any status of this class (2 for 2xx, 3 for 3xx, 4 for 4xx).
    Class(u16),
}

/// One part of a multipart body.
#[derive(Debug, Clone)]
pub enum Part {
    /// A file part: field name, raw `filename` bytes (`None`: no filename
    /// attribute), and content.
    File { name: String, filename: Option<Vec<u8>>, bytes: Vec<u8> },
    /// A text part: field name and raw value bytes.
    Text { name: String, value: Vec<u8> },
    /// Bytes put between boundaries as they are (headers and content).
    Raw(Vec<u8>),
}

/// A request body.
#[derive(Debug, Clone)]
pub enum Body {
    None,
    /// Sent with `Content-Type: application/json` unless the row sets one.
    Json(String),
    /// Sent as they are, with the content type given (if any).
    Raw(Option<String>, Vec<u8>),
    /// A multipart/form-data body with [`BOUNDARY`].
    Form(Vec<Part>),
}

/// One row of the corpus.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub method: String,
    /// Request target, with `{placeholders}` from the fixture.
    pub path: String,
    pub headers: Vec<(String, Vec<u8>)>,
    pub body: Body,
    /// Sends the admin token (default).
    pub auth: bool,
    pub expect: Expect,
    pub code: Option<String>,
    /// JSON pointer → expected value in the response body.
    pub wants: Vec<(String, Value)>,
    /// Response header → expected prefix of its value.
    pub header_wants: Vec<(String, String)>,
    /// A refusal by the HTTP library itself, before Trove sees the request (no JSON
    /// body is possible there).
    pub protocol: bool,
}

impl Case {
    pub fn new(name: impl Into<String>, method: &str, path: impl Into<String>) -> Self {
        Case {
            name: name.into(),
            method: method.to_owned(),
            path: path.into(),
            headers: Vec::new(),
            body: Body::None,
            auth: true,
            expect: Expect::Class(2),
            code: None,
            wants: Vec::new(),
            header_wants: Vec::new(),
            protocol: false,
        }
    }
    pub fn get(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "GET", path)
    }
    pub fn post(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "POST", path)
    }
    pub fn put(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "PUT", path)
    }
    pub fn delete(name: impl Into<String>, path: impl Into<String>) -> Self {
        Self::new(name, "DELETE", path)
    }
    pub fn header(mut self, k: &str, v: impl AsRef<[u8]>) -> Self {
        self.headers.push((k.to_owned(), v.as_ref().to_vec()));
        self
    }
    pub fn json(mut self, body: impl Into<String>) -> Self {
        self.body = Body::Json(body.into());
        self
    }
    pub fn raw(mut self, content_type: Option<&str>, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Body::Raw(content_type.map(str::to_owned), bytes.into());
        self
    }
    pub fn form(mut self, parts: Vec<Part>) -> Self {
        self.body = Body::Form(parts);
        self
    }
    pub fn anon(mut self) -> Self {
        self.auth = false;
        self
    }
    /// Expects exactly `status`, with `code` as `error_code` when it is an error.
    pub fn is(mut self, status: u16, code: &str) -> Self {
        self.expect = Expect::Status(status);
        self.code = (!code.is_empty()).then(|| code.to_owned());
        self
    }
    pub fn ok(mut self, status: u16) -> Self {
        self.expect = Expect::Status(status);
        self
    }
    pub fn class(mut self, class: u16) -> Self {
        self.expect = Expect::Class(class);
        self
    }
    pub fn want(mut self, pointer: &str, value: Value) -> Self {
        self.wants.push((pointer.to_owned(), value));
        self
    }
    pub fn want_header(mut self, name: &str, prefix: &str) -> Self {
        self.header_wants.push((name.to_owned(), prefix.to_owned()));
        self
    }
    pub fn protocol(mut self) -> Self {
        self.protocol = true;
        self
    }
}

/// A file part named `file`.
pub fn file(filename: impl AsRef<[u8]>, bytes: impl Into<Vec<u8>>) -> Part {
    Part::File { name: "file".into(), filename: Some(filename.as_ref().to_vec()), bytes: bytes.into() }
}

/// A text part.
pub fn text(name: &str, value: impl AsRef<[u8]>) -> Part {
    Part::Text { name: name.to_owned(), value: value.as_ref().to_vec() }
}

/// Everything the rows refer to, by placeholder name.
pub struct Fixture {
    pub vars: BTreeMap<String, String>,
}

impl Fixture {
    fn fill(&self, s: &str) -> String {
        let mut out = s.to_owned();
        if out.contains('{') {
            for (k, v) in &self.vars {
                out = out.replace(&format!("{{{k}}}"), v);
            }
        }
        out
    }
}

fn path_of(url: &Value) -> String {
    url.as_str().expect("url").to_owned()
}

/// The victim space (which no row may change) and the scratch space (where rows
/// that succeed may write).
async fn fixture(s: &TestServer) -> Fixture {
    let mut vars = BTreeMap::new();
    // Plain text carries the fields the rows write: a list of texts, numbers, a text.
    for def in [
        json!({"uid": "k", "name": "K", "type": "multi_line", "multiple": true}),
        json!({"uid": "n", "name": "N", "type": "number"}),
        json!({"uid": "neg", "name": "Neg", "type": "number"}),
        json!({"uid": "big", "name": "Big", "type": "number"}),
        json!({"uid": "s", "name": "S", "type": "multi_line"}),
    ] {
        crate::custom_values::field(s, def).await;
    }
    crate::custom_values::use_fields(s, "plain_text", &["k", "n", "neg", "big", "s"], json!([])).await;
    let v = s.create_space("Victim").await;
    let vf = s.create_folder(&v, "Vault", None).await;
    let va = s.upload_ok(&v, "victim.txt", b"the victim's bytes\n").await;
    let va_uid = va["uid"].as_str().unwrap().to_owned();
    let (status, edited) = s
        .send_json(
            Method::PUT,
            &format!("/api/spaces/{v}/assets/{va_uid}"),
            json!({"title": "Victim", "description": "Kept", "tags": ["keep"], "custom_metadata": {"k": ["1", "2"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{edited}");
    let png = trove_media::fixtures::png_header(4, 3);
    let (status, vi) = s.upload(&v, "victim.png", &png, &[("parent_uid", &vf), ("alt_text", "A box")]).await;
    assert_eq!(status, StatusCode::CREATED, "{vi}");
    let vb = s.upload_ok(&v, "blob.bin", &crate::common::bytes(7, 4096)).await;
    let vt = s.upload_ok(&v, "trashed.txt", b"in the trash").await;
    let vt_uid = vt["uid"].as_str().unwrap().to_owned();
    let (status, _) = s.delete(&format!("/api/spaces/{v}/assets/{vt_uid}")).await;
    assert_eq!(status, StatusCode::OK);

    let sp = s.create_space("Scratch").await;
    let sf = s.create_folder(&sp, "Scratch folder", None).await;
    let sa = s.upload_ok(&sp, "scratch.txt", b"scratch").await;
    let se = s.upload_ok(&sp, "empty.txt", b"").await;
    let (status, body) =
        s.send_json(Method::POST, &format!("/api/spaces/{sp}/workspaces"), json!({"uid": "hostile_ws"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) =
        s.send_json(Method::POST, "/api/languages", json!({"code": "zz-hostile", "name": "Hostile"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // The victim field and the victim type that uses it (org-wide; no row may change them).
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/fields",
            json!({"uid": "hostile_field", "name": "Hostile field", "type": "single_line"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/asset_types",
            json!({"uid": "hostile_type", "title": "Hostile type", "category": "other",
                "mime_types": ["application/x-hostile"], "file_extensions": ["hostile"], "fields": ["hostile_field"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A stored value of the hostile field that no other kind takes, so its kind cannot change.
    crate::custom_values::use_fields(s, "plain_text", &["k", "n", "neg", "big", "s", "hostile_field"], json!([])).await;
    let (status, body) =
        s.upload(&sp, "held.txt", b"held", &[("custom_metadata", r#"{"hostile_field": "not a date"}"#)]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let resp = s.anon(Method::HEAD, &path_of(&vb["url"])).send().await.unwrap();
    let vb_etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    for (k, val) in [
        ("v", v.clone()),
        ("vf", vf),
        ("va", va_uid),
        ("va_url", path_of(&va["url"])),
        ("va_perm", path_of(&va["permanent_url"])),
        ("vfile", va["file_uid"].as_str().unwrap().to_owned()),
        ("vname", va["file_name"].as_str().unwrap().to_owned()),
        ("vi", vi["asset"]["uid"].as_str().unwrap().to_owned()),
        ("vb", vb["uid"].as_str().unwrap().to_owned()),
        ("vb_url", path_of(&vb["url"])),
        ("vb_perm", path_of(&vb["permanent_url"])),
        ("vb_etag", vb_etag),
        ("vt", vt_uid),
        ("s", sp),
        ("sf", sf),
        ("sa", sa["uid"].as_str().unwrap().to_owned()),
        ("sfile", sa["file_uid"].as_str().unwrap().to_owned()),
        ("sname", sa["file_name"].as_str().unwrap().to_owned()),
        ("se_perm", path_of(&se["permanent_url"])),
        ("ws", "hostile_ws".into()),
        ("lang", "zz-hostile".into()),
        ("fld", "hostile_field".into()),
        ("at", "hostile_type".into()),
    ] {
        vars.insert(k.to_owned(), val);
    }
    for (k, val) in crate::hostile_people::fixture(s, &v).await {
        vars.insert(k.to_owned(), val);
    }
    Fixture { vars }
}

/// Everything a client can observe of the victim space, to compare after the corpus.
async fn snapshot(s: &TestServer, f: &Fixture) -> Vec<(String, Value)> {
    let v = &f.vars["v"];
    let mut out = Vec::new();
    for path in [
        format!("/api/spaces/{v}"),
        format!("/api/spaces/{v}/assets"),
        format!("/api/spaces/{v}/folders"),
        format!("/api/spaces/{v}/trash"),
        format!("/api/spaces/{v}/workspaces"),
        format!("/api/fields/{}", f.vars["fld"]),
        format!("/api/asset_types/{}", f.vars["at"]),
    ]
    .into_iter()
    .chain(crate::hostile_people::watched(v, &f.vars["vu"]))
    {
        let (status, body) = s.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        out.push((path, body));
    }
    let (_, list) = s.get(&format!("/api/spaces/{v}/assets")).await;
    for a in list["assets"].as_array().unwrap() {
        let uid = a["uid"].as_str().unwrap();
        let path = format!("/api/spaces/{v}/assets/{uid}");
        for p in [path.clone(), format!("{path}/versions"), format!("{path}/locales")] {
            let (status, body) = s.get(&p).await;
            assert_eq!(status, StatusCode::OK, "{p}: {body}");
            out.push((p, body));
        }
        for url in [&a["url"], &a["permanent_url"]] {
            let (status, bytes) = s.fetch(url.as_str().unwrap()).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(Some(format!("sha256:{}", sha256(&bytes)).as_str()), a["checksum"].as_str());
            out.push((url.to_string(), json!({"len": bytes.len(), "sha256": sha256(&bytes)})));
        }
    }
    out
}

/// A response as it came off the wire.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn multipart(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in parts {
        out.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match p {
            Part::File { name, filename, bytes } => {
                out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"").as_bytes());
                if let Some(f) = filename {
                    out.extend_from_slice(b"; filename=\"");
                    out.extend_from_slice(f);
                    out.extend_from_slice(b"\"");
                }
                out.extend_from_slice(b"\r\nContent-Type: application/octet-stream\r\n\r\n");
                out.extend_from_slice(bytes);
            }
            Part::Text { name, value } => {
                out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
                out.extend_from_slice(value);
            }
            Part::Raw(bytes) => out.extend_from_slice(bytes),
        }
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    out
}

/// The bytes of a row's request, placeholders filled in.
fn request_bytes(c: &Case, f: &Fixture) -> Vec<u8> {
    let (content_type, body): (Option<String>, Option<Vec<u8>>) = match &c.body {
        Body::None => (None, None),
        Body::Json(j) => (Some("application/json".into()), Some(f.fill(j).into_bytes())),
        Body::Raw(ct, bytes) => (ct.clone(), Some(bytes.clone())),
        Body::Form(parts) => {
            let parts: Vec<Part> = parts
                .iter()
                .map(|p| match p {
                    Part::Text { name, value } => match std::str::from_utf8(value) {
                        Ok(v) => Part::Text { name: name.clone(), value: f.fill(v).into_bytes() },
                        Err(_) => p.clone(),
                    },
                    other => other.clone(),
                })
                .collect();
            (Some(format!("multipart/form-data; boundary={BOUNDARY}")), Some(multipart(&parts)))
        }
    };
    let mut req =
        format!("{} {} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", c.method, f.fill(&c.path)).into_bytes();
    if c.auth {
        req.extend_from_slice(format!("Authorization: Bearer {TOKEN}\r\n").as_bytes());
    }
    let sets = |name: &str| c.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case(name));
    for (k, v) in &c.headers {
        req.extend_from_slice(k.as_bytes());
        req.extend_from_slice(b": ");
        match std::str::from_utf8(v) {
            Ok(v) => req.extend_from_slice(f.fill(v).as_bytes()),
            Err(_) => req.extend_from_slice(v),
        }
        req.extend_from_slice(b"\r\n");
    }
    if let Some(ct) = content_type.filter(|_| !sets("content-type")) {
        req.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
    }
    let body = body.unwrap_or_default();
    if !sets("content-length") && !sets("transfer-encoding") && (!body.is_empty() || c.method != "GET") {
        req.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    req.extend_from_slice(b"\r\n");
    req.extend_from_slice(&body);
    req
}

/// Sends one request on its own connection and reads the whole response. The
/// request is written while the response is read, so an early answer (a 413 before
/// the body is in) is seen; the write side stays open until the answer is complete.
async fn send(addr: &str, request: Vec<u8>, head: bool) -> Result<Reply, String> {
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
    let (mut rd, mut wr) = stream.into_split();
    let write = async move {
        let _ = wr.write_all(&request).await;
        wr
    };
    let read = async move {
        let mut buf = Vec::new();
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            match rd.read(&mut chunk).await {
                Ok(0) => break,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
                Err(e) if buf.is_empty() => return Err(format!("no response: {e}")),
                Err(_) => break,
            }
        }
        Ok(buf)
    };
    let (_wr, buf) = tokio::join!(write, read);
    parse_reply(&buf?, head)
}

fn parse_reply(mut buf: &[u8], head: bool) -> Result<Reply, String> {
    // Interim answers (`100 Continue`) come before the real one.
    while buf.starts_with(b"HTTP/1.1 1") {
        let end = buf.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no complete interim response")?;
        buf = &buf[end + 4..];
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").ok_or("no complete response head")?;
    let text = String::from_utf8_lossy(&buf[..end]);
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or("bad status line")?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut rest = &buf[end + 4..];
    let chunked = headers.iter().any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if head {
        Vec::new()
    } else if chunked {
        let mut out = Vec::new();
        while let Some(eol) = rest.windows(2).position(|w| w == b"\r\n") {
            let size = usize::from_str_radix(String::from_utf8_lossy(&rest[..eol]).trim(), 16).unwrap_or(0);
            if size == 0 || rest.len() < eol + 2 + size {
                break;
            }
            out.extend_from_slice(&rest[eol + 2..eol + 2 + size]);
            rest = &rest[(eol + 4 + size).min(rest.len())..];
        }
        out
    } else {
        let len = headers.iter().find(|(k, _)| k == "content-length").and_then(|(_, v)| v.parse().ok());
        rest[..len.unwrap_or(rest.len()).min(rest.len())].to_vec()
    };
    Ok(Reply { status, headers, body })
}

/// Words of libraries that must never reach a client.
const LEAKS: &[&str] =
    &["`", "Some(", "serde", "axum", "hyper", "multer", "Failed to", "expected one of", "i64", "u64"];

/// What is wrong with a reply to `c`, if anything.
fn judge(c: &Case, r: &Reply) -> Vec<String> {
    let mut bad = Vec::new();
    let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
    if r.status >= 500 {
        bad.push(format!("server error {}", r.status));
    }
    let fits = match c.expect {
        Expect::Status(s) => r.status == s,
        Expect::Class(k) => r.status / 100 == k,
    };
    if !fits {
        bad.push(format!("status {} (wanted {:?})", r.status, c.expect));
    }
    if let Some(code) = &c.code
        && body["error_code"] != Value::String(code.clone())
    {
        bad.push(format!("error_code {} (wanted {code})", body["error_code"]));
    }
    if (400..500).contains(&r.status) && c.method != "HEAD" && !c.protocol {
        let shaped = body["error_code"].as_str().is_some_and(|s| !s.is_empty())
            && body["error_message"].as_str().is_some_and(|s| !s.is_empty())
            && body["errors"].is_object();
        if !shaped {
            bad.push("4xx without Trove's JSON error body".into());
        }
        let said = format!("{} {}", body["error_message"], body["errors"]);
        for leak in LEAKS.iter().filter(|l| said.contains(**l)) {
            bad.push(format!("library wording {leak:?} in the error"));
        }
    }
    if r.status / 100 == 2 {
        for asset in [&body["asset"], &body["version"]].into_iter().filter(|a| a.is_object()) {
            bad.extend(unsafe_name(asset));
        }
    }
    for (pointer, want) in &c.wants {
        if body.pointer(pointer) != Some(want) {
            bad.push(format!("{pointer} is {:?} (wanted {want})", body.pointer(pointer)));
        }
    }
    for (name, prefix) in &c.header_wants {
        if !r.header(name).is_some_and(|v| v.starts_with(prefix.as_str())) {
            bad.push(format!("header {name} is {:?} (wanted {prefix}…)", r.header(name)));
        }
    }
    if !bad.is_empty() {
        bad.push(format!("body: {}", String::from_utf8_lossy(&r.body[..r.body.len().min(400)])));
    }
    bad
}

/// A stored file name shows what it is: no control, invisible or space characters,
/// no leading dot, at most 255 bytes; a title has no control characters.
fn unsafe_name(asset: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    let name = asset["file_name"].as_str().unwrap_or_default();
    let hidden =
        |c: char| c.is_control() || c.is_whitespace() || trove_domain::rules::is_invisible(c) || "/\\\"<>".contains(c);
    if name.is_empty() || name.len() > 255 || name.starts_with('.') || name.chars().any(hidden) {
        bad.push(format!("unsafe stored file name {name:?}"));
    }
    if asset["title"].as_str().is_some_and(|t| t.chars().any(char::is_control)) {
        bad.push(format!("control character in title {}", asset["title"]));
    }
    bad
}

/// Runs every row; returns the failures, one line per row.
async fn run(s: &TestServer, f: &mut Fixture, cases: &[Case]) -> Vec<String> {
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut failures = Vec::new();
    for c in cases {
        let head = c.method == "HEAD";
        let reply = tokio::time::timeout(Duration::from_secs(20), send(&addr, request_bytes(c, f), head)).await;
        let problems = match reply {
            Err(_) => vec!["no answer within 20 s".to_owned()],
            Ok(Err(e)) => vec![e],
            Ok(Ok(r)) => {
                // Later rows can follow what a row created.
                if let Ok(body) = serde_json::from_slice::<Value>(&r.body)
                    && let Some(url) = body["asset"]["url"].as_str()
                {
                    f.vars.insert("last_url".into(), url.to_owned());
                    f.vars.insert("last_perm".into(), body["asset"]["permanent_url"].as_str().unwrap_or("").into());
                    f.vars.insert("last_uid".into(), body["asset"]["uid"].as_str().unwrap_or("").into());
                }
                if std::env::var_os("HOSTILE_VERBOSE").is_some() {
                    let body: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
                    eprintln!("{} {} {}", r.status, body["error_code"], c.name);
                }
                judge(c, &r)
            }
        };
        let alive = s.client.get(s.url("/healthz")).timeout(Duration::from_secs(5)).send().await;
        let mut problems = problems;
        if !alive.is_ok_and(|r| r.status() == StatusCode::OK) {
            problems.push("/healthz does not answer afterwards".into());
        }
        if !problems.is_empty() {
            failures.push(format!("[{}] {} {}: {}", c.name, c.method, c.path, problems.join("; ")));
        }
    }
    failures
}

/// Rows that show a defect not fixed yet, each with a `// DEFECT:` note saying what
/// is wrong. The row stays in the corpus asserting the right behaviour and is
/// skipped until the fix lands; the fix removes its names from this list.
const DEFECTS: &[&str] = &[];

/// Every row of the corpus, in order.
fn corpus() -> Vec<Case> {
    let mut all = crate::hostile_rows::rows();
    all.extend(crate::hostile_model::rows());
    all.extend(crate::hostile_people::rows());
    all.extend(crate::hostile_requests::rows());
    all.extend(crate::hostile_text::rows());
    all.extend(crate::hostile_uploads::rows());
    all
}

#[tokio::test]
async fn hostile_input_corpus_gets_clean_refusals_and_changes_nothing() {
    let s = TestServer::start().await;
    let mut f = fixture(&s).await;
    let before = snapshot(&s, &f).await;
    let mut cases = corpus();
    assert!(cases.len() >= 300, "the corpus has {} rows", cases.len());
    let mut names = std::collections::HashSet::new();
    for c in &cases {
        assert!(names.insert(c.name.clone()), "two rows are named {}", c.name);
    }
    for d in DEFECTS {
        assert!(names.contains(*d), "DEFECTS names no row {d}");
    }
    cases.retain(|c| !DEFECTS.contains(&c.name.as_str()));
    let started = Instant::now();
    let failures = run(&s, &mut f, &cases).await;
    eprintln!("{} hostile rows in {:?}", cases.len(), started.elapsed());
    assert!(failures.is_empty(), "{} of {} rows failed:\n{}", failures.len(), cases.len(), failures.join("\n"));
    let after = snapshot(&s, &f).await;
    for ((path, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(was, now, "{path} changed");
    }
    assert_eq!(before.len(), after.len());
    // The comparison sees a change: one real edit of the victim shows up.
    let (status, _) = s
        .send_json(Method::PUT, &format!("/api/spaces/{}/assets/{}", f.vars["v"], f.vars["vb"]), json!({"tags": ["x"]}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_ne!(snapshot(&s, &f).await, before, "the snapshot misses an edit of the victim");
    s.stop().await;
}
