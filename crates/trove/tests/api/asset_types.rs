//! `/api/asset_types`: the built-in catalogue, as a client reads it.

use reqwest::{Method, StatusCode};

use crate::common::{TestServer, assert_error, json};

#[tokio::test]
async fn the_catalogue_lists_every_kind_with_its_types_and_restrictions() {
    let s = TestServer::start().await;
    let (status, body) = s.get("/api/asset_types").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let types = body["asset_types"].as_array().expect("a list");
    assert!(types.len() >= 120, "{} types", types.len());
    assert_eq!(body["count"], types.len());
    let uids: Vec<&str> = types.iter().filter_map(|t| t["uid"].as_str()).collect();
    assert!(uids.windows(2).all(|w| w[0] < w[1]), "sorted by UID, each once");
    for category in ["images", "video", "audio", "documents", "fonts", "3d", "code", "executables", "vm_images"] {
        assert!(types.iter().any(|t| t["category"] == category), "{category}");
    }
    let wasm = types.iter().find(|t| t["file_extension"].as_array().is_some_and(|e| e.iter().any(|x| x == "wasm")));
    assert_eq!(wasm.map(|t| t["restricted"].clone()), Some("webassembly".into()));

    let (status, body) = s.get("/api/asset_types/jpeg_jpg").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let jpeg = &body["asset_type"];
    assert_eq!((jpeg["content_type"].as_str(), jpeg["is_system"].as_bool()), (Some("image/jpeg"), Some(true)));
    assert!(jpeg["file_extension"].as_array().unwrap().iter().any(|e| e == "jpeg"));
    assert_eq!(jpeg["restricted"], serde_json::Value::Null);

    let (status, body) = s.get("/api/asset_types/no_such_type").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_type_not_found");
    let (status, body) = s.get("/api/asset_types?categroy=images").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "unknown_query_parameter");
    let (status, body) = json(s.anon(Method::GET, "/api/asset_types").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    s.stop().await;
}
