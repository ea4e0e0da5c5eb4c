//! `/api/fields`: the organization's user-defined fields, every kind and property,
//! the definition errors with their paths, and what using a field forbids.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::common::{TestServer, assert_error, json};

async fn create(s: &TestServer, body: Value) -> Value {
    let (status, out) = s.send_json(Method::POST, "/api/fields", body.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body} → {out}");
    assert_eq!(out["notice"], "Field created.");
    out["field"].clone()
}

/// One field of every kind and setting, as a client writes it.
fn every_kind() -> Vec<Value> {
    vec![
        json!({"uid": "product_id", "name": "Product ID", "type": "single_line", "mandatory": true,
            "min_length": 3, "max_length": 12, "regex": "^[A-Z]{2}-[0-9]+$", "regex_message": "must look like AB-123",
            "placeholder": "AB-123", "instruction": "From the ERP", "help_text": "Ask sales", "description": "The SKU",
            "localizable": false}),
        json!({"uid": "notes", "name": "Notes", "type": "multi_line", "max_length": 5000}),
        json!({"uid": "source_page", "name": "Source page", "type": "link"}),
        json!({"uid": "usage", "name": "Usage", "type": "select", "options": ["internal", "licensed"],
            "default": "internal"}),
        json!({"uid": "channels", "name": "Channels", "type": "select", "options": ["web", "print", "social"],
            "multiple_choice": true}),
        json!({"uid": "print_run", "name": "Print run", "type": "number", "integer": true, "min": 1, "max": 100000}),
        json!({"uid": "price", "name": "Price", "type": "number", "min": 0.01, "max": 9999.99}),
        json!({"uid": "shot_on", "name": "Shot on", "type": "date"}),
        json!({"uid": "approved", "name": "Approved", "type": "boolean", "default": false}),
        json!({"uid": "keywords", "name": "Keywords", "type": "single_line", "multiple": true, "min_items": 1,
            "max_items": 5}),
        json!({"uid": "rights", "name": "Rights", "type": "group", "fields": [
            {"uid": "holder", "name": "Holder", "type": "single_line"},
            {"uid": "licence", "name": "Licence", "type": "group", "multiple": true, "fields": [
                {"uid": "territory", "name": "Territory", "type": "group", "fields": [
                    {"uid": "country", "name": "Country", "type": "select", "options": ["de", "fr"]},
                    {"uid": "until", "name": "Until", "type": "date"}
                ]}
            ]}
        ]}),
    ]
}

/// Whether every property `sent` names comes back as sent.
fn assert_shows(sent: &Value, shown: &Value) {
    for (k, v) in sent.as_object().unwrap() {
        if k == "fields" {
            for (a, b) in v.as_array().unwrap().iter().zip(shown[k].as_array().unwrap()) {
                assert_shows(a, b);
            }
        } else if v.is_number() {
            assert_eq!(v.as_f64(), shown[k].as_f64(), "{k} of {shown}");
        } else {
            assert_eq!(v, &shown[k], "{k} of {shown}");
        }
    }
}

