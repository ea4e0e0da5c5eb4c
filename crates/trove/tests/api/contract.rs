//! The request contract: errors in Trove's own words, unknown query parameters,
//! repeated JSON keys and multipart parts, safe names, bulk de-duplication, active
//! content and byte ranges.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error, json};

/// No library wording in a message: no serde backticks, Rust type names or `Some(…)`.
fn assert_own_words(body: &Value) {
    let text = body.to_string();
    for leak in ["`", "i64", "u64", "Some(", "serde", "axum", "Failed to deserialize", "expected one of"] {
        assert!(!text.contains(leak), "{leak:?} in {body}");
    }
}

#[tokio::test]
async fn api_routes_refuse_unknown_query_parameters_and_delivery_ignores_them() {
    let s = TestServer::start().await;
    let space = s.create_space("Q").await;
    let a = s.upload_ok(&space, "a.txt", b"hello").await;

    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?tag=red")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "unknown_query_parameter");
    assert!(body["errors"]["tag"].is_array(), "{body}");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=1&sikp=1&x=1")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "unknown_query_parameter");
    assert!(body["errors"]["sikp"].is_array() && body["errors"]["x"].is_array(), "{body}");
    let (status, body) = s.get("/api/spaces?workspace=main").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "unknown_query_parameter");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=ten")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    assert!(body["errors"]["limit"].is_array(), "{body}");
    assert_own_words(&body);
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=1&limit=2")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?limit=2&workspace=main&locale=en-us")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    for url in [a["url"].as_str().unwrap(), a["permanent_url"].as_str().unwrap()] {
        let (status, bytes) = s.fetch(&format!("{url}?cb=123&environment=production&v=2")).await;
        assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &b"hello"[..]), "{url}");
    }
    s.stop().await;
}

