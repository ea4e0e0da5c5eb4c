//! Slow clients against the real `trove` binary with a low descriptor limit (512,
//! set by `prlimit`): a thousand sockets that send part of a request or nothing at
//! all must not take `/healthz` or permanent-URL delivery down, and every one of
//! them is closed (by the time-outs, or to make room for clients that send a
//! request). Needs `prlimit` (util-linux); Linux only.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use support::http::{client_with_timeout, to_json, upload_form};
use support::process::{Stderr, TroveProcess};

const TOKEN: &str = "slow-clients-bootstrap-token-0123456789";
const SOCKETS: usize = 1000;
const FD_LIMIT: u64 = 512;
/// How long a probe may take while the slow sockets are open.
const QUICK: Duration = Duration::from_secs(2);

/// This process holds a thousand sockets: its own soft limit goes to the hard one.
fn raise_own_fd_limit() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let target = limit.maximum.unwrap_or(1 << 20).min(1 << 16);
    let _ = setrlimit(Resource::Nofile, Rlimit { current: Some(target), maximum: limit.maximum });
    let now = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
    assert!(now >= SOCKETS as u64 + 200, "the test needs {} descriptors, the limit is {now}", SOCKETS + 200);
}

/// Ends when the server has closed `conn` (end of file or reset), returning what it
/// sent; `None` when it is still open after `wait`.
async fn closed_within(conn: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    tokio::time::timeout(wait, async {
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .ok()
    .map(|()| out)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_and_silent_sockets_do_not_take_the_server_down() {
    if std::process::Command::new("prlimit").arg("--version").output().is_err() {
        panic!("prlimit (util-linux) is needed to run trove with a low descriptor limit");
    }
    raise_own_fd_limit();
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = tokio::process::Command::new("prlimit");
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("TROVE_") {
            cmd.env_remove(&k);
        }
    }
    cmd.arg(format!("--nofile={FD_LIMIT}:{FD_LIMIT}"))
        .arg(env!("CARGO_BIN_EXE_trove"))
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.path())
        .arg("--listen")
        .arg("127.0.0.1:0")
        .env("TROVE_BOOTSTRAP_TOKEN", TOKEN)
        .env("TROVE_HEADER_READ_TIMEOUT", "3s")
        .env("TROVE_KEEP_ALIVE_TIMEOUT", "3s")
        .env("RUST_LOG", "warn");
    let server = TroveProcess::start("the server", &mut cmd, Stderr::Capture).await;
    let addr = server.base.trim_start_matches("http://").to_owned();
    // Every probe on a new connection, as a new client would come.
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).pool_max_idle_per_host(0).build().unwrap();
    let http = client_with_timeout(Duration::from_secs(30));

    let (status, space) = to_json(
        http.post(format!("{}/api/spaces", server.base))
            .bearer_auth(TOKEN)
            .json(&serde_json::json!({"title": "slow"}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{space}");
    let space = space["space"]["uid"].as_str().unwrap().to_owned();
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let (status, asset) = to_json(
        http.post(format!("{}/api/spaces/{space}/assets", server.base))
            .bearer_auth(TOKEN)
            .multipart(upload_form("slow.bin", "slow", data.clone()))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, 201, "{asset}");
    let url = asset["asset"]["url"].as_str().unwrap().to_owned();
    let url = if url.starts_with("http") { url } else { format!("{}{url}", server.base) };

    // A thousand sockets: even ones send the start of a request and stop, odd ones
    // send nothing. More than the descriptor limit allows the server to hold.
    let opened = Instant::now();
    let mut sockets = Vec::with_capacity(SOCKETS);
    for i in 0..SOCKETS {
        let mut conn = tokio::time::timeout(Duration::from_secs(10), TcpStream::connect(&addr))
            .await
            .unwrap_or_else(|_| panic!("socket {i} could not connect within 10 s"))
            .unwrap_or_else(|e| panic!("socket {i}: {e}"));
        if i % 2 == 0 {
            conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: trove\r\nX-Slow: ").await.unwrap();
        }
        sockets.push(conn);
    }
    println!("{SOCKETS} sockets opened in {:?}", opened.elapsed());

    // While they are open (or being closed), the server answers at once.
    for round in 0..5 {
        let started = Instant::now();
        let resp = client.get(format!("{}/healthz", server.base)).send().await.expect("healthz");
        assert_eq!(resp.status(), 200);
        let took = started.elapsed();
        assert!(took < QUICK, "round {round}: /healthz took {took:?}");
        let started = Instant::now();
        let resp = client.get(&url).send().await.expect("delivery");
        assert_eq!(resp.status(), 200);
        assert_eq!(resp.bytes().await.unwrap().as_ref(), data.as_slice(), "round {round}: delivery");
        let took = started.elapsed();
        assert!(took < QUICK, "round {round}: delivery took {took:?}");
        println!("round {round}: /healthz and delivery answered");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // Every slow socket is closed, well within the header time-out after the last
    // was opened; what a half-open one hears, if anything, is a 408.
    let deadline = Instant::now() + Duration::from_secs(15);
    for (i, conn) in sockets.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(Instant::now());
        let heard = closed_within(conn, left).await.unwrap_or_else(|| panic!("socket {i} is still open"));
        if !heard.is_empty() {
            let text = String::from_utf8_lossy(&heard);
            assert!(text.starts_with("HTTP/1.1 408"), "socket {i} heard {text}");
            let body: Value = serde_json::from_str(text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("")).unwrap();
            assert_eq!(body["error_code"], "request_timeout");
            assert_eq!(i % 2, 0, "a silent socket got an answer");
        }
    }
    println!("all {SOCKETS} slow sockets closed {:?} after they were opened", opened.elapsed());

    let resp = client.get(format!("{}/healthz", server.base)).send().await.expect("healthz after");
    assert_eq!(resp.status(), 200);
    let errors = server.error_lines();
    assert!(errors.is_empty(), "the server logged errors: {errors:#?}");
    let text = server.stderr_text();
    assert!(!text.contains("accepting a connection failed"), "the server ran out of descriptors:\n{text}");
}
