//! Custom field values on assets: every field type and property checked on upload,
//! edit, localize, restore and merge, all errors in one answer with field paths,
//! shared and localizable values across a fallback chain, defaults, and
//! cross-field rules.

use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use trove_media::fixtures::png_header;

use crate::common::{TestServer, assert_error, json as to_json};

/// Creates a field.
pub async fn field(s: &TestServer, def: Value) {
    let (status, body) = s.send_json(Method::POST, "/api/fields", def).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Gives asset type `uid` these fields (in order) and cross-field rules.
pub async fn use_fields(s: &TestServer, uid: &str, fields: &[&str], rules: Value) {
    let (status, body) =
        s.send_json(Method::PUT, &format!("/api/asset_types/{uid}"), json!({"fields": fields, "rules": rules})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// PNG uploads carry these fields in the tests: every type, every property.
async fn product_fields(s: &TestServer) {
    for def in [
        json!({"uid": "product_id", "name": "Product ID", "type": "single_line", "mandatory": true,
               "min_length": 3, "max_length": 12, "regex": "^P-[0-9]+$", "regex_message": "must look like P-123"}),
        json!({"uid": "notes", "name": "Notes", "type": "multi_line", "max_length": 200}),
        json!({"uid": "shop_url", "name": "Shop URL", "type": "link"}),
        json!({"uid": "usage", "name": "Usage", "type": "select", "options": ["free", "licensed"]}),
        json!({"uid": "channels", "name": "Channels", "type": "select", "options": ["web", "print", "social"],
               "multiple_choice": true}),
        json!({"uid": "price", "name": "Price", "type": "number", "min": 0, "max": 10000}),
        json!({"uid": "stock", "name": "Stock", "type": "number", "integer": true}),
        json!({"uid": "launch", "name": "Launch", "type": "date"}),
        json!({"uid": "featured", "name": "Featured", "type": "boolean"}),
        json!({"uid": "keywords", "name": "Keywords", "type": "single_line", "multiple": true,
               "min_items": 1, "max_items": 3}),
        json!({"uid": "rights", "name": "Rights", "type": "group", "fields": [
            {"uid": "license_id", "name": "Licence", "type": "single_line"},
            {"uid": "license_start_date", "name": "Start", "type": "date"},
            {"uid": "license_end_date", "name": "End", "type": "date"},
            {"uid": "holder", "name": "Holder", "type": "group", "fields": [
                {"uid": "name", "name": "Name", "type": "single_line", "mandatory": true},
                {"uid": "contact", "name": "Contact", "type": "group", "fields": [
                    {"uid": "email", "name": "Email", "type": "single_line", "regex": "^[^@]+@[^@]+$"}
                ]}
            ]}
        ]}),
    ] {
        field(s, def).await;
    }
    let all = [
        "product_id",
        "notes",
        "shop_url",
        "usage",
        "channels",
        "price",
        "stock",
        "launch",
        "featured",
        "keywords",
        "rights",
    ];
    use_fields(
        s,
        "png",
        &all,
        json!([
            {"rule": "compare", "left": "rights.license_end_date", "op": ">", "right": "rights.license_start_date",
             "message": "must be after the licence start"},
            {"rule": "required_if", "field": "usage", "equals": "licensed", "then": "rights.license_id",
             "message": "is required for licensed assets"}
        ]),
    )
    .await;
}

fn valid() -> Value {
    json!({
        "product_id": "P-100", "notes": "Line one\nLine two", "shop_url": {"href": "https://shop.example/p/100", "title": "Shop"},
        "usage": "licensed", "channels": ["web", "print"], "price": 19.5, "stock": 12, "launch": "2026-03-01",
        "featured": true, "keywords": ["red", "chair"],
        "rights": {"license_id": "L-1", "license_start_date": "2026-01-01", "license_end_date": "2027-01-01",
                   "holder": {"name": "Studio", "contact": {"email": "a@studio.example"}}}
    })
}

async fn upload_with(s: &TestServer, space: &str, custom: &Value) -> (StatusCode, Value) {
    let form = Form::new()
        .part("file", Part::bytes(png_header(8, 8)).file_name("chair.png"))
        .text("custom_metadata", custom.to_string());
    to_json(s.req(Method::POST, &format!("/api/spaces/{space}/assets")).multipart(form).send().await.unwrap()).await
}

#[tokio::test]
async fn every_field_type_is_stored_typed_and_read_back() {
    let s = TestServer::start().await;
    product_fields(&s).await;
    let space = s.create_space("Products").await;
    let (status, body) = upload_with(&s, &space, &valid()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let a = &body["asset"];
    assert_eq!(a["asset_type"], "png");
    assert_eq!(a["custom_metadata"], valid(), "{a}");
    let uid = a["uid"].as_str().unwrap();
    // An edit replaces the values; whole numbers stay whole.
    let mut next = valid();
    next["stock"] = json!(13.0);
    next["shop_url"] = json!("https://shop.example/p/100");
    let url = format!("/api/spaces/{space}/assets/{uid}");
    let (status, body) = s.send_json(Method::PUT, &url, json!({"custom_metadata": next})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["asset"]["custom_metadata"]["stock"], json!(13));
    assert_eq!(body["asset"]["custom_metadata"]["shop_url"], "https://shop.example/p/100");
    // An edit of something else keeps them.
    let (status, body) = s.send_json(Method::PUT, &url, json!({"title": "Chair"})).await;
    assert_eq!((status, body["asset"]["custom_metadata"]["product_id"].as_str()), (StatusCode::OK, Some("P-100")));
    // A file without fields refuses values.
    let (status, body) =
        s.upload(&space, "a.txt", b"hello\n", &[("custom_metadata", r#"{"product_id": "P-1"}"#)]).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"]["custom_metadata.product_id"], json!(["is not a field of this asset type"]));
    s.stop().await;
}

#[tokio::test]
async fn every_violation_is_reported_at_once_with_its_path_and_message() {
    let s = TestServer::start().await;
    product_fields(&s).await;
    let space = s.create_space("Products").await;
    let bad = json!({
        "product_id": "X1", "notes": "x".repeat(201), "shop_url": "ftp://shop.example", "usage": "stolen",
        "channels": ["web", "radio"], "price": -1, "stock": 1.5, "launch": "2026-02-30", "featured": "yes",
        "keywords": ["a", "b", "c", "d"], "colour": "red",
        "rights": {"license_start_date": "2026-05-01", "license_end_date": "2026-01-01",
                   "holder": {"contact": {"email": "nobody"}}}
    });
    let (status, body) = upload_with(&s, &space, &bad).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let e = &body["errors"];
    let has = |path: &str, text: &str| {
        assert!(
            e[path].as_array().is_some_and(|m| m.iter().any(|m| m.as_str().is_some_and(|m| m.contains(text)))),
            "{path}: {text} in {e}"
        )
    };
    has("custom_metadata.product_id", "must look like P-123");
    has("custom_metadata.product_id", "3 to 12 characters");
    has("custom_metadata.notes", "0 to 200 characters");
    has("custom_metadata.shop_url", "http or https URL");
    has("custom_metadata.usage", "must be one of: free, licensed");
    has("custom_metadata.channels[1]", "must be one of");
    has("custom_metadata.price", "from 0 to 10000");
    has("custom_metadata.stock", "whole number");
    has("custom_metadata.launch", "YYYY-MM-DD");
    has("custom_metadata.featured", "true or false");
    has("custom_metadata.keywords", "1 to 3 items");
    has("custom_metadata.colour", "not a field of this asset type");
    has("custom_metadata.rights.holder.name", "is required");
    has("custom_metadata.rights.holder.contact.email", "must match");
    assert!(e.as_object().unwrap().len() >= 14, "{e}");
    // Nothing was stored.
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["count"], 0);
    // Mandatory and the cross-field comparison on their own.
    let (status, body) = upload_with(&s, &space, &json!({})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"]["custom_metadata.product_id"], json!(["is required"]));
    let mut dates = valid();
    dates["rights"]["license_end_date"] = json!("2025-12-31");
    let (status, body) = upload_with(&s, &space, &dates).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"]["custom_metadata.rights.license_end_date"], json!(["must be after the licence start"]));
    let mut unlicensed = valid();
    unlicensed["rights"].as_object_mut().unwrap().remove("license_id");
    let (status, body) = upload_with(&s, &space, &unlicensed).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"]["custom_metadata.rights.license_id"], json!(["is required for licensed assets"]));
    // Not JSON, or not an object.
    for raw in ["{", "[1]", r#"{"a": 1, "a": 2}"#] {
        let form = Form::new()
            .part("file", Part::bytes(png_header(8, 8)).file_name("chair.png"))
            .text("custom_metadata", raw.to_owned());
        let (status, body) =
            to_json(s.req(Method::POST, &format!("/api/spaces/{space}/assets")).multipart(form).send().await.unwrap())
                .await;
        assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert!(body["errors"]["custom_metadata"].is_array(), "{raw}: {body}");
    }
    s.stop().await;
}

#[tokio::test]
async fn edits_replaces_and_restores_are_checked_like_uploads() {
    let s = TestServer::start().await;
    product_fields(&s).await;
    let space = s.create_space("Products").await;
    let (_, body) = upload_with(&s, &space, &valid()).await;
    let uid = body["asset"]["uid"].as_str().unwrap().to_owned();
    let url = format!("/api/spaces/{space}/assets/{uid}");
    let (status, body) =
        s.send_json(Method::PUT, &url, json!({"title": "", "custom_metadata": {"price": "cheap"}})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(body["errors"]["title"].is_array() && body["errors"]["custom_metadata.price"].is_array(), "{body}");
    assert!(body["errors"]["custom_metadata.product_id"].is_array(), "replacing values drops the mandatory one");
    // A replace by a file of another type must satisfy that type: a text file has none of these fields.
    let form = Form::new()
        .part("file", Part::bytes(b"plain\n".to_vec()).file_name("chair.txt"))
        .text("custom_metadata", valid().to_string());
    let (status, body) = to_json(s.req(Method::PUT, &url).multipart(form).send().await.unwrap()).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Without values, the replace by another type leaves the PNG fields behind.
    let (status, body) = s.replace(&space, &uid, "chair.txt", b"plain\n", None).await;
    assert_eq!((status, body["asset"]["custom_metadata"].clone()), (StatusCode::OK, json!({})), "{body}");
    // Restoring version 1 brings the PNG back with its values, checked again.
    let (status, body) = s.send_json(Method::POST, &format!("{url}/versions/1/restore"), json!({})).await;
    assert_eq!((status, body["asset"]["custom_metadata"].clone()), (StatusCode::OK, valid()), "{body}");
    // Once the type's rules change, version 1 no longer fits and cannot be restored.
    field(&s, json!({"uid": "sku", "name": "SKU", "type": "single_line", "mandatory": true})).await;
    use_fields(&s, "png", &["sku"], json!([])).await;
    let (status, body) = s.send_json(Method::POST, &format!("{url}/versions/1/restore"), json!({})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"]["custom_metadata.sku"], json!(["is required"]), "{body}");
    assert_eq!(body["errors"]["custom_metadata.product_id"], json!(["is not a field of this asset type"]), "{body}");
    let (_, now) = s.get(&url).await;
    assert_eq!(now["asset"]["version"], 3, "nothing was written: {now}");
    s.stop().await;
}

#[tokio::test]
async fn a_default_reaches_existing_assets_and_fills_the_next_save() {
    let s = TestServer::start().await;
    field(&s, json!({"uid": "product_id", "name": "Product ID", "type": "single_line"})).await;
    use_fields(&s, "png", &["product_id"], json!([])).await;
    let space = s.create_space("Products").await;
    let a = s.upload_ok(&space, "a.png", &png_header(2, 2)).await;
    let uid = a["uid"].as_str().unwrap();
    assert_eq!(a["custom_metadata"], json!({}));
    let (status, b) = upload_with(&s, &space, &json!({"product_id": "P-1"})).await;
    assert_eq!(status, StatusCode::CREATED, "{b}");
    let put = |def: Value| {
        let s = &s;
        async move { s.send_json(Method::PUT, "/api/fields/product_id", def).await }
    };
    // Mandatory without a default: refused, with the number of variants lacking a value.
    let (status, body) =
        put(json!({"uid": "product_id", "name": "Product ID", "type": "single_line", "mandatory": true})).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "field_would_break");
    assert!(body["error_message"].as_str().unwrap().contains("leave 1 asset variants"), "{body}");
    // The kind may change while every stored value fits the new one, and not otherwise.
    let (status, body) =
        put(json!({"uid": "product_id", "name": "Product ID", "type": "select", "options": ["P-1", "P-2"]})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = put(json!({"uid": "product_id", "name": "Product ID", "type": "number"})).await;
    assert_error(status, &body, StatusCode::CONFLICT, "field_type_in_use");
    assert_eq!(body["errors"]["asset_types"], json!(["png"]), "{body}");
    // A new field made mandatory with a default reaches both assets at once.
    field(&s, json!({"uid": "region", "name": "Region", "type": "select", "options": ["eu", "us"]})).await;
    use_fields(&s, "png", &["product_id", "region"], json!([])).await;
    let region = |extra: Value| {
        let mut def =
            json!({"uid": "region", "name": "Region", "type": "select", "options": ["eu", "us"], "mandatory": true});
        def.as_object_mut().unwrap().extend(extra.as_object().cloned().unwrap_or_default());
        def
    };
    let (status, body) = s.send_json(Method::PUT, "/api/fields/region", region(json!({}))).await;
    assert_error(status, &body, StatusCode::UNPROCESSABLE_ENTITY, "field_would_break");
    assert!(body["error_message"].as_str().unwrap().contains("leave 2 asset variants"), "{body}");
    let (status, body) = s.send_json(Method::PUT, "/api/fields/region", region(json!({"default": "eu"}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let url = format!("/api/spaces/{space}/assets/{uid}");
    let (_, body) = s.get(&url).await;
    assert_eq!(body["asset"]["custom_metadata"], json!({"region": "eu"}), "{body}");
    let (_, list) = s.get(&format!("/api/spaces/{space}/assets")).await;
    assert_eq!(list["assets"][0]["custom_metadata"], json!({"product_id": "P-1", "region": "eu"}), "{list}");
    assert_eq!(list["assets"][1]["custom_metadata"], json!({"region": "eu"}), "{list}");
    // The next save stores it: the version now holds the value itself.
    let (status, _) = s.send_json(Method::PUT, &url, json!({"title": "A"})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, v) = s.get(&format!("{url}/versions/2")).await;
    assert_eq!(v["version"]["custom_metadata"], json!({"region": "eu"}), "{v}");
    let (_, v) = s.get(&format!("{url}/versions/1")).await;
    assert_eq!(v["version"]["custom_metadata"], json!({}), "history is as it was stored: {v}");
    s.stop().await;
}

/// An organization with fr-fr → en-us and fr-ca → fr-fr, a space enabling all
/// three, and PNGs carrying a shared `product_id` and a localizable `caption`.
async fn french(s: &TestServer) -> String {
    for body in [json!({"code": "fr-fr"}), json!({"code": "fr-ca", "fallback_code": "fr-fr"})] {
        let (status, b) = s.send_json(Method::POST, "/api/languages", body).await;
        assert_eq!(status, StatusCode::CREATED, "{b}");
    }
    field(s, json!({"uid": "product_id", "name": "Product ID", "type": "single_line", "localizable": false})).await;
    field(s, json!({"uid": "caption", "name": "Caption", "type": "single_line"})).await;
    use_fields(
        s,
        "png",
        &["product_id", "caption"],
        json!([{"rule": "required_if", "field": "product_id", "equals": "P-9", "then": "caption"}]),
    )
    .await;
    let space = s.create_space("Campaigns").await;
    let url = format!("/api/spaces/{space}/workspaces/main/languages");
    let (status, b) = s.send_json(Method::PUT, &url, json!({"languages": ["en-us", "fr-fr", "fr-ca"]})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    space
}

#[tokio::test]
async fn shared_values_are_written_once_and_localizable_ones_follow_the_fallback_chain() {
    let s = TestServer::start().await;
    let space = french(&s).await;
    let (status, body) = s
        .upload(
            &space,
            "a.png",
            &png_header(2, 2),
            &[("custom_metadata", r#"{"product_id": "P-1", "caption": "Chair"}"#)],
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let uid = body["asset"]["uid"].as_str().unwrap().to_owned();
    let at = |locale: &str| format!("/api/spaces/{space}/assets/{uid}?locale={locale}");
    for l in ["fr-fr", "fr-ca"] {
        let (_, b) = s.get(&at(l)).await;
        assert_eq!(b["asset"]["custom_metadata"], json!({"product_id": "P-1", "caption": "Chair"}), "{l}: {b}");
    }
    // A shared value is written in the default language only.
    let (status, b) = s.send_json(Method::PUT, &at("fr-fr"), json!({"custom_metadata": {"product_id": "P-2"}})).await;
    assert_error(status, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(b["errors"]["custom_metadata.product_id"][0].as_str().unwrap().contains("en-us"), "{b}");
    // Localizing French: its own caption; the shared value still comes from en-us.
    let (status, b) = s.send_json(Method::PUT, &at("fr-fr"), json!({"custom_metadata": {"caption": "Chaise"}})).await;
    assert_eq!(status, StatusCode::OK, "{b}");
    assert_eq!(b["asset"]["custom_metadata"], json!({"product_id": "P-1", "caption": "Chaise"}), "{b}");
    let (_, b) = s.get(&at("fr-ca")).await;
    assert_eq!(
        b["asset"]["custom_metadata"],
        json!({"product_id": "P-1", "caption": "Chaise"}),
        "fr-ca inherits fr-fr"
    );
    // A change of the shared value in en-us shows in every language at once.
    let (status, _) = s
        .send_json(Method::PUT, &at("en-us"), json!({"custom_metadata": {"product_id": "P-3", "caption": "Chair"}}))
        .await;
    assert_eq!(status, StatusCode::OK);
    for (l, caption) in [("fr-fr", "Chaise"), ("fr-ca", "Chaise"), ("en-us", "Chair")] {
        let (_, b) = s.get(&at(l)).await;
        assert_eq!(b["asset"]["custom_metadata"], json!({"product_id": "P-3", "caption": caption}), "{l}: {b}");
    }
    // Cross-field rules see the shared value in every language.
    let (status, _) =
        s.send_json(Method::PUT, &at("en-us"), json!({"custom_metadata": {"product_id": "P-9", "caption": "C"}})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, b) = s.send_json(Method::PUT, &at("fr-fr"), json!({"custom_metadata": {}})).await;
    assert_error(status, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(b["errors"]["custom_metadata.caption"].is_array(), "{b}");
    s.stop().await;
}
