//! The edges of the rules: rights over other accounts, roles scoped to other
//! workspaces, exceptions on folders, languages reached through a fallback, and
//! the tokens of a space outliving nothing they should not.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error};

#[tokio::test]
async fn changing_users_never_reaches_an_account_with_more_rights() {
    let s = TestServer::start().await;
    let (st, body) = s
        .send_json(Method::POST, "/api/roles", json!({"name": "Desk", "permissions": {"users": {"read": true, "update": true}}}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let desk = s.with_user(body["role"]["uid"].as_str().unwrap()).await;
    let admin = s.with_user("product_admin").await;
    let member = s.with_user("member").await;
    let a = format!("/api/users/{}", admin.uid);
    let (st, body) = desk.send_json(Method::POST, &format!("{a}/setup_link"), json!({})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "role_escalation");
    let (st, body) = desk.send_json(Method::PUT, &a, json!({"password": "another long passphrase 77"})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "role_escalation");
    let (st, body) = desk.send_json(Method::POST, "/api/tokens", json!({"name": "mine", "user_uid": admin.uid})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "role_escalation");
    let (st, body) = desk.send_json(Method::PUT, &a, json!({"disabled": true})).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "role_escalation");
    // An account with fewer rights is theirs to help.
    let (st, body) = desk.send_json(Method::POST, &format!("/api/users/{}/setup_link", member.uid), json!({})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn a_role_holds_in_its_own_workspaces_only_and_exceptions_hold_for_folders() {
    let s = TestServer::start().await;
    let space = s.create_space("Scoped").await;
    let a = format!("/api/spaces/{space}");
    let open = s.create_folder(&space, "open", None).await;
    let closed = s.create_folder(&space, "closed", None).await;
    let inner = s.create_folder(&space, "inner", Some(&open)).await;
    let in_open = s.upload_into(&space, "o.txt", Some(&open)).await;
    let in_inner = s.upload_into(&space, "i.txt", Some(&inner)).await;
    let _in_closed = s.upload_into(&space, "c.txt", Some(&closed)).await;
    let (st, _) = s.send_json(Method::POST, &format!("{a}/workspaces"), json!({"uid": "draft", "name": "Draft"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let main_reader = s
        .create_role(
            &space,
            json!({"name": "Main reader", "workspaces": ["main"],
                   "rules": [{"module": "asset", "folders": [open], "acl": {"read": true}}]}),
        )
        .await;
    let draft_all = s
        .create_role(
            &space,
            json!({"name": "Draft editor", "workspaces": ["draft"],
                   "rules": [{"module": "asset", "assets": ["$all"], "acl": {"read": true, "update": true, "delete": true}}]}),
        )
        .await;
    let u = s.with_user("member").await;
    s.add_member(&space, &u.uid, &[&main_reader, &draft_all]).await;
    let (_, main) = u.get(&format!("{a}/assets")).await;
    assert_eq!(main["count"], 2, "main shows the open folder only: {main}");
    let (_, draft) = u.get(&format!("{a}/assets?workspace=draft")).await;
    assert_eq!(draft["count"], 3, "{draft}");
    let (st, body) = u.delete(&format!("{a}/assets/{in_open}")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");

    // Everything but one folder: the folder and what is below it stay out of reach.
    let but_inner = s
        .create_role(
            &space,
            json!({"name": "All but inner", "workspaces": ["main"],
                   "rules": [{"module": "asset", "assets": ["$all"], "acl": {"read": true}},
                             {"module": "asset", "folders": [inner], "acl": {"read": true}, "exception": true},
                             {"module": "folder", "assets": ["$all"], "acl": {"delete": true}},
                             {"module": "folder", "folders": [inner], "acl": {"delete": true}, "exception": true}]}),
        )
        .await;
    let v = s.with_user("member").await;
    s.add_member(&space, &v.uid, &[&but_inner]).await;
    let (_, folders) = v.get(&format!("{a}/folders")).await;
    let titles: Vec<&str> = folders["folders"].as_array().unwrap().iter().filter_map(|f| f["title"].as_str()).collect();
    assert!(!titles.contains(&"inner"), "{titles:?}");
    let (st, body) = v.get(&format!("{a}/assets/{in_inner}")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "asset_not_found");
    // Deleting the parent would take the excepted folder (and assets it may not delete) along.
    let (st, body) = v.delete(&format!("{a}/folders/{open}")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (_, still) = s.get(&format!("{a}/folders/{inner}")).await;
    assert_eq!(still["folder"]["uid"], inner.as_str());
    s.stop().await;
}

#[tokio::test]
async fn a_language_refused_stays_refused_through_a_fallback() {
    let s = TestServer::start().await;
    let space = s.create_space("Languages").await;
    let a = format!("/api/spaces/{space}");
    for (code, fallback) in [("fr-fr", None), ("fr-ca", Some("fr-fr"))] {
        let (st, body) = s.send_json(Method::POST, "/api/languages", json!({"code": code, "fallback_code": fallback})).await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
    }
    let (st, _) = s
        .send_json(Method::PUT, &format!("{a}/workspaces/main/languages"), json!({"languages": ["en-us", "fr-fr", "fr-ca"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let uid = s.upload_into(&space, "l.txt", None).await;
    let (st, _) = s.send_json(Method::PUT, &format!("{a}/assets/{uid}?locale=fr-fr"), json!({"title": "Secret FR"})).await;
    assert_eq!(st, StatusCode::OK);
    let role = s
        .create_role(
            &space,
            json!({"name": "No French", "workspaces": ["main"],
                   "rules": [{"module": "asset", "assets": ["$all"], "acl": {"read": true}}],
                   "locales": [{"code": "fr-fr", "acl": {"read": true}, "exception": true}]}),
        )
        .await;
    let u = s.with_user("member").await;
    s.add_member(&space, &u.uid, &[&role]).await;
    let (st, body) = u.get(&format!("{a}/assets/{uid}?locale=fr-ca")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "locale_forbidden");
    let (st, _) = u.get(&format!("{a}/assets/{uid}")).await;
    assert_eq!(st, StatusCode::OK);
    // Nor does a list filtered by that language tell which assets have it.
    let (st, body) = u.get(&format!("{a}/assets?localized_in=fr-fr")).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "locale_forbidden");
    s.stop().await;
}

#[tokio::test]
async fn space_tokens_end_with_their_creator_and_never_touch_accounts() {
    let s = TestServer::start().await;
    let space = s.create_space("Tokens").await;
    let a = format!("/api/spaces/{space}");
    let admin = s.with_user("member").await;
    s.add_member(&space, &admin.uid, &["space_admin"]).await;
    let mint = |name: &'static str| {
        admin.send_json(Method::POST, "/api/tokens", json!({"name": name, "space_uid": space, "role_uid": "asset_manager"}))
    };
    let (st, body) = mint("one").await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let one = s.with_token(body["token"]["secret"].as_str().unwrap());
    let (st, _) = one.get(&format!("{a}/assets")).await;
    assert_eq!(st, StatusCode::OK);
    for path in ["/api/tokens", "/api/users/me"] {
        let (st, body) = one.get(path).await;
        assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    // Removed from the space, the creator's tokens for it are revoked.
    let (st, _) = s.delete(&format!("{a}/members/{}", admin.uid)).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = one.get(&format!("{a}/assets")).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Disabled, the creator's tokens stop working.
    s.add_member(&space, &admin.uid, &["space_admin"]).await;
    let (st, body) = mint("two").await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let two = s.with_token(body["token"]["secret"].as_str().unwrap());
    let (st, _) = s.send_json(Method::PUT, &format!("/api/users/{}", admin.uid), json!({"disabled": true})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, _) = two.get(&format!("{a}/assets")).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED);
    // Someone who may change spaces but is no member removes no one.
    let pa = s.with_user("product_admin").await;
    let (st, body) = pa.delete(&format!("{a}/members/{}", admin.uid)).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    s.stop().await;
}
