use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, bytes, json, sha256};

#[tokio::test]
async fn upload_reports_system_metadata_from_the_bytes() {
    let s = TestServer::start().await;
    let space = s.create_space("Media").await;
    let folder = s.create_folder(&space, "Heroes", None).await;

    // A JPEG whose EXIF says "rotate 90°": 400×300 stored, 300×400 displayed.
    let mut jpeg = trove_media::fixtures::jpeg_header_with_orientation(400, 300, 6);
    jpeg.extend_from_slice(&bytes(3, 1000));
    let (status, body) = s
        .upload(
            &space,
            "my photo#1 (final).txt",
            &jpeg,
            &[("title", "Hero"), ("description", "Front page"), ("tags", "summer, sale"), ("parent_uid", &folder)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["notice"], "Asset created successfully.");
    let a = &body["asset"];
    assert_eq!(a["content_type"], "image/jpeg", "sniffed from bytes, not the .txt name");
    assert_eq!(a["dimensions"], json!({"width": 300, "height": 400}));
    assert_eq!(a["file_size"], jpeg.len());
    assert_eq!(a["checksum"], format!("sha256:{}", sha256(&jpeg)));
    assert_eq!(a["file_name"], "my_photo_1_(final).txt");
    assert_eq!(a["title"], "Hero");
    assert_eq!(a["description"], "Front page");
    assert_eq!(a["tags"], json!(["summer", "sale"]));
    assert_eq!(a["parent_uid"], folder.as_str());
    assert_eq!(a["version"], 1);
    assert_eq!(a["locale"], "en-us");
    assert_eq!(a["workspace"], "main");
    let uid = a["uid"].as_str().unwrap();
    assert!(a["url"].as_str().unwrap().starts_with(&format!("/v3/assets/{space}/{uid}/")));
    assert_eq!(a["permanent_url"], format!("/v3/assets/{space}/{uid}/my_photo_1_%28final%29.txt"));

    // Defaults: title is the file name; PNG dimensions.
    let png = trove_media::fixtures::png_header(640, 480);
    let a = s.upload_ok(&space, "logo.png", &png).await;
    assert_eq!(a["title"], "logo.png");
    assert_eq!(a["content_type"], "image/png");
    assert_eq!(a["dimensions"], json!({"width": 640, "height": 480}));
    assert!(a["parent_uid"].is_null());

    let text = s.upload_ok(&space, "notes.csv", b"a,b\n1,2\n").await;
    assert_eq!(text["content_type"], "text/csv");
    assert!(text["dimensions"].is_null());
    s.stop().await;
}

#[tokio::test]
async fn list_get_and_paginate() {
    let s = TestServer::start().await;
    let space = s.create_space("L").await;
    let folder = s.create_folder(&space, "F", None).await;
    for i in 0..5 {
        s.upload_ok(&space, &format!("f{i}.bin"), &bytes(i, 100)).await;
    }
    let (status, body) = s.upload(&space, "in.bin", &bytes(9, 10), &[("parent_uid", &folder)]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (_, all) = s.get(&format!("/api/spaces/{space}/assets?limit=4")).await;
    assert_eq!(all["count"], 6);
    assert_eq!(all["assets"].as_array().unwrap().len(), 4);
    let (_, rest) = s.get(&format!("/api/spaces/{space}/assets?limit=4&skip=4")).await;
    assert_eq!(rest["assets"].as_array().unwrap().len(), 2);
    let (_, root) = s.get(&format!("/api/spaces/{space}/assets?folder=root")).await;
    assert_eq!(root["count"], 5);
    let (_, inside) = s.get(&format!("/api/spaces/{space}/assets?folder={folder}")).await;
    assert_eq!(inside["count"], 1);
    assert_eq!(inside["assets"][0]["file_name"], "in.bin");

    let uid = inside["assets"][0]["uid"].as_str().unwrap();
    let resp = s.req(Method::GET, &format!("/api/spaces/{space}/assets/{uid}")).send().await.unwrap();
    assert_eq!(resp.headers()["etag"], "\"v1\"");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets/am_nope")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_not_found");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?folder=fd_nope")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");
    s.stop().await;
}

