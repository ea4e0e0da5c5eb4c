//! The permission matrix: routes × callers, with the answer each must get,
//! written as a table. `A` allowed (2xx), `D` refused (403), `N` not found (404:
//! the caller may not know the thing exists), `U` unauthenticated (401).

use std::time::Duration;

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::common::as_user::Client;

/// The callers, in the order of the table's columns.
const CALLERS: [&str; 12] = [
    "product_admin (not a member)",
    "asset_type_manager (not a member)",
    "member (not a member)",
    "space_owner",
    "space_admin",
    "asset_developer",
    "asset_manager",
    "custom: folder brand, en-us only",
    "vendor",
    "revoked token",
    "expired token",
    "no token",
];

enum Body {
    None,
    Json(Value),
    /// An upload, into the named folder key of the fixture (or the root).
    Upload(Option<&'static str>),
}

struct Row {
    method: Method,
    /// `{s}` space, `{brand}`/`{incoming}` folders, `{a_brand}`/`{a_other}`
    /// assets, `{fresh}` an asset made for this one request, `{n}` a unique number.
    path: &'static str,
    body: Body,
    expect: &'static str,
}

fn row(method: Method, path: &'static str, body: Body, expect: &'static str) -> Row {
    Row { method, path, body, expect }
}

struct Fixture {
    space: String,
    brand: String,
    incoming: String,
    a_brand: String,
    a_other: String,
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says() {
    let s = TestServer::start().await;
    let space = s.create_space("Matrix").await;
    let brand = s.create_folder(&space, "brand", None).await;
    let incoming = s.create_folder(&space, "incoming", None).await;
    let a_brand = s.upload_into(&space, "brand.txt", Some(&brand)).await;
    let a_other = s.upload_into(&space, "other.txt", None).await;
    let (st, _) = s.send_json(Method::POST, "/api/languages", json!({"code": "fr-fr"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, _) = s
        .send_json(Method::PUT, &format!("/api/spaces/{space}/workspaces/main/languages"), json!({"languages": ["en-us", "fr-fr"]}))
        .await;
    assert_eq!(st, StatusCode::OK);
    let custom = s
        .create_role(
            &space,
            json!({"name": "Brand editor", "workspaces": ["main"],
                   "rules": [{"module": "asset", "folders": [brand], "acl": {"read": true, "update": true}}],
                   "locales": [{"code": "en-us", "acl": {"read": true, "update": true}}]}),
        )
        .await;
    let vendor = s
        .create_role(
            &space,
            json!({"name": "Vendor", "workspaces": ["main"],
                   "rules": [{"module": "asset", "folders": [incoming], "acl": {"create": true}}]}),
        )
        .await;

    let pa = s.with_user("product_admin").await;
    let atm = s.with_user("asset_type_manager").await;
    let member = s.with_user("member").await;
    let owner = s.with_token(crate::common::TOKEN);
    let mut in_space = Vec::new();
    for role in ["space_admin", "asset_developer", "asset_manager", custom.as_str(), vendor.as_str()] {
        let u = s.with_user("member").await;
        s.add_member(&space, &u.uid, &[role]).await;
        in_space.push(u);
    }
    let revoked = s.with_user("product_admin").await;
    let (_, tokens) = revoked.get("/api/tokens").await;
    let (st, _) = revoked.delete(&format!("/api/tokens/{}", tokens["tokens"][0]["uid"].as_str().unwrap())).await;
    assert_eq!(st, StatusCode::OK);
    let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let (st, body) =
        s.send_json(Method::POST, "/api/tokens", json!({"name": "brief", "user_uid": pa.uid, "expires_at": soon})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let expired = s.with_token(body["token"]["secret"].as_str().unwrap());
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let nobody = s.with_token("");
    let mut clients: Vec<Client> = vec![pa, atm, member, owner];
    clients.extend(in_space);
    clients.extend([revoked, expired, nobody]);
    let f = Fixture { space, brand, incoming, a_brand, a_other };

    use Body::{Json, None as NoBody, Upload};
    let rows = [
        row(Method::GET, "/api/spaces", NoBody, "AAAAAAAAAUUU"),
        row(Method::POST, "/api/spaces", Json(json!({"title": "New"})), "ADDADDDDDUUU"),
        row(Method::GET, "/api/spaces/{s}", NoBody, "NNNAAAAAAUUU"),
        row(Method::PUT, "/api/spaces/{s}", Json(json!({"title": "Matrix"})), "NNNAADDDDUUU"),
        row(Method::GET, "/api/spaces/{s}/assets", NoBody, "NNNAAAAADUUU"),
        row(Method::GET, "/api/spaces/{s}/assets/{a_brand}", NoBody, "NNNAAAAANUUU"),
        row(Method::GET, "/api/spaces/{s}/assets/{a_brand}?locale=fr-fr", NoBody, "NNNAAAADNUUU"),
        row(Method::GET, "/api/spaces/{s}/assets/{a_other}", NoBody, "NNNAAAANNUUU"),
        row(Method::GET, "/api/spaces/{s}/assets/{a_brand}/versions", NoBody, "NNNAAAAANUUU"),
        row(Method::GET, "/api/spaces/{s}/assets/{a_other}/locales", NoBody, "NNNAAAANNUUU"),
        row(Method::PUT, "/api/spaces/{s}/assets/{a_brand}", Json(json!({"title": "b"})), "NNNAADAANUUU"),
        row(Method::PUT, "/api/spaces/{s}/assets/{a_other}", Json(json!({"title": "o"})), "NNNAADANNUUU"),
        row(Method::DELETE, "/api/spaces/{s}/assets/{fresh}", NoBody, "NNNAADANNUUU"),
        row(Method::POST, "/api/spaces/{s}/assets", Upload(None), "NNNAADADDUUU"),
        row(Method::POST, "/api/spaces/{s}/assets", Upload(Some("incoming")), "NNNAADADAUUU"),
        row(Method::GET, "/api/spaces/{s}/trash", NoBody, "NNNAAAAADUUU"),
        row(Method::GET, "/api/spaces/{s}/folders", NoBody, "NNNAAAAADUUU"),
        row(Method::GET, "/api/spaces/{s}/folders/{brand}", NoBody, "NNNAAAAANUUU"),
        row(Method::POST, "/api/spaces/{s}/folders", Json(json!({"title": "more"})), "NNNAADADDUUU"),
        row(Method::GET, "/api/spaces/{s}/members", NoBody, "NNNAADDDDUUU"),
        row(Method::GET, "/api/spaces/{s}/roles", NoBody, "NNNAADDDDUUU"),
        row(Method::GET, "/api/spaces/{s}/audit", NoBody, "NNNAADDDDUUU"),
        row(Method::GET, "/api/spaces/{s}/delivery_tokens", NoBody, "NNNAADDDDUUU"),
        row(Method::GET, "/api/spaces/{s}/workspaces", NoBody, "NNNAAAAAAUUU"),
        row(Method::POST, "/api/spaces/{s}/workspaces", Json(json!({"uid": "w{n}", "name": "W"})), "NNNAADDDDUUU"),
        row(Method::GET, "/api/users", NoBody, "ADDADDDDDUUU"),
        row(Method::GET, "/api/users/me", NoBody, "AAAAAAAAAUUU"),
        row(Method::GET, "/api/tokens", NoBody, "AAAAAAAAAUUU"),
        row(Method::GET, "/api/roles", NoBody, "ADDADDDDDUUU"),
        row(Method::GET, "/api/fields", NoBody, "AAAAAAAAAUUU"),
        row(Method::POST, "/api/fields", Json(json!({"uid": "f{n}", "name": "F{n}", "type": "single_line"})), "AADADDDDDUUU"),
        row(Method::GET, "/api/asset_types", NoBody, "AAAAAAAAAUUU"),
        row(Method::GET, "/api/languages", NoBody, "AAAAAAAAAUUU"),
        row(Method::POST, "/api/languages", Json(json!({"code": "x-l{n}", "name": "L"})), "ADDADDDDDUUU"),
        row(Method::GET, "/api/audit", NoBody, "ADDADDDDDUUU"),
    ];

    let mut n = 0;
    let mut wrong = Vec::new();
    for r in &rows {
        for (i, c) in clients.iter().enumerate() {
            n += 1;
            let mut path = r
                .path
                .replace("{s}", &f.space)
                .replace("{brand}", &f.brand)
                .replace("{incoming}", &f.incoming)
                .replace("{a_brand}", &f.a_brand)
                .replace("{a_other}", &f.a_other)
                .replace("{n}", &n.to_string());
            if path.contains("{fresh}") {
                path = path.replace("{fresh}", &s.upload_into(&f.space, &format!("fresh{n}.txt"), None).await);
            }
            let mut req = c.req(r.method.clone(), &path);
            req = match &r.body {
                Body::None => req,
                Body::Json(v) => {
                    let text = v.to_string().replace("{n}", &n.to_string());
                    req.header("Content-Type", "application/json").body(text)
                }
                Body::Upload(folder) => {
                    let mut form = Form::new().part("file", Part::bytes(b"x".to_vec()).file_name(format!("u{n}.txt")));
                    if let Some(key) = folder {
                        let uid = if *key == "incoming" { f.incoming.clone() } else { f.brand.clone() };
                        form = form.text("parent_uid", uid);
                    }
                    req.multipart(form)
                }
            };
            let status = req.send().await.expect("request").status();
            let want = r.expect.as_bytes()[i];
            let ok = match want {
                b'A' => status.is_success(),
                b'D' => status == StatusCode::FORBIDDEN,
                b'N' => status == StatusCode::NOT_FOUND,
                b'U' => status == StatusCode::UNAUTHORIZED,
                _ => false,
            };
            if !ok {
                wrong.push(format!("{} {} as {}: {status}, wanted {}", r.method, r.path, CALLERS[i], want as char));
            }
        }
    }
    assert!(wrong.is_empty(), "{} of {n} answers differ from the table:\n{}", wrong.len(), wrong.join("\n"));
    s.stop().await;
}

#[tokio::test]
async fn a_valid_token_of_another_space_succeeds_nowhere_in_this_one() {
    let s = TestServer::start().await;
    let mine = s.create_space("Mine").await;
    let theirs = s.create_space("Theirs").await;
    let folder = s.create_folder(&mine, "f", None).await;
    let asset = s.upload_into(&mine, "a.txt", Some(&folder)).await;
    let (st, body) = s
        .send_json(Method::POST, "/api/tokens", json!({"name": "theirs", "space_uid": theirs, "role_uid": "space_admin"}))
        .await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let t = s.with_token(body["token"]["secret"].as_str().unwrap());
    let (st, body) =
        s.send_json(Method::POST, &format!("/api/spaces/{theirs}/delivery_tokens"), json!({"name": "site"})).await;
    assert_eq!(st, StatusCode::CREATED, "{body}");
    let d = s.with_token(body["token"]["secret"].as_str().unwrap());
    let a = format!("/api/spaces/{mine}");
    let attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, a.clone(), None),
        (Method::PUT, a.clone(), Some(json!({"title": "taken"}))),
        (Method::GET, format!("{a}/assets"), None),
        (Method::GET, format!("{a}/assets/{asset}"), None),
        (Method::PUT, format!("{a}/assets/{asset}"), Some(json!({"title": "taken"}))),
        (Method::DELETE, format!("{a}/assets/{asset}"), None),
        (Method::GET, format!("{a}/assets/{asset}/versions"), None),
        (Method::GET, format!("{a}/folders"), None),
        (Method::POST, format!("{a}/folders"), Some(json!({"title": "x"}))),
        (Method::DELETE, format!("{a}/folders/{folder}"), None),
        (Method::GET, format!("{a}/trash"), None),
        (Method::GET, format!("{a}/members"), None),
        (Method::PUT, format!("{a}/members/{}", "us_x"), Some(json!({"roles": ["space_admin"]}))),
        (Method::GET, format!("{a}/audit"), None),
        (Method::GET, format!("{a}/roles"), None),
        (Method::GET, format!("{a}/workspaces"), None),
        (Method::POST, format!("{a}/workspaces"), Some(json!({"uid": "x", "name": "X"}))),
        (Method::DELETE, format!("{a}?confirm=DELETE"), None),
    ];
    let mut successes = Vec::new();
    for c in [&t, &d] {
        for (m, path, body) in &attempts {
            let mut req = c.req(m.clone(), path);
            if let Some(b) = body {
                req = req.json(b);
            }
            let status = req.send().await.expect("request").status();
            if status.is_success() || status != StatusCode::NOT_FOUND {
                successes.push(format!("{m} {path}: {status}"));
            }
        }
    }
    assert!(successes.is_empty(), "answers other than 404: {successes:?}");
    let (_, still) = s.get(&format!("{a}/assets/{asset}")).await;
    assert_eq!(still["asset"]["title"], "a.txt");
    s.stop().await;
}
