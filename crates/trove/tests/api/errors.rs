use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, json};

#[tokio::test]
async fn unknown_routes_and_methods_are_json() {
    let s = TestServer::start().await;
    let (status, body) = json(s.anon(Method::GET, "/nope").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "route_not_found");
    let (status, body) = s.get("/api/nothing/here").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "route_not_found");
    let (status, body) = json(s.req(Method::PATCH, "/api/spaces").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let resp = s.anon(Method::GET, "/nope").send().await.unwrap();
    assert!(resp.headers().contains_key("x-request-id"));
    s.stop().await;
}

#[tokio::test]
async fn malformed_bodies_and_queries_are_4xx() {
    let s = TestServer::start().await;
    let space = s.create_space("E").await;
    let send = |m: Method, path: String, ct: &'static str, body: Vec<u8>| {
        let req = s.req(m, &path).header("content-type", ct).body(body);
        async move { json(req.send().await.unwrap()).await }
    };
    let (status, body) = send(Method::POST, "/api/spaces".into(), "application/json", b"{\"title\":".to_vec()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, body) = send(Method::POST, "/api/spaces".into(), "application/json", b"{\"title\": 5}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    // Bodies are objects: an array that serde could read as the struct is refused.
    let (_, before) = s.get("/api/spaces").await;
    let (status, body) = send(Method::POST, "/api/spaces".into(), "application/json", b"[\"x\", null]".to_vec()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let (_, after) = s.get("/api/spaces").await;
    assert_eq!(after["count"], before["count"], "nothing was created from the array");
    let (status, body) =
        send(Method::POST, "/api/spaces".into(), "application/json", b"{\"title\": \"a\", \"colour\": 1}".to_vec())
            .await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let (status, body) = send(Method::POST, "/api/spaces".into(), "text/plain", b"{}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type");
    let big = format!("{{\"title\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let (status, body) = send(Method::POST, "/api/spaces".into(), "application/json", big.into_bytes()).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");

    let a = s.upload_ok(&space, "a.txt", b"x").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());
    let (status, body) = send(Method::PUT, path.clone(), "application/json", b"{\"title\": tru".to_vec()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    let (status, body) = send(Method::PUT, path.clone(), "application/json", b"{\"tags\": \"x\"}".to_vec()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=abc")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets/x/versions/notanumber")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_path_parameter");
    let message = body["error_message"].as_str().unwrap_or_default();
    assert!(message.contains("path segment n") && !message.contains("i64"), "{message}");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?locale=fr-fr")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "locale_not_enabled");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=-5&skip=-1")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    assert!(
        body["errors"]["limit"].is_array() && body["errors"]["skip"].is_array(),
        "out-of-range paging is named: {body}"
    );
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=1001")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, _) = s.get(&format!("/api/spaces/{space}/assets?limit=1000&skip=0")).await;
    assert_eq!(status, StatusCode::OK, "the bounds themselves are accepted");

    // Hostile strings are data, never code or paths.
    for title in ["'; DROP TABLE assets; --", "../../etc/passwd", "\u{202e}evil", "😀"] {
        let (status, body) = s.send_json(Method::PUT, &path, json!({"title": title})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["asset"]["title"], title);
    }
    let (status, body) = s.send_json(Method::PUT, &path, json!({"title": "a\u{0}b"})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = s.get("/api/spaces/%2F..%2F").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "space_not_found");
    let (status, body) = s.get("/api/spaces/%00x").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    let (status, body) = s.get(&format!("/api/spaces/{space}/trash?deleted_by=a%00b")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_request");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"description": "a\u{0}b"})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // NUL inside JSON identifiers: never a 500, whatever the database.
    let (status, _) = s
        .send_json(Method::POST, &format!("/api/spaces/{space}/assets/bulk/move"), json!({"asset_uids": ["am\u{0}x"]}))
        .await;
    assert!(status.is_client_error(), "{status}");
    let (status, _) = s.send_json(Method::PUT, &path, json!({"parent_uid": "fd\u{0}"})).await;
    assert!(status.is_client_error(), "{status}");
    s.stop().await;
}

#[tokio::test]
async fn refused_requests_change_nothing_and_bodies_are_bounded() {
    let s = TestServer::start().await;
    let space = s.create_space("B").await;
    let a = s.upload_ok(&space, "a.txt", b"x").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());

    // A refused part refuses the whole edit.
    let (status, body) = s.send_json(Method::PUT, &path, json!({"title": "changed", "parent_uid": "fd_nope"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");
    let (_, now) = s.get(&path).await;
    assert_eq!((now["asset"]["version"].as_i64(), now["asset"]["title"].as_str()), (Some(1), Some("a.txt")));

    let resp =
        s.req(Method::PUT, &path).header("content-type", "text/plain").body("{\"title\": \"x\"}").send().await.unwrap();
    let (status, body) = json(resp).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type");
    let (status, body) = s.send_json(Method::PUT, &format!("{path}/versions/1/name"), json!({})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    s.delete(&path).await;
    let big = format!("{{\"with_assets\": true, \"pad\": \"{}\"}}", "x".repeat(2 * 1024 * 1024));
    let resp = s
        .req(Method::POST, &format!("/api/spaces/{space}/trash/{}/restore", a["uid"].as_str().unwrap()))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, body) = json(resp).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");

    // A part header that never ends is cut off, not buffered without limit.
    let mut bomb = b"--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nX-Pad: ".to_vec();
    bomb.extend(std::iter::repeat_n(b'a', 8 * 1024 * 1024));
    let resp = s
        .req(Method::POST, &format!("/api/spaces/{space}/assets"))
        .header("content-type", "multipart/form-data; boundary=XYZ")
        .body(bomb)
        .send()
        .await;
    if let Ok(resp) = resp {
        let (status, body) = json(resp).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_multipart");
    }
    s.stop().await;
}
