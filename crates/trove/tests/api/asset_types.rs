//! `/api/asset_types`: the built-in catalogue as a client reads it, the
//! organization's own types, and the fields and rules added to built-in ones.

use reqwest::{Method, StatusCode};
use serde_json::json;

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

async fn field(s: &TestServer, body: serde_json::Value) {
    let (status, out) = s.send_json(Method::POST, "/api/fields", body).await;
    assert_eq!(status, StatusCode::CREATED, "{out}");
}

#[tokio::test]
async fn organization_types_are_created_read_replaced_and_deleted() {
    let s = TestServer::start().await;
    field(&s, json!({"uid": "sku", "name": "SKU", "type": "single_line"})).await;
    field(&s, json!({"uid": "angle", "name": "Angle", "type": "number"})).await;
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/asset_types",
            json!({"uid": "product_shot", "title": "Product shot", "description": "Studio photos of products",
                "category": "images", "mime_types": ["image/x-product", "application/x-product"],
                "file_extensions": ["prod", "pshot"], "icon": "camera", "fields": ["sku", "angle"],
                "rules": [{"rule": "required_if", "field": "angle", "equals": 90, "then": "sku",
                    "message": "a side view needs its SKU"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["notice"], "Asset type created.");
    let t = &body["asset_type"];
    assert_eq!((t["is_system"].as_bool(), t["content_type"].as_str()), (Some(false), Some("image/x-product")));
    assert_eq!((t["icon"].as_str(), t["fields"].clone()), (Some("camera"), json!(["sku", "angle"])));
    assert_eq!(t["file_extension"], json!(["prod", "pshot"]));
    assert_eq!(t["rules"][0]["rule"], "required_if");
    assert_eq!(t["rules"][0]["message"], "a side view needs its SKU");
    let (status, read) = s.get("/api/asset_types/product_shot").await;
    assert_eq!((status, &read["asset_type"]), (StatusCode::OK, t), "{read}");
    let (_, list) = s.get("/api/asset_types").await;
    assert!(list["asset_types"].as_array().unwrap().iter().any(|x| x["uid"] == "product_shot"));

    // A replace changes what it names and keeps the rest.
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/asset_types/product_shot",
            json!({"title": "Packshot", "icon": null,
            "fields": ["angle"], "rules": []}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let t = &body["asset_type"];
    assert_eq!(
        (t["title"].as_str(), t["icon"].clone(), t["fields"].clone()),
        (Some("Packshot"), json!(null), json!(["angle"]))
    );
    assert_eq!((t["category"].as_str(), t["rules"].clone()), (Some("images"), json!([])));
    let (status, body) = s.send_json(Method::PUT, "/api/asset_types/product_shot", json!({"uid": "packshot"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "immutable_field");
    let (status, body) = s.send_json(Method::PUT, "/api/asset_types/nope", json!({"title": "X"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_type_not_found");

    let (status, body) = s.delete("/api/asset_types/product_shot").await;
    assert_eq!((status, body["notice"].as_str()), (StatusCode::OK, Some("Asset type deleted.")), "{body}");
    let (status, body) = s.get("/api/asset_types/product_shot").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_type_not_found");
    let (status, body) = s.delete("/api/asset_types/product_shot").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "asset_type_not_found");
    // Its pairs are free again.
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/asset_types",
            json!({"uid": "packshot", "title": "Packshot",
            "category": "images", "mime_types": ["image/x-product"], "file_extensions": ["prod"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    s.stop().await;
}

#[tokio::test]
async fn an_asset_type_definition_is_checked_whole() {
    let s = TestServer::start().await;
    field(&s, json!({"uid": "sku", "name": "SKU", "type": "single_line"})).await;
    let base = json!({"uid": "t1", "title": "T", "category": "data", "mime_types": ["application/x-t1"]});
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, path, message) in [
        (with("uid", json!("a-b")), "uid", "must be 1 to 64 letters, digits or _"),
        (with("title", json!("  ")), "title", "must be 1 to 50 visible characters"),
        (with("title", json!("t".repeat(51))), "title", "must be 1 to 50 visible characters"),
        (
            with("description", json!("d".repeat(1001))),
            "description",
            "must be at most 1000 characters without control characters",
        ),
        (with("mime_types", json!([])), "mime_types", "must have 1 to 20 items"),
        (with("mime_types", json!(["Image/PNG"])), "mime_types[0]", "must be a lower-case type/subtype MIME type"),
        (with("mime_types", json!(["image/png; q=1"])), "mime_types[0]", "must be a lower-case type/subtype MIME type"),
        (with("mime_types", json!(["application/x-a", "application/x-a"])), "mime_types[1]", "appears more than once"),
        (
            with("mime_types", json!((0..21).map(|i| format!("application/x-{i}")).collect::<Vec<_>>())),
            "mime_types",
            "must have 1 to 20 items",
        ),
        (
            with("file_extensions", json!([".png"])),
            "file_extensions[0]",
            "must be a lower-case extension without the dot",
        ),
        (
            with("file_extensions", json!(["PNG"])),
            "file_extensions[0]",
            "must be a lower-case extension without the dot",
        ),
        (with("file_extensions", json!(["a", "a"])), "file_extensions[1]", "appears more than once"),
        (with("icon", json!("Camera")), "icon", "must be 1 to 64 characters a-z, 0-9, _ or -"),
        (with("fields", json!(["nope"])), "fields[0]", "there is no field nope"),
        (with("fields", json!(["sku", "sku"])), "fields[1]", "appears more than once"),
        (
            with("rules", json!([{"rule": "compare", "left": "sku", "op": ">", "right": "nope"}])),
            "rules[0].right",
            "does not name a field of this asset type",
        ),
        (
            with("rules", json!([{"rule": "required_if", "field": "other", "equals": 1, "then": "sku"}])),
            "rules[0].field",
            "does not name a field of this asset type",
        ),
        (json!({"title": "T", "category": "data", "mime_types": ["application/x-t1"]}), "uid", "is required"),
        (json!({"uid": "t1", "category": "data", "mime_types": ["application/x-t1"]}), "title", "is required"),
        (json!({"uid": "t1", "title": "T", "mime_types": ["application/x-t1"]}), "category", "is required"),
        (json!({"uid": "t1", "title": "T", "category": "data"}), "mime_types", "is required"),
    ] {
        let (status, out) = s.send_json(Method::POST, "/api/asset_types", body.clone()).await;
        assert_error(status, &out, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(out["errors"][path], json!([message]), "{body} → {out}");
    }
    for body in [
        with("category", json!("pictures")),
        with("rules", json!([{"rule": "compare", "left": "sku", "op": "==", "right": "sku"}])),
        with("rules", json!([{"rule": "compare", "left": "sku", "op": ">", "right": "sku", "mesage": "typo"}])),
        with("colour", json!("red")),
    ] {
        let (status, out) = s.send_json(Method::POST, "/api/asset_types", body.clone()).await;
        assert_error(status, &out, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    }
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/asset_types",
            json!({"uid": "jpeg_jpg", "title": "Mine", "category": "images",
            "mime_types": ["image/x-mine"]}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "asset_type_exists");
    s.stop().await;
}

#[tokio::test]
async fn each_mime_type_and_extension_pair_belongs_to_one_type() {
    let s = TestServer::start().await;
    let post = |uid: &str, mimes: serde_json::Value, exts: serde_json::Value| json!({"uid": uid, "title": uid, "category": "other", "mime_types": mimes, "file_extensions": exts});
    // A pair the catalogue has.
    let (status, body) =
        s.send_json(Method::POST, "/api/asset_types", post("my_jpeg", json!(["image/jpeg"]), json!(["jpg"]))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "asset_type_pair_taken");
    assert!(body["error_message"].as_str().unwrap().contains("jpeg_jpg"), "{body}");
    // The same MIME type with an extension of its own is another pair.
    let (status, body) =
        s.send_json(Method::POST, "/api/asset_types", post("raw_jpeg", json!(["image/jpeg"]), json!(["rawjpg"]))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let (status, body) = s
        .send_json(Method::POST, "/api/asset_types", post("a_type", json!(["application/x-a"]), json!(["aaa", "aab"])))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) =
        s.send_json(Method::POST, "/api/asset_types", post("b_type", json!(["application/x-a"]), json!(["aab"]))).await;
    assert_error(status, &body, StatusCode::CONFLICT, "asset_type_pair_taken");
    assert!(body["error_message"].as_str().unwrap().contains("a_type"), "{body}");
    let (status, body) =
        s.send_json(Method::POST, "/api/asset_types", post("b_type", json!(["application/x-a"]), json!(["bbb"]))).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A replace is held to the same rule, and a type's own pairs are no conflict.
    let (status, body) =
        s.send_json(Method::PUT, "/api/asset_types/b_type", json!({"file_extensions": ["bbb", "aaa"]})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "asset_type_pair_taken");
    let (status, body) =
        s.send_json(Method::PUT, "/api/asset_types/b_type", json!({"file_extensions": ["bbb", "bbc"]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/asset_types/a_type",
            json!({"mime_types": ["application/pdf"], "file_extensions": ["pdf"]}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "asset_type_pair_taken");
    let (_, body) = s.get("/api/asset_types/b_type").await;
    assert_eq!(body["asset_type"]["file_extension"], json!(["bbb", "bbc"]));
    s.stop().await;
}

#[tokio::test]
async fn built_in_types_take_fields_and_rules_and_nothing_else() {
    let s = TestServer::start().await;
    field(&s, json!({"uid": "licence_start", "name": "Licence start", "type": "date"})).await;
    field(
        &s,
        json!({"uid": "rights", "name": "Rights", "type": "group", "fields": [
            {"uid": "holder", "name": "Holder", "type": "single_line"},
            {"uid": "term", "name": "Term", "type": "group", "fields": [{"uid": "end", "name": "End", "type": "date"}]}
        ]}),
    )
    .await;
    let rules = json!([{"rule": "compare", "left": "rights.term.end", "op": ">", "right": "licence_start",
        "message": "the licence must end after it starts"}]);
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/asset_types/jpeg_jpg",
            json!({"fields": ["licence_start", "rights"], "rules": rules}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = s.get("/api/asset_types/jpeg_jpg").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let t = &body["asset_type"];
    assert_eq!((t["fields"].clone(), t["is_system"].as_bool()), (json!(["licence_start", "rights"]), Some(true)));
    assert_eq!(t["rules"][0]["left"], "rights.term.end");
    assert_eq!((t["title"].as_str(), t["content_type"].as_str()), (Some("JPEG image"), Some("image/jpeg")), "{t}");

    // Other properties keep the built-in values: sending them unchanged is fine.
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/asset_types/jpeg_jpg",
            json!({"uid": "jpeg_jpg", "title": t["title"],
            "category": "images", "mime_types": t["mime_types"], "fields": ["rights", "licence_start"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["asset_type"]["rules"], rules, "rules left out are kept");
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/asset_types/jpeg_jpg",
            json!({"title": "Photo", "file_extensions": ["jpg"],
            "icon": "photo"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "immutable_field");
    let named: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert_eq!(named, ["file_extensions", "icon", "title"], "{body}");

    for (rule, path) in [
        (json!({"rule": "compare", "left": "rights.term.start", "op": ">", "right": "licence_start"}), "rules[0].left"),
        (json!({"rule": "compare", "left": "rights.holder.x", "op": ">", "right": "licence_start"}), "rules[0].left"),
        (
            json!({"rule": "required_if", "field": "licence_start", "equals": null, "then": "product_id"}),
            "rules[0].then",
        ),
    ] {
        let (status, body) = s.send_json(Method::PUT, "/api/asset_types/jpeg_jpg", json!({"rules": [rule]})).await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(body["errors"][path], json!(["does not name a field of this asset type"]), "{body}");
    }

    let (status, body) = s.delete("/api/asset_types/jpeg_jpg").await;
    assert_error(status, &body, StatusCode::CONFLICT, "system_asset_type");
    let (status, body) = s.get("/api/asset_types/jpeg_jpg").await;
    assert_eq!((status, body["asset_type"]["fields"].clone()), (StatusCode::OK, json!(["rights", "licence_start"])));
    s.stop().await;
}
