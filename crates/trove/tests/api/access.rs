//! Access control as users see it: space membership, the built-in roles, custom
//! roles with folder and language rules, and the Vendor who may only drop files
//! into one folder.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error};

fn uids(body: &Value, key: &str) -> Vec<String> {
    let mut v: Vec<String> = body[key]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x["uid"].as_str().map(String::from)).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn a_vendor_may_only_upload_into_its_folder_and_learns_nothing() {
    let s = TestServer::start().await;
    let space = s.create_space("Sneakers").await;
    let incoming = s.create_folder(&space, "incoming", None).await;
    let final_ = s.create_folder(&space, "final", None).await;
    let secret = s.upload_into(&space, "secret.txt", Some(&final_)).await;
    let (st, _) = s.send_json(Method::POST, &format!("/api/spaces/{space}/workspaces"), json!({"uid": "draft", "name": "Draft"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let vendor_role = s
        .create_role(
            &space,
            json!({"name": "Vendor", "workspaces": ["main"],
                   "rules": [{"module": "asset", "folders": [incoming], "acl": {"create": true}}]}),
        )
        .await;
    let v = s.with_user("member").await;
    s.add_member(&space, &v.uid, &[&vendor_role]).await;

    // Uploading into incoming works; anywhere else is refused.
    let (st, body) = v.upload(&space, "drop.txt", b"vendor bytes", Some(&incoming)).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let mine = body["asset"]["uid"].as_str().unwrap().to_owned();
    let (st, body) = v.upload(&space, "root.txt", b"x", None).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = v.upload(&space, "final.txt", b"x", Some(&final_)).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");

    // Nothing can be listed, read, changed or deleted, its own upload included.
    let a = format!("/api/spaces/{space}");
    for path in [format!("{a}/assets"), format!("{a}/trash"), format!("{a}/folders"), format!("{a}/audit"), format!("{a}/members")] {
        let (st, body) = v.get(&path).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{path}: {body}");
        assert!(body.get("count").is_none() && body.get("assets").is_none(), "{path} tells nothing: {body}");
    }
    for uid in [&mine, &secret] {
        for path in [
            format!("{a}/assets/{uid}"),
            format!("{a}/assets/{uid}/versions"),
            format!("{a}/assets/{uid}/versions/1"),
            format!("{a}/assets/{uid}/locales"),
            format!("{a}/assets/{uid}/activity"),
        ] {
            let (st, body) = v.get(&path).await;
            assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
        }
        let (st, body) = v.send_json(Method::PUT, &format!("{a}/assets/{uid}"), json!({"title": "mine now"})).await;
        assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
        let (st, body) = v.delete(&format!("{a}/assets/{uid}")).await;
        assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
    }
    let (st, body) = v.send_json(Method::POST, &format!("{a}/assets/bulk/delete"), json!({"asset_uids": [secret]})).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
    // Another workspace does not exist for it, nor does compare.
    let (st, body) = v.get(&format!("{a}/assets?workspace=draft")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    let (st, body) = v.get(&format!("{a}/workspaces/draft/compare")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    let (st, _) = v.get(&format!("{a}/workspaces/main/compare")).await;
    assert_ne!(st, StatusCode::OK);
    let (st, body) = v.get(&format!("{a}/workspaces")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert_eq!((body["count"].as_i64(), body["workspaces"][0]["uid"].as_str()), (Some(1), Some("main")), "{body}");
    let (st, body) = v.get(&format!("{a}/workspaces/draft")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "workspace_not_found");

    // Moved elsewhere by an editor, its upload stays out of reach.
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{mine}"), json!({"parent_uid": final_})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = v.get(&format!("{a}/assets/{mine}")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
    // The admin sees both; the vendor's upload is attributed to the vendor.
    let (_, all) = s.get(&format!("{a}/assets")).await;
    assert_eq!(all["count"], 2);
    let (_, audit) = s.get(&format!("{a}/audit?asset_uid={mine}&action=asset.create")).await;
    assert_eq!(audit["events"][0]["user_uid"], v.uid.as_str());
    s.stop().await;
}

#[tokio::test]
async fn a_folder_restricted_reader_sees_exactly_its_folders_in_lists_counts_and_trash() {
    let s = TestServer::start().await;
    let space = s.create_space("Brand").await;
    let brand = s.create_folder(&space, "brand", None).await;
    let sub = s.create_folder(&space, "logos", Some(&brand)).await;
    let other = s.create_folder(&space, "legal", None).await;
    let a1 = s.upload_into(&space, "a1.txt", Some(&brand)).await;
    let a2 = s.upload_into(&space, "a2.txt", Some(&sub)).await;
    let a3 = s.upload_into(&space, "a3.txt", Some(&other)).await;
    let a4 = s.upload_into(&space, "a4.txt", None).await;
    let a5 = s.upload_into(&space, "a5.txt", Some(&sub)).await;
    let role = s
        .create_role(
            &space,
            json!({"name": "Brand reader", "workspaces": ["main"],
                   "rules": [{"module": "asset", "folders": [brand], "acl": {"read": true}},
                             {"module": "asset", "assets": [a4], "acl": {"read": true, "update": true}}],
                   "locales": [{"code": "en-us", "acl": {"read": true, "update": true}}]}),
        )
        .await;
    let r = s.with_user("member").await;
    s.add_member(&space, &r.uid, &[&role]).await;
    let a = format!("/api/spaces/{space}");
    for uid in [&a5, &a3] {
        let (st, _) = s.delete(&format!("{a}/assets/{uid}")).await;
        assert_eq!(st, StatusCode::OK);
    }

    let (st, list) = r.get(&format!("{a}/assets")).await;
    assert_eq!(st, StatusCode::OK, "{list}");
    assert_eq!(uids(&list, "assets"), sorted(vec![a1.clone(), a2.clone(), a4.clone()]));
    assert_eq!(list["count"], 3, "the count agrees with the page");
    let (_, page) = r.get(&format!("{a}/assets?limit=1")).await;
    assert_eq!(page["count"], 3);
    let (_, in_folder) = r.get(&format!("{a}/assets?folder={brand}")).await;
    assert_eq!(uids(&in_folder, "assets"), vec![a1.clone()]);
    // A folder outside its reach is as missing as one that does not exist.
    let (st, body) = r.get(&format!("{a}/assets?folder={other}")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "folder_not_found");
    let (st, trash) = r.get(&format!("{a}/trash")).await;
    assert_eq!(st, StatusCode::OK, "{trash}");
    assert_eq!(uids(&trash, "items"), vec![a5.clone()]);
    assert_eq!(trash["count"], 1);
    let (_, folders) = r.get(&format!("{a}/folders")).await;
    assert_eq!(uids(&folders, "folders"), sorted(vec![brand.clone(), sub.clone()]));

    let (st, _) = r.get(&format!("{a}/assets/{a1}")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = r.get(&format!("{a}/assets/{a3}")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
    // Read-only in its folders; the one asset named may also be changed.
    let (st, body) = r.send_json(Method::PUT, &format!("{a}/assets/{a1}"), json!({"title": "x"})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = r.send_json(Method::PUT, &format!("{a}/assets/{a4}"), json!({"title": "renamed"})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // Languages the role does not grant are refused.
    let (st, _) = s.send_json(Method::POST, "/api/languages", json!({"code": "fr-fr"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) =
        s.send_json(Method::PUT, &format!("{a}/workspaces/main/languages"), json!({"languages": ["en-us", "fr-fr"]})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = r.get(&format!("{a}/assets/{a1}?locale=fr-fr")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "locale_forbidden");
    let (_, status) = r.get(&format!("{a}/assets/{a1}/locales")).await;
    let codes: Vec<&str> = status["locales"].as_array().unwrap().iter().filter_map(|l| l["locale"].as_str()).collect();
    assert_eq!(codes, ["en-us"], "{status}");
    s.stop().await;
}

#[tokio::test]
async fn spaces_are_visible_to_members_only_and_built_in_roles_split_the_work() {
    let s = TestServer::start().await;
    let space = s.create_space("Team").await;
    let other = s.create_space("Other").await;
    let a = format!("/api/spaces/{space}");
    let manager = s.with_user("member").await;
    let developer = s.with_user("member").await;
    let admin = s.with_user("member").await;
    let outsider = s.with_user("product_admin").await;
    s.add_member(&space, &manager.uid, &["asset_manager"]).await;
    s.add_member(&space, &developer.uid, &["asset_developer"]).await;
    s.add_member(&space, &admin.uid, &["space_admin"]).await;

    // Not a member, whatever the organization role: the space does not exist.
    let (st, body) = outsider.get(&a).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    let (_, spaces) = outsider.get("/api/spaces").await;
    assert_eq!(spaces["count"], 0);
    let (_, spaces) = manager.get("/api/spaces").await;
    assert_eq!(uids(&spaces, "spaces"), vec![space.clone()]);
    let (st, body) = manager.get(&format!("/api/spaces/{other}/assets")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    // A product admin may add themself, and only themself.
    let (st, body) =
        outsider.send_json(Method::PUT, &format!("{a}/members/{}", manager.uid), json!({"roles": ["space_admin"]})).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    let (st, body) =
        outsider.send_json(Method::PUT, &format!("{a}/members/{}", outsider.uid), json!({"roles": ["space_admin"]})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    let (st, _) = outsider.get(&a).await;
    assert_eq!(st, StatusCode::OK);

    // The asset manager works with assets, not with people.
    let (st, body) = manager.upload(&space, "m.txt", b"m", None).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let uid = body["asset"]["uid"].as_str().unwrap().to_owned();
    let (st, body) = manager.get(&format!("{a}/members")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    // The developer reads and sets up languages, but changes no asset.
    let (st, _) = developer.get(&format!("{a}/assets/{uid}")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = developer.upload(&space, "d.txt", b"d", None).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = developer.get(&format!("{a}/workspaces/main/languages")).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    // The space admin manages members but cannot delete the space.
    let (st, _) = admin.get(&format!("{a}/members")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = admin.delete(&format!("{a}?confirm=DELETE")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    s.stop().await;
}

#[tokio::test]
async fn ownership_moves_to_a_member_and_the_owner_cannot_leave() {
    let s = TestServer::start().await;
    let space = s.create_space("Owned").await;
    let a = format!("/api/spaces/{space}");
    let next = s.with_user("member").await;
    let (_, me) = s.get("/api/users/me").await;
    let me = me["user"]["uid"].as_str().unwrap().to_owned();
    let (st, body) = s.delete(&format!("{a}/members/{me}")).await;
    assert_error(st, &body, StatusCode::CONFLICT, "owner_cannot_leave");
    let (st, body) = s.send_json(Method::POST, &format!("{a}/transfer_ownership"), json!({"user_uid": next.uid})).await;
    assert_error(st, &body, StatusCode::UNPROCESSABLE_ENTITY, "not_a_member");
    s.add_member(&space, &next.uid, &["asset_manager"]).await;
    let (st, body) = s.send_json(Method::POST, &format!("{a}/transfer_ownership"), json!({"user_uid": next.uid})).await;
    assert_eq!(st, StatusCode::OK, "{body}");
    assert!(body["member"]["roles"].as_array().unwrap().contains(&json!("space_owner")));
    let (_, old) = s.get(&format!("{a}/members/{me}")).await;
    assert_eq!(old["member"]["roles"], json!(["space_admin"]));
    // Only the owner deletes the space now.
    let (st, body) = s.delete(&format!("{a}?confirm=DELETE")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, _) = next.delete(&format!("{a}?confirm=DELETE")).await;
    assert_eq!(st, StatusCode::OK);
    s.stop().await;
}
