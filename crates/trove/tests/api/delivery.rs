use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, bytes, json};

#[tokio::test]
async fn file_url_is_immutable_and_supports_http_semantics() {
    let s = TestServer::start().await;
    let space = s.create_space("D").await;
    let data = bytes(21, 10_000);
    let a = s.upload_ok(&space, "report final.pdf", &data).await;
    let url = a["url"].as_str().unwrap().to_owned();

    let resp = s.anon(Method::GET, &url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let h = resp.headers().clone();
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let etag = h["etag"].to_str().unwrap().to_owned();
    assert!(etag.starts_with('"') && !etag.starts_with("W/"), "strong ETag: {etag}");
    assert_eq!(h["content-type"], "application/octet-stream");
    assert_eq!(h["accept-ranges"], "bytes");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(h["content-disposition"].to_str().unwrap().starts_with("inline"));
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data);

    let resp = s.anon(Method::HEAD, &url).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-length"], "10000");
    assert!(resp.bytes().await.unwrap().is_empty());

    let resp = s.anon(Method::GET, &url).header("Range", "bytes=100-199").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.headers()["content-range"], "bytes 100-199/10000");
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data[100..200].to_vec());
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=-10").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data[9990..].to_vec());
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=9990-").send().await.unwrap();
    assert_eq!(resp.bytes().await.unwrap().to_vec(), data[9990..].to_vec());
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=20000-20010").send().await.unwrap();
    assert_eq!(resp.headers()["content-range"], "bytes */10000");
    let (status, body) = json(resp).await;
    assert_error(status, &body, StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable");
    let resp = s.anon(Method::GET, &url).header("Range", "lines=1-2").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "a malformed Range is ignored");
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=5-3").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "an invalid range is ignored");
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=-99999").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::PARTIAL_CONTENT, "a suffix longer than the file is the whole file");
    assert_eq!(resp.headers()["content-range"], "bytes 0-9999/10000");
    assert_eq!(resp.bytes().await.unwrap().len(), 10_000);
    let resp = s.anon(Method::GET, &url).header("Range", "bytes=9000-20000").send().await.unwrap();
    assert_eq!(resp.headers()["content-range"], "bytes 9000-9999/10000");
    let resp =
        s.anon(Method::GET, &url).header("Range", "bytes=0-1").header("If-Range", "\"other\"").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "a stale If-Range gets the whole file");

    let resp = s.anon(Method::GET, &url).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(resp.headers()["etag"], etag.as_str());
    let resp = s.anon(Method::GET, &url).header("If-None-Match", "\"nope\"").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let resp = s.anon(Method::GET, &format!("{url}?download=1")).send().await.unwrap();
    let cd = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(cd.starts_with("attachment; filename=\"report_final.pdf\""), "{cd}");

    // An empty file has no satisfiable range, for GET and HEAD alike.
    let empty = s.upload_ok(&space, "empty.bin", b"").await;
    let eurl = empty["url"].as_str().unwrap();
    for m in [Method::GET, Method::HEAD] {
        let resp = s.anon(m, eurl).header("Range", "bytes=0-").send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::RANGE_NOT_SATISFIABLE);
        assert_eq!(resp.headers()["content-range"], "bytes */0");
    }
    let (status, body) = s.fetch(eurl).await;
    assert_eq!((status, body.len()), (StatusCode::OK, 0));

    // The file name is part of the address.
    let wrong = url.replace("report_final.pdf", "other.pdf");
    let (status, _) = s.fetch(&wrong).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) =
        json(s.anon(Method::GET, &format!("/v3/assets/{space}/am_x/fl_x/a.bin")).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "file_not_found");
    s.stop().await;
}

#[tokio::test]
async fn permanent_url_follows_replacements_and_old_file_urls_stay() {
    let s = TestServer::start().await;
    let space = s.create_space("P").await;
    let a = s.upload_ok(&space, "hero.jpg", b"old bytes").await;
    let uid = a["uid"].as_str().unwrap();
    let permanent = a["permanent_url"].as_str().unwrap().to_owned();
    let old_url = a["url"].as_str().unwrap().to_owned();

    let resp = s.anon(Method::GET, &permanent).send().await.unwrap();
    assert_eq!(resp.headers()["cache-control"], "public, no-cache");
    let old_etag = resp.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(resp.bytes().await.unwrap().to_vec(), b"old bytes");

    let (status, r) = s.replace(&space, uid, "hero-v2.jpg", b"new bytes!", None).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["asset"]["permanent_url"], permanent.as_str());
    let (status, body) = s.fetch(&permanent).await;
    assert_eq!((status, body), (StatusCode::OK, b"new bytes!".to_vec()));
    let resp = s.anon(Method::GET, &permanent).header("If-None-Match", &old_etag).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "the old ETag no longer matches");
    let (status, body) = s.fetch(&old_url).await;
    assert_eq!((status, body), (StatusCode::OK, b"old bytes".to_vec()), "the old file URL still serves the old bytes");
    let resp = s.anon(Method::HEAD, &permanent).send().await.unwrap();
    assert_eq!(resp.headers()["content-length"], "10");
    let (status, _) = s.fetch(&format!("{permanent}?workspace=nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    s.stop().await;
}

#[tokio::test]
async fn custom_slug_is_set_once() {
    let s = TestServer::start().await;
    let space = s.create_space("S").await;
    let a = s.upload_ok(&space, "IMG_0001.png", &trove_media::fixtures::png_header(1, 1)).await;
    let uid = a["uid"].as_str().unwrap();
    let path = format!("/api/spaces/{space}/assets/{uid}");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"slug": "spring-hero.png"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["asset"]["version"], 1, "setting a slug creates no version");
    assert_eq!(body["asset"]["permanent_url"], format!("/v3/assets/{space}/{uid}/spring-hero.png"));
    let (status, bytes) = s.fetch(&format!("/v3/assets/{space}/{uid}/spring-hero.png")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes.len(), trove_media::fixtures::png_header(1, 1).len());
    let resp = s.anon(Method::GET, &format!("/v3/assets/{space}/{uid}/spring-hero.png")).send().await.unwrap();
    assert_eq!(resp.headers()["content-type"], "image/png");

    let (status, body) = s.send_json(Method::PUT, &path, json!({"slug": "spring-hero.png"})).await;
    assert_eq!(status, StatusCode::OK, "setting the same slug again is harmless: {body}");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"slug": "other"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "slug_already_set");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"slug": "a/b"})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = s.send_json(Method::PUT, &path, json!({"slug": "x".repeat(256)})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    s.stop().await;
}
