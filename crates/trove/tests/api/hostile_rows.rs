//! Corpus rows: malformed and huge JSON bodies on every JSON route, and fields of
//! the wrong type, out of range or invalid. Placeholders: `{v…}` name the victim
//! space (nothing may change there), `{s…}` the scratch space (see `hostile.rs`).

use crate::hostile::Case;

/// Every route that reads a JSON body, aimed at the victim (or at what is shared).
const JSON_ROUTES: &[(&str, &str, &str)] = &[
    ("space-create", "POST", "/api/spaces"),
    ("space-edit", "PUT", "/api/spaces/{v}"),
    ("asset-edit", "PUT", "/api/spaces/{v}/assets/{va}"),
    ("folder-create", "POST", "/api/spaces/{v}/folders"),
    ("folder-edit", "PUT", "/api/spaces/{v}/folders/{vf}"),
    ("bulk-move", "POST", "/api/spaces/{v}/assets/bulk/move"),
    ("bulk-delete", "POST", "/api/spaces/{v}/assets/bulk/delete"),
    ("version-name", "PUT", "/api/spaces/{v}/assets/{va}/versions/1/name"),
    ("restore", "POST", "/api/spaces/{v}/assets/{va}/versions/1/restore"),
    ("ws-create", "POST", "/api/spaces/{v}/workspaces"),
    ("ws-edit", "PUT", "/api/spaces/{v}/workspaces/main"),
    ("ws-langs", "PUT", "/api/spaces/{v}/workspaces/main/languages"),
    ("merge", "POST", "/api/spaces/{v}/workspaces/main/merge"),
    ("trash-restore", "POST", "/api/spaces/{v}/trash/{vt}/restore"),
    ("lang-create", "POST", "/api/languages"),
    ("lang-edit", "PUT", "/api/languages/{lang}"),
    ("field-create", "POST", "/api/fields"),
    ("field-edit", "PUT", "/api/fields/{fld}"),
    ("type-create", "POST", "/api/asset_types"),
    ("type-edit", "PUT", "/api/asset_types/{at}"),
    ("login", "POST", "/api/session"),
    ("setup", "POST", "/api/session/setup"),
    ("user-create", "POST", "/api/users"),
    ("user-edit", "PUT", "/api/users/{vu}"),
    ("token-create", "POST", "/api/tokens"),
    ("org-role-create", "POST", "/api/roles"),
    ("org-role-edit", "PUT", "/api/roles/member"),
    ("space-role-create", "POST", "/api/spaces/{v}/roles"),
    ("space-role-edit", "PUT", "/api/spaces/{v}/roles/{vr}"),
    ("member-set", "PUT", "/api/spaces/{v}/members/{vu}"),
    ("transfer", "POST", "/api/spaces/{v}/transfer_ownership"),
    ("delivery-token-create", "POST", "/api/spaces/{v}/delivery_tokens"),
];