#[tokio::test]
async fn metadata_update_creates_a_version_and_replace_keeps_the_uid() {
    let s = TestServer::start().await;
    let space = s.create_space("U").await;
    let a = s.upload_ok(&space, "a.txt", b"first").await;
    let uid = a["uid"].as_str().unwrap();
    let path = format!("/api/spaces/{space}/assets/{uid}");

    let resp = s.req(Method::PUT, &path).json(&json!({"title": "New", "tags": ["x"]})).send().await.unwrap();
    assert_eq!(resp.headers()["etag"], "\"v2\"");
    let (status, body) = json(resp).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((body["asset"]["version"].as_i64(), body["asset"]["title"].as_str()), (Some(2), Some("New")));
    assert_eq!(body["asset"]["file_uid"], a["file_uid"], "a metadata edit keeps the file");

    let (status, body) = s.replace(&space, uid, "b.txt", b"second", Some(2)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let r = &body["asset"];
    assert_eq!(r["uid"], uid);
    assert_eq!(r["version"], 3);
    assert_eq!(r["title"], "New", "metadata carries over a replace");
    assert_eq!(r["file_name"], "b.txt");
    assert_ne!(r["file_uid"], a["file_uid"]);
    assert_eq!(r["permanent_url"], a["permanent_url"], "the permanent URL survives a replace");

    // A PUT with only a move or a slug creates no version.
    let folder = s.create_folder(&space, "F", None).await;
    let (_, body) = s.send_json(Method::PUT, &path, json!({"parent_uid": folder})).await;
    assert_eq!(
        (body["asset"]["version"].as_i64(), body["asset"]["parent_uid"].as_str()),
        (Some(3), Some(folder.as_str()))
    );
    let (_, body) = s.send_json(Method::PUT, &path, json!({"parent_uid": null})).await;
    assert!(body["asset"]["parent_uid"].is_null());
    let (status, body) = s.send_json(Method::PUT, &path, json!({"title": ""})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"]["title"].is_array());
    s.stop().await;
}

#[tokio::test]
async fn risky_types_are_refused_unless_allowed() {
    let s = TestServer::start().await;
    let space = s.create_space("R").await;
    let elf = [&b"\x7fELF\x02\x01\x01\x00"[..], &[0u8; 56]].concat();
    for (name, data) in
        [("photo.jpg", &elf[..]), ("setup.exe", b"harmless"), ("app.js", b"alert(1)"), ("run.sh", b"#!/bin/sh\necho")]
    {
        let (status, body) = s.upload(&space, name, data, &[]).await;
        assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "risky_file_type");
    }
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 0);
    assert!(s.blob_files().is_empty(), "refused files leave no blob");
    s.stop().await;

    let s = TestServer::start_with(|c| c.allowed_risky_types = vec!["js".into()]).await;
    let space = s.create_space("R").await;
    let (status, body) = s.upload(&space, "app.js", b"alert(1)", &[]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, _) = s.upload(&space, "setup.exe", b"MZ", &[]).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    s.stop().await;
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused_and_leave_nothing() {
    let s = TestServer::start_with(|c| c.max_upload_size = bytesize::ByteSize::kb(10)).await;
    let space = s.create_space("Big").await;
    let (status, body) = s.upload(&space, "big.bin", &bytes(5, 50_000), &[]).await;
    assert_error(status, &body, StatusCode::PAYLOAD_TOO_LARGE, "file_too_large");
    let (status, _) = s.upload(&space, "ok.bin", &bytes(6, 9_000), &[]).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(s.blob_files().len(), 1);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let staging = s.staging_files();
    assert!(staging.is_empty(), "no staged leftovers: {staging:?}");
    s.stop().await;
}

#[tokio::test]
async fn concurrent_uploads_of_the_same_bytes_store_one_blob() {
    let s = TestServer::start().await;
    let space = s.create_space("D").await;
    let data = bytes(7, 300_000);
    let mut tasks = Vec::new();
    for i in 0..12 {
        let (client, url, data) = (s.client.clone(), s.url(&format!("/api/spaces/{space}/assets")), data.clone());
        tasks.push(tokio::spawn(async move {
            let form = Form::new().part("file", Part::bytes(data).file_name(format!("copy{i}.bin")));
            client.post(url).bearer_auth(crate::common::TOKEN).multipart(form).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 12);
    let files = s.blob_files();
    assert_eq!(files.len(), 1, "identical bytes are stored once");
    assert_eq!(std::fs::read(&files[0]).unwrap(), data);
    s.stop().await;
}

#[tokio::test]
async fn upload_input_errors() {
    let s = TestServer::start().await;
    let space = s.create_space("E").await;
    let path = format!("/api/spaces/{space}/assets");
    let (status, body) =
        json(s.req(Method::POST, &path).multipart(Form::new().text("title", "x")).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"]["file"].is_array());
    let form = Form::new().part("file", Part::bytes(b"x".to_vec()).file_name("a")).text("colour", "red");
    let (status, body) = json(s.req(Method::POST, &path).multipart(form).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = json(s.req(Method::POST, &path).json(&json!({"title": "x"})).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_content_type");
    let (status, body) = json(
        s.req(Method::POST, &path)
            .header("content-type", "multipart/form-data; boundary=XYZ")
            .body("--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc")
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_multipart");
    let (status, body) = s.upload(&space, "a.bin", b"abc", &[("parent_uid", "fd_missing")]).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");
    let (status, body) = s.upload(&space, "a.bin", b"abc", &[("tags", "[1, 2]")]).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (_, list) = s.get(&path).await;
    assert_eq!(list["count"], 0);
    s.stop().await;
}
