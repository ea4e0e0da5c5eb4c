//! Connection time-outs and the connection cap, seen from raw sockets: a client
//! that sends part of a request, nothing, or idles is closed (408 where an answer is
//! possible); a stalled body is 408; a client that does not read its response is
//! cut off; past `max_connections` a new connection waits and is served once a slot
//! frees; shutdown is not held by half-open sockets. Time-outs are set low so the
//! tests are fast.

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::{TOKEN, TestServer, bytes};

const SHORT: Duration = Duration::from_millis(300);
/// The longest any test waits for something that should happen at once.
const PATIENCE: Duration = Duration::from_secs(10);

async fn start(tweak: impl FnOnce(&mut trove::Config)) -> TestServer {
    TestServer::start_with(|c| {
        c.header_read_timeout = SHORT;
        c.body_read_timeout = SHORT;
        c.send_timeout = SHORT;
        c.keep_alive_timeout = SHORT;
        tweak(c);
    })
    .await
}

async fn connect(s: &TestServer) -> TcpStream {
    TcpStream::connect(s.base.trim_start_matches("http://")).await.expect("connect")
}

/// Everything the server sends until it closes the connection, and when it closed.
async fn read_to_close(conn: &mut TcpStream) -> (Vec<u8>, Instant) {
    let mut out = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 8192];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server did not close the connection within {PATIENCE:?}");
    (out, Instant::now())
}

