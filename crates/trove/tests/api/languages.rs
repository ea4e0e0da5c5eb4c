//! Organization languages: the catalogue, adding standard and custom languages,
//! fallback chains (existing, acyclic, ending at the default), deletion rules, and
//! enabling added languages in a workspace.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error};

async fn add(s: &TestServer, body: Value) -> (StatusCode, Value) {
    s.send_json(Method::POST, "/api/languages", body).await
}

#[tokio::test]
async fn catalogue_standard_and_custom_languages() {
    let s = TestServer::start().await;
    let (status, list) = s.get("/api/languages").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["count"], 1);
    assert_eq!(
        list["languages"][0],
        json!({"code": "en-us", "name": "English - United States", "fallback_code": null, "is_default": true, "is_custom": false})
    );
    let (_, available) = s.get("/api/languages?available=true").await;
    assert!(available["count"].as_i64().unwrap() >= 200, "{}", available["count"]);
    assert!(available["languages"].as_array().unwrap().iter().all(|l| l["code"] != "en-us"));

    let (status, body) = add(&s, json!({"code": "fr-fr"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        body["language"],
        json!({"code": "fr-fr", "name": "French - France", "fallback_code": "en-us", "is_default": false, "is_custom": false})
    );
    let (status, body) = add(&s, json!({"code": "FR-CA", "fallback_code": "fr-fr"})).await;
    assert_eq!((status, body["language"]["code"].as_str()), (StatusCode::CREATED, Some("fr-ca")), "{body}");
    let (status, body) = add(&s, json!({"code": "tlh-kl", "name": "Klingon", "fallback_code": "en-us"})).await;
    assert_eq!((status, body["language"]["is_custom"].as_bool()), (StatusCode::CREATED, Some(true)), "{body}");
    let (_, got) = s.get("/api/languages/fr-ca").await;
    assert_eq!(got["language"]["fallback_code"], "fr-fr");
    let (_, available) = s.get("/api/languages?available=true").await;
    assert!(available["languages"].as_array().unwrap().iter().all(|l| l["code"] != "fr-fr"));

    let (status, b) = add(&s, json!({"code": "fr-fr"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "language_exists");
    assert!(b["errors"]["code"].is_array(), "{b}");
    // A custom language without a name is named by its code.
    let (status, b) = add(&s, json!({"code": "custom-x"})).await;
    assert_eq!((status, &b["language"]["name"]), (StatusCode::CREATED, &json!("custom-x")), "{b}");
    for (body, field) in [
        (json!({"code": "k"}), "code"),
        (json!({"code": "1abc", "name": "x"}), "code"),
        (json!({"code": "abc_def", "name": "x"}), "code"),
        (json!({"code": "abcdefghijklm", "name": "x"}), "code"),
        (json!({"name": "no code"}), "code"),
    ] {
        let (status, b) = add(&s, body.clone()).await;
        assert_error(status, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(b["errors"][field].is_array(), "{body} → {b}");
    }
    let (status, b) = add(&s, json!({"code": "de-de", "fallback_code": "xx-none"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "unknown_language");
    assert!(b["errors"]["fallback_code"].is_array(), "{b}");
    let (status, b) = s.get("/api/languages/xx-none").await;
    assert_error(status, &b, StatusCode::NOT_FOUND, "language_not_found");
    s.stop().await;
}

#[tokio::test]
async fn fallback_chains_stay_acyclic_and_languages_in_use_stay() {
    let s = TestServer::start().await;
    assert_eq!(add(&s, json!({"code": "fr-fr"})).await.0, StatusCode::CREATED);
    assert_eq!(add(&s, json!({"code": "fr-ca", "fallback_code": "fr-fr"})).await.0, StatusCode::CREATED);
    // fr-fr → fr-ca would close the loop fr-fr → fr-ca → fr-fr.
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-fr", json!({"fallback_code": "fr-ca"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "fallback_cycle");
    let msg = b["error_message"].as_str().unwrap();
    assert!(msg.contains("fr-fr") && msg.contains("fr-ca"), "the cycle is named: {msg}");
    let (_, got) = s.get("/api/languages/fr-fr").await;
    assert_eq!(got["language"]["fallback_code"], "en-us", "a refused change changes nothing");
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"fallback_code": "fr-ca"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "fallback_cycle");
    let (status, b) = s.send_json(Method::PUT, "/api/languages/en-us", json!({"fallback_code": "fr-fr"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "default_language_locked");
    let (status, b) = s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"code": "fr-be"})).await;
    assert_error(status, &b, StatusCode::CONFLICT, "immutable_field");
    assert!(b["errors"]["code"].is_array(), "{b}");
    let (status, b) =
        s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"name": "Québécois", "fallback_code": "en-us"})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(
        (b["language"]["name"].as_str(), b["language"]["fallback_code"].as_str()),
        (Some("Québécois"), Some("en-us"))
    );
    assert_eq!(
        s.send_json(Method::PUT, "/api/languages/fr-ca", json!({"fallback_code": "fr-fr"})).await.0,
        StatusCode::OK
    );

    // Deleting: not the default, not a fallback, not enabled anywhere.
    let (status, b) = s.delete("/api/languages/en-us").await;
    assert_error(status, &b, StatusCode::CONFLICT, "language_in_use");
    let (status, b) = s.delete("/api/languages/fr-fr").await;
    assert_error(status, &b, StatusCode::CONFLICT, "language_in_use");
    assert!(b["error_message"].as_str().unwrap().contains("fr-ca"), "{b}");
    let space = s.create_space("L").await;
    let url = format!("/api/spaces/{space}/workspaces/main/languages");
    let (status, b) = s.send_json(Method::PUT, &url, json!({"languages": ["en-us", "fr-fr", "fr-ca"]})).await;
    assert_eq!((status, b["languages"].clone()), (StatusCode::OK, json!(["en-us", "fr-ca", "fr-fr"])), "{b}");
    let (status, b) = s.delete("/api/languages/fr-ca").await;
    assert_error(status, &b, StatusCode::CONFLICT, "language_in_use");
    // A fork inherits the enabled set.
    let (status, b) = s.send_json(Method::POST, &format!("/api/spaces/{space}/workspaces"), json!({"uid": "fr"})).await;
    assert_eq!(
        (status, b["workspace"]["languages"].clone()),
        (StatusCode::CREATED, json!(["en-us", "fr-ca", "fr-fr"]))
    );
    for ws in ["main", "fr"] {
        let url = format!("/api/spaces/{space}/workspaces/{ws}/languages");
        assert_eq!(s.send_json(Method::PUT, &url, json!({"languages": ["en-us"]})).await.0, StatusCode::OK);
    }
    assert_eq!(s.delete("/api/languages/fr-ca").await.0, StatusCode::OK);
    assert_eq!(s.get("/api/languages/fr-ca").await.0, StatusCode::NOT_FOUND);
    assert_eq!(s.delete("/api/languages/fr-ca").await.0, StatusCode::NOT_FOUND);
    let (_, list) = s.get("/api/languages").await;
    assert_eq!(list["count"], 2);
    s.stop().await;
}
