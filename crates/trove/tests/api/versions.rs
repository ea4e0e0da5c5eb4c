use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, json};

#[tokio::test]
async fn history_naming_and_restore() {
    let s = TestServer::start().await;
    let space = s.create_space("V").await;
    let a = s.upload_ok(&space, "a.txt", b"one").await;
    let uid = a["uid"].as_str().unwrap();
    let path = format!("/api/spaces/{space}/assets/{uid}");
    s.send_json(Method::PUT, &path, json!({"title": "Two"})).await;
    s.replace(&space, uid, "a.txt", b"three", None).await;

    let (_, v) = s.get(&format!("{path}/versions")).await;
    assert_eq!(v["count"], 3);
    let numbers: Vec<i64> = v["versions"].as_array().unwrap().iter().map(|x| x["version"].as_i64().unwrap()).collect();
    assert_eq!(numbers, vec![3, 2, 1]);
    let (status, v1) = s.get(&format!("{path}/versions/1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v1["version"]["title"], "a.txt");
    let (status, body) = s.get(&format!("{path}/versions/9")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "version_not_found");

    // Naming creates no version.
    let (status, named) =
        s.send_json(Method::PUT, &format!("{path}/versions/1/name"), json!({"name": "Launch cut_1"})).await;
    assert_eq!(status, StatusCode::OK, "{named}");
    assert_eq!(named["version"]["version_name"], "Launch cut_1");
    let (_, v) = s.get(&format!("{path}/versions")).await;
    assert_eq!(v["count"], 3);
    for bad in ["x".repeat(33), "a/b".to_owned(), "  ".to_owned()] {
        let (status, body) = s.send_json(Method::PUT, &format!("{path}/versions/1/name"), json!({"name": bad})).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(body["errors"]["name"].is_array(), "{body}");
    }
    let (status, _) = s.send_json(Method::PUT, &format!("{path}/versions/7/name"), json!({"name": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Restore saves version 1's content and file as version 4.
    let (status, r) = json(s.req(Method::POST, &format!("{path}/versions/1/restore")).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["asset"]["version"], 4);
    assert_eq!(r["asset"]["title"], "a.txt");
    assert_eq!(r["asset"]["file_uid"], a["file_uid"]);
    let (_, bytes) = s.fetch(r["asset"]["permanent_url"].as_str().unwrap()).await;
    assert_eq!(bytes, b"one");
    let (_, v) = s.get(&format!("{path}/versions")).await;
    assert_eq!(v["count"], 4, "history is kept, never rewritten");
    assert_eq!(v["versions"][3]["version_name"], "Launch cut_1");
    s.stop().await;
}

#[tokio::test]
async fn stale_writes_are_refused_and_change_nothing() {
    let s = TestServer::start().await;
    let space = s.create_space("C").await;
    let a = s.upload_ok(&space, "a.txt", b"one").await;
    let uid = a["uid"].as_str().unwrap();
    let path = format!("/api/spaces/{space}/assets/{uid}");
    let (status, _) =
        json(s.req(Method::PUT, &path).header("If-Match", "\"v1\"").json(&json!({"title": "B"})).send().await.unwrap())
            .await;
    assert_eq!(status, StatusCode::OK);

    // If-Match still names v1: refused.
    let (status, body) = json(
        s.req(Method::PUT, &path)
            .header("If-Match", "\"v1\"")
            .json(&json!({"title": "stale", "slug": "stale", "parent_uid": null}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"title": "stale", "version": 1})).await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) = s.replace(&space, uid, "x.txt", b"stale bytes", Some(1)).await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) = json(
        s.req(Method::POST, &format!("{path}/versions/1/restore")).header("If-Match", "\"v1\"").send().await.unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::PRECONDITION_FAILED, "version_conflict");
    let (status, body) =
        json(s.req(Method::PUT, &path).header("If-Match", "bogus").json(&json!({"title": "x"})).send().await.unwrap())
            .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_if_match");

    let (_, now) = s.get(&path).await;
    assert_eq!(now["asset"]["version"], 2);
    assert_eq!(now["asset"]["title"], "B");
    assert_eq!(now["asset"]["slug"], "a.txt");
    let (_, v) = s.get(&format!("{path}/versions")).await;
    assert_eq!(v["count"], 2);
    s.stop().await;
}

#[tokio::test]
async fn concurrent_edits_on_one_version_let_exactly_one_win() {
    let s = TestServer::start().await;
    let space = s.create_space("Race").await;
    let a = s.upload_ok(&space, "a.txt", b"one").await;
    let url = s.url(&format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap()));
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (client, url) = (s.client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            client
                .put(url)
                .bearer_auth(crate::common::TOKEN)
                .header("If-Match", "\"v1\"")
                .json(&json!({"title": format!("writer {i}")}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::OK => ok += 1,
            StatusCode::PRECONDITION_FAILED => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(ok, 1);
    let (_, v) = s.get(&format!("/api/spaces/{space}/assets/{}/versions", a["uid"].as_str().unwrap())).await;
    assert_eq!(v["count"], 2);
    s.stop().await;
}