#[tokio::test]
async fn every_kind_of_field_is_created_read_listed_replaced_and_deleted() {
    let s = TestServer::start().await;
    let (status, body) = s.get("/api/fields").await;
    assert_eq!((status, body["count"].as_i64()), (StatusCode::OK, Some(0)), "{body}");
    for def in every_kind() {
        let made = create(&s, def.clone()).await;
        assert_shows(&def, &made);
        assert_eq!(made["created_by"], made["updated_by"]);
        assert!(made["created_at"].as_str().is_some_and(|t| t.ends_with('Z')), "{made}");
        let uid = def["uid"].as_str().unwrap();
        let (status, read) = s.get(&format!("/api/fields/{uid}")).await;
        assert_eq!(status, StatusCode::OK, "{read}");
        assert_eq!(read["field"], made);
        assert!(read.get("notice").is_none(), "{read}");
    }
    let (_, body) = s.get("/api/fields").await;
    let uids: Vec<&str> = body["fields"].as_array().unwrap().iter().filter_map(|f| f["uid"].as_str()).collect();
    assert_eq!(body["count"], uids.len());
    assert_eq!(uids.len(), every_kind().len());
    assert!(uids.windows(2).all(|w| w[0] < w[1]), "by UID: {uids:?}");
    let localizable =
        |uid: &str| body["fields"].as_array().unwrap().iter().find(|f| f["uid"] == uid).unwrap()["localizable"].clone();
    assert_eq!(
        (localizable("notes"), localizable("product_id")),
        (json!(true), json!(false)),
        "localizable by default"
    );

    // Replacing: the whole definition, the UID from the path.
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/print_run",
            json!({"name": "Print run (copies)", "type": "number", "integer": true, "min": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["notice"], "Field updated.");
    let f = &body["field"];
    assert_eq!(
        (f["uid"].as_str(), f["name"].as_str(), f["min"].as_f64()),
        (Some("print_run"), Some("Print run (copies)"), Some(10.0))
    );
    assert!(f.get("max").is_none(), "a replace drops what it leaves out: {f}");
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/usage",
            json!({"uid": "usage", "name": "Usage", "type": "select",
            "options": ["internal", "licensed", "public"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["field"]["options"], json!(["internal", "licensed", "public"]));
    // A field no asset type uses may even change its type.
    let (status, body) =
        s.send_json(Method::PUT, "/api/fields/shot_on", json!({"name": "Shot on", "type": "single_line"})).await;
    assert_eq!((status, body["field"]["type"].as_str()), (StatusCode::OK, Some("single_line")), "{body}");

    for def in every_kind() {
        let uid = def["uid"].as_str().unwrap();
        let (status, body) = s.delete(&format!("/api/fields/{uid}")).await;
        assert_eq!((status, body["notice"].as_str()), (StatusCode::OK, Some("Field deleted.")), "{body}");
        let (status, body) = s.get(&format!("/api/fields/{uid}")).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "field_not_found");
    }
    let (status, body) = s.delete("/api/fields/product_id").await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "field_not_found");
    let (status, body) = s.send_json(Method::PUT, "/api/fields/nope", json!({"name": "N", "type": "date"})).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "field_not_found");
    s.stop().await;
}