#[tokio::test]
async fn path_and_json_errors_are_keyed_and_in_trove_words() {
    let s = TestServer::start().await;
    let space = s.create_space("E").await;
    let a = s.upload_ok(&space, "a.txt", b"x").await;
    let path = format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap());

    for bad in ["abc", "1.5", "99999999999999999999999"] {
        let (status, body) = s.get(&format!("{path}/versions/{bad}")).await;
        assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_path_parameter");
        assert_own_words(&body);
    }
    let send = |body: &'static str| {
        let req = s.req(Method::PUT, &path).header("content-type", "application/json").body(body);
        async move { json(req.send().await.unwrap()).await }
    };
    let (status, body) = send(r#"{"title": "a", "title": "b"}"#).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert_eq!(body["errors"]["title"][0], "appears more than once");
    let (status, body) = send(r#"{"title": "a", "tittle": "b"}"#).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert_eq!(body["errors"]["tittle"][0], "is not a known field");
    let (status, body) = send(r#"{"tags": "red"}"#).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    assert_eq!(body["errors"]["tags"][0], "must be a list, not a string");
    let (status, body) = send(r#"{"version": "3"}"#).await;
    assert_eq!(body["errors"]["version"][0], "must be an integer, not a string", "{status} {body}");
    assert_own_words(&body);
    let (status, body) = send("[1, 2]").await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    let (status, body) = send(r#"{"title": "x"} trailing"#).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_json");
    assert_own_words(&body);

    // Repeated keys are refused the same way on every JSON route.
    for (method, url) in [
        (Method::POST, "/api/spaces".to_owned()),
        (Method::POST, format!("/api/spaces/{space}/folders")),
        (Method::POST, format!("/api/spaces/{space}/workspaces")),
        (Method::POST, format!("/api/spaces/{space}/workspaces/main/merge")),
        (Method::POST, format!("{path}/versions/1/restore")),
        (Method::PUT, format!("{path}/versions/1/name")),
    ] {
        let resp = s
            .req(method, &url)
            .header("content-type", "application/json")
            .body(r#"{"a": 1, "a": 2}"#)
            .send()
            .await
            .unwrap();
        let (status, body) = json(resp).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
        assert_eq!(body["errors"]["a"][0], "appears more than once", "{url}");
    }
    s.stop().await;
}

#[tokio::test]
async fn multipart_text_must_be_utf8_and_sent_once() {
    let s = TestServer::start().await;
    let space = s.create_space("M").await;
    let url = format!("/api/spaces/{space}/assets");
    let form = Form::new()
        .part("file", Part::bytes(b"x".to_vec()).file_name("a.txt"))
        .part("title", Part::bytes(vec![b'a', 0xff, 0xfe]));
    let (status, body) = json(s.req(Method::POST, &url).multipart(form).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_multipart");
    let form = Form::new()
        .part("file", Part::bytes(b"x".to_vec()).file_name("a.txt"))
        .text("title", "one")
        .text("title", "two");
    let (status, body) = json(s.req(Method::POST, &url).multipart(form).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"]["title"].is_array(), "{body}");
    let big = "t".repeat(70 * 1024);
    let form = Form::new().part("file", Part::bytes(b"x".to_vec()).file_name("a.txt")).text("description", big);
    let (status, body) = json(s.req(Method::POST, &url).multipart(form).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "field_too_large");
    assert_own_words(&body);
    let (_, list) = s.get(&url).await;
    assert_eq!(list["count"], 0, "refused uploads create nothing");
    s.stop().await;
}

#[tokio::test]
async fn names_and_titles_show_what_they_are() {
    let s = TestServer::start().await;
    let space = s.create_space("N").await;
    let (status, body) = s.upload(&space, "invoice\u{202e}fdp.exe.txt", b"x", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["asset"]["file_name"], "invoice_fdp.exe.txt");
    let (_, body) = s.upload(&space, "a\u{200b}b\u{2066}c\u{feff}d\u{fdd0}.txt", b"y", &[]).await;
    assert_eq!(body["asset"]["file_name"], "a_b_c_d_.txt");
    let path = format!("/api/spaces/{space}/assets/{}", body["asset"]["uid"].as_str().unwrap());

    for invisible in ["\u{200b}", " \u{202e} ", "\u{feff}\u{2060}", "\u{3164}"] {
        let (status, body) = s.send_json(Method::PUT, &path, json!({"title": invisible})).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let (status, body) = s.send_json(Method::POST, "/api/spaces", json!({"title": invisible})).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let (status, _) = s.upload(&space, "c.txt", b"z", &[("title", invisible)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (status, body) = s.send_json(Method::PUT, &path, json!({"title": "family \u{1f468}\u{200d}\u{1f469}"})).await;
    assert_eq!(status, StatusCode::OK, "joiners inside visible text stay: {body}");
    s.stop().await;
}

#[tokio::test]
async fn bulk_operations_count_each_asset_once() {
    let s = TestServer::start().await;
    let space = s.create_space("B").await;
    let a = s.upload_ok(&space, "a.txt", b"a").await["uid"].as_str().unwrap().to_owned();
    let b = s.upload_ok(&space, "b.txt", b"b").await["uid"].as_str().unwrap().to_owned();
    let folder = s.create_folder(&space, "F", None).await;

    let (status, body) = s
        .send_json(
            Method::POST,
            &format!("/api/spaces/{space}/assets/bulk/move"),
            json!({"asset_uids": [a, a, b, a], "target_folder_uid": folder}),
        )
        .await;
    assert_eq!((status, body["notice"].as_str()), (StatusCode::OK, Some("2 assets moved.")), "{body}");
    let both = json!({"asset_uids": [a], "assets": [{"uid": b}]});
    let (status, body) = s.send_json(Method::POST, &format!("/api/spaces/{space}/assets/bulk/delete"), both).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 2, "a refused bulk delete trashes nothing");
    let (status, body) = s
        .send_json(
            Method::POST,
            &format!("/api/spaces/{space}/assets/bulk/delete"),
            json!({"assets": [{"uid": b}, {"uid": b}, {"uid": a}]}),
        )
        .await;
    assert_eq!((status, body["notice"].as_str()), (StatusCode::OK, Some("2 assets moved to the trash.")), "{body}");
    let (_, trash) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!(trash["count"], 2);
    s.stop().await;
}

#[tokio::test]
async fn active_content_is_an_attachment_and_text_names_its_charset() {
    let s = TestServer::start().await;
    let space = s.create_space("D").await;
    let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    let xml = b"<?xml version=\"1.0\"?><note>x</note>";
    let cases: [(&str, &[u8], &str); 4] = [
        ("x.svg", svg, "attachment"),
        ("x.html", html, "attachment"),
        ("x.xml", xml, "attachment"),
        ("x.txt", "héllo".as_bytes(), "inline"),
    ];
    let mut urls = Vec::new();
    for (name, bytes, want) in cases {
        let a = s.upload_ok(&space, name, bytes).await;
        let url = a["permanent_url"].as_str().unwrap().to_owned();
        let resp = s.anon(Method::GET, &url).send().await.unwrap();
        let h = resp.headers();
        let disposition = h["content-disposition"].to_str().unwrap();
        assert!(disposition.starts_with(want), "{name}: {disposition}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert!(h["content-security-policy"].to_str().unwrap().contains("sandbox"));
        urls.push((name, url));
    }
    let resp = s.anon(Method::GET, &urls[3].1).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "text/plain; charset=utf-8");

    // A server that allows active content inline says so per file type.
    let s = s.restart_with(|c| c.inline_active_content = true).await;
    let resp = s.anon(Method::GET, &urls[0].1).send().await.unwrap();
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("inline"));
    let etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    let resp = s.anon(Method::GET, &format!("{}?download=1", urls[0].1)).send().await.unwrap();
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));

    // Revalidating a copy cached while inline was allowed: the 304 carries the
    // disposition the server now gives, so the cache stops showing the file inline.
    let s = s.restart_with(|c| c.inline_active_content = false).await;
    let resp = s.anon(Method::GET, &urls[0].1).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert!(resp.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(resp.headers()["content-type"], "image/svg+xml; charset=utf-8");
    s.stop().await;
}

#[tokio::test]
async fn ranges_past_the_end_mean_to_the_end() {
    let s = TestServer::start().await;
    let space = s.create_space("R").await;
    let a = s.upload_ok(&space, "r.bin", b"0123456789").await;
    let url = a["permanent_url"].as_str().unwrap().to_owned();
    let range = |r: &'static str| {
        let req = s.anon(Method::GET, &url).header("Range", r);
        async move {
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let cr = resp.headers().get("content-range").map(|v| v.to_str().unwrap().to_owned());
            (status, cr, resp.bytes().await.unwrap().to_vec())
        }
    };
    let cases: [(&str, StatusCode, Option<&str>, &[u8]); 12] = [
        ("bytes=2-4", StatusCode::PARTIAL_CONTENT, Some("bytes 2-4/10"), b"234"),
        ("bytes=5-100", StatusCode::PARTIAL_CONTENT, Some("bytes 5-9/10"), b"56789"),
        ("bytes=5-184467440737095516160", StatusCode::PARTIAL_CONTENT, Some("bytes 5-9/10"), b"56789"),
        ("bytes=-3", StatusCode::PARTIAL_CONTENT, Some("bytes 7-9/10"), b"789"),
        ("bytes=-50", StatusCode::PARTIAL_CONTENT, Some("bytes 0-9/10"), b"0123456789"),
        ("bytes=-99999999999999999999999", StatusCode::PARTIAL_CONTENT, Some("bytes 0-9/10"), b"0123456789"),
        ("bytes=4-2", StatusCode::OK, None, b"0123456789"),
        ("bytes=0-1,4-5", StatusCode::OK, None, b"0123456789"),
        ("items=0-1", StatusCode::OK, None, b"0123456789"),
        ("Bytes=2-3", StatusCode::PARTIAL_CONTENT, Some("bytes 2-3/10"), b"23"),
        ("bytes=002-0003", StatusCode::PARTIAL_CONTENT, Some("bytes 2-3/10"), b"23"),
        ("bytes=-003", StatusCode::PARTIAL_CONTENT, Some("bytes 7-9/10"), b"789"),
    ];
    for (r, status, cr, bytes) in cases {
        let got = range(r).await;
        assert_eq!((got.0, got.1.as_deref(), got.2.as_slice()), (status, cr, bytes), "{r}");
    }
    for r in ["bytes=10-", "bytes=-0", "bytes=99999999999999999999999-", "bytes=99999999999999999999999-5"] {
        let (status, cr, _) = range(r).await;
        assert_eq!((status, cr.as_deref()), (StatusCode::RANGE_NOT_SATISFIABLE, Some("bytes */10")), "{r}");
    }
    s.stop().await;
}
