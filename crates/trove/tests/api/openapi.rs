//! The OpenAPI document is generated from the code; this snapshot makes any change
//! to the API visible in review. Regenerate with `UPDATE_OPENAPI=1`.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::common::{TestServer, json};

#[tokio::test]
async fn openapi_document_matches_the_snapshot_and_covers_every_route() {
    let s = TestServer::start().await;
    let (status, doc) = json(s.anon(Method::GET, "/api/openapi.json").send().await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let snapshot_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    let pretty = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    if std::env::var_os("UPDATE_OPENAPI").is_some() {
        std::fs::write(&snapshot_path, &pretty).unwrap();
    }
    let snapshot =
        std::fs::read_to_string(&snapshot_path).expect("docs/openapi.json exists (run with UPDATE_OPENAPI=1)");
    assert_eq!(pretty, snapshot, "the API changed: review and regenerate docs/openapi.json with UPDATE_OPENAPI=1");

    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        ("/api/fields", &["get", "post"][..]),
        ("/api/fields/{field}", &["get", "put", "delete"]),
        ("/api/asset_types", &["get", "post"]),
        ("/api/asset_types/{asset_type}", &["get", "put", "delete"]),
        ("/api/languages", &["get", "post"][..]),
        ("/api/languages/{code}", &["get", "put", "delete"]),
        ("/api/spaces", &["get", "post"]),
        ("/api/spaces/{space}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/workspaces", &["get", "post"]),
        ("/api/spaces/{space}/workspaces/{workspace}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/workspaces/{workspace}/languages", &["get", "put"]),
        ("/api/spaces/{space}/workspaces/{workspace}/compare", &["get"]),
        ("/api/spaces/{space}/workspaces/{workspace}/merge", &["post"]),
        ("/api/spaces/{space}/assets", &["get", "post"]),
        ("/api/spaces/{space}/assets/{asset}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/assets/bulk/move", &["post"]),
        ("/api/spaces/{space}/assets/bulk/delete", &["post"]),
        ("/api/spaces/{space}/assets/{asset}/locales", &["get"]),
        ("/api/spaces/{space}/assets/{asset}/locales/{locale}", &["delete"]),
        ("/api/spaces/{space}/assets/{asset}/versions", &["get"]),
        ("/api/spaces/{space}/assets/{asset}/versions/{n}", &["get"]),
        ("/api/spaces/{space}/assets/{asset}/versions/{n}/name", &["put"]),
        ("/api/spaces/{space}/assets/{asset}/versions/{n}/restore", &["post"]),
        ("/api/spaces/{space}/folders", &["get", "post"]),
        ("/api/spaces/{space}/folders/{folder}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/trash", &["get"]),
        ("/api/spaces/{space}/trash/{uid}/restore", &["post"]),
        ("/v3/assets/{space}/{asset}/{file_uid}/{file_name}", &["get", "head"]),
        ("/v3/assets/{space}/{asset}/{slug}", &["get", "head"]),
        ("/api/session", &["post", "delete"]),
        ("/api/session/setup", &["post"]),
        ("/api/users", &["get", "post"]),
        ("/api/users/{user}", &["get", "put", "delete"]),
        ("/api/users/{user}/setup_link", &["post"]),
        ("/api/tokens", &["get", "post"]),
        ("/api/tokens/{token}", &["delete"]),
        ("/api/roles", &["get", "post"]),
        ("/api/roles/{role}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/roles", &["get", "post"]),
        ("/api/spaces/{space}/roles/{role}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/members", &["get"]),
        ("/api/spaces/{space}/members/{user}", &["get", "put", "delete"]),
        ("/api/spaces/{space}/transfer_ownership", &["post"]),
        ("/api/spaces/{space}/delivery_tokens", &["get", "post"]),
        ("/api/spaces/{space}/delivery_tokens/{token}", &["delete"]),
        ("/api/audit", &["get"]),
        ("/api/spaces/{space}/audit", &["get"]),
        ("/api/spaces/{space}/assets/{asset}/activity", &["get"]),
        ("/healthz", &["get"]),
        ("/readyz", &["get"]),
    ];
    assert_eq!(paths.len(), expected.len(), "{:?}", paths.keys().collect::<Vec<_>>());
    for (path, methods) in expected {
        let item = &paths[path];
        for m in methods {
            let op: &Value = &item[*m];
            assert!(op.is_object(), "{m} {path} is documented");
            let responses = op["responses"].as_object().unwrap();
            let documents_errors = responses.iter().any(|(code, r)| {
                (code.starts_with('4') || code.starts_with('5'))
                    && r.to_string().contains("#/components/schemas/ErrorBody")
            });
            assert!(documents_errors || path == "/healthz", "{m} {path} documents its error body");
        }
    }
    s.stop().await;
}
