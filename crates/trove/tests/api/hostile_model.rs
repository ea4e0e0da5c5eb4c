//! Corpus rows for the asset model: what `/api/fields` and `/api/asset_types`
//! refuse, aimed at the victim field and type (`{fld}`, `{at}`, which uses it) that
//! no row may change (see `hostile.rs`). Malformed bodies on these routes are in
//! `hostile_rows.rs` with every other JSON route.

use crate::hostile::Case;

pub fn rows() -> Vec<Case> {
    let mut rows = Vec::new();
    let leaf = r#"{"uid": "l", "name": "L", "type": "date"}"#;
    let deep = format!(
        r#"{{"uid": "deep", "name": "Deep", "type": "group", "fields": [{}{leaf}{}]}}"#,
        r#"{"uid": "g", "name": "G", "type": "group", "fields": ["#.repeat(6),
        "]}".repeat(6)
    );
    for (label, body, status, code) in [
        ("uid-nul", r#"{"uid": "a\u0000", "name": "N", "type": "date"}"#.to_owned(), 422, "validation_failed"),
        ("uid-bidi", r#"{"uid": "a\u202e", "name": "N", "type": "date"}"#.into(), 422, "validation_failed"),
        ("uid-number", r#"{"uid": 5, "name": "N", "type": "date"}"#.into(), 422, "invalid_body"),
        ("name-bidi-only", r#"{"uid": "a", "name": "\u202e", "type": "date"}"#.into(), 422, "validation_failed"),
        ("name-nul", r#"{"uid": "a", "name": "a\u0000", "type": "date"}"#.into(), 422, "validation_failed"),
        ("type-number", r#"{"uid": "a", "name": "N", "type": 5}"#.into(), 422, "invalid_body"),
        ("type-unknown", r#"{"uid": "a", "name": "N", "type": "colour"}"#.into(), 422, "invalid_body"),
        ("options-string", r#"{"uid": "a", "name": "N", "type": "select", "options": "a"}"#.into(), 422, "invalid_body"),
        ("options-numbers", r#"{"uid": "a", "name": "N", "type": "select", "options": [1]}"#.into(), 422, "invalid_body"),
        ("options-on-date", r#"{"uid": "a", "name": "N", "type": "date", "options": null}"#.into(), 422, "validation_failed"),
        ("min-string", r#"{"uid": "a", "name": "N", "type": "number", "min": "1"}"#.into(), 422, "invalid_body"),
        ("min-overflowing", r#"{"uid": "a", "name": "N", "type": "number", "min": 1e400}"#.into(), 400, "invalid_json"),
        ("max-items-beyond-u64", r#"{"uid": "a", "name": "N", "type": "date", "multiple": true, "max_items": 99999999999999999999}"#.into(), 422, "invalid_body"),
        ("length-negative", r#"{"uid": "a", "name": "N", "type": "single_line", "min_length": -5}"#.into(), 422, "validation_failed"),
        ("regex-huge", r#"{"uid": "a", "name": "N", "type": "single_line", "regex": "(\\w{1000}){1000}"}"#.into(), 422, "validation_failed"),
        ("regex-lookaround", r#"{"uid": "a", "name": "N", "type": "single_line", "regex": "(?=a)"}"#.into(), 422, "validation_failed"),
        ("default-wrong", r#"{"uid": "a", "name": "N", "type": "date", "default": {}}"#.into(), 422, "validation_failed"),
        ("group-too-deep", deep, 422, "validation_failed"),
        ("group-fields-object", r#"{"uid": "a", "name": "N", "type": "group", "fields": {}}"#.into(), 422, "invalid_body"),
        ("group-nested-unknown", r#"{"uid": "a", "name": "N", "type": "group", "fields": [{"uid": "b", "name": "B", "type": "date", "zz": 1}]}"#.into(), 422, "invalid_body"),
        ("uid-taken", r#"{"uid": "{fld}", "name": "Other", "type": "date"}"#.into(), 409, "field_exists"),
        ("name-taken", r#"{"uid": "other", "name": "HOSTILE FIELD", "type": "date"}"#.into(), 409, "field_name_taken"),
        ("scratch-nested-regex", r#"{"uid": "hostile_re", "name": "Re", "type": "single_line", "regex": "(a+)+$"}"#.into(), 201, ""),
    ] {
        rows.push(Case::post(format!("field-def/{label}"), "/api/fields").json(body).is(status, code));
    }
    for (label, path, body, status, code) in [
        (
            "change-uid",
            "/api/fields/{fld}",
            r#"{"uid": "other", "name": "N", "type": "single_line"}"#,
            409,
            "immutable_field",
        ),
        (
            "change-type-in-use",
            "/api/fields/{fld}",
            r#"{"name": "Hostile field", "type": "date"}"#,
            409,
            "field_type_in_use",
        ),
        ("invalid", "/api/fields/{fld}", r#"{"name": "", "type": "single_line"}"#, 422, "validation_failed"),
        ("missing", "/api/fields/nope", r#"{"name": "N", "type": "date"}"#, 404, "field_not_found"),
        ("type-uid", "/api/asset_types/{at}", r#"{"uid": "other"}"#, 409, "immutable_field"),
        ("type-no-mimes", "/api/asset_types/{at}", r#"{"mime_types": []}"#, 422, "validation_failed"),
        ("type-unknown-field", "/api/asset_types/{at}", r#"{"fields": ["nope"]}"#, 422, "validation_failed"),
        ("type-missing", "/api/asset_types/nope", "{}", 404, "asset_type_not_found"),
        ("builtin-title", "/api/asset_types/jpeg_jpg", r#"{"title": "Mine"}"#, 409, "immutable_field"),
        (
            "builtin-bad-rule",
            "/api/asset_types/jpeg_jpg",
            r#"{"rules": [{"rule": "compare", "left": "a", "op": "<", "right": "b"}]}"#,
            422,
            "validation_failed",
        ),
    ] {
        rows.push(Case::put(format!("model-edit/{label}"), path).json(body).is(status, code));
    }
    let t = |extra: &str| {
        format!(
            r#"{{"uid": "hostile_t2", "title": "T", "category": "other", "mime_types": ["application/x-t2"]{extra}}}"#
        )
    };
    for (label, body, status, code) in [
        ("mime-upper", t("").replace("application/x-t2", "Application/X"), 422, "validation_failed"),
        (
            "mime-params",
            r#"{"uid": "t", "title": "T", "category": "other", "mime_types": ["text/plain; charset=utf-8"]}"#.into(),
            422,
            "validation_failed",
        ),
        (
            "mime-nul",
            r#"{"uid": "t", "title": "T", "category": "other", "mime_types": ["text/a\u0000"]}"#.into(),
            422,
            "validation_failed",
        ),
        ("ext-dot", t(r#", "file_extensions": [".png"]"#), 422, "validation_failed"),
        ("ext-17", t(r#", "file_extensions": ["abcdefghijklmnopq"]"#), 422, "validation_failed"),
        ("ext-dup", t(r#", "file_extensions": ["a", "a"]"#), 422, "validation_failed"),
        ("icon-upper", t(r#", "icon": "BIG""#), 422, "validation_failed"),
        (
            "category-unknown",
            t(r#", "category": "pictures""#).replace(r#""category": "other", "#, ""),
            422,
            "invalid_body",
        ),
        ("title-bidi", t("").replace(r#""title": "T""#, r#""title": "\u202e""#), 422, "validation_failed"),
        ("fields-unknown", t(r#", "fields": ["nope"]"#), 422, "validation_failed"),
        ("fields-string", t(r#", "fields": "{fld}""#), 422, "invalid_body"),
        (
            "rule-bad-path",
            t(
                r#", "fields": ["{fld}"], "rules": [{"rule": "compare", "left": "{fld}.x", "op": "<", "right": "{fld}"}]"#,
            ),
            422,
            "validation_failed",
        ),
        (
            "rule-bad-op",
            t(r#", "rules": [{"rule": "compare", "left": "a", "op": "=~", "right": "b"}]"#),
            422,
            "invalid_body",
        ),
        ("rule-unknown-kind", t(r#", "rules": [{"rule": "regex", "field": "a"}]"#), 422, "invalid_body"),
        (
            "rule-extra",
            t(r#", "rules": [{"rule": "required_if", "field": "a", "equals": 1, "then": "b", "zz": 1}]"#),
            422,
            "invalid_body",
        ),
        ("builtin-uid", t("").replace("hostile_t2", "jpeg_jpg"), 409, "asset_type_exists"),
        ("uid-taken", t("").replace("hostile_t2", "{at}"), 409, "asset_type_exists"),
        (
            "builtin-pair",
            t(r#", "file_extensions": ["png"]"#).replace("application/x-t2", "image/png"),
            409,
            "asset_type_pair_taken",
        ),
        (
            "victim-pair",
            t(r#", "file_extensions": ["hostile"]"#).replace("application/x-t2", "application/x-hostile"),
            409,
            "asset_type_pair_taken",
        ),
        ("scratch-ok", t(r#", "file_extensions": ["t2"], "fields": ["{fld}"]"#), 201, ""),
    ] {
        rows.push(Case::post(format!("type-def/{label}"), "/api/asset_types").json(body).is(status, code));
    }
    rows.push(Case::delete("field-delete/in-use", "/api/fields/{fld}").is(409, "field_in_use"));
    rows.push(Case::delete("field-delete/missing", "/api/fields/nope").is(404, "field_not_found"));
    rows.push(Case::get("field-get/bidi", "/api/fields/%E2%80%AE").is(404, "field_not_found"));
    rows.push(Case::delete("type-delete/builtin", "/api/asset_types/jpeg_jpg").is(409, "system_asset_type"));
    rows.push(Case::delete("type-delete/missing", "/api/asset_types/nope").is(404, "asset_type_not_found"));
    rows.push(Case::get("field-list/unknown-query", "/api/fields?type=date").is(400, "unknown_query_parameter"));
    rows
}
