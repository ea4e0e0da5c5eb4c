use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, bytes, json, sha256};

async fn restore(
    s: &TestServer,
    space: &str,
    uid: &str,
    body: Option<serde_json::Value>,
) -> (StatusCode, serde_json::Value) {
    let mut req = s.req(Method::POST, &format!("/api/spaces/{space}/trash/{uid}/restore"));
    if let Some(b) = body {
        req = req.json(&b);
    }
    json(req.send().await.unwrap()).await
}

#[tokio::test]
async fn delete_list_filter_and_restore_an_asset() {
    let s = TestServer::start().await;
    let space = s.create_space("T").await;
    let folder = s.create_folder(&space, "F", None).await;
    let (_, body) =
        s.upload(&space, "a.png", &trove_media::fixtures::png_header(2, 2), &[("parent_uid", &folder)]).await;
    let uid = body["asset"]["uid"].as_str().unwrap().to_owned();
    let permanent = body["asset"]["permanent_url"].as_str().unwrap().to_owned();

    let (status, _) = s.delete(&format!("/api/spaces/{space}/assets/{uid}")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s.get(&format!("/api/spaces/{space}/assets/{uid}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.fetch(&permanent).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "trashed assets are not delivered");
    s.delete(&format!("/api/spaces/{space}/folders/{}", s.create_folder(&space, "Other", None).await)).await;

    let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!(t["count"], 2);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash?type=asset")).await;
    assert_eq!(t["count"], 1);
    let item = &t["items"][0];
    assert_eq!((item["uid"].as_str(), item["type"].as_str()), (Some(uid.as_str()), Some("asset")));
    assert_eq!(item["content_type"], "image/png");
    assert_eq!(item["parent_uid"], folder.as_str());
    let deleted_by = item["deleted_by"].as_str().unwrap().to_owned();
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash?deleted_by={deleted_by}&type=folder")).await;
    assert_eq!(t["count"], 1);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash?deleted_by=us_other")).await;
    assert_eq!(t["count"], 0);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash?from=2000-01-01&to=2000-12-31")).await;
    assert_eq!(t["count"], 0);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash?from=2000-01-01")).await;
    assert_eq!(t["count"], 2);
    let (status, body) = s.get(&format!("/api/spaces/{space}/trash?type=car")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    assert!(body["errors"]["type"].is_array(), "{body}");
    let (status, body) = s.get(&format!("/api/spaces/{space}/trash?from=yesterday")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (status, t) = s.get(&format!("/api/spaces/{space}/trash?from=2001-01-01&to=2000-01-01")).await;
    assert_eq!((status, &t["count"]), (StatusCode::OK, &json!(0)), "an inverted interval holds nothing: {t}");

    let (status, body) = restore(&s, &space, &uid, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, a) = s.get(&format!("/api/spaces/{space}/assets/{uid}")).await;
    assert_eq!(a["asset"]["parent_uid"], folder.as_str(), "restored to where it was");
    let (status, _) = s.fetch(&permanent).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = restore(&s, &space, &uid, None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "trash_item_not_found");
    s.stop().await;
}

#[tokio::test]
async fn folder_restore_rules() {
    let s = TestServer::start().await;
    let space = s.create_space("T").await;
    let folder = s.create_folder(&space, "F", None).await;
    let sub = s.create_folder(&space, "Sub", Some(&folder)).await;
    let up = |name: &'static str, parent: String| {
        let s = &s;
        let space = space.clone();
        async move {
            let (_, b) = s.upload(&space, name, name.as_bytes(), &[("parent_uid", &parent)]).await;
            b["asset"]["uid"].as_str().unwrap().to_owned()
        }
    };
    let early = up("early.txt", folder.clone()).await;
    let with_folder = up("with.txt", folder.clone()).await;
    let in_sub = up("sub.txt", sub.clone()).await;

    // Deleted on its own before the folder: stays in the trash when the folder comes back.
    s.delete(&format!("/api/spaces/{space}/assets/{early}")).await;
    let (status, _) = s.delete(&format!("/api/spaces/{space}/folders/{folder}")).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 0);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!(t["count"], 2, "the folder and the asset deleted before it: {t}");
    let folder_item = t["items"].as_array().unwrap().iter().find(|i| i["type"] == "folder").unwrap().clone();
    assert_eq!(folder_item["asset_count"], 2);

    // An asset whose folder is in the trash cannot be restored first.
    let (status, body) = restore(&s, &space, &early, None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "parent_in_trash");
    let (status, body) = restore(&s, &space, &with_folder, None).await;
    assert_error(status, &body, StatusCode::CONFLICT, "parent_in_trash");

    // Without assets: folders come back, the assets stay in the trash (now listed).
    let (status, body) = restore(&s, &space, &folder, Some(json!({"with_assets": false}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get(&format!("/api/spaces/{space}/folders/{sub}")).await;
    assert_eq!(status, StatusCode::OK, "subfolders come back with the folder");
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 0);
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!(t["count"], 3);
    let (status, _) = restore(&s, &space, &in_sub, None).await;
    assert_eq!(status, StatusCode::OK);

    // With assets: delete again and restore everything that went with it.
    s.delete(&format!("/api/spaces/{space}/folders/{folder}")).await;
    let (status, _) = restore(&s, &space, &folder, Some(json!({"with_assets": true}))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 1, "only sub.txt went to the trash with the folder this time");
    let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
    let left: Vec<&str> = t["items"].as_array().unwrap().iter().map(|i| i["uid"].as_str().unwrap()).collect();
    assert_eq!(left.len(), 2);
    assert!(left.contains(&early.as_str()) && left.contains(&with_folder.as_str()));
    let (status, _) = restore(&s, &space, &early, None).await;
    assert_eq!(status, StatusCode::OK);
    s.stop().await;
}

#[tokio::test]
async fn purge_after_retention_frees_only_unused_blobs() {
    let s = TestServer::start_with(|c| {
        c.trash_retention = Duration::from_secs(1);
        c.maintenance_interval = Duration::from_millis(500);
    })
    .await;
    let space = s.create_space("P").await;
    let unique = bytes(11, 4000);
    let shared = bytes(12, 4000);
    let gone = s.upload_ok(&space, "unique.bin", &unique).await;
    let twin = s.upload_ok(&space, "shared.bin", &shared).await;
    let keep = s.upload_ok(&space, "keep.bin", &shared).await;
    // The old file of a replaced (live) asset stays: its version still uses it.
    let old = bytes(13, 4000);
    let replaced = s.upload_ok(&space, "old.bin", &old).await;
    s.replace(&space, replaced["uid"].as_str().unwrap(), "new.bin", &bytes(14, 10), None).await;
    for a in [&gone, &twin] {
        s.delete(&format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap())).await;
    }
    let folder = s.create_folder(&space, "F", None).await;
    s.delete(&format!("/api/spaces/{space}/folders/{folder}")).await;
    assert_eq!(s.blob_files().len(), 4);

    let blob_names = || -> Vec<String> {
        let mut v: Vec<String> =
            s.blob_files().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    };
    let mut want = vec![sha256(&shared), sha256(&old), sha256(&bytes(14, 10))];
    want.sort();
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
        if t["count"] == 0 && blob_names() == want {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "purge did not run: trash {t}, blobs {:?}", blob_names());
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let (status, _) = restore(&s, &space, gone["uid"].as_str().unwrap(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "purged items are gone for good");
    let (status, bytes_back) = s.fetch(keep["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes_back), (StatusCode::OK, shared));
    let (status, bytes_back) = s.fetch(replaced["url"].as_str().unwrap()).await;
    assert_eq!((status, bytes_back), (StatusCode::OK, old));
    s.stop().await;
}

#[tokio::test]
async fn the_first_maintenance_after_a_restart_runs_at_start() {
    // The first server runs maintenance at start and holds the claim for most of an
    // hour; a restart must not skip its own first round because of that claim.
    let s = TestServer::start_with(|c| c.maintenance_interval = Duration::from_secs(3600)).await;
    let space = s.create_space("R").await;
    let a = s.upload_ok(&space, "a.bin", &bytes(31, 100)).await;
    s.delete(&format!("/api/spaces/{space}/assets/{}", a["uid"].as_str().unwrap())).await;
    let s = s.restart_with(|c| c.maintenance_interval = Duration::from_secs(3600)).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let s = s
        .restart_with(|c| {
            c.maintenance_interval = Duration::from_secs(3600);
            c.trash_retention = Duration::from_secs(1);
        })
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let (_, t) = s.get(&format!("/api/spaces/{space}/trash")).await;
        if t["count"] == 0 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "the first maintenance after the restart did not run: {t}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    s.stop().await;
}