/// The status and JSON body of a raw HTTP/1.1 response.
fn parse(raw: &[u8]) -> (u16, Value) {
    let text = String::from_utf8_lossy(raw);
    let status = text.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

fn assert_408(raw: &[u8]) {
    let (status, body) = parse(raw);
    assert_eq!(status, 408, "{}", String::from_utf8_lossy(raw));
    assert_eq!(body["error_code"], "request_timeout", "{body}");
    assert!(body["error_message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
}

#[tokio::test]
async fn partial_headers_are_answered_408_and_closed() {
    let s = start(|_| {}).await;
    let mut conn = connect(&s).await;
    let sent = Instant::now();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: trove\r\nX-Slow: ").await.unwrap();
    let (raw, closed) = read_to_close(&mut conn).await;
    assert_408(&raw);
    let took = closed - sent;
    assert!(took >= SHORT - Duration::from_millis(50) && took < SHORT * 10, "closed after {took:?}");
    s.stop().await;
}

#[tokio::test]
async fn a_trickled_request_head_is_timed_from_its_first_byte() {
    let s = start(|_| {}).await;
    let mut conn = connect(&s).await;
    let sent = Instant::now();
    // One byte every 50 ms: progress does not extend the header time-out.
    let head = b"GET /healthz HTTP/1.1\r\nHost: trove\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for b in head {
        if conn.write_all(&[*b]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (raw, closed) = read_to_close(&mut conn).await;
    assert_408(&raw);
    assert!(closed - sent < SHORT * 10, "closed after {:?}", closed - sent);
    s.stop().await;
}

#[tokio::test]
async fn a_silent_connection_is_closed_without_an_answer() {
    let s = start(|_| {}).await;
    let mut conn = connect(&s).await;
    let opened = Instant::now();
    let (raw, closed) = read_to_close(&mut conn).await;
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
    let took = closed - opened;
    assert!(took >= SHORT - Duration::from_millis(50) && took < SHORT * 10, "closed after {took:?}");
    s.stop().await;
}

#[tokio::test]
async fn a_stalled_json_body_is_408() {
    let s = start(|_| {}).await;
    let mut conn = connect(&s).await;
    let head = format!(
        "POST /api/spaces HTTP/1.1\r\nHost: trove\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"title\": \"sta"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let (raw, _) = read_to_close(&mut conn).await;
    assert_408(&raw);
    // Nothing was created.
    let (_, list) = s.get("/api/spaces").await;
    assert!(!list.to_string().contains("sta\""), "{list}");
    s.stop().await;
}

#[tokio::test]
async fn a_stalled_upload_is_408_and_leaves_nothing_staged() {
    let s = start(|_| {}).await;
    let space = s.create_space("uploads").await;
    let mut conn = connect(&s).await;
    let part = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\
                Content-Type: application/octet-stream\r\n\r\n0123456789";
    let head = format!(
        "POST /api/spaces/{space}/assets HTTP/1.1\r\nHost: trove\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n{part}"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let (raw, _) = read_to_close(&mut conn).await;
    assert_408(&raw);
    let (_, assets) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(assets["assets"].as_array().map(Vec::len), Some(0), "{assets}");
    assert!(s.staging_files().is_empty(), "{:?}", s.staging_files());
    s.stop().await;
}

#[tokio::test]
async fn a_slow_but_steady_body_is_not_timed_out() {
    let s = start(|_| {}).await;
    let mut conn = connect(&s).await;
    let json = br#"{"title": "steady"}"#;
    let head = format!(
        "POST /api/spaces HTTP/1.1\r\nHost: trove\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        json.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    // The whole body takes well over the time-out, but no pause reaches it.
    for chunk in json.chunks(2) {
        tokio::time::sleep(SHORT / 3).await;
        conn.write_all(chunk).await.unwrap();
    }
    let (raw, _) = read_to_close(&mut conn).await;
    let (status, body) = parse(&raw);
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(body["space"]["title"], "steady");
    s.stop().await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let s = start(|c| c.keep_alive_timeout = Duration::from_millis(800)).await;
    let mut conn = connect(&s).await;
    let request = b"GET /healthz HTTP/1.1\r\nHost: trove\r\n\r\n";
    for _ in 0..3 {
        // Pauses shorter than the keep-alive time-out keep the connection.
        conn.write_all(request).await.unwrap();
        let mut buf = [0u8; 4096];
        let n = tokio::time::timeout(PATIENCE, conn.read(&mut buf)).await.expect("an answer").unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&buf[..n]));
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    let idle = Instant::now() - Duration::from_millis(300);
    let (raw, closed) = read_to_close(&mut conn).await;
    assert!(raw.is_empty(), "an idle connection gets no answer: {}", String::from_utf8_lossy(&raw));
    let took = closed - idle;
    assert!(took >= Duration::from_millis(750) && took < Duration::from_secs(5), "closed after {took:?}");
    s.stop().await;
}

#[tokio::test]
async fn a_client_that_does_not_read_its_response_is_cut_off() {
    let s = start(|_| {}).await;
    let space = s.create_space("big").await;
    let data = bytes(5, 24 * 1024 * 1024);
    let asset = s.upload_ok(&space, "big.bin", &data).await;
    let url = asset["url"].as_str().expect("url").to_owned();
    let path = url.strip_prefix(&s.base).unwrap_or(&url).to_owned();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut conn = socket.connect(s.base.trim_start_matches("http://").parse().unwrap()).await.unwrap();
    conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: trove\r\n\r\n").as_bytes()).await.unwrap();
    // Read nothing for well past the send time-out; the server gives up on the
    // response, and what it had buffered is all that arrives.
    tokio::time::sleep(SHORT * 6).await;
    let (raw, _) = read_to_close(&mut conn).await;
    assert!(raw.starts_with(b"HTTP/1.1 200"), "{}", String::from_utf8_lossy(&raw[..raw.len().min(200)]));
    assert!(raw.len() < data.len(), "the whole {} bytes arrived", raw.len());
    // The server still serves everyone else.
    assert_eq!(s.fetch(&url).await.1.len(), data.len());
    s.stop().await;
}

/// `POST` with headers complete and a body that has not arrived: a request being
/// handled, which holds its connection slot.
async fn busy_connection(s: &TestServer) -> TcpStream {
    let mut conn = connect(s).await;
    let head = format!(
        "POST /api/spaces HTTP/1.1\r\nHost: trove\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    conn
}

#[tokio::test]
async fn past_the_cap_a_connection_waits_until_a_slot_frees() {
    let s = start(|c| {
        c.max_connections = 2;
        c.body_read_timeout = Duration::from_secs(60);
    })
    .await;
    let mut first = busy_connection(&s).await;
    let second = busy_connection(&s).await;
    // Give the server time to accept both.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let client = reqwest::Client::new();
    let healthz = tokio::spawn({
        let url = s.url("/healthz");
        async move {
            let resp = client.get(url).send().await.expect("healthz");
            (resp.status(), Instant::now())
        }
    });
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert!(!healthz.is_finished(), "a third connection was served while two requests held both slots");
    let freed = Instant::now();
    first.shutdown().await.unwrap();
    drop(first);
    let (status, answered) = tokio::time::timeout(PATIENCE, healthz).await.expect("served").unwrap();
    assert_eq!(status, 200);
    assert!(answered - freed < Duration::from_secs(3), "served {:?} after a slot freed", answered - freed);
    drop(second);
    s.stop().await;
}

#[tokio::test]
async fn at_the_cap_idle_and_silent_connections_make_room() {
    let s = start(|c| {
        c.max_connections = 3;
        c.header_read_timeout = Duration::from_secs(60);
        c.keep_alive_timeout = Duration::from_secs(60);
    })
    .await;
    let mut silent = connect(&s).await;
    let mut half = connect(&s).await;
    half.write_all(b"GET /healthz HTTP/1.1\r\nHost: tro").await.unwrap();
    let mut idle = connect(&s).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: trove\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 4096];
    let n = tokio::time::timeout(PATIENCE, idle.read(&mut buf)).await.expect("an answer").unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    // All three slots are taken by connections that handle no request; a fourth
    // client is served at once, and they are closed.
    let started = Instant::now();
    let resp = reqwest::Client::new().get(s.url("/healthz")).send().await.expect("healthz");
    assert_eq!(resp.status(), 200);
    assert!(started.elapsed() < Duration::from_secs(3), "served after {:?}", started.elapsed());
    let (raw, _) = read_to_close(&mut silent).await;
    assert!(raw.is_empty());
    let (raw, _) = read_to_close(&mut half).await;
    assert_408(&raw);
    let (raw, _) = read_to_close(&mut idle).await;
    assert!(raw.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn shutdown_is_not_held_by_half_open_or_silent_connections() {
    let s = start(|c| {
        c.header_read_timeout = Duration::from_secs(60);
        c.keep_alive_timeout = Duration::from_secs(60);
        c.shutdown_timeout = Duration::from_secs(60);
    })
    .await;
    let mut conns = Vec::new();
    for i in 0..20 {
        let mut conn = connect(&s).await;
        if i % 2 == 0 {
            conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: tr").await.unwrap();
        }
        conns.push(conn);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    s.stop().await;
    assert!(started.elapsed() < Duration::from_secs(3), "shutdown took {:?}", started.elapsed());
    for conn in &mut conns {
        let (raw, _) = read_to_close(conn).await;
        assert!(raw.is_empty() || parse(&raw).0 == 408, "{}", String::from_utf8_lossy(&raw));
    }
}

#[tokio::test]
async fn shutdown_lets_a_request_in_flight_finish() {
    let s = start(|c| {
        c.body_read_timeout = Duration::from_secs(60);
        c.shutdown_timeout = Duration::from_secs(60);
    })
    .await;
    let mut conn = connect(&s).await;
    let json = br#"{"title": "in flight"}"#;
    let head = format!(
        "POST /api/spaces HTTP/1.1\r\nHost: trove\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        json.len()
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let stopping = tokio::spawn(s.stop());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!stopping.is_finished(), "shutdown did not wait for the request in flight");
    conn.write_all(json).await.unwrap();
    let (raw, _) = read_to_close(&mut conn).await;
    let (status, body) = parse(&raw);
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&raw));
    assert_eq!(body["space"]["title"], "in flight");
    tokio::time::timeout(PATIENCE, stopping).await.expect("shutdown finishes").unwrap();
}
