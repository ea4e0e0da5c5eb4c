//! Corpus rows: query and path abuse, identifiers of one space used under another,
//! credentials, methods, body framing and what the HTTP library refuses before
//! Trove sees a request. Placeholders as in `hostile.rs`.

use crate::hostile::Case;

/// Query strings: unknown, repeated, huge and malformed parameters.
fn query_rows() -> Vec<Case> {
    let mut rows = Vec::new();
    for (label, path) in [
        ("spaces", "/api/spaces"),
        ("space", "/api/spaces/{v}"),
        ("assets", "/api/spaces/{v}/assets"),
        ("asset", "/api/spaces/{v}/assets/{va}"),
        ("versions", "/api/spaces/{v}/assets/{va}/versions"),
        ("version", "/api/spaces/{v}/assets/{va}/versions/1"),
        ("locales", "/api/spaces/{v}/assets/{va}/locales"),
        ("folders", "/api/spaces/{v}/folders"),
        ("folder", "/api/spaces/{v}/folders/{vf}"),
        ("trash", "/api/spaces/{v}/trash"),
        ("workspaces", "/api/spaces/{v}/workspaces"),
        ("workspace", "/api/spaces/{v}/workspaces/main"),
        ("ws-languages", "/api/spaces/{v}/workspaces/main/languages"),
        ("compare", "/api/spaces/{v}/workspaces/{ws}/compare"),
        ("languages", "/api/languages"),
        ("language", "/api/languages/en-us"),
    ] {
        rows.push(
            Case::get(format!("query/unknown/{label}"), format!("{path}?tag=red")).is(400, "unknown_query_parameter"),
        );
    }
    for (label, method, path, body) in [
        ("space-edit", "PUT", "/api/spaces/{v}?x=1", r#"{"title": "Changed"}"#),
        ("space-create", "POST", "/api/spaces?x=1", r#"{"title": "Never"}"#),
        ("asset-edit", "PUT", "/api/spaces/{v}/assets/{va}?x=1", r#"{"title": "Changed"}"#),
        ("ws-edit", "PUT", "/api/spaces/{v}/workspaces/main?x=1", r#"{"name": "Changed"}"#),
        ("ws-create", "POST", "/api/spaces/{v}/workspaces?x=1", r#"{"uid": "never"}"#),
        ("merge", "POST", "/api/spaces/{s}/workspaces/{ws}/merge?x=1", "{}"),
        ("lang-create", "POST", "/api/languages?x=1", r#"{"code": "zz-never", "name": "N"}"#),
        ("lang-edit", "PUT", "/api/languages/{lang}?x=1", r#"{"name": "Changed"}"#),
        ("restore", "POST", "/api/spaces/{v}/assets/{va}/versions/1/restore?x=1", "{}"),
        ("trash-restore", "POST", "/api/spaces/{v}/trash/{vt}/restore?x=1", "{}"),
        ("bulk-delete", "POST", "/api/spaces/{v}/assets/bulk/delete?x=1", r#"{"asset_uids": ["{va}"]}"#),
    ] {
        rows.push(
            Case::new(format!("query/unknown-write/{label}"), method, path)
                .json(body)
                .is(400, "unknown_query_parameter"),
        );
    }
    rows.push(
        Case::delete("query/unknown-write/asset-delete", "/api/spaces/{v}/assets/{va}?x=1")
            .is(400, "unknown_query_parameter"),
    );
    rows.push(
        Case::delete("query/unknown-write/ws-delete", "/api/spaces/{s}/workspaces/{ws}?x=1")
            .is(400, "unknown_query_parameter"),
    );
    rows.push(
        Case::delete("query/unknown-write/lang-delete", "/api/languages/{lang}?x=1").is(400, "unknown_query_parameter"),
    );
    let big = "x".repeat(16 * 1024);
    let assets = "/api/spaces/{v}/assets";
    for (label, query, status, code) in [
        ("repeated-limit", "limit=1&limit=2".to_owned(), 400, "invalid_query"),
        ("repeated-workspace", "workspace=main&workspace=main".into(), 400, "invalid_query"),
        ("limit-word", "limit=ten".into(), 400, "invalid_query"),
        ("limit-float", "limit=1.5".into(), 400, "invalid_query"),
        ("limit-huge", "limit=99999999999999999999".into(), 400, "invalid_query"),
        ("limit-hex", "limit=0x10".into(), 400, "invalid_query"),
        ("limit-nul", "limit=1%00".into(), 400, "invalid_request"),
        ("limit-bad-escape", "limit=%zz".into(), 400, "invalid_query"),
        ("limit-negative", "limit=-1".into(), 400, "invalid_query"),
        ("limit-zero", "limit=0".into(), 400, "invalid_query"),
        ("limit-i64-min", "limit=-9223372036854775808".into(), 400, "invalid_query"),
        ("skip-i64-max", "skip=9223372036854775807".into(), 200, ""),
        ("skip-and-limit-max", "skip=9223372036854775807&limit=9223372036854775807".into(), 400, "invalid_query"),
        ("skip-i64-min", "skip=-9223372036854775808".into(), 400, "invalid_query"),
        ("locale-huge", format!("locale={big}"), 422, "invalid_locale"),
        ("locale-rlo", "locale=%E2%80%AE".into(), 422, "invalid_locale"),
        ("locale-dotdot", "locale=..%2F..".into(), 422, "invalid_locale"),
        ("locale-not-enabled", "locale=fr-fr".into(), 404, "locale_not_enabled"),
        ("locale-upper", "locale=EN-US".into(), 200, ""),
        ("locale-empty", "locale=".into(), 200, ""),
        ("workspace-unknown", "workspace=nope".into(), 404, "workspace_not_found"),
        ("workspace-foreign", "workspace={ws}".into(), 404, "workspace_not_found"),
        ("workspace-huge", format!("workspace={big}"), 404, "workspace_not_found"),
        ("workspace-dotdot", "workspace=..".into(), 404, "workspace_not_found"),
        ("workspace-rlo", "workspace=%E2%80%AEniam".into(), 404, "workspace_not_found"),
        ("available-in-bad", "available_in=%E2%80%AE".into(), 422, "invalid_locale"),
        ("localized-in-disabled", "localized_in=fr-fr".into(), 404, "locale_not_enabled"),
        ("folder-foreign", "folder={sf}".into(), 404, "folder_not_found"),
        ("key-unicode", "%E2%80%AE=1".into(), 400, "unknown_query_parameter"),
        ("key-empty", "=1".into(), 400, "unknown_query_parameter"),
        ("only-ampersands", "&&&".into(), 200, ""),
        ("huge-unknown-key", format!("{big}=1"), 400, "unknown_query_parameter"),
        ("limit-plus", "limit=%2B5".into(), 200, ""),
        ("skip-exponent", "skip=1e3".into(), 400, "invalid_query"),
        ("locale-nul", "locale=en%00".into(), 400, "invalid_request"),
        ("workspace-fork-upper-locale", "workspace={ws}&locale=EN-US".into(), 404, "workspace_not_found"),
    ] {
        rows.push(Case::get(format!("query/{label}"), format!("{assets}?{query}")).is(status, code));
    }
    for (label, path, status, code) in [
        ("trash-type", "/api/spaces/{v}/trash?type=bogus", 400, "invalid_query"),
        ("trash-from-word", "/api/spaces/{v}/trash?from=yesterday", 400, "invalid_query"),
        ("trash-bad-day", "/api/spaces/{v}/trash?to=2025-02-30", 400, "invalid_query"),
        ("trash-inverted", "/api/spaces/{v}/trash?from=2025-01-02&to=2024-01-01", 200, ""),
        ("trash-far-future", "/api/spaces/{v}/trash?to=9999-12-31", 200, ""),
        ("trash-last-day", "/api/spaces/{v}/trash?to=262142-12-31", 400, "invalid_query"),
        ("trash-year-minus-one", "/api/spaces/{v}/trash?from=-0001-01-01", 200, ""),
        ("trash-leap-second", "/api/spaces/{v}/trash?from=2016-12-31T23:59:60Z", 200, ""),
        ("trash-bad-offset", "/api/spaces/{v}/trash?from=2025-01-01T00:00:00%2B99:00", 400, "invalid_query"),
        ("trash-huge-year", "/api/spaces/{v}/trash?from=99999999999-01-01", 400, "invalid_query"),
        ("delivery-repeated-download", "{vb_url}?download=1&download=1", 400, "invalid_query"),
        ("delivery-locale-upper", "{vb_perm}?locale=EN-US", 200, ""),
        ("scratch-fork-list", "/api/spaces/{s}/assets?workspace={ws}&locale=EN-US&limit=1", 200, ""),
        ("trash-deleted-by", "/api/spaces/{v}/trash?deleted_by=%E2%80%AE", 200, ""),
        ("languages-bool", "/api/languages?available=maybe", 400, "invalid_query"),
        ("folders-parent-foreign", "/api/spaces/{v}/folders?parent_uid={sf}", 404, "folder_not_found"),
        ("compare-limit", "/api/spaces/{s}/workspaces/{ws}/compare?limit=abc", 400, "invalid_query"),
        ("delivery-unknown", "{vb_url}?cb=1&environment=production&utm_source=x", 200, ""),
        ("delivery-download-word", "{vb_url}?download=please", 200, ""),
        ("delivery-locale", "{vb_perm}?locale=xx-nope", 404, "file_not_found"),
        ("delivery-workspace", "{vb_perm}?workspace=nope", 404, "file_not_found"),
        ("delivery-nul", "{vb_perm}?cb=%00", 400, "invalid_request"),
    ] {
        rows.push(Case::get(format!("query/{label}"), path).is(status, code));
    }
    rows
}

/// Paths: dot segments, encoded slashes, NUL, long and non-numeric segments.
fn path_rows() -> Vec<Case> {
    let long = "a".repeat(8 * 1024);
    let va = "/api/spaces/{v}/assets/{va}";
    let mut rows = Vec::new();
    for (label, path, status, code) in [
        ("version-word", format!("{va}/versions/abc"), 400, "invalid_path_parameter"),
        ("version-float", format!("{va}/versions/1.0"), 400, "invalid_path_parameter"),
        ("version-hex", format!("{va}/versions/0x1"), 400, "invalid_path_parameter"),
        ("version-exp", format!("{va}/versions/1e3"), 400, "invalid_path_parameter"),
        ("version-huge", format!("{va}/versions/99999999999999999999"), 400, "invalid_path_parameter"),
        ("version-space", format!("{va}/versions/%201"), 400, "invalid_path_parameter"),
        ("version-bad-utf8", format!("{va}/versions/%ff"), 400, "invalid_path_parameter"),
        ("version-negative", format!("{va}/versions/-1"), 404, "version_not_found"),
        ("version-zero", format!("{va}/versions/0"), 404, "version_not_found"),
        ("version-i64-max", format!("{va}/versions/9223372036854775807"), 404, "version_not_found"),
        ("version-plus", format!("{va}/versions/%2B1"), 200, ""),
        ("dotdot-asset", "/api/spaces/{v}/assets/..".into(), 404, "asset_not_found"),
        ("dotdot-route", "/api/spaces/{v}/assets/../folders".into(), 404, "route_not_found"),
        ("dot-segment", "/api/spaces/{v}/./assets".into(), 404, "route_not_found"),
        ("encoded-dotdot", "/api/spaces/%2e%2e/assets".into(), 404, "space_not_found"),
        ("encoded-slash-space", "/api/spaces/..%2F..%2Fetc/assets".into(), 404, "space_not_found"),
        ("encoded-slash-asset", "/api/spaces/{v}/assets/{va}%2Fversions".into(), 404, "asset_not_found"),
        ("backslash", "/api/spaces/{v}/assets/..%5C..%5C".into(), 404, "asset_not_found"),
        ("nul-space", "/api/spaces/{v}%00".into(), 400, "invalid_request"),
        ("nul-asset", "/api/spaces/{v}/assets/%00".into(), 400, "invalid_request"),
        ("bad-utf8-space", "/api/spaces/%c0%af".into(), 400, "invalid_path_parameter"),
        ("long-space", format!("/api/spaces/{long}"), 404, "space_not_found"),
        ("asset-type-bad-utf8", "/api/asset_types/%ff".into(), 400, "invalid_path_parameter"),
        ("asset-type-nul", "/api/asset_types/%00".into(), 400, "invalid_request"),
        ("asset-type-long", format!("/api/asset_types/{long}"), 404, "asset_type_not_found"),
        ("asset-type-dotdot", "/api/asset_types/..".into(), 404, "asset_type_not_found"),
        ("asset-type-unicode", "/api/asset_types/%E2%80%AEpng".into(), 404, "asset_type_not_found"),
        ("asset-types-unknown-query", "/api/asset_types?category=images".into(), 400, "unknown_query_parameter"),
        ("long-asset", format!("/api/spaces/{{v}}/assets/{long}"), 404, "asset_not_found"),
        ("unicode-space", "/api/spaces/%E2%80%AE%F0%9F%98%80".into(), 404, "space_not_found"),
        ("unicode-folder", "/api/spaces/{v}/folders/%D9%85%D8%B1%D8%AD%D8%A8%D8%A7".into(), 404, "folder_not_found"),
        ("double-slash", "/api//spaces".into(), 404, "route_not_found"),
        ("trailing-slash", "/api/spaces/".into(), 404, "route_not_found"),
        ("upper-case", "/API/SPACES".into(), 404, "route_not_found"),
        ("space-uid-as-asset", "/api/spaces/{v}/assets/{v}".into(), 404, "asset_not_found"),
        ("folder-uid-as-asset", "/api/spaces/{v}/assets/{vf}".into(), 404, "asset_not_found"),
        ("trashed-asset", "/api/spaces/{v}/assets/{vt}".into(), 404, "asset_not_found"),
        ("language-unicode", "/api/languages/%E2%80%AE".into(), 404, "language_not_found"),
        ("delivery-traversal", "/v3/assets/{v}/{va}/{vfile}/..%2F..%2Fetc%2Fpasswd".into(), 404, "file_not_found"),
        ("delivery-extra-segment", "{va_url}/extra".into(), 404, "route_not_found"),
        ("delivery-nul", "/v3/assets/{v}/{va}/%00".into(), 400, "invalid_request"),
        ("delivery-bad-utf8", "/v3/assets/{v}/{va}/{vfile}/%ff".into(), 400, "invalid_path_parameter"),
        ("delivery-wrong-name", "/v3/assets/{v}/{va}/{vfile}/other.txt".into(), 404, "file_not_found"),
        ("delivery-trashed", "/v3/assets/{v}/{vt}/trashed.txt".into(), 404, "file_not_found"),
        ("delivery-long-slug", format!("/v3/assets/{{v}}/{{va}}/{long}"), 404, "file_not_found"),
        ("delivery-encoded-dot", "/v3/assets/{v}/{va}/{vfile}/victim%2Etxt".into(), 200, ""),
        ("delivery-name-case", "/v3/assets/{v}/{va}/{vfile}/VICTIM.TXT".into(), 404, "file_not_found"),
        ("delivery-trailing-slash", "{vb_perm}/".into(), 404, "route_not_found"),
        ("language-upper", "/api/languages/EN-US".into(), 200, ""),
        ("workspace-unicode", "/api/spaces/{v}/workspaces/%E2%80%AE".into(), 404, "workspace_not_found"),
        ("trashed-asset-version", "/api/spaces/{v}/assets/{vt}/versions/1".into(), 404, "asset_not_found"),
    ] {
        rows.push(Case::get(format!("path/{label}"), path).is(status, code));
    }
    rows.push(
        Case::put("path/version-word-write", format!("{va}/versions/abc/name"))
            .json(r#"{"name": "x"}"#)
            .is(400, "invalid_path_parameter"),
    );
    rows.push(
        Case::post("path/version-word-restore", format!("{va}/versions/x/restore")).is(400, "invalid_path_parameter"),
    );
    rows
}

/// Identifiers of one space used under another: always 404, never a change.
fn cross_space_rows() -> Vec<Case> {
    let mut rows = Vec::new();
    let title = r#"{"title": "pwned"}"#;
    for (label, method, path, body, status, code) in [
        ("read-asset", "GET", "/api/spaces/{s}/assets/{va}", "", 404, "asset_not_found"),
        ("edit-asset", "PUT", "/api/spaces/{s}/assets/{va}", title, 404, "asset_not_found"),
        ("edit-asset-star", "PUT", "/api/spaces/{s}/assets/{va}", title, 404, "asset_not_found"),
        ("delete-asset", "DELETE", "/api/spaces/{s}/assets/{va}", "", 404, "asset_not_found"),
        ("versions", "GET", "/api/spaces/{s}/assets/{va}/versions", "", 404, "asset_not_found"),
        ("restore", "POST", "/api/spaces/{s}/assets/{va}/versions/1/restore", "", 404, "asset_not_found"),
        (
            "name-version",
            "PUT",
            "/api/spaces/{s}/assets/{va}/versions/1/name",
            r#"{"name": "x"}"#,
            404,
            "asset_not_found",
        ),
        ("locales", "GET", "/api/spaces/{s}/assets/{va}/locales", "", 404, "asset_not_found"),
        (
            "bulk-move-asset",
            "POST",
            "/api/spaces/{s}/assets/bulk/move",
            r#"{"asset_uids": ["{va}"]}"#,
            404,
            "asset_not_found",
        ),
        (
            "bulk-move-mixed",
            "POST",
            "/api/spaces/{s}/assets/bulk/move",
            r#"{"asset_uids": ["{sa}", "{va}"]}"#,
            404,
            "asset_not_found",
        ),
        (
            "bulk-move-target",
            "POST",
            "/api/spaces/{s}/assets/bulk/move",
            r#"{"asset_uids": ["{sa}"], "target_folder_uid": "{vf}"}"#,
            404,
            "folder_not_found",
        ),
        (
            "bulk-delete-asset",
            "POST",
            "/api/spaces/{s}/assets/bulk/delete",
            r#"{"assets": [{"uid": "{va}"}]}"#,
            404,
            "asset_not_found",
        ),
        (
            "bulk-delete-mixed",
            "POST",
            "/api/spaces/{s}/assets/bulk/delete",
            r#"{"asset_uids": ["{sa}", "{vb}"]}"#,
            404,
            "asset_not_found",
        ),
        (
            "move-into-foreign-folder",
            "PUT",
            "/api/spaces/{s}/assets/{sa}",
            r#"{"parent_uid": "{vf}"}"#,
            404,
            "folder_not_found",
        ),
        (
            "folder-parent",
            "POST",
            "/api/spaces/{s}/folders",
            r#"{"title": "x", "parent_uid": "{vf}"}"#,
            404,
            "folder_not_found",
        ),
        ("folder-move", "PUT", "/api/spaces/{s}/folders/{sf}", r#"{"parent_uid": "{vf}"}"#, 404, "folder_not_found"),
        ("folder-edit", "PUT", "/api/spaces/{s}/folders/{vf}", title, 404, "folder_not_found"),
        ("folder-read", "GET", "/api/spaces/{s}/folders/{vf}", "", 404, "folder_not_found"),
        ("folder-delete", "DELETE", "/api/spaces/{s}/folders/{vf}", "", 404, "folder_not_found"),
        ("trash-restore", "POST", "/api/spaces/{s}/trash/{vt}/restore", "", 404, "trash_item_not_found"),
        ("foreign-workspace", "GET", "/api/spaces/{v}/workspaces/{ws}", "", 404, "workspace_not_found"),
        ("foreign-merge", "POST", "/api/spaces/{v}/workspaces/{ws}/merge", "", 404, "workspace_not_found"),
        ("foreign-ws-delete", "DELETE", "/api/spaces/{v}/workspaces/{ws}", "", 404, "workspace_not_found"),
        ("file-url-space", "GET", "/v3/assets/{s}/{va}/{vfile}/{vname}", "", 404, "file_not_found"),
        ("file-url-asset", "GET", "/v3/assets/{v}/{vb}/{vfile}/{vname}", "", 404, "file_not_found"),
        ("file-url-foreign-file", "GET", "/v3/assets/{v}/{va}/{sfile}/{sname}", "", 404, "file_not_found"),
        ("file-url-scratch-asset", "GET", "/v3/assets/{s}/{sa}/{vfile}/{vname}", "", 404, "file_not_found"),
        ("permanent-url-space", "GET", "/v3/assets/{s}/{va}/{vname}", "", 404, "file_not_found"),
    ] {
        let mut c = Case::new(format!("cross-space/{label}"), method, path).is(status, code);
        if !body.is_empty() {
            c = c.json(body);
        }
        if label == "edit-asset-star" {
            c = c.header("If-Match", "*");
        }
        rows.push(c);
    }
    rows
}

/// Credentials, methods and what the HTTP library refuses before Trove sees it.
fn protocol_rows() -> Vec<Case> {
    let mut rows = vec![
        Case::get("auth/none", "/api/spaces").anon().is(401, "unauthenticated"),
        Case::put("auth/none-write", "/api/spaces/{v}/assets/{va}")
            .anon()
            .json(r#"{"title": "x"}"#)
            .is(401, "unauthenticated"),
        Case::get("auth/wrong", "/api/spaces")
            .anon()
            .header("Authorization", "Bearer trove_wrong")
            .is(401, "unauthenticated"),
        Case::get("auth/empty-bearer", "/api/spaces")
            .anon()
            .header("Authorization", "Bearer ")
            .is(401, "unauthenticated"),
        Case::get("auth/basic", "/api/spaces")
            .anon()
            .header("Authorization", "Basic dXNlcjpwYXNz")
            .is(401, "unauthenticated"),
        Case::get("auth/huge", "/api/spaces")
            .anon()
            .header("Authorization", format!("Bearer {}", "t".repeat(16 * 1024)))
            .is(401, "unauthenticated"),
        Case::get("auth/non-ascii", "/api/spaces")
            .anon()
            .header("Authorization", b"Bearer \xff\xfe")
            .is(401, "unauthenticated"),
        Case::get("auth/lowercase-scheme", "/api/spaces")
            .anon()
            .header("Authorization", "bearer trove_wrong")
            .is(401, "unauthenticated"),
        Case::new("method/patch", "PATCH", "/api/spaces").is(405, "method_not_allowed"),
        Case::new("method/delete-collection", "DELETE", "/api/spaces").is(405, "method_not_allowed"),
        Case::new("method/trace", "TRACE", "/api/spaces").is(405, "method_not_allowed"),
        Case::new("method/invented", "BREW", "/api/spaces").is(405, "method_not_allowed"),
        Case::new("method/post-delivery", "POST", "{va_url}").is(405, "method_not_allowed"),
        Case::new("method/head-api", "HEAD", "/api/spaces/{v}").ok(200),
        Case::new("method/head-delivery", "HEAD", "{vb_url}").ok(200).want_header("content-length", "4096"),
        Case::put("body/chunked-json", "/api/spaces/{v}/assets/{va}")
            .header("Transfer-Encoding", "chunked")
            .raw(Some("application/json"), "5\r\n{\"tit\r\n8\r\nle\": 55}\r\n0\r\n\r\n")
            .is(422, "invalid_body"),
        Case::put("body/bad-chunks", "/api/spaces/{v}/assets/{va}")
            .header("Transfer-Encoding", "chunked")
            .raw(Some("application/json"), "zz\r\n{}\r\n0\r\n\r\n")
            .is(400, "invalid_json"),
        Case::put("body/huge-chunked", "/api/spaces/{v}/assets/{va}")
            .header("Transfer-Encoding", "chunked")
            .raw(
                Some("application/json"),
                [b"200000\r\n".to_vec(), vec![b' '; 0x20_0000], b"\r\n0\r\n\r\n".to_vec()].concat(),
            )
            .is(413, "body_too_large"),
        Case::put("body/short-content-length", "/api/spaces/{v}/assets/{va}")
            .header("Content-Length", "5")
            .raw(Some("application/json"), r#"{"title": "x"}"#)
            .is(400, "invalid_json"),
        Case::put("body/gzip-not-decoded", "/api/spaces/{v}/assets/{va}")
            .header("Content-Encoding", "gzip")
            .raw(
                Some("application/json"),
                b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xab\xae\x05\x00\x43\xbf\xa6\xa3\x02\x00\x00\x00".to_vec(),
            )
            .is(400, "invalid_json"),
        Case::put("body/utf16-charset", "/api/spaces/{v}/assets/{va}")
            .raw(Some("application/json; charset=utf-16"), r#"{"title": 5}"#)
            .is(422, "invalid_body"),
        Case::put("body/json-suffix-type", "/api/spaces/{v}/assets/{va}")
            .raw(Some("application/vnd.api+json"), r#"{"title": 5}"#)
            .is(422, "invalid_body"),
        Case::put("body/uppercase-type", "/api/spaces/{v}/assets/{va}")
            .raw(Some("APPLICATION/JSON"), r#"{"title": 5}"#)
            .is(422, "invalid_body"),
        Case::put("body/multipart-type-json-body", "/api/spaces/{v}/assets/{va}")
            .raw(Some("multipart/form-data"), r#"{"title": "x"}"#)
            .is(400, "invalid_multipart"),
        Case::get("protocol/many-headers", "/api/spaces").protocol().class(4),
        Case::get("protocol/huge-header", "/api/spaces").header("X-Pad", "p".repeat(512 * 1024)).protocol().class(4),
        Case::get("protocol/huge-uri", format!("/api/spaces/{}", "u".repeat(70 * 1024))).protocol().class(4),
        Case::get("protocol/bad-request-line", "/healthz junk").protocol().class(4),
        Case::get("protocol/bad-header-name", "/api/spaces").header("Bad Header", "x").protocol().class(4),
    ];
    rows.extend([
        Case::get("protocol/huge-request-id", "/api/spaces").header("X-Request-Id", "r".repeat(8 * 1024)).ok(200),
        Case::get("protocol/non-ascii-request-id", "/api/spaces").header("X-Request-Id", b"\xff\xfe").ok(200),
        // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length (and the
        // connection is closed after the answer, so nothing can be smuggled).
        Case::put("protocol/length-and-chunked", "/api/spaces/{v}/assets/{va}")
            .header("Transfer-Encoding", "chunked")
            .header("Content-Length", "3")
            .raw(Some("application/json"), "c\r\n{\"title\": 5}\r\n0\r\n\r\n")
            .is(422, "invalid_body"),
        Case::put("protocol/two-lengths", "/api/spaces/{v}/assets/{va}")
            .header("Content-Length", "2")
            .header("Content-Length", "3")
            .raw(Some("application/json"), "{} ")
            .protocol()
            .class(4),
        Case::new("protocol/lowercase-method", "get", "/api/spaces").is(405, "method_not_allowed"),
        Case::get("protocol/absolute-form", "http://127.0.0.1/api/spaces/{v}").ok(200),
        Case::new("method/options-delivery", "OPTIONS", "{vb_url}").is(405, "method_not_allowed"),
        Case::new("method/put-delivery", "PUT", "{vb_perm}").raw(None, "x").is(405, "method_not_allowed"),
    ]);
    let many = rows.iter_mut().find(|c| c.name == "protocol/many-headers").expect("row");
    for i in 0..200 {
        many.headers.push((format!("X-H{i}"), b"1".to_vec()));
    }
    rows
}

pub fn rows() -> Vec<Case> {
    let mut rows = query_rows();
    rows.extend(path_rows());
    rows.extend(cross_space_rows());
    rows.extend(protocol_rows());
    rows
}
