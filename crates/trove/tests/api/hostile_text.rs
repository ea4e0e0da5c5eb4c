//! Corpus rows: Unicode edge cases in every text field and in file names. Each
//! string is written as it appears inside a JSON string literal (so lone
//! surrogates can be sent as `\ud800` escapes), with the status each kind of field
//! gives it; every field of that kind then gets a row. Accepted values land in the
//! scratch space.

use serde_json::Value;

use crate::hostile::{Case, Part, file, text};

/// Kinds of text field, by the rule that checks them.
#[derive(Clone, Copy)]
enum Kind {
    /// Titles and names (`rules::title`): trimmed, not blank, no control characters.
    Title,
    /// Descriptions and alternative text: line breaks and tabs allowed.
    Long,
    /// One tag: blank ones are dropped, no control characters.
    Tag,
    /// Custom metadata values: any text but control characters (tab and line breaks
    /// allowed).
    Meta,
    /// Custom metadata keys: field UIDs (letters, digits, `_`), so anything else is
    /// not a field of the asset's type.
    MetaKey,
    /// Version names: letters, digits, space, `-`, `_`.
    VersionName,
    /// Slugs: URL-safe ASCII.
    Slug,
}

/// (label, JSON string contents, status for [title, long, tag, meta value, meta key,
/// version name, slug]).
const STRINGS: &[(&str, &str, [u16; 7])] = &[
    ("rlo", r"invoice\u202efdp.exe", [200, 200, 200, 200, 422, 422, 422]),
    ("isolates", r"\u2066abc\u2069", [200, 200, 200, 200, 422, 422, 422]),
    ("zero-width", r"a\u200bb", [200, 200, 200, 200, 422, 422, 422]),
    ("only-invisible", r"\u200b\u2060\ufeff", [422, 200, 200, 200, 422, 422, 422]),
    ("hangul-filler", r"\u3164", [422, 200, 200, 200, 422, 422, 422]),
    ("zwj-emoji", r"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", [200, 200, 200, 200, 422, 422, 422]),
    ("nonchar", r"x\ufdd0\uffff", [200, 200, 200, 200, 422, 422, 422]),
    ("plane-nonchar", r"\ud83f\udffe", [422, 200, 200, 200, 422, 422, 422]),
    ("tag-chars", r"\udb40\udc41\udb40\udc7f", [422, 200, 200, 200, 422, 422, 422]),
    ("lone-high", r"a\ud800b", [400; 7]),
    ("lone-low", r"\udc00", [400; 7]),
    ("reversed-pair", r"\udc00\ud800", [400; 7]),
    ("nul", r"a\u0000b", [422, 422, 422, 422, 422, 422, 422]),
    ("c1-control", r"a\u0085b", [422, 422, 422, 422, 422, 422, 422]),
    ("escape-char", r"a\u001b[31mred", [422, 422, 422, 422, 422, 422, 422]),
    ("line-breaks", r"a\nb\tc", [422, 200, 422, 200, 422, 422, 422]),
    ("line-separator", r"a\u2028b\u2029c", [200, 200, 200, 200, 422, 422, 422]),
    (
        "combining",
        r"Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\u035b\u035c\u035d",
        [200, 200, 200, 200, 422, 422, 422],
    ),
    ("combining-alone", r"\u0301\u0301", [200, 200, 200, 200, 422, 422, 422]),
    ("arabic", "مرحبا بالعالم", [200, 200, 200, 200, 422, 200, 422]),
    ("hebrew-mixed", "שלום abc 123", [200, 200, 200, 200, 422, 200, 422]),
    ("cjk", "数字资产管理", [200, 200, 200, 200, 422, 200, 422]),
    ("deseret", r"\ud801\udc00", [200, 200, 200, 200, 422, 200, 422]),
    ("emoji", "😀🎉", [200, 200, 200, 200, 422, 422, 422]),
    ("private-use", r"\ue000", [200, 200, 200, 200, 422, 422, 422]),
    ("bom-prefix", r"\ufeffTitle", [200, 200, 200, 200, 422, 422, 422]),
    ("whitespace", "   ", [422, 200, 200, 200, 422, 422, 422]),
    ("sql", "'; DROP TABLE assets; --", [200, 200, 200, 200, 422, 422, 422]),
    ("html", "<script>alert(1)</script>", [200, 200, 200, 200, 422, 422, 422]),
    ("path", "../../etc/passwd", [200, 200, 200, 200, 422, 422, 422]),
    ("percent", "%00%2F%ff", [200, 200, 200, 200, 422, 422, 422]),
    ("template", "{{7*7}} ${7*7} {v}", [200, 200, 200, 200, 422, 422, 422]),
    ("ascii", "Plain-Name_1", [200, 200, 200, 200, 422, 200, 200]),
];

