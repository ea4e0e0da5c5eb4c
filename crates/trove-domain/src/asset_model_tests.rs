use serde_json::json;

use super::*;
use crate::fields::FieldValue;

fn def(v: Json) -> FieldDef {
    serde_json::from_value(v).expect("a field definition")
}

fn model() -> AssetModel {
    let mut photo = catalogue().iter().find(|t| t.uid == "jpeg_jpg").expect("jpeg is built in").clone();
    photo.fields = vec!["product_id".into(), "usage".into(), "license_id".into(), "caption".into()];
    photo.rules = vec![
        serde_json::from_value(json!({
            "rule": "required_if", "field": "usage", "equals": "licensed", "then": "license_id"
        }))
        .expect("a rule"),
    ];
    AssetModel::new(
        vec![photo],
        vec![
            def(json!({"uid": "product_id", "name": "Product", "type": "single_line", "localizable": false})),
            def(json!({"uid": "usage", "name": "Usage", "type": "select", "options": ["free", "licensed"],
                       "localizable": false})),
            def(json!({"uid": "license_id", "name": "Licence", "type": "single_line"})),
            def(json!({"uid": "caption", "name": "Caption", "type": "single_line", "mandatory": true,
                       "default": "untitled"})),
        ],
    )
}

fn obj(v: Json) -> Map<String, Json> {
    v.as_object().cloned().unwrap_or_default()
}

#[test]
fn organization_additions_join_the_built_in_type() {
    let m = model();
    let names: Vec<&str> = m.fields_of("jpeg_jpg").iter().map(|f| f.uid.as_str()).collect();
    assert_eq!(names, ["product_id", "usage", "license_id", "caption"]);
    assert!(m.fields_of("png").is_empty());
    assert_eq!(m.detect("image/jpeg", "a.jpg"), "jpeg_jpg");
    assert_eq!(m.types_using("usage").len(), 1);
}

#[test]
fn defaults_fill_missing_values_on_save_and_on_read() {
    let m = model();
    let mut errs = FieldErrors::default();
    let v = m.check("jpeg_jpg", &obj(json!({"product_id": "P1"})), Side::Default, Origin::Request, &mut errs);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(v.get("caption"), Some(&FieldValue::Text("untitled".into())));
    let shown = m.effective("jpeg_jpg", &obj(json!({"product_id": "P1", "gone": 1})), Side::Default);
    assert_eq!(Json::Object(shown), json!({"product_id": "P1", "caption": "untitled"}));
}

#[test]
fn shared_values_are_written_in_the_default_language_only() {
    let m = model();
    let shared = obj(json!({"product_id": "P1", "usage": "licensed"}));
    let side = Side::Other { default_locale: "en-us", shared: &shared };
    let mut errs = FieldErrors::default();
    m.check("jpeg_jpg", &obj(json!({"product_id": "P2", "caption": "Bonjour"})), side, Origin::Request, &mut errs);
    let e = errs.finish().expect_err("a shared value in French");
    assert!(e.fields["custom_metadata.product_id"][0].contains("en-us"), "{e:?}");
    // The rule sees the shared usage: licensed needs a licence in French too.
    assert!(e.fields.contains_key("custom_metadata.license_id"), "{e:?}");
    // Carried over from the inherited content, shared values are dropped quietly.
    let mut errs = FieldErrors::default();
    let v = m.check("jpeg_jpg", &obj(json!({"product_id": "P1", "license_id": "L"})), side, Origin::Current, &mut errs);
    assert!(errs.is_empty(), "{errs:?}");
    assert!(!v.contains_key("product_id"));
    let shown = m.effective("jpeg_jpg", &obj(json!({"license_id": "L"})), side);
    assert_eq!(shown.get("product_id"), Some(&json!("P1")));
}

#[test]
fn unknown_keys_from_a_request_are_refused() {
    let m = model();
    let mut errs = FieldErrors::default();
    m.check("png", &obj(json!({"product_id": "P1"})), Side::Default, Origin::Request, &mut errs);
    let e = errs.finish().expect_err("png has no fields");
    assert_eq!(e.fields["custom_metadata.product_id"], ["is not a field of this asset type"]);
}
