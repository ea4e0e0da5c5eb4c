//! Asset type detection as a client sees it: every upload and replace names its
//! type in the asset JSON, lists filter by it, and restricted types stay refused.

use reqwest::StatusCode;
use trove_media::fixtures::{issue_formats, png_header};

use crate::common::{TestServer, assert_error};

#[tokio::test]
async fn uploads_name_their_asset_type_and_lists_filter_by_it() {
    let s = TestServer::start().await;
    let space = s.create_space("Detection").await;
    let mut uids = Vec::new();
    for (bytes, name, want) in issue_formats() {
        let a = s.upload_ok(&space, name, &bytes).await;
        assert_eq!(a["asset_type"], want, "{name} ({})", a["content_type"]);
        uids.push((a["uid"].as_str().expect("uid").to_owned(), want));
    }
    // The type is stored with the file: the asset reads it back, and its versions.
    let (uid, want) = &uids[0];
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets/{uid}")).await;
    assert_eq!((status, body["asset"]["asset_type"].as_str()), (StatusCode::OK, Some(*want)), "{body}");
    let (_, body) = s.get(&format!("/api/spaces/{space}/assets/{uid}/versions")).await;
    assert_eq!(body["versions"][0]["asset_type"], *want, "{body}");

    for want in ["png", "docx", "srt", "jpeg_jpg"] {
        let (status, body) = s.get(&format!("/api/spaces/{space}/assets?asset_type={want}&limit=100")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let mut got: Vec<&str> =
            body["assets"].as_array().expect("a list").iter().filter_map(|a| a["uid"].as_str()).collect();
        let mut expected: Vec<&str> = uids.iter().filter(|(_, t)| *t == want).map(|(u, _)| u.as_str()).collect();
        got.sort_unstable();
        expected.sort_unstable();
        assert_eq!(got, expected, "asset_type={want}");
        assert_eq!(body["count"], expected.len(), "asset_type={want}");
    }
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?asset_type=no_such_type")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_type_not_found");
    let (status, body) = s.get(&format!("/api/spaces/{space}/assets?asset_type=bad-uid")).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn a_replace_detects_the_new_files_type_and_the_filter_follows_the_head() {
    let s = TestServer::start().await;
    let space = s.create_space("Replace").await;
    let a = s.upload_ok(&space, "logo.png", &png_header(4, 4)).await;
    let uid = a["uid"].as_str().expect("uid");
    let pdf = trove_media::fixtures::padded(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 64);
    let (status, body) = s.replace(&space, uid, "logo.pdf", &pdf, None).await;
    assert_eq!((status, body["asset"]["asset_type"].as_str()), (StatusCode::OK, Some("pdf")), "{body}");
    let (_, png) = s.get(&format!("/api/spaces/{space}/assets?asset_type=png")).await;
    assert_eq!(png["count"], 0, "{png}");
    let (_, pdfs) = s.get(&format!("/api/spaces/{space}/assets?asset_type=pdf")).await;
    assert_eq!(pdfs["assets"][0]["uid"], uid, "{pdfs}");
    // The old version keeps the type its file was given.
    let (_, body) = s.get(&format!("/api/spaces/{space}/assets/{uid}/versions/1")).await;
    assert_eq!(body["version"]["asset_type"], "png", "{body}");
    s.stop().await;
}

#[tokio::test]
async fn restricted_types_are_refused_unless_an_administrator_allows_them() {
    let s = TestServer::start().await;
    let space = s.create_space("Restricted").await;
    let wasm = trove_media::fixtures::padded(b"\0asm\x01\0\0\0", 64);
    for (name, bytes) in
        [("app.wasm", wasm.clone()), ("run.js", b"alert(1)\n".to_vec()), ("q.sql", b"SELECT 1;\n".to_vec())]
    {
        let (status, body) = s.upload(&space, name, &bytes, &[]).await;
        assert_error(status, &body, StatusCode::UNSUPPORTED_MEDIA_TYPE, "risky_file_type");
    }
    s.stop().await;
    let s = TestServer::start_with(|c| c.allowed_risky_types = vec!["webassembly".into()]).await;
    let space = s.create_space("Allowed").await;
    let a = s.upload_ok(&space, "app.wasm", &wasm).await;
    assert_eq!(a["asset_type"], "wasm", "{a}");
    s.stop().await;
}
