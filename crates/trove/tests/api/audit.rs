//! The audit log: every write's events, recorded by the transaction that made
//! the change, under the user and credential that made it.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error};

fn actions(body: &serde_json::Value) -> Vec<String> {
    body["events"].as_array().map(|a| a.iter().filter_map(|e| e["action"].as_str().map(String::from)).collect()).unwrap_or_default()
}

#[tokio::test]
async fn each_kind_of_write_is_in_the_space_audit_newest_first() {
    let s = TestServer::start().await;
    let space = s.create_space("Audited").await;
    let folder = s.create_folder(&space, "Incoming", None).await;
    let asset = s.upload_ok(&space, "a.txt", b"hello").await;
    let uid = asset["uid"].as_str().unwrap().to_owned();
    let (st, _) = s.send_json(Method::PUT, &format!("/api/spaces/{space}/assets/{uid}"), json!({"title": "New"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.delete(&format!("/api/spaces/{space}/assets/{uid}")).await;
    assert_eq!(st, StatusCode::OK);

    let (st, body) = s.get(&format!("/api/spaces/{space}/audit")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!(actions(&body), ["asset.delete", "asset.update", "asset.create", "folder.create", "space.create"]);
    let create = &body["events"][2];
    assert_eq!(create["asset_uid"], uid);
    assert_eq!(create["version"], 1);
    assert_eq!(create["workspace"], "main");
    assert!(create["credential"].as_str().unwrap().starts_with("token:"), "{create}");
    assert_eq!(body["events"][3]["target_uid"], folder);
    assert_eq!(body["count"], 5);

    // Filters narrow by action, asset and resource.
    let (_, only) = s.get(&format!("/api/spaces/{space}/audit?action=folder")).await;
    assert_eq!(actions(&only), ["folder.create"]);
    let (_, one) = s.get(&format!("/api/spaces/{space}/audit?asset_uid={uid}&limit=1")).await;
    assert_eq!((actions(&one), one["count"].as_i64()), (vec!["asset.delete".to_owned()], Some(3)));

    // The asset's own history is there too (while it is readable).
    let (st, _) = s.send_json(Method::POST, &format!("/api/spaces/{space}/trash/{uid}/restore"), json!({})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, activity) = s.get(&format!("/api/spaces/{space}/assets/{uid}/activity")).await;
    assert_eq!(st, StatusCode::OK, "{activity}");
    assert_eq!(actions(&activity), ["asset.restore", "asset.delete", "asset.update", "asset.create"]);

    // Organization-level changes are audited outside spaces.
    let (st, _) = s.send_json(Method::POST, "/api/languages", json!({"code": "fr-fr"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (_, org) = s.get("/api/audit?action=language").await;
    assert_eq!(actions(&org), ["language.create"]);
    assert_eq!(org["events"][0]["target_uid"], "fr-fr");
    s.stop().await;
}

#[tokio::test]
async fn audit_filters_are_checked() {
    let s = TestServer::start().await;
    let space = s.create_space("Audited").await;
    let (st, body) = s.get(&format!("/api/spaces/{space}/audit?since=yesterday")).await;
    assert_error(st, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (st, body) = s.get(&format!("/api/spaces/{space}/audit?limit=0")).await;
    assert_error(st, &body, StatusCode::BAD_REQUEST, "invalid_query");
    let (st, body) = s.get("/api/spaces/sp_missing/audit").await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    s.stop().await;
}

#[tokio::test]
async fn merges_purges_localization_moves_and_names_are_recorded_too() {
    let s = TestServer::start_with(|c| c.trash_retention = std::time::Duration::from_secs(1)).await;
    let space = s.create_space("Audited").await;
    let a = format!("/api/spaces/{space}");
    let folder = s.create_folder(&space, "F", None).await;
    let uid = s.upload_ok(&space, "a.txt", b"hello").await["uid"].as_str().unwrap().to_owned();
    // Replace, move, name a version.
    let (st, _) = s.replace(&space, &uid, "b.txt", b"bye", None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{uid}"), json!({"parent_uid": folder})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{uid}/versions/2/name"), json!({"name": "final"})).await;
    assert_eq!(st, StatusCode::OK);
    // Localize and unlocalize.
    let (st, _) = s.send_json(Method::POST, "/api/languages", json!({"code": "fr-fr"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) =
        s.send_json(Method::PUT, &format!("{a}/workspaces/main/languages"), json!({"languages": ["en-us", "fr-fr"]})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{uid}?locale=fr-fr"), json!({"title": "Bonjour"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = s.delete(&format!("{a}/assets/{uid}/locales/fr-fr")).await;
    assert_eq!(st, StatusCode::OK);
    // Fork, change in the fork, merge back.
    let (st, _) = s.send_json(Method::POST, &format!("{a}/workspaces"), json!({"uid": "draft", "name": "Draft"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{uid}?workspace=draft"), json!({"title": "Draft title"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = s.send_json(Method::POST, &format!("{a}/workspaces/draft/merge"), json!({})).await;
    assert_eq!(st, StatusCode::OK, "{body}");

    let (_, log) = s.get(&format!("{a}/audit?asset_uid={uid}")).await;
    let got = actions(&log);
    for want in [
        "asset.create",
        "asset.replace",
        "asset.move",
        "version.name",
        "asset.localize",
        "asset.unlocalize",
        "asset.update",
        "asset.merge",
    ] {
        assert!(got.iter().any(|g| g == want), "{want} is recorded: {got:?}");
    }
    let localized = log["events"].as_array().unwrap().iter().find(|e| e["action"] == "asset.localize").unwrap();
    // A localized variant numbers on from the history it inherited (two versions).
    assert_eq!((localized["locale"].as_str(), localized["version"].as_i64()), (Some("fr-fr"), Some(3)));
    let merged = log["events"].as_array().unwrap().iter().find(|e| e["action"] == "asset.merge").unwrap();
    assert_eq!(merged["workspace"], "main");
    let (_, merge) = s.get(&format!("{a}/audit?action=workspace.merge")).await;
    assert_eq!(merge["events"][0]["detail"]["assets"], 1, "{merge}");
    assert_eq!(merge["events"][0]["target_uid"], "main");

    // A purge is the system's doing, recorded once the trash empties.
    let (st, _) = s.delete(&format!("{a}/assets/{uid}")).await;
    assert_eq!(st, StatusCode::OK);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let report = s.app.maintain_now().await.expect("maintenance runs");
    assert_eq!(report.purged.assets, 1, "{report:?}");
    let (_, purged) = s.get(&format!("{a}/audit?action=asset.purge")).await;
    assert_eq!(purged["events"][0]["asset_uid"], uid.as_str());
    assert_eq!(purged["events"][0]["user_uid"], "system");
    s.stop().await;
}