#[tokio::test]
async fn every_definition_error_is_named_by_its_path() {
    let s = TestServer::start().await;
    let deep = |levels: usize| {
        let mut f = json!({"uid": "leaf", "name": "Leaf", "type": "boolean"});
        for i in 0..levels {
            f = json!({"uid": format!("g{i}"), "name": format!("G{i}"), "type": "group", "fields": [f]});
        }
        f
    };
    let mut six = deep(6);
    six["uid"] = json!("six");
    for (body, path, message) in [
        (json!({"uid": "bad uid", "name": "X", "type": "date"}), "uid", "must be 1 to 64 letters, digits or _"),
        (json!({"uid": "x".repeat(65), "name": "X", "type": "date"}), "uid", "must be 1 to 64 letters, digits or _"),
        (json!({"name": "X", "type": "date"}), "uid", "is required"),
        (json!({"uid": "x", "type": "date"}), "name", "is required"),
        (json!({"uid": "x", "name": "X"}), "type", "is required"),
        (json!({"uid": "x", "name": " \u{200b} ", "type": "date"}), "name", "must be 1 to 50 visible characters"),
        (json!({"uid": "x", "name": "n".repeat(51), "type": "date"}), "name", "must be 1 to 50 visible characters"),
        (json!({"uid": "x", "name": "a\u{7}b", "type": "date"}), "name", "must be 1 to 50 visible characters"),
        (
            json!({"uid": "x", "name": "X", "type": "select", "options": []}),
            "options",
            "must be 1 to 1000 different values",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "select", "options": ["a", "a"]}),
            "options",
            "must be 1 to 1000 different values",
        ),
        (json!({"uid": "x", "name": "X", "type": "select"}), "options", "is required"),
        (
            json!({"uid": "x", "name": "X", "type": "date", "options": ["a"]}),
            "options",
            "applies to select fields only",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "multiple_choice": null}),
            "multiple_choice",
            "applies to select fields only",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "integer": true}),
            "integer",
            "applies to number fields only",
        ),
        (json!({"uid": "x", "name": "X", "type": "link", "min": 1}), "min", "applies to number fields only"),
        (json!({"uid": "x", "name": "X", "type": "boolean", "fields": []}), "fields", "applies to group fields only"),
        (json!({"uid": "x", "name": "X", "type": "number", "min": 5, "max": 1}), "min", "must not be greater than max"),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "min_length": 5, "max_length": 1}),
            "min_length",
            "must not be greater than max_length",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "max_length": 100_001}),
            "max_length",
            "must be 0 to 100000",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "min_length": -1}),
            "min_length",
            "must be 0 to 100000",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "min_items": 1}),
            "min_items",
            "item counts apply to multiple fields only",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "multiple": true, "max_items": 0}),
            "max_items",
            "must be 1 to 1000",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "multiple": true, "max_items": 1001}),
            "max_items",
            "must be 0 to 1000",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "multiple": true, "min_items": 3, "max_items": 2}),
            "min_items",
            "must not be greater than max_items",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "regex": "("}),
            "regex",
            "is not a valid regular expression",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "regex": "(\\w{1000}){1000}"}),
            "regex",
            "is too complex",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "number", "max": 3, "default": 4}),
            "default",
            "does not satisfy the field's own rules",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "date", "default": "tomorrow"}),
            "default",
            "does not satisfy the field's own rules",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "description": "a\u{1b}b"}),
            "description",
            "must be at most 1000 characters without control characters",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "single_line", "placeholder": "p".repeat(256)}),
            "placeholder",
            "must be at most 255 characters without control characters",
        ),
        (json!({"uid": "x", "name": "X", "type": "group", "fields": []}), "fields", "a group needs at least one field"),
        (
            json!({"uid": "x", "name": "X", "type": "group", "fields": [
            {"uid": "a", "name": "A", "type": "date"}, {"uid": "a", "name": "B", "type": "date"}]}),
            "fields[1].uid",
            "is used twice in this group",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "group", "fields": [{"uid": "a", "name": "", "type": "date"}]}),
            "fields[0].name",
            "must be 1 to 50 visible characters",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "group", "fields": [{"uid": "a", "name": "A", "type": "select"}]}),
            "fields[0].options",
            "is required",
        ),
        (
            json!({"uid": "x", "name": "X", "type": "group", "fields": [{"name": "A", "type": "date"}]}),
            "fields[0].uid",
            "is required",
        ),
        (six, "fields[0].fields[0].fields[0].fields[0].fields", "groups nest at most 5 deep"),
    ] {
        let (status, out) = s.send_json(Method::POST, "/api/fields", body.clone()).await;
        assert_error(status, &out, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(out["errors"][path], json!([message]), "{body} → {out}");
    }
    // Five levels are allowed.
    let mut five = deep(4);
    five["uid"] = json!("five");
    create(&s, five).await;
    // Every problem at once.
    let (status, out) = s
        .send_json(
            Method::POST,
            "/api/fields",
            json!({"uid": "x y", "name": "", "type": "number", "min": 2, "max": 1,
            "regex": "[", "default": "n"}),
        )
        .await;
    assert_error(status, &out, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let keys: Vec<&String> = out["errors"].as_object().unwrap().keys().collect();
    assert_eq!(keys, ["default", "min", "name", "regex", "uid"], "{out}");
    // Shapes the body cannot have.
    for body in [
        json!({"uid": "x", "name": "X", "type": "colour"}),
        json!({"uid": "x", "name": "X", "type": "date", "colour": "red"}),
        json!({"uid": "x", "name": "X", "type": "date", "mandatory": "yes"}),
        json!({"uid": "x", "name": "X", "type": "date", "multiple": true, "max_items": 1.5}),
        json!({"uid": "x", "name": "X", "type": "group", "fields": [{"uid": "a", "name": "A", "type": "date", "x": 1}]}),
    ] {
        let (status, out) = s.send_json(Method::POST, "/api/fields", body.clone()).await;
        assert_error(status, &out, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
    }
    let (status, body) = s.get("/api/fields").await;
    assert_eq!((status, body["count"].as_i64()), (StatusCode::OK, Some(1)), "only the valid one was stored: {body}");
    s.stop().await;
}

#[tokio::test]
async fn names_are_unique_in_any_case_and_uids_never_change() {
    let s = TestServer::start().await;
    create(&s, json!({"uid": "product_id", "name": "Product ID", "type": "single_line"})).await;
    create(&s, json!({"uid": "sku", "name": "SKU", "type": "single_line"})).await;
    let (status, body) =
        s.send_json(Method::POST, "/api/fields", json!({"uid": "other", "name": " product id ", "type": "date"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_name_taken");
    assert!(body["error_message"].as_str().unwrap().contains("product_id"), "{body}");
    let (status, body) =
        s.send_json(Method::POST, "/api/fields", json!({"uid": "product_id", "name": "Another", "type": "date"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_exists");
    let (status, body) =
        s.send_json(Method::PUT, "/api/fields/sku", json!({"name": "PRODUCT ID", "type": "single_line"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_name_taken");
    // Its own name in another case is no conflict; the name is stored trimmed.
    let (status, body) = s
        .send_json(Method::PUT, "/api/fields/product_id", json!({"name": "  PRODUCT id ", "type": "single_line"}))
        .await;
    assert_eq!((status, body["field"]["name"].as_str()), (StatusCode::OK, Some("PRODUCT id")), "{body}");
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/product_id",
            json!({"uid": "product_no", "name": "P", "type": "single_line"}),
        )
        .await;
    assert_error(status, &body, StatusCode::CONFLICT, "immutable_field");
    assert_eq!(body["errors"]["uid"], json!(["is immutable"]));
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/product_id",
            json!({"uid": "product_id", "name": "P", "type": "single_line"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "the same UID is accepted: {body}");
    let (status, body) = json(s.anon(Method::GET, "/api/fields").send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (status, body) = s.get("/api/fields?type=date").await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "unknown_query_parameter");
    s.stop().await;
}

#[tokio::test]
async fn a_field_an_asset_type_uses_is_neither_deleted_nor_retyped() {
    let s = TestServer::start().await;
    create(&s, json!({"uid": "usage", "name": "Usage", "type": "select", "options": ["internal", "licensed"]})).await;
    let (status, body) = s
        .send_json(
            Method::POST,
            "/api/asset_types",
            json!({"uid": "product_shot", "title": "Product shot",
            "category": "images", "mime_types": ["image/x-product-shot"], "fields": ["usage"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = s.send_json(Method::PUT, "/api/asset_types/jpeg_jpg", json!({"fields": ["usage"]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, body) = s.delete("/api/fields/usage").await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_in_use");
    let message = body["error_message"].as_str().unwrap();
    assert!(message.contains("product_shot") && message.contains("jpeg_jpg"), "{message}");
    assert_eq!(body["errors"]["asset_types"], json!(["jpeg_jpg", "product_shot"]));

    // A JPEG holds a value: the kind may change only to one that value is valid as.
    let space = s.create_space("Shots").await;
    let jpeg = trove_media::fixtures::jpeg_header_with_orientation(4, 4, 1);
    let (status, body) = s.upload(&space, "shot.jpg", &jpeg, &[("custom_metadata", r#"{"usage": "licensed"}"#)]).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) =
        s.send_json(Method::PUT, "/api/fields/usage", json!({"name": "Usage", "type": "number"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_type_in_use");
    assert_eq!(body["errors"]["asset_types"], json!(["jpeg_jpg", "product_shot"]));
    assert!(body["error_message"].as_str().unwrap().contains("1 stored values"), "{body}");
    let (status, body) = s
        .send_json(Method::PUT, "/api/fields/usage", json!({"name": "Usage", "type": "select", "options": ["free"]}))
        .await;
    assert_eq!(status, StatusCode::OK, "a narrower select is a tightening, checked at the next save: {body}");
    // The same type with other settings is fine.
    let (status, body) = s
        .send_json(
            Method::PUT,
            "/api/fields/usage",
            json!({"name": "Usage rights", "type": "select",
            "options": ["internal", "licensed", "public"], "multiple_choice": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Once no type uses it, it goes.
    for (path, body) in
        [("/api/asset_types/jpeg_jpg", json!({"fields": []})), ("/api/asset_types/product_shot", json!({"fields": []}))]
    {
        let (status, out) = s.send_json(Method::PUT, path, body).await;
        assert_eq!(status, StatusCode::OK, "{out}");
    }
    let (status, body) = s.delete("/api/fields/usage").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    s.stop().await;
}