/// Every text field: (label, method, path, body with `X` for the string, kind).
const FIELDS: &[(&str, &str, &str, &str, Kind)] = &[
    ("asset-title", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"title": "X"}"#, Kind::Title),
    ("asset-description", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"description": "X"}"#, Kind::Long),
    ("asset-alt-text", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"alt_text": "X"}"#, Kind::Long),
    ("asset-tag", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"tags": ["ok", "X"]}"#, Kind::Tag),
    ("meta-key", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"custom_metadata": {"X": 1}}"#, Kind::MetaKey),
    ("meta-value", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"custom_metadata": {"k": ["X"]}}"#, Kind::Meta),
    ("folder-title", "PUT", "/api/spaces/{s}/folders/{sf}", r#"{"title": "X"}"#, Kind::Title),
    ("folder-description", "PUT", "/api/spaces/{s}/folders/{sf}", r#"{"description": "X"}"#, Kind::Long),
    ("space-title", "PUT", "/api/spaces/{s}", r#"{"title": "X"}"#, Kind::Title),
    ("space-description", "PUT", "/api/spaces/{s}", r#"{"description": "X"}"#, Kind::Long),
    ("ws-name", "PUT", "/api/spaces/{s}/workspaces/{ws}", r#"{"name": "X"}"#, Kind::Title),
    ("ws-description", "PUT", "/api/spaces/{s}/workspaces/{ws}", r#"{"description": "X"}"#, Kind::Long),
    ("lang-name", "PUT", "/api/languages/{lang}", r#"{"name": "X"}"#, Kind::Title),
    ("version-name", "PUT", "/api/spaces/{s}/assets/{sa}/versions/1/name", r#"{"name": "X"}"#, Kind::VersionName),
    ("slug", "PUT", "/api/spaces/{s}/assets/{sa}", r#"{"slug": "X"}"#, Kind::Slug),
];

fn error_code(status: u16) -> &'static str {
    match status {
        400 => "invalid_json",
        422 => "validation_failed",
        _ => "",
    }
}

/// The string as UTF-8 bytes; a lone surrogate becomes its (invalid) 3-byte form.
fn raw_bytes(contents: &str) -> Vec<u8> {
    match serde_json::from_str::<String>(&format!("\"{contents}\"")) {
        Ok(s) => s.into_bytes(),
        Err(_) => b"a\xed\xa0\x80b".to_vec(),
    }
}

fn field_rows() -> Vec<Case> {
    let mut rows = Vec::new();
    for (label, contents, statuses) in STRINGS {
        // A slug can be set once: only the last string may set it.
        for (field, method, path, body, kind) in FIELDS {
            let status = statuses[*kind as usize];
            let body = body.replacen('X', contents, 1);
            rows.push(
                Case::new(format!("text/{field}/{label}"), method, *path).json(body).is(status, error_code(status)),
            );
        }
        // The same string as a multipart text part of an upload.
        let (status, code) = match statuses[Kind::Title as usize] {
            200 => (201, ""),
            400 => (400, "invalid_multipart"),
            refused => (refused, "validation_failed"),
        };
        rows.push(
            Case::post(format!("text/upload-title/{label}"), "/api/spaces/{s}/assets")
                .form(vec![file("t.txt", "text"), Part::Text { name: "title".into(), value: raw_bytes(contents) }])
                .is(status, code),
        );
    }
    rows
}

/// File names, raw as the client sends them in `Content-Disposition`, and what is
/// stored (`None`: refused with the status given).
const FILE_NAMES: &[(&str, &[u8], u16, Option<&str>)] = &[
    ("rlo", "invoice\u{202e}fdp.exe.txt".as_bytes(), 201, Some("invoice_fdp.exe.txt")),
    ("rlo-exe", "photo\u{202e}gpj.exe".as_bytes(), 415, None),
    ("zero-width", "a\u{200b}b.txt".as_bytes(), 201, Some("a_b.txt")),
    ("isolates", "\u{2066}x\u{2069}.txt".as_bytes(), 201, Some("_x_.txt")),
    ("bom", "\u{feff}.txt".as_bytes(), 201, Some("_.txt")),
    ("nonchars", "x\u{fdd0}\u{ffff}.txt".as_bytes(), 201, Some("x__.txt")),
    ("plane-nonchar", "\u{1fffe}.txt".as_bytes(), 201, Some("_.txt")),
    ("tag-chars", "a\u{e0041}.txt".as_bytes(), 201, Some("a_.txt")),
    ("zwj-emoji", "\u{1f468}\u{200d}\u{1f469}.txt".as_bytes(), 201, Some("\u{1f468}_\u{1f469}.txt")),
    ("c1-control", "a\u{85}b.txt".as_bytes(), 201, Some("a_b.txt")),
    ("tab", b"a\tb.txt", 201, Some("a_b.txt")),
    ("combining", "Z\u{351}\u{352}\u{353}.txt".as_bytes(), 201, Some("Z\u{351}\u{352}\u{353}.txt")),
    ("arabic", "مرحبا.txt".as_bytes(), 201, Some("مرحبا.txt")),
    ("hebrew", "שלום עולם.txt".as_bytes(), 201, Some("שלום_עולם.txt")),
    ("emoji", "😀🎉.txt".as_bytes(), 201, Some("😀🎉.txt")),
    ("traversal", b"../../etc/passwd", 201, Some("passwd")),
    ("windows-path", b"C:\\\\Users\\\\x\\\\evil.txt", 201, None),
    ("dots-only", b"...", 201, Some("file")),
    ("dotfile", b".htaccess", 201, Some("htaccess")),
    ("empty", b"", 201, Some("file")),
    ("spaces", b"  a b  .txt", 201, Some("__a_b__.txt")),
    ("reserved", b"CON.txt", 201, Some("CON.txt")),
    ("url-chars", b"a%2F..%00.txt", 201, Some("a_2F.._00.txt")),
    ("specials", b"a#b?c*d:e|f<g>h{i}j=k,l'm.txt", 201, Some("a_b_c_d_e_f_g_h_i_j_k_l_m.txt")),
    ("trailing-dot-exe", b"evil.exe.", 415, None),
    ("double-ext", b"photo.jpg.exe", 415, None),
    ("upper-exe", b"EVIL.EXE", 415, None),
    ("script", b"x.js", 415, None),
    ("nul", b"a\0b.txt", 400, None),
    ("newline", b"a\r\nb.txt", 400, None),
    ("del", b"a\x7fb.txt", 400, None),
];

fn file_name_rows() -> Vec<Case> {
    let mut rows = Vec::new();
    for (label, name, status, stored) in FILE_NAMES {
        let code = match status {
            415 => "risky_file_type",
            400 => "invalid_multipart",
            _ => "",
        };
        let mut c = Case::post(format!("file-name/{label}"), "/api/spaces/{s}/assets")
            .form(vec![file(name, "plain text")])
            .is(*status, code);
        if let Some(stored) = stored {
            c = c.want("/asset/file_name", Value::from(*stored));
        }
        rows.push(c);
    }
    let long = |stem: String, ext: &str| format!("{stem}{ext}");
    for (label, name) in [
        ("overlong", long("a".repeat(1000), ".txt")),
        ("overlong-multibyte", long("é".repeat(300), ".png")),
        ("overlong-extension", long("a.".into(), &"x".repeat(300))),
        ("overlong-emoji", long("😀".repeat(100), ".txt")),
        ("overlong-combining", long(format!("e{}", "\u{301}".repeat(400)), ".txt")),
    ] {
        rows.push(
            Case::post(format!("file-name/{label}"), "/api/spaces/{s}/assets").form(vec![file(name, "x")]).ok(201),
        );
    }
    for (label, bytes) in [
        ("lone-surrogate", b"a\xed\xa0\x80.txt".to_vec()),
        ("latin1", b"caf\xe9.txt".to_vec()),
        ("overlong-utf8", b"\xc0\xae\xc0\xae\xc0\xafx.txt".to_vec()),
    ] {
        rows.push(
            Case::post(format!("file-name/{label}"), "/api/spaces/{s}/assets")
                .form(vec![file(bytes, "x")])
                .ok(201)
                .want("/asset/file_name", "file".into()),
        );
    }
    rows.push(
        Case::post("file-name/no-filename", "/api/spaces/{s}/assets")
            .form(vec![Part::File { name: "file".into(), filename: None, bytes: b"x".to_vec() }])
            .ok(201)
            .want("/asset/file_name", "file".into()),
    );
    rows.push(
        Case::post("file-name/rfc5987", "/api/spaces/{s}/assets")
            .form(vec![Part::Raw(
                b"Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%80%AEgpj.txt\r\n\r\nx".to_vec(),
            )])
            .ok(201)
            .want("/asset/file_name", "file".into()),
    );
    rows.push(
        Case::post("file-name/both-forms", "/api/spaces/{s}/assets")
            .form(vec![Part::Raw(
                b"Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"; filename*=UTF-8''b.exe\r\n\r\nx"
                    .to_vec(),
            )])
            .ok(201)
            .want("/asset/file_name", "a.txt".into()),
    );
    rows.push(
        Case::post("file-name/unquoted", "/api/spaces/{s}/assets")
            .form(vec![Part::Raw(b"Content-Disposition: form-data; name=file; filename=plain.txt\r\n\r\nx".to_vec())])
            .ok(201),
    );
    rows.push(text_upload_sanity());
    rows
}

/// A text part that is valid on its own but refused by the field's rule.
fn text_upload_sanity() -> Case {
    Case::post("text/upload-tags-json-error", "/api/spaces/{s}/assets")
        .form(vec![file("t.txt", "t"), text("tags", r#"["a", 5]"#)])
        .is(422, "validation_failed")
}

pub fn rows() -> Vec<Case> {
    let mut rows = field_rows();
    rows.extend(file_name_rows());
    rows
}
