//! HTTP against a running server: the client, answers as JSON, uploads, listings.

use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::checksum_of;

/// A client whose requests give up after 60 s.
pub fn client() -> reqwest::Client {
    client_with_timeout(Duration::from_secs(60))
}

pub fn client_with_timeout(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder().timeout(timeout).build().expect("building the HTTP client")
}

/// A string field of a JSON object, or `""`.
pub fn s(v: &Value, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_owned()
}

/// The status and the body as JSON (`null` when empty, a string when not JSON).
pub async fn to_json(resp: reqwest::Response) -> (StatusCode, Value) {
    let status = resp.status();
    let text = resp.text().await.expect("reading a response body");
    let value = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::String(text)) };
    (status, value)
}

/// How a request ended.
pub enum Outcome {
    /// A 2xx with a JSON body.
    Ok(u16, Value),
    /// Any other status, or a 2xx whose body is not JSON.
    Status(u16, String),
    /// No complete answer (connection refused or reset, timeout, body cut short).
    Transport(String),
}

pub async fn send(req: reqwest::RequestBuilder) -> Outcome {
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return Outcome::Transport(format!("{e:?}")),
    };
    let status = resp.status().as_u16();
    let body = match resp.bytes().await {
        Ok(b) => b,
        Err(e) => return Outcome::Transport(format!("reading the body after status {status}: {e:?}")),
    };
    if !(200..300).contains(&status) {
        return Outcome::Status(status, String::from_utf8_lossy(&body).into_owned());
    }
    match serde_json::from_slice(&body) {
        Ok(v) => Outcome::Ok(status, v),
        Err(e) => Outcome::Status(status, format!("2xx with a body that is not JSON ({e}): {body:?}")),
    }
}

/// `GET url` with `token`; `Err` unless it answers 2xx with JSON.
pub async fn get_json(client: &reqwest::Client, token: &str, url: &str) -> Result<Value, String> {
    match send(client.get(url).bearer_auth(token)).await {
        Outcome::Ok(_, v) => Ok(v),
        Outcome::Status(code, body) => Err(format!("GET {url}: status {code}: {body}")),
        Outcome::Transport(e) => Err(format!("GET {url}: {e}")),
    }
}

/// A whole answer, body included.
pub struct Fetched {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

/// `GET url` (unauthenticated), optionally with a `Range` header.
pub async fn fetch(client: &reqwest::Client, url: &str, range: Option<&str>) -> Result<Fetched, String> {
    let mut req = client.get(url);
    if let Some(r) = range {
        req = req.header("Range", r);
    }
    let resp = req.send().await.map_err(|e| format!("GET {url}: {e:?}"))?;
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.bytes().await.map_err(|e| format!("GET {url}: body after {status}: {e:?}"))?.to_vec();
    Ok(Fetched { status, headers, body })
}

/// [`fetch`] without a range; panics unless it answers `200 OK`.
pub async fn fetch_ok(client: &reqwest::Client, url: &str) -> Fetched {
    let f = fetch(client, url, None).await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.status, StatusCode::OK, "GET {url}: {}", String::from_utf8_lossy(&f.body));
    f
}

/// A header's value as text, or `""`.
pub fn header(h: &HeaderMap, name: &str) -> String {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The multipart body of an upload or a file replacement.
pub fn upload_form(file_name: &str, title: &str, data: Vec<u8>) -> Form {
    Form::new().text("title", title.to_owned()).part("file", Part::bytes(data).file_name(file_name.to_owned()))
}

/// Every asset of a space at its head version, paging through `assets_url` (the
/// space's `/assets`). A page that fails ends the listing: the assets listed before
/// it come back with the error.
pub async fn list_assets(client: &reqwest::Client, token: &str, assets_url: &str) -> (Vec<Value>, Option<String>) {
    let mut listed: Vec<Value> = Vec::new();
    loop {
        let page = match get_json(client, token, &format!("{assets_url}?limit=1000&skip={}", listed.len())).await {
            Ok(v) => v,
            Err(e) => return (listed, Some(e)),
        };
        let items = page["assets"].as_array().cloned().unwrap_or_default();
        let count = page["count"].as_u64().unwrap_or(0) as usize;
        let empty = items.is_empty();
        listed.extend(items);
        if empty || listed.len() >= count {
            return (listed, None);
        }
    }
}

/// Downloads `url` (unauthenticated), hashing as it streams: its API checksum and
/// length. Anything but a whole `200 OK` body is an `Err`.
pub async fn download_checksum(client: &reqwest::Client, url: &str) -> Result<(String, u64), String> {
    let resp = client.get(url).send().await.map_err(|e| format!("GET {url}: {e:?}"))?;
    let status = resp.status();
    if status != StatusCode::OK {
        let body = resp.text().await.unwrap_or_default();
        return Err(format!("GET {url}: status {status}: {body}"));
    }
    stream_checksum(resp).await.map_err(|(len, e)| format!("GET {url}: body after {len} bytes: {e:?}"))
}

/// Reads a response body as it streams, without holding it: its API checksum and
/// length. A failure mid-body comes with the number of bytes read before it.
pub async fn stream_checksum(resp: reqwest::Response) -> Result<(String, u64), (u64, reqwest::Error)> {
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    let mut body = resp.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| (len, e))?;
        len += chunk.len() as u64;
        hasher.update(&chunk);
    }
    Ok((checksum_of(hasher), len))
}
