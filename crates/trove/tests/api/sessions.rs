//! Logging in: sessions with their cookie and CSRF token, expiry, logout, the
//! login rate limit, set-up links; tokens of users and spaces, their expiry and
//! revocation seen by every node.

use std::time::Duration;

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::as_user::PASSWORD;
use crate::common::{TestServer, assert_error, json as read_json};

/// Logs in; returns the cookie header value and the CSRF token.
async fn login(s: &TestServer, email: &str, password: &str) -> (String, String) {
    let resp = s.anon(Method::POST, "/api/session").json(&json!({"email": email, "password": password})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let set = resp.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Path=/"), "{set}");
    assert!(!set.contains("Secure"), "plain http is not Secure: {set}");
    let cookie = set.split(';').next().unwrap().to_owned();
    let (_, body) = read_json(resp).await;
    assert_eq!(body["session"]["user"]["email"], email.to_lowercase());
    (cookie, body["session"]["csrf_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_session_reads_with_its_cookie_writes_with_its_csrf_token_and_ends_at_logout() {
    let s = TestServer::start().await;
    let u = s.with_user("product_admin").await;
    let (cookie, csrf) = login(&s, &u.email, PASSWORD).await;
    let resp = s.anon(Method::GET, "/api/spaces").header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let create = |csrf: Option<&str>| {
        let mut r = s.anon(Method::POST, "/api/spaces").header(COOKIE, &cookie).json(&json!({"title": "By cookie"}));
        if let Some(c) = csrf {
            r = r.header("X-CSRF-Token", c);
        }
        r
    };
    let (st, body) = read_json(create(None).send().await.unwrap()).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "csrf_failed");
    let (st, body) = read_json(create(Some("csrf_wrong")).send().await.unwrap()).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "csrf_failed");
    let (st, body) = read_json(create(Some(&csrf)).send().await.unwrap()).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    // Made by the user, through the session.
    let space = body["space"]["uid"].as_str().unwrap();
    let (_, audit) = u.get(&format!("/api/spaces/{space}/audit")).await;
    assert!(audit["events"][0]["credential"].as_str().unwrap().starts_with("session:"), "{audit}");
    assert_eq!(audit["events"][0]["user_uid"], u.uid.as_str());

    let resp = s.anon(Method::DELETE, "/api/session").header(COOKIE, &cookie).header("X-CSRF-Token", &csrf).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    assert!(resp.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let (st, body) = read_json(s.anon(Method::GET, "/api/spaces").header(COOKIE, &cookie).send().await.unwrap()).await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    s.stop().await;
}

#[tokio::test]
async fn wrong_credentials_are_one_answer_and_sessions_expire() {
    let s = TestServer::start_with(|c| c.session_ttl = Duration::from_secs(1)).await;
    let u = s.with_user("member").await;
    for (email, password) in [(u.email.as_str(), "not the password at all"), ("nobody@example.com", PASSWORD)] {
        let (st, body) = read_json(
            s.anon(Method::POST, "/api/session").json(&json!({"email": email, "password": password})).send().await.unwrap(),
        )
        .await;
        assert_error(st, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
        assert_eq!(body["error_message"], "the e-mail address or the password is wrong");
    }
    let (cookie, _) = login(&s, &u.email.to_uppercase(), PASSWORD).await;
    tokio::time::sleep(Duration::from_millis(1300)).await;
    let (st, body) = read_json(s.anon(Method::GET, "/api/spaces").header(COOKIE, &cookie).send().await.unwrap()).await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    s.stop().await;
}

#[tokio::test]
async fn login_attempts_are_limited_per_account_with_retry_after() {
    let s = TestServer::start().await;
    let u = s.with_user("member").await;
    let attempt = |password: &'static str| {
        s.anon(Method::POST, "/api/session").json(&json!({"email": u.email, "password": password})).send()
    };
    for _ in 0..5 {
        assert_eq!(attempt("guess guess guess").await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let resp = attempt("guess guess guess").await.unwrap();
    assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
    let (_, body) = read_json(resp).await;
    assert_eq!(body["error_code"], "too_many_login_attempts");
    // Even the right password waits; another account does not.
    assert_eq!(attempt(PASSWORD).await.unwrap().status(), StatusCode::TOO_MANY_REQUESTS);
    let other = s.with_user("member").await;
    login(&s, &other.email, PASSWORD).await;
    s.stop().await;
}

#[tokio::test]
async fn a_set_up_link_sets_the_first_password_once() {
    let s = TestServer::start().await;
    let (st, body) =
        s.send_json(Method::POST, "/api/users", json!({"email": "new@example.com", "name": "New Person"})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert_eq!(body["user"]["has_password"], false);
    assert_eq!(body["user"]["org_role"], "member");
    let setup = body["setup_token"].as_str().unwrap().to_owned();
    let set = |password: &'static str| {
        s.anon(Method::POST, "/api/session/setup").json(&json!({"setup_token": setup, "password": password})).send()
    };
    let (st, body) = read_json(set("password1").await.unwrap()).await;
    assert_error(st, &body, StatusCode::UNPROCESSABLE_ENTITY, "weak_password");
    assert_eq!(set(PASSWORD).await.unwrap().status(), StatusCode::CREATED);
    let (st, body) = read_json(set(PASSWORD).await.unwrap()).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "setup_link_invalid");
    login(&s, "new@example.com", PASSWORD).await;
    s.stop().await;
}

#[tokio::test]
async fn a_revoked_token_is_refused_at_once_by_every_node_and_expired_ones_too() {
    let s = TestServer::start().await;
    let node2 = s.another_node().await;
    let u = s.with_user("member").await;
    let (st, _) = u.get("/api/spaces").await;
    assert_eq!(st, StatusCode::OK);
    let on2 = |token: String| s.client.get(node2.url("/api/spaces")).bearer_auth(token).send();
    assert_eq!(on2(u.token.clone()).await.unwrap().status(), StatusCode::OK);
    let (_, list) = u.get("/api/tokens").await;
    let uid = list["tokens"][0]["uid"].as_str().unwrap().to_owned();
    assert!(list["tokens"][0].get("secret").is_none(), "listed without the secret: {list}");
    let (st, _) = u.delete(&format!("/api/tokens/{uid}")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = read_json(on2(u.token.clone()).await.unwrap()).await;
    assert_error(st, &body, StatusCode::UNAUTHORIZED, "unauthenticated");

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let (st, body) =
        s.send_json(Method::POST, "/api/tokens", json!({"name": "short", "user_uid": u.uid, "expires_at": soon})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let short = body["token"]["secret"].as_str().unwrap().to_owned();
    assert_eq!(on2(short.clone()).await.unwrap().status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(1300)).await;
    assert_eq!(on2(short).await.unwrap().status(), StatusCode::UNAUTHORIZED);
    node2.stop().await;
    s.stop().await;
}

#[tokio::test]
async fn a_space_token_acts_with_its_role_in_its_space_only() {
    let s = TestServer::start().await;
    let space = s.create_space("Tokened").await;
    let other = s.create_space("Elsewhere").await;
    let (st, body) = s
        .send_json(Method::POST, "/api/tokens", json!({"name": "ci", "space_uid": space, "role_uid": "asset_manager"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    assert!(body["token"]["secret"].as_str().unwrap().starts_with("trove_"));
    let t = s.with_token(body["token"]["secret"].as_str().unwrap());
    let (st, body) = t.upload(&space, "ci.txt", b"ci", None).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = t.get(&format!("/api/spaces/{other}/assets")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    let (st, body) = t.get("/api/users").await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (_, spaces) = t.get("/api/spaces").await;
    assert_eq!(spaces["count"], 1);
    // Roles must exist in the space; the owner's is not given.
    for role in ["space_owner", "ro_missing"] {
        let (st, _) =
            s.send_json(Method::POST, "/api/tokens", json!({"name": "x", "space_uid": space, "role_uid": role})).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{role}");
    }
    // Delivery tokens only read.
    let (st, body) =
        s.send_json(Method::POST, &format!("/api/spaces/{space}/delivery_tokens"), json!({"name": "site"})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let d = s.with_token(body["token"]["secret"].as_str().unwrap());
    let (st, _) = d.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(st, StatusCode::OK);
    let (st, body) = d.upload(&space, "no.txt", b"no", None).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    let (st, body) = d.get(&format!("/api/spaces/{other}/assets")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "space_not_found");
    // What is delivered is the main workspace, not drafts in forks.
    let (st, _) = s.send_json(Method::POST, &format!("/api/spaces/{space}/workspaces"), json!({"uid": "draft"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, body) = d.get(&format!("/api/spaces/{space}/assets?workspace=draft")).await;
    assert_error(st, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    s.stop().await;
}

#[tokio::test]
async fn nobody_grants_rights_they_do_not_hold() {
    let s = TestServer::start().await;
    let (st, body) = s
        .send_json(
            Method::POST,
            "/api/roles",
            json!({"name": "People desk", "permissions": {"users": {"read": true, "create": true, "update": true}}}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let role = body["role"]["uid"].as_str().unwrap().to_owned();
    let desk = s.with_user(&role).await;
    let (st, body) = desk
        .send_json(Method::POST, "/api/users", json!({"email": "boss@example.com", "name": "B", "org_role": "product_admin"}))
        .await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "role_escalation");
    let (st, body) =
        desk.send_json(Method::POST, "/api/users", json!({"email": "m@example.com", "name": "M", "org_role": "member"})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let (st, body) = desk.delete(&format!("/api/users/{}", body["user"]["uid"].as_str().unwrap())).await;
    assert_error(st, &body, StatusCode::FORBIDDEN, "forbidden");
    // A role in use cannot go; a built-in one never.
    let (st, body) = s.delete(&format!("/api/roles/{role}")).await;
    assert_error(st, &body, StatusCode::CONFLICT, "role_in_use");
    let (st, body) = s.delete("/api/roles/product_admin").await;
    assert_error(st, &body, StatusCode::CONFLICT, "builtin_role");
    s.stop().await;
}
