//! Write semantics: unconditioned writes land on the head at commit time, however
//! many run at once; conditioned ones (`If-Match`, `"version"`) succeed exactly once
//! per version; `If-Match` follows RFC 9110 (`*`, lists, strong comparison) on every
//! write, DELETE and restore included.

use futures::future::join_all;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error, json};

async fn versions(s: &TestServer, path: &str) -> i64 {
    let (status, body) = s.get(&format!("{path}/versions")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["count"].as_i64().unwrap_or_default()
}

#[tokio::test]
async fn thirty_parallel_unconditioned_edits_and_replaces_all_succeed() {
    let s = TestServer::start().await;
    let space = s.create_space("Busy").await;
    let a = s.upload_ok(&space, "a.txt", b"v1").await;
    let uid = a["uid"].as_str().unwrap().to_owned();
    let path = format!("/api/spaces/{space}/assets/{uid}");

    let edits = (0..30).map(|i| {
        let req = s.req(Method::PUT, &path).json(&json!({"title": format!("edit {i}"), "tags": [format!("t{i}")]}));
        async move { json(req.send().await.unwrap()).await }
    });
    let results = join_all(edits).await;
    for (status, body) in &results {
        assert_eq!(*status, StatusCode::OK, "an unconditioned edit is applied on the head: {body}");
    }
    assert_eq!(versions(&s, &path).await, 31, "30 edits, 30 new versions");

    let replaces = (0..30).map(|i| {
        let form =
            Form::new().part("file", Part::bytes(format!("file {i}").into_bytes()).file_name(format!("f{i}.txt")));
        let req = s.req(Method::PUT, &path).multipart(form);
        async move { json(req.send().await.unwrap()).await }
    });
    for (status, body) in join_all(replaces).await {
        assert_eq!(status, StatusCode::OK, "an unconditioned replace is applied on the head: {body}");
    }
    assert_eq!(versions(&s, &path).await, 61);
    let restores = (0..10).map(|_| {
        let req = s.req(Method::POST, &format!("{path}/versions/1/restore"));
        async move { json(req.send().await.unwrap()).await.0 }
    });
    assert!(join_all(restores).await.iter().all(|st| *st == StatusCode::OK));
    let (_, now) = s.get(&path).await;
    assert_eq!(now["asset"]["version"], 71);
    assert_eq!(now["asset"]["file_name"], "a.txt", "the last restore brought version 1's file back");
    // Every version is a whole one: a title from one edit never meets another's tags.
    let (_, list) = s.get(&format!("{path}/versions")).await;
    for v in list["versions"].as_array().unwrap() {
        if let Some(n) = v["title"].as_str().and_then(|t| t.strip_prefix("edit ")) {
            let tags = v["tags"].as_array().unwrap();
            assert!(tags.iter().any(|t| t == &Value::String(format!("t{n}"))), "{v}");
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn fifty_parallel_conditioned_edits_give_one_success_per_version() {
    let s = TestServer::start().await;
    let space = s.create_space("Race").await;
    let a = s.upload_ok(&space, "a.txt", b"v1").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());

    for round in 1..=2 {
        let edits = (0..50).map(|i| {
            let req = if i % 2 == 0 {
                s.req(Method::PUT, &path)
                    .header("If-Match", format!("\"v{round}\""))
                    .json(&json!({"title": format!("{i}")}))
            } else {
                s.req(Method::PUT, &path).json(&json!({"title": format!("{i}"), "version": round}))
            };
            async move { json(req.send().await.unwrap()).await }
        });
        let results = join_all(edits).await;
        let ok = results.iter().filter(|(st, _)| *st == StatusCode::OK).count();
        assert_eq!(ok, 1, "exactly one write based on version {round} wins");
        for (status, body) in results.iter().filter(|(st, _)| *st != StatusCode::OK) {
            assert_error(*status, body, StatusCode::PRECONDITION_FAILED, "version_conflict");
        }
        assert_eq!(versions(&s, &path).await, round + 1);
    }
    // Conditioned file replacements race the same way.
    let replaces = (0..20).map(|i| {
        let form = Form::new().part("file", Part::bytes(vec![b'x'; i + 1]).file_name("r.txt"));
        let req = s.req(Method::PUT, &path).header("If-Match", "\"v3\"").multipart(form);
        async move { json(req.send().await.unwrap()).await.0 }
    });
    let statuses = join_all(replaces).await;
    assert_eq!(statuses.iter().filter(|st| **st == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|st| *st == StatusCode::OK || *st == StatusCode::PRECONDITION_FAILED));
    s.stop().await;
}

#[tokio::test]
async fn if_match_star_lists_and_strong_comparison() {
    let s = TestServer::start().await;
    let space = s.create_space("Tags").await;
    let a = s.upload_ok(&space, "a.txt", b"v1").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());
    let put = |tag: &str, title: &str| {
        let req = s.req(Method::PUT, &path).header("If-Match", tag).json(&json!({"title": title}));
        async move { json(req.send().await.unwrap()).await }
    };

    let (status, body) = put("*", "star").await;
    assert_eq!((status, body["asset"]["version"].as_i64()), (StatusCode::OK, Some(2)), "{body}");
    let (status, body) = put("\"v9\", \"v2\"", "list").await;
    assert_eq!((status, body["asset"]["version"].as_i64()), (StatusCode::OK, Some(3)), "a list matches any: {body}");
    let (status, body) = put("\"v1\",\"v2\"", "stale list").await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) = put("W/\"v3\"", "weak").await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) = put("\"not-ours\"", "foreign").await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    for malformed in ["v3", "\"v3", "*, \"v3\""] {
        let (status, body) = put(malformed, "bad").await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_if_match");
    }
    // Two If-Match lines are one list.
    let resp = s
        .req(Method::PUT, &path)
        .header("If-Match", "\"v1\"")
        .header("If-Match", "\"v3\"")
        .json(&json!({"title": "two lines"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (_, now) = s.get(&path).await;
    assert_eq!((now["asset"]["version"].as_i64(), now["asset"]["title"].as_str()), (Some(4), Some("two lines")));
    s.stop().await;
}

#[tokio::test]
async fn delete_honours_if_match() {
    let s = TestServer::start().await;
    let space = s.create_space("Del").await;
    let a = s.upload_ok(&space, "a.txt", b"v1").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());
    let (status, _) = s.send_json(Method::PUT, &path, json!({"title": "edited"})).await;
    assert_eq!(status, StatusCode::OK);

    let del = |tag: &str| {
        let req = s.req(Method::DELETE, &path).header("If-Match", tag);
        async move { json(req.send().await.unwrap()).await }
    };
    let (status, body) = del("\"v1\"").await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, _) = s.get(&path).await;
    assert_eq!(status, StatusCode::OK, "a stale delete changes nothing");
    let (status, body) = del("bogus").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_if_match");
    let (status, body) = del("\"v2\"").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get(&path).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // `*` deletes whatever the version; an unconditioned delete still works.
    let b = s.upload_ok(&space, "b.txt", b"b").await;
    let (status, _) = json(
        s.req(Method::DELETE, &format!("/api/spaces/{space}/assets/{}", b["uid"].as_str().unwrap()))
            .header("If-Match", "*")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    s.stop().await;
}

#[tokio::test]
async fn restore_validates_its_body_and_honours_version() {
    let s = TestServer::start().await;
    let space = s.create_space("Restore").await;
    let a = s.upload_ok(&space, "a.txt", b"v1").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());
    let (status, _) = s.send_json(Method::PUT, &path, json!({"title": "two"})).await;
    assert_eq!(status, StatusCode::OK);
    let restore = format!("{path}/versions/1/restore");
    let raw = |ct: &str, body: Vec<u8>| {
        let req = s.req(Method::POST, &restore).header("content-type", ct).body(body);
        async move { json(req.send().await.unwrap()).await }
    };

    let (status, body) = raw("application/json", b"{\"version\": ".to_vec()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, body) = raw("application/json", b"{\"verison\": 2}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert_eq!(body["errors"]["verison"][0], "is not a known field");
    let (status, body) = raw("application/json", b"{\"version\": \"2\"}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert!(body["errors"]["version"].is_array(), "{body}");
    let (status, body) = raw("text/plain", b"{\"version\": 2}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type");
    let big = format!("{{\"version\": 2, \"pad\": \"{}\"}}", "x".repeat(1024 * 1024));
    let (status, body) = raw("application/json", big.into_bytes()).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
    let (status, body) = raw("application/json", b"{\"version\": 1}".to_vec()).await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    assert_eq!(versions(&s, &path).await, 2, "refused restores change nothing");

    let (status, body) = raw("application/json", b"{\"version\": 2}".to_vec()).await;
    assert_eq!((status, body["asset"]["version"].as_i64()), (StatusCode::OK, Some(3)), "{body}");
    assert_eq!(body["asset"]["title"], "a.txt");
    // If-Match wins over the body; an empty body is no body.
    let resp = s
        .req(Method::POST, &restore)
        .header("If-Match", "\"v3\"")
        .header("content-type", "application/json")
        .body("{\"version\": 1}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let (status, _) = json(s.req(Method::POST, &restore).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(versions(&s, &path).await, 5);
    s.stop().await;
}
