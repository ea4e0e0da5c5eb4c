use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::{TestServer, assert_error, bytes};

#[tokio::test]
async fn create_list_get_update() {
    let s = TestServer::start().await;
    let (status, body) =
        s.send_json(Method::POST, "/api/spaces", json!({"title": " Brand ", "description": "Site"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["notice"], "Space created successfully.");
    let uid = body["space"]["uid"].as_str().unwrap().to_owned();
    assert_eq!(body["space"]["title"], "Brand");
    assert_eq!(body["space"]["description"], "Site");

    for i in 0..3 {
        s.create_space(&format!("S{i}")).await;
    }
    let (_, list) = s.get("/api/spaces?limit=2&skip=1").await;
    assert_eq!(list["count"], 4);
    assert_eq!(list["spaces"].as_array().unwrap().len(), 2);

    let (status, got) = s.get(&format!("/api/spaces/{uid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(got["space"]["title"], "Brand");

    let (status, upd) =
        s.send_json(Method::PUT, &format!("/api/spaces/{uid}"), json!({"title": "Brand 2", "description": null})).await;
    assert_eq!(status, StatusCode::OK, "{upd}");
    assert_eq!(upd["space"]["title"], "Brand 2");
    assert!(upd["space"]["description"].is_null());
    let (_, got) = s.get(&format!("/api/spaces/{uid}")).await;
    assert_eq!(got["space"]["title"], "Brand 2");

    // The main workspace exists; others do not yet.
    let (status, _) = s.get(&format!("/api/spaces/{uid}/assets?workspace=main")).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = s.get(&format!("/api/spaces/{uid}/assets?workspace=dev")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "workspace_not_found");
    s.stop().await;
}

#[tokio::test]
async fn invalid_spaces_are_refused_with_field_errors() {
    let s = TestServer::start().await;
    let (status, body) = s.send_json(Method::POST, "/api/spaces", json!({})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"]["title"].is_array());
    let (status, body) = s.send_json(Method::POST, "/api/spaces", json!({"title": "x".repeat(300)})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let (status, body) = s.get("/api/spaces/sp_missing").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "space_not_found");
    let (_, list) = s.get("/api/spaces").await;
    assert_eq!(list["count"], 0);
    s.stop().await;
}

#[tokio::test]
async fn delete_needs_confirmation_and_frees_unshared_blobs() {
    let s = TestServer::start().await;
    let a = s.create_space("A").await;
    let b = s.create_space("B").await;
    let unique = bytes(1, 5000);
    let shared = bytes(2, 6000);
    s.upload_ok(&a, "unique.bin", &unique).await;
    s.upload_ok(&a, "shared.bin", &shared).await;
    s.upload_ok(&b, "shared.bin", &shared).await;
    assert_eq!(s.blob_files().len(), 2);

    let (status, body) = s.delete(&format!("/api/spaces/{a}")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "confirmation_required");
    let (status, body) = s.delete(&format!("/api/spaces/{a}?confirm=delete")).await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "confirmation_required");
    let (status, _) = s.get(&format!("/api/spaces/{a}")).await;
    assert_eq!(status, StatusCode::OK, "an unconfirmed delete changes nothing");

    let (status, body) = s.delete(&format!("/api/spaces/{a}?confirm=DELETE")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = s.get(&format!("/api/spaces/{a}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let names: Vec<String> =
        s.blob_files().iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert_eq!(names, vec![crate::common::sha256(&shared)], "only the blob space B still uses remains");
    let (_, list) = s.get(&format!("/api/spaces/{b}/assets")).await;
    assert_eq!(list["count"], 1);
    let (status, body) = s.delete(&format!("/api/spaces/{a}?confirm=DELETE")).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "space_not_found");
    s.stop().await;
}
