//! Corpus rows for people: sessions, users, tokens, organization and space roles,
//! members, ownership and the audit log's filters. They aim at the victim user
//! `{vu}`, the victim space's role `{vr}` and membership, which no row may change
//! (see `hostile.rs`). Malformed bodies on these routes are in `hostile_rows.rs`.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::TestServer;
use crate::hostile::Case;

/// The victim user, role and membership in the victim space `v`.
pub async fn fixture(s: &TestServer, v: &str) -> Vec<(&'static str, String)> {
    let vu = s.with_user("member").await;
    let (status, body) = s
        .send_json(
            Method::POST,
            &format!("/api/spaces/{v}/roles"),
            json!({"name": "Victim role", "workspaces": ["main"],
                   "rules": [{"module": "asset", "assets": ["$all"], "acl": {"read": true}}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let vr = body["role"]["uid"].as_str().expect("role").to_owned();
    s.add_member(v, &vu.uid, &[&vr]).await;
    vec![("vu", vu.uid), ("vr", vr)]
}

/// What the people rows must leave as it was.
pub fn watched(v: &str, vu: &str) -> Vec<String> {
    vec![
        format!("/api/users/{vu}"),
        format!("/api/spaces/{v}/members"),
        format!("/api/spaces/{v}/roles"),
        "/api/roles".to_owned(),
        "/api/users".to_owned(),
    ]
}

pub fn rows() -> Vec<Case> {
    let mut rows = Vec::new();
    let users = [
        ("email-number", r#"{"email": 5, "name": "N"}"#, 422, "invalid_body"),
        ("email-invalid", r#"{"email": "not-an-address", "name": "N"}"#, 422, "validation_failed"),
        ("email-spaces", r#"{"email": "a b@example.com", "name": "N"}"#, 422, "validation_failed"),
        ("email-nul", r#"{"email": "a\u0000@example.com", "name": "N"}"#, 422, "validation_failed"),
        ("email-taken", r#"{"email": "admin@localhost", "name": "N"}"#, 409, "email_taken"),
        ("name-empty", r#"{"email": "x@example.com", "name": ""}"#, 422, "validation_failed"),
        ("name-bidi", r#"{"email": "x@example.com", "name": "\u202e"}"#, 422, "validation_failed"),
        ("password-short", r#"{"email": "x@example.com", "name": "N", "password": "abc"}"#, 422, "validation_failed"),
        ("password-common", r#"{"email": "x@example.com", "name": "N", "password": "password1234"}"#, 422, "validation_failed"),
        ("password-is-email", r#"{"email": "xylophone.q@example.com", "name": "N", "password": "xylophone.q@example.com"}"#, 422, "validation_failed"),
        ("role-unknown", r#"{"email": "x@example.com", "name": "N", "org_role": "emperor"}"#, 422, "unknown_role"),
        ("role-number", r#"{"email": "x@example.com", "name": "N", "org_role": 1}"#, 422, "invalid_body"),
    ];
    for (label, body, status, code) in users {
        rows.push(Case::post(format!("user-create/{label}"), "/api/users").json(body).is(status, code));
    }
    for (label, body, status, code) in [
        ("disabled-string", r#"{"disabled": "yes"}"#, 422, "invalid_body"),
        ("role-unknown", r#"{"org_role": "emperor"}"#, 422, "unknown_role"),
        ("password-weak", r#"{"password": "12345678901"}"#, 422, "validation_failed"),
        ("name-list", r#"{"name": ["a"]}"#, 422, "invalid_body"),
    ] {
        rows.push(Case::put(format!("user-edit/{label}"), "/api/users/{vu}").json(body).is(status, code));
    }
    rows.push(Case::get("user/missing", "/api/users/us01missing").is(404, "user_not_found"));
    rows.push(Case::delete("user/delete-self", "/api/users/me").is(404, "user_not_found"));
    for (label, body, status, code) in [
        ("both-owners", r#"{"name": "t", "user_uid": "{vu}", "space_uid": "{v}", "role_uid": "space_admin"}"#, 422, "validation_failed"),
        ("neither", r#"{"name": "t"}"#, 422, "validation_failed"),
        ("role-without-space", r#"{"name": "t", "user_uid": "{vu}", "role_uid": "space_admin"}"#, 422, "validation_failed"),
        ("space-without-role", r#"{"name": "t", "space_uid": "{v}"}"#, 422, "validation_failed"),
        ("owner-role", r#"{"name": "t", "space_uid": "{v}", "role_uid": "space_owner"}"#, 422, "owner_role_reserved"),
        ("unknown-role", r#"{"name": "t", "space_uid": "{v}", "role_uid": "ro01missing"}"#, 422, "unknown_role"),
        ("expired", r#"{"name": "t", "user_uid": "{vu}", "expires_at": "2001-01-01T00:00:00Z"}"#, 422, "validation_failed"),
        ("expires-garbage", r#"{"name": "t", "user_uid": "{vu}", "expires_at": "soon"}"#, 422, "invalid_body"),
        ("unknown-user", r#"{"name": "t", "user_uid": "us01missing"}"#, 404, "user_not_found"),
        ("unknown-space", r#"{"name": "t", "space_uid": "sp01missing", "role_uid": "space_admin"}"#, 404, "space_not_found"),
        ("name-empty", r#"{"name": "", "user_uid": "{vu}"}"#, 422, "validation_failed"),
    ] {
        rows.push(Case::post(format!("token-create/{label}"), "/api/tokens").json(body).is(status, code));
    }
    rows.push(Case::delete("token/missing", "/api/tokens/tk01missing").is(404, "token_not_found"));
    rows.push(Case::get("tokens/unknown-param", "/api/tokens?zz=1").is(400, "unknown_query_parameter"));
    for (label, body, status, code) in [
        ("acl-string", r#"{"name": "R", "permissions": {"users": {"read": "yes"}}}"#, 422, "invalid_body"),
        ("area-unknown", r#"{"name": "R", "permissions": {"planets": {"read": true}}}"#, 422, "invalid_body"),
        ("op-unknown", r#"{"name": "R", "permissions": {"users": {"fly": true}}}"#, 422, "invalid_body"),
        ("name-builtin", r#"{"name": "Product Admin"}"#, 409, "role_exists"),
        ("name-missing", r#"{"permissions": {}}"#, 422, "invalid_body"),
    ] {
        rows.push(Case::post(format!("org-role-create/{label}"), "/api/roles").json(body).is(status, code));
    }
    rows.push(Case::put("org-role-edit/builtin", "/api/roles/member").json(r#"{"name": "Mine"}"#).is(409, "builtin_role"));
    rows.push(Case::delete("org-role/builtin", "/api/roles/product_admin").is(409, "builtin_role"));
    rows.push(Case::get("org-role/missing", "/api/roles/ro01missing").is(404, "role_not_found"));
    let roles = "/api/spaces/{v}/roles";
    for (label, body, status, code) in [
        ("no-workspaces", r#"{"name": "R", "workspaces": []}"#, 422, "validation_failed"),
        ("workspace-unknown", r#"{"name": "R", "workspaces": ["nowhere"]}"#, 422, "validation_failed"),
        ("module-unknown", r#"{"name": "R", "workspaces": ["main"], "rules": [{"module": "planet", "assets": ["$all"], "acl": {"read": true}}]}"#, 422, "invalid_body"),
        ("acl-empty", r#"{"name": "R", "workspaces": ["main"], "rules": [{"module": "asset", "assets": ["$all"], "acl": {}}]}"#, 422, "validation_failed"),
        ("all-and-more", r#"{"name": "R", "workspaces": ["main"], "rules": [{"module": "asset", "assets": ["$all", "am1"], "acl": {"read": true}}]}"#, 422, "validation_failed"),
        ("names-nothing", r#"{"name": "R", "workspaces": ["main"], "rules": [{"module": "asset", "acl": {"read": true}}]}"#, 422, "validation_failed"),
        ("folder-not-uid", r#"{"name": "R", "workspaces": ["main"], "rules": [{"module": "folder", "folders": ["../etc"], "acl": {"read": true}}]}"#, 422, "validation_failed"),
        ("locale-unknown", r#"{"name": "R", "workspaces": ["main"], "locales": [{"code": "xx-nowhere", "acl": {"read": true}}]}"#, 422, "validation_failed"),
        ("locale-twice", r#"{"name": "R", "workspaces": ["main"], "locales": [{"code": "en-us", "acl": {"read": true}}, {"code": "en-us", "acl": {"read": true}}]}"#, 422, "validation_failed"),
        ("name-taken", r#"{"name": "Victim role", "workspaces": ["main"]}"#, 409, "role_exists"),
        ("name-builtin", r#"{"name": "space admin", "workspaces": ["main"]}"#, 409, "role_exists"),
    ] {
        rows.push(Case::post(format!("space-role-create/{label}"), roles).json(body).is(status, code));
    }
    rows.push(
        Case::put("space-role-edit/empty-workspaces", "/api/spaces/{v}/roles/{vr}")
            .json(r#"{"workspaces": []}"#)
            .is(422, "validation_failed"),
    );
    rows.push(Case::put("space-role-edit/builtin", "/api/spaces/{v}/roles/space_admin").json("{}").is(409, "builtin_role"));
    rows.push(Case::delete("space-role/in-use", "/api/spaces/{v}/roles/{vr}").is(409, "role_in_use"));
    rows.push(Case::delete("space-role/builtin", "/api/spaces/{v}/roles/asset_manager").is(409, "builtin_role"));
    let member = "/api/spaces/{v}/members/{vu}";
    for (label, body, status, code) in [
        ("roles-empty", r#"{"roles": []}"#, 422, "validation_failed"),
        ("roles-owner", r#"{"roles": ["space_owner"]}"#, 422, "owner_role_reserved"),
        ("roles-unknown", r#"{"roles": ["ro01missing"]}"#, 422, "unknown_role"),
        ("roles-number", r#"{"roles": [1]}"#, 422, "invalid_body"),
        ("roles-missing", r#"{}"#, 422, "invalid_body"),
    ] {
        rows.push(Case::put(format!("member-set/{label}"), member).json(body).is(status, code));
    }
    rows.push(
        Case::put("member-set/unknown-user", "/api/spaces/{v}/members/us01missing")
            .json(r#"{"roles": ["asset_manager"]}"#)
            .is(404, "user_not_found"),
    );
    rows.push(Case::delete("member/not-a-member", "/api/spaces/{v}/members/us01missing").is(404, "member_not_found"));
    rows.push(
        Case::post("transfer/not-a-member", "/api/spaces/{v}/transfer_ownership")
            .json(r#"{"user_uid": "us01missing"}"#)
            .is(422, "not_a_member"),
    );
    for (label, query, status, code) in [
        ("since-garbage", "since=yesterday", 400, "invalid_query"),
        ("limit-zero", "limit=0", 400, "invalid_query"),
        ("skip-negative", "skip=-1", 400, "invalid_query"),
        ("unknown", "who=me", 400, "unknown_query_parameter"),
    ] {
        rows.push(Case::get(format!("audit/{label}"), format!("/api/spaces/{{v}}/audit?{query}")).is(status, code));
        rows.push(Case::get(format!("org-audit/{label}"), format!("/api/audit?{query}")).is(status, code));
    }
    for (label, body, status, code) in [
        ("email-number", r#"{"email": 1, "password": "x"}"#, 422, "invalid_body"),
        ("password-missing", r#"{"email": "a@example.com"}"#, 422, "invalid_body"),
        ("nobody", r#"{"email": "nobody@example.com", "password": "whatever it is"}"#, 401, "unauthenticated"),
    ] {
        rows.push(Case::post(format!("login/{label}"), "/api/session").json(body).anon().is(status, code));
    }
    rows.push(
        Case::post("setup/unknown-link", "/api/session/setup")
            .json(r#"{"setup_token": "setup_nothing", "password": "correct horse battery staple 42"}"#)
            .anon()
            .is(404, "setup_link_invalid"),
    );
    rows.push(Case::delete("logout/with-a-token", "/api/session").is(409, "not_a_session"));
    rows
}
