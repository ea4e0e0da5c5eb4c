use std::time::Duration;

use futures::StreamExt;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

use crate::common::{TOKEN, TestServer, sha256};

#[tokio::test]
async fn graceful_shutdown_lets_in_flight_requests_finish() {
    let s = TestServer::start().await;
    let space = s.create_space("G").await;
    // An upload that trickles in over ~1 s.
    let chunks: Vec<Vec<u8>> = (0..10u8).map(|i| vec![i; 64 * 1024]).collect();
    let all: Vec<u8> = chunks.concat();
    let stream = futures::stream::iter(chunks).then(|c| async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        Ok::<_, std::io::Error>(c)
    });
    let part = Part::stream_with_length(reqwest::Body::wrap_stream(stream), all.len() as u64).file_name("slow.bin");
    let req = s
        .client
        .post(s.url(&format!("/api/spaces/{space}/assets")))
        .bearer_auth(TOKEN)
        .multipart(Form::new().part("file", part));
    let upload = tokio::spawn(async move { req.send().await });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let base = s.base.clone();
    let client = s.client.clone();
    let stopping = tokio::spawn(s.stop_and_keep_dir());
    let resp = upload.await.unwrap().expect("the in-flight upload completes");
    assert_eq!(resp.status(), StatusCode::CREATED);
    let body: serde_json::Value = resp.json().await.unwrap();
    assert_eq!(body["asset"]["checksum"], format!("sha256:{}", sha256(&all)));
    let _dir = stopping.await.unwrap();
    assert!(client.get(format!("{base}/healthz")).send().await.is_err(), "no new connections after shutdown");
}