/// A body every JSON route refuses the same way: (label, content type, bytes,
/// status, code).
type BadBody = (&'static str, Option<&'static str>, Vec<u8>, u16, &'static str);

fn bad_bodies() -> Vec<BadBody> {
    let json = Some("application/json");
    vec![
        ("truncated", json, br#"{"title": "x""#.to_vec(), 400, "invalid_json"),
        ("array", json, b"[1, 2]".to_vec(), 422, "invalid_body"),
        ("string", json, br#""just a string""#.to_vec(), 422, "invalid_body"),
        ("null", json, b"null".to_vec(), 422, "invalid_body"),
        ("number", json, b"-0.0e-999".to_vec(), 422, "invalid_body"),
        ("deep", json, format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(), 400, "invalid_json"),
        (
            "deep-object",
            json,
            format!("{}1{}", r#"{"a":"#.repeat(300), "}".repeat(300)).into_bytes(),
            400,
            "invalid_json",
        ),
        ("duplicate-key", json, br#"{"zz": 1, "zz": 1}"#.to_vec(), 422, "invalid_body"),
        ("unknown-field", json, br#"{"zz_unknown": true}"#.to_vec(), 422, "invalid_body"),
        ("invalid-utf8", json, b"{\"title\": \"\xff\xfe\"}".to_vec(), 400, "invalid_json"),
        ("bom", json, b"\xef\xbb\xbf{}".to_vec(), 400, "invalid_json"),
        ("lone-surrogate", json, br#"{"title": "\ud800"}"#.to_vec(), 400, "invalid_json"),
        ("trailing", json, b"{} {}".to_vec(), 400, "invalid_json"),
        ("comment", json, b"{/* c */}".to_vec(), 400, "invalid_json"),
        ("single-quotes", json, b"{'title': 'x'}".to_vec(), 400, "invalid_json"),
        ("nan", json, br#"{"version": NaN}"#.to_vec(), 400, "invalid_json"),
        ("huge", json, format!(r#"{{"title": "{}"}}"#, "x".repeat(2 << 20)).into_bytes(), 413, "body_too_large"),
        ("text-plain", Some("text/plain"), b"{}".to_vec(), 415, "unsupported_content_type"),
        (
            "form-urlencoded",
            Some("application/x-www-form-urlencoded"),
            b"a=1".to_vec(),
            415,
            "unsupported_content_type",
        ),
        ("no-content-type", None, b"{}".to_vec(), 415, "unsupported_content_type"),
        ("jsonx", Some("application/jsonx"), b"{}".to_vec(), 415, "unsupported_content_type"),
    ]
}

fn bodies_on_every_route() -> Vec<Case> {
    let mut rows = Vec::new();
    for (route, method, path) in JSON_ROUTES {
        for (label, ct, bytes, status, code) in bad_bodies() {
            // The file-replacing PUT is multipart; any other non-JSON type is 415 there too.
            rows.push(Case::new(format!("{route}/{label}"), method, *path).raw(ct, bytes).is(status, code));
        }
    }
    // Required bodies: empty is malformed.
    for (route, method, path) in JSON_ROUTES.iter().filter(|r| !["restore", "merge", "trash-restore"].contains(&r.0)) {
        rows.push(
            Case::new(format!("{route}/empty"), method, *path)
                .raw(Some("application/json"), "")
                .is(400, "invalid_json"),
        );
        rows.push(
            Case::new(format!("{route}/whitespace"), method, *path)
                .raw(Some("application/json"), " \r\n\t ")
                .is(400, "invalid_json"),
        );
    }
    rows
}

/// Fields of the wrong type, out of range or invalid, one route at a time.
fn field_rows() -> Vec<Case> {
    let asset = "/api/spaces/{v}/assets/{va}";
    let scratch = "/api/spaces/{s}/assets/{sa}";
    let mut rows = Vec::new();
    for (label, body, status, code) in [
        ("title-number", r#"{"title": 5}"#, 422, "invalid_body"),
        ("title-list", r#"{"title": ["a"]}"#, 422, "invalid_body"),
        ("title-object", r#"{"title": {}}"#, 422, "invalid_body"),
        ("title-bool", r#"{"title": true}"#, 422, "invalid_body"),
        ("title-empty", r#"{"title": ""}"#, 422, "validation_failed"),
        ("title-spaces", r#"{"title": "   "}"#, 422, "validation_failed"),
        ("tags-string", r#"{"tags": "red"}"#, 422, "invalid_body"),
        ("tags-numbers", r#"{"tags": [1]}"#, 422, "invalid_body"),
        ("tags-null-item", r#"{"tags": [null]}"#, 422, "invalid_body"),
        ("tags-nested", r#"{"tags": [["a"]]}"#, 422, "invalid_body"),
        ("custom-list", r#"{"custom_metadata": []}"#, 422, "invalid_body"),
        ("custom-string", r#"{"custom_metadata": "x"}"#, 422, "invalid_body"),
        ("custom-duplicate", r#"{"custom_metadata": {"a": 1, "a": 1}}"#, 422, "invalid_body"),
        ("description-number", r#"{"description": 5}"#, 422, "invalid_body"),
        ("alt-text-list", r#"{"alt_text": ["x"]}"#, 422, "invalid_body"),
        ("version-string", r#"{"version": "3"}"#, 422, "invalid_body"),
        ("version-float", r#"{"version": 1.5}"#, 422, "invalid_body"),
        ("version-bool", r#"{"version": true}"#, 422, "invalid_body"),
        ("version-beyond-u64", r#"{"version": 99999999999999999999}"#, 422, "invalid_body"),
        ("version-u64-max", r#"{"version": 18446744073709551615}"#, 422, "invalid_body"),
        ("version-i64-min-minus-one", r#"{"version": -9223372036854775809}"#, 422, "invalid_body"),
        ("version-overflowing-float", r#"{"version": 1e400}"#, 400, "invalid_json"),
        ("version-negative", r#"{"title": "x", "version": -1}"#, 412, "version_conflict"),
        ("version-zero", r#"{"title": "x", "version": 0}"#, 412, "version_conflict"),
        ("version-stale", r#"{"title": "x", "version": 1}"#, 412, "version_conflict"),
        ("version-i64-max", r#"{"title": "x", "version": 9223372036854775807}"#, 412, "version_conflict"),
        ("parent-number", r#"{"parent_uid": 5}"#, 422, "invalid_body"),
        ("parent-missing", r#"{"parent_uid": "fd01hostile"}"#, 404, "folder_not_found"),
        ("parent-list", r#"{"parent_uid": ["{vf}"]}"#, 422, "invalid_body"),
        ("slug-number", r#"{"slug": 5}"#, 422, "invalid_body"),
        ("slug-empty", r#"{"slug": ""}"#, 422, "validation_failed"),
        ("slug-slash", r#"{"slug": "a/b"}"#, 422, "validation_failed"),
        ("slug-dotdot", r#"{"slug": ".."}"#, 422, "validation_failed"),
        ("unknown-beside-valid", r#"{"title": "x", "zz": 1}"#, 422, "invalid_body"),
        ("valid-then-invalid", r#"{"title": "changed", "parent_uid": "fd01hostile"}"#, 404, "folder_not_found"),
    ] {
        rows.push(Case::put(format!("asset-field/{label}"), asset).json(body).is(status, code));
    }
    let long = |n: usize| "x".repeat(n);
    for (label, body, status) in [
        ("title-256", format!(r#"{{"title": "{}"}}"#, long(256)), 422),
        ("description-10001", format!(r#"{{"description": "{}"}}"#, long(10_001)), 422),
        ("alt-text-1001", format!(r#"{{"alt_text": "{}"}}"#, long(1001)), 422),
        ("tag-101", format!(r#"{{"tags": ["{}"]}}"#, long(101)), 422),
        (
            "tags-101",
            format!(r#"{{"tags": [{}]}}"#, (0..101).map(|i| format!("\"t{i}\"")).collect::<Vec<_>>().join(",")),
            422,
        ),
        ("slug-256", format!(r#"{{"slug": "{}"}}"#, long(256)), 422),
        (
            "custom-101-keys",
            format!(
                r#"{{"custom_metadata": {{{}}}}}"#,
                (0..101).map(|i| format!("\"key{i}\": {i}")).collect::<Vec<_>>().join(",")
            ),
            422,
        ),
        ("custom-key-65", format!(r#"{{"custom_metadata": {{"{}": 1}}}}"#, long(65)), 422),
        ("custom-key-empty", r#"{"custom_metadata": {"": 1}}"#.to_owned(), 422),
        ("custom-nul-value", r#"{"custom_metadata": {"s": "\u0000"}}"#.to_owned(), 422),
        ("custom-nul-nested", r#"{"custom_metadata": {"s": [{"t": "a\u001b"}]}}"#.to_owned(), 422),
        ("custom-over-64k", format!(r#"{{"custom_metadata": {{"big": "{}"}}}}"#, long(70_000)), 422),
        // Keys that are not fields of the asset's type, however well-formed.
        (
            "custom-deep",
            format!(r#"{{"custom_metadata": {{"d": {}1{}}}}}"#, r#"{"a":"#.repeat(100), "}".repeat(100)),
            422,
        ),
        (
            "custom-100-keys",
            format!(
                r#"{{"custom_metadata": {{{}}}}}"#,
                (0..100).map(|i| format!("\"key{i}\": {i}")).collect::<Vec<_>>().join(",")
            ),
            422,
        ),
        ("custom-wrong-types", r#"{"custom_metadata": {"n": "1", "k": "one", "s": 5}}"#.to_owned(), 422),
    ] {
        rows.push(Case::put(format!("asset-field/{label}"), asset).json(body).is(status, "validation_failed"));
    }
    // What is well-formed lands on the scratch asset.
    for (label, body) in [
        ("empty-object", "{}".to_owned()),
        ("title-null", r#"{"title": null}"#.into()),
        ("tags-null", r#"{"tags": null}"#.into()),
        ("tags-blank-items", r#"{"tags": ["", "  ", "\u200b"]}"#.into()),
        ("custom-null", r#"{"custom_metadata": null}"#.into()),
        ("custom-list-of-texts", r#"{"custom_metadata": {"k": ["a", "b\nc", ""]}}"#.into()),
        (
            "custom-odd-values",
            r#"{"custom_metadata": {"n": 1e308, "neg": -0, "big": 18446744073709551615, "s": "a\tb\r\n"}}"#.into(),
        ),
        ("description-null", r#"{"description": null, "alt_text": null}"#.into()),
        ("version-null", r#"{"title": "v-null", "version": null}"#.into()),
        ("parent-root", r#"{"parent_uid": "root"}"#.into()),
        ("parent-empty", r#"{"parent_uid": ""}"#.into()),
        ("parent-folder", r#"{"parent_uid": "{sf}"}"#.into()),
        ("parent-null", r#"{"parent_uid": null}"#.into()),
        ("title-255", format!(r#"{{"title": "{}"}}"#, long(255))),
        ("title-escaped", r#"{"title": "\u0041\t"}"#.into()),
        (
            "tags-100-of-100",
            format!(r#"{{"tags": [{}]}}"#, (0..100).map(|i| format!("\"{i:0>100}\"")).collect::<Vec<_>>().join(",")),
        ),
    ] {
        rows.push(Case::put(format!("scratch-field/{label}"), scratch).json(body).ok(200));
    }
    rows.push(
        Case::put("scratch-field/title-trimmed", scratch)
            .json(r#"{"title": "  padded  "}"#)
            .ok(200)
            .want("/asset/title", "padded".into()),
    );
    rows.extend(other_field_rows());
    rows
}

fn other_field_rows() -> Vec<Case> {
    let uids = |n: usize| (0..n).map(|i| format!("\"am{i:026}\"")).collect::<Vec<_>>().join(",");
    let mv = "/api/spaces/{v}/assets/bulk/move";
    let del = "/api/spaces/{v}/assets/bulk/delete";
    let mut rows = Vec::new();
    for (label, path, body, status, code) in [
        ("move-none", mv, r#"{"asset_uids": []}"#.to_owned(), 422, "validation_failed"),
        ("move-1001", mv, format!(r#"{{"asset_uids": [{}]}}"#, uids(1001)), 422, "validation_failed"),
        ("move-unknown", mv, r#"{"asset_uids": ["am01hostile"]}"#.into(), 404, "asset_not_found"),
        ("move-missing-field", mv, "{}".into(), 422, "invalid_body"),
        ("move-string", mv, r#"{"asset_uids": "{va}"}"#.into(), 422, "invalid_body"),
        ("move-numbers", mv, r#"{"asset_uids": [1]}"#.into(), 422, "invalid_body"),
        ("move-target-number", mv, r#"{"asset_uids": ["{va}"], "target_folder_uid": 5}"#.into(), 422, "invalid_body"),
        (
            "move-target-missing",
            mv,
            r#"{"asset_uids": ["{va}"], "target_folder_uid": "fd01x"}"#.into(),
            404,
            "folder_not_found",
        ),
        ("move-one-unknown", mv, r#"{"asset_uids": ["{va}", "am01hostile"]}"#.into(), 404, "asset_not_found"),
        (
            "delete-both-forms",
            del,
            r#"{"asset_uids": ["{va}"], "assets": [{"uid": "{vb}"}]}"#.into(),
            422,
            "validation_failed",
        ),
        ("delete-none", del, "{}".into(), 422, "validation_failed"),
        ("delete-empty-ref", del, r#"{"assets": [{}]}"#.into(), 422, "invalid_body"),
        ("delete-number-ref", del, r#"{"assets": [{"uid": 1}]}"#.into(), 422, "invalid_body"),
        ("delete-ref-extra", del, r#"{"assets": [{"uid": "{va}", "x": 1}]}"#.into(), 422, "invalid_body"),
        ("delete-string", del, r#"{"assets": "{va}"}"#.into(), 422, "invalid_body"),
        (
            "delete-one-unknown",
            del,
            r#"{"asset_uids": ["{va}", "{vb}", "am01hostile"]}"#.into(),
            404,
            "asset_not_found",
        ),
        ("delete-1001", del, format!(r#"{{"asset_uids": [{}]}}"#, uids(1001)), 422, "validation_failed"),
        ("space-no-title", "/api/spaces", r#"{"title": null}"#.into(), 422, "validation_failed"),
        ("space-empty-title", "/api/spaces", r#"{"title": ""}"#.into(), 422, "validation_failed"),
        ("space-description-number", "/api/spaces", r#"{"title": "x", "description": 5}"#.into(), 422, "invalid_body"),
        ("folder-no-title", "/api/spaces/{v}/folders", "{}".into(), 422, "validation_failed"),
        (
            "folder-missing-parent",
            "/api/spaces/{v}/folders",
            r#"{"title": "x", "parent_uid": "fd01x"}"#.into(),
            404,
            "folder_not_found",
        ),
        ("ws-bad-uid", "/api/spaces/{v}/workspaces", r#"{"uid": "Bad Uid"}"#.into(), 422, "validation_failed"),
        (
            "ws-long-uid",
            "/api/spaces/{v}/workspaces",
            r#"{"uid": "abcdefghijklmnop"}"#.into(),
            422,
            "validation_failed",
        ),
        ("ws-taken-uid", "/api/spaces/{v}/workspaces", r#"{"uid": "main"}"#.into(), 409, "workspace_exists"),
        ("ws-no-uid", "/api/spaces/{v}/workspaces", "{}".into(), 422, "validation_failed"),
        ("ws-uid-number", "/api/spaces/{v}/workspaces", r#"{"uid": 5}"#.into(), 422, "invalid_body"),
        (
            "ws-missing-source",
            "/api/spaces/{v}/workspaces",
            r#"{"uid": "x_1", "source": "nope"}"#.into(),
            404,
            "workspace_not_found",
        ),
        (
            "ws-foreign-source",
            "/api/spaces/{v}/workspaces",
            r#"{"uid": "x_2", "source": "{ws}"}"#.into(),
            404,
            "workspace_not_found",
        ),
        (
            "merge-bad-strategy",
            "/api/spaces/{v}/workspaces/main/merge",
            r#"{"strategy": "yolo"}"#.into(),
            422,
            "validation_failed",
        ),
        (
            "merge-strategy-number",
            "/api/spaces/{v}/workspaces/main/merge",
            r#"{"strategy": 1}"#.into(),
            422,
            "invalid_body",
        ),
        ("merge-main", "/api/spaces/{v}/workspaces/main/merge", "{}".into(), 409, "workspace_has_no_source"),
        (
            "trash-restore-type",
            "/api/spaces/{v}/trash/{vt}/restore",
            r#"{"with_assets": "yes"}"#.into(),
            422,
            "invalid_body",
        ),
        (
            "trash-restore-missing",
            "/api/spaces/{v}/trash/am01hostile/restore",
            "{}".into(),
            404,
            "trash_item_not_found",
        ),
        (
            "restore-version-string",
            "/api/spaces/{v}/assets/{va}/versions/1/restore",
            r#"{"version": "2"}"#.into(),
            422,
            "invalid_body",
        ),
        (
            "restore-stale",
            "/api/spaces/{v}/assets/{va}/versions/1/restore",
            r#"{"version": 1}"#.into(),
            412,
            "version_conflict",
        ),
        (
            "restore-missing-version",
            "/api/spaces/{v}/assets/{va}/versions/99/restore",
            r#"{"version": 1}"#.into(),
            404,
            "version_not_found",
        ),
        ("lang-taken", "/api/languages", r#"{"code": "en-us"}"#.into(), 409, "language_exists"),
        ("lang-short", "/api/languages", r#"{"code": "x", "name": "X"}"#.into(), 422, "validation_failed"),
        ("lang-space", "/api/languages", r#"{"code": "x y", "name": "X"}"#.into(), 422, "validation_failed"),
        ("lang-no-name", "/api/languages", r#"{"code": "zz-noname"}"#.into(), 201, ""),
        (
            "lang-bad-fallback",
            "/api/languages",
            r#"{"code": "zz-fb", "name": "F", "fallback_code": "nope"}"#.into(),
            409,
            "unknown_language",
        ),
        ("lang-code-number", "/api/languages", r#"{"code": 5}"#.into(), 422, "invalid_body"),
        ("lang-code-bidi", "/api/languages", r#"{"code": "zz-\u202e", "name": "B"}"#.into(), 422, "validation_failed"),
        ("lang-code-nul", "/api/languages", r#"{"code": "zz\u0000", "name": "B"}"#.into(), 422, "validation_failed"),
        ("ws-uid-combining", "/api/spaces/{v}/workspaces", r#"{"uid": "ws\u0301"}"#.into(), 422, "validation_failed"),
        ("ws-uid-nul", "/api/spaces/{v}/workspaces", r#"{"uid": "ws\u0000"}"#.into(), 422, "validation_failed"),
        (
            "scratch-ws-unicode-name",
            "/api/spaces/{s}/workspaces",
            r#"{"uid": "uni", "name": "\u202e\u0645"}"#.into(),
            201,
            "",
        ),
        (
            "scratch-ws-fork-of-fork",
            "/api/spaces/{s}/workspaces",
            r#"{"uid": "uni2", "source": "uni"}"#.into(),
            201,
            "",
        ),
    ] {
        rows.push(Case::post(format!("field/{label}"), path).json(body).is(status, code));
    }
    for (label, path, body, status, code) in [
        ("space-title-empty", "/api/spaces/{v}", r#"{"title": ""}"#, 422, "validation_failed"),
        ("space-description-list", "/api/spaces/{v}", r#"{"description": []}"#, 422, "invalid_body"),
        ("folder-into-itself", "/api/spaces/{v}/folders/{vf}", r#"{"parent_uid": "{vf}"}"#, 409, "folder_cycle"),
        ("folder-title-empty", "/api/spaces/{v}/folders/{vf}", r#"{"title": ""}"#, 422, "validation_failed"),
        ("folder-missing", "/api/spaces/{v}/folders/fd01x", r#"{"title": "x"}"#, 404, "folder_not_found"),
        ("ws-change-uid", "/api/spaces/{v}/workspaces/main", r#"{"uid": "other"}"#, 409, "immutable_field"),
        ("ws-change-source", "/api/spaces/{v}/workspaces/main", r#"{"source": "x"}"#, 409, "immutable_field"),
        ("ws-name-empty", "/api/spaces/{v}/workspaces/main", r#"{"name": ""}"#, 422, "validation_failed"),
        ("ws-missing", "/api/spaces/{v}/workspaces/nope", r#"{"name": "x"}"#, 404, "workspace_not_found"),
        (
            "ws-langs-empty",
            "/api/spaces/{v}/workspaces/main/languages",
            r#"{"languages": []}"#,
            409,
            "default_language_locked",
        ),
        (
            "ws-langs-unknown",
            "/api/spaces/{v}/workspaces/main/languages",
            r#"{"languages": ["en-us", "xx-nope"]}"#,
            409,
            "unknown_language",
        ),
        (
            "ws-langs-string",
            "/api/spaces/{v}/workspaces/main/languages",
            r#"{"languages": "en-us"}"#,
            422,
            "invalid_body",
        ),
        ("ws-langs-missing", "/api/spaces/{v}/workspaces/main/languages", "{}", 422, "invalid_body"),
        ("lang-change-code", "/api/languages/{lang}", r#"{"code": "zz-other"}"#, 409, "immutable_field"),
        ("lang-self-fallback", "/api/languages/{lang}", r#"{"fallback_code": "{lang}"}"#, 409, "fallback_cycle"),
        (
            "lang-default-fallback",
            "/api/languages/en-us",
            r#"{"fallback_code": "{lang}"}"#,
            409,
            "default_language_locked",
        ),
        ("lang-missing", "/api/languages/zz-nope", r#"{"name": "x"}"#, 404, "language_not_found"),
        ("name-number", "/api/spaces/{v}/assets/{va}/versions/1/name", r#"{"name": 5}"#, 422, "invalid_body"),
        ("name-absent", "/api/spaces/{v}/assets/{va}/versions/1/name", "{}", 422, "validation_failed"),
        (
            "name-33",
            "/api/spaces/{v}/assets/{va}/versions/1/name",
            r#"{"name": "123456789012345678901234567890123"}"#,
            422,
            "validation_failed",
        ),
        (
            "name-missing-version",
            "/api/spaces/{v}/assets/{va}/versions/99/name",
            r#"{"name": "x"}"#,
            404,
            "version_not_found",
        ),
    ] {
        rows.push(Case::put(format!("field/{label}"), path).json(body).is(status, code));
    }
    rows.push(Case::delete("space-delete/no-confirm", "/api/spaces/{v}").is(400, "confirmation_required"));
    rows.push(
        Case::delete("space-delete/lowercase", "/api/spaces/{v}?confirm=delete").is(400, "confirmation_required"),
    );
    rows.push(
        Case::delete("space-delete/padded", "/api/spaces/{v}?confirm=DELETE%20").is(400, "confirmation_required"),
    );
    rows.push(
        Case::delete("space-delete/twice", "/api/spaces/{v}?confirm=DELETE&confirm=DELETE").is(400, "invalid_query"),
    );
    rows.push(Case::delete("space-delete/typo", "/api/spaces/{v}?confrim=DELETE").is(400, "unknown_query_parameter"));
    rows.push(Case::delete("ws-delete/main", "/api/spaces/{v}/workspaces/main").is(409, "main_workspace_protected"));
    rows.push(Case::delete("lang-delete/default", "/api/languages/en-us").is(409, "language_in_use"));
    rows.push(
        Case::delete("unlocalize/default", "/api/spaces/{v}/assets/{va}/locales/en-us")
            .is(409, "default_language_locked"),
    );
    rows.push(
        Case::delete("unlocalize/bad-code", "/api/spaces/{v}/assets/{va}/locales/%E2%80%AE").is(422, "invalid_locale"),
    );
    rows
}

pub fn rows() -> Vec<Case> {
    let mut rows = bodies_on_every_route();
    rows.extend(field_rows());
    rows
}
