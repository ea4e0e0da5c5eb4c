use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, bytes};

#[tokio::test]
async fn nest_rename_move_and_list() {
    let s = TestServer::start().await;
    let space = s.create_space("F").await;
    let mut chain = Vec::new();
    let mut parent: Option<String> = None;
    for depth in 0..6 {
        let uid = s.create_folder(&space, &format!("level {depth}"), parent.as_deref()).await;
        chain.push(uid.clone());
        parent = Some(uid);
    }
    let deepest = &chain[5];
    let (status, f) = s.get(&format!("/api/spaces/{space}/folders/{deepest}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(f["folder"]["parent_uid"], chain[4].as_str());
    assert_eq!(f["folder"]["is_dir"], true);

    let (status, r) =
        s.send_json(Method::PUT, &format!("/api/spaces/{space}/folders/{deepest}"), json!({"title": "Renamed"})).await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["folder"]["title"], "Renamed");

    // Move level 3 to the root; a move into its own subtree is refused.
    let (status, body) = s
        .send_json(Method::PUT, &format!("/api/spaces/{space}/folders/{}", chain[1]), json!({"parent_uid": chain[4]}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "folder_cycle");
    assert!(body["errors"]["parent_uid"].is_array());
    let (status, body) = s
        .send_json(Method::PUT, &format!("/api/spaces/{space}/folders/{}", chain[1]), json!({"parent_uid": chain[1]}))
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "folder_cycle");
    let (status, _) = s
        .send_json(Method::PUT, &format!("/api/spaces/{space}/folders/{}", chain[3]), json!({"parent_uid": null}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, top) = s.get(&format!("/api/spaces/{space}/folders?parent_uid=root")).await;
    assert_eq!(top["count"], 2);
    let (_, all) = s.get(&format!("/api/spaces/{space}/folders")).await;
    assert_eq!(all["count"], 6);
    let (_, inside) = s.get(&format!("/api/spaces/{space}/folders?parent_uid={}", chain[3])).await;
    assert_eq!(inside["folders"][0]["uid"], chain[4].as_str());

    let (status, body) = s
        .send_json(
            Method::POST,
            &format!("/api/spaces/{space}/folders"),
            json!({"title": "x", "parent_uid": "fd_nope"}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");
    s.stop().await;
}

#[tokio::test]
async fn bulk_move_and_delete_are_all_or_nothing() {
    let s = TestServer::start().await;
    let space = s.create_space("B").await;
    let target = s.create_folder(&space, "Target", None).await;
    let mut uids = Vec::new();
    for i in 0..3 {
        uids.push(s.upload_ok(&space, &format!("{i}.bin"), &bytes(i, 10)).await["uid"].as_str().unwrap().to_owned());
    }
    let move_path = format!("/api/spaces/{space}/assets/bulk/move");
    let (status, body) = s
        .send_json(
            Method::POST,
            &move_path,
            json!({"asset_uids": [uids[0], "am_missing"], "target_folder_uid": target}),
        )
        .await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_not_found");
    let (_, inside) = s.get(&format!("/api/spaces/{space}/assets?folder={target}")).await;
    assert_eq!(inside["count"], 0, "a failed bulk move moves nothing");

    let (status, body) = s
        .send_json(Method::POST, &move_path, json!({"asset_uids": [uids[0], uids[1]], "target_folder_uid": target}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, inside) = s.get(&format!("/api/spaces/{space}/assets?folder={target}")).await;
    assert_eq!(inside["count"], 2);
    let (status, body) =
        s.send_json(Method::POST, &move_path, json!({"asset_uids": [uids[0]], "target_folder_uid": "fd_nope"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "folder_not_found");
    let (status, body) = s.send_json(Method::POST, &move_path, json!({"asset_uids": []})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let del_path = format!("/api/spaces/{space}/assets/bulk/delete");
    let (status, _) = s.send_json(Method::POST, &del_path, json!({"asset_uids": [uids[2], "am_missing"]})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) =
        s.send_json(Method::POST, &del_path, json!({"assets": [{"uid": uids[0]}, {"uid": uids[2]}]})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 1);
    let (_, trash) = s.get(&format!("/api/spaces/{space}/trash")).await;
    assert_eq!(trash["count"], 2);
    s.stop().await;
}

#[tokio::test]
async fn concurrent_rename_and_move_both_survive() {
    let s = TestServer::start().await;
    let space = s.create_space("C").await;
    let target = s.create_folder(&space, "Target", None).await;
    for round in 0..10 {
        let f = s.create_folder(&space, &format!("f{round}"), None).await;
        let path = format!("/api/spaces/{space}/folders/{f}");
        let rename = s.send_json(Method::PUT, &path, json!({"title": "renamed"}));
        let mv = s.send_json(Method::PUT, &path, json!({"parent_uid": target}));
        let ((a, _), (b, _)) = tokio::join!(rename, mv);
        assert_eq!((a, b), (StatusCode::OK, StatusCode::OK));
        let (_, got) = s.get(&path).await;
        assert_eq!(got["folder"]["title"], "renamed", "round {round}: the rename survived");
        assert_eq!(got["folder"]["parent_uid"], target.as_str(), "round {round}: the move survived");
    }
    s.stop().await;
}
