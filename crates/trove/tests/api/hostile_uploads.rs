//! Corpus rows: multipart abuse, decompression bombs and polyglots, byte ranges and
//! conditional headers on delivery, and preconditions on writes. Uploads that are
//! accepted go to the scratch space; everything aimed at the victim is refused.

use serde_json::Value;
use trove_media::fixtures::{jpeg_header_with_orientation, png_header};

use crate::hostile::{BOUNDARY, Case, Part, file, text};

const UPLOAD: &str = "/api/spaces/{s}/assets";
const VICTIM: &str = "/api/spaces/{v}/assets/{va}";

fn form_ct() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A well-formed one-file multipart body, for rows that cut or bend it.
fn one_file(name: &str, content: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(content);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

fn multipart_rows() -> Vec<Case> {
    let ct = form_ct();
    let ok = one_file("a.txt", b"hello");
    let truncated = ok[..ok.len() - 10].to_vec();
    let cut_in_file = ok[..ok.len() - 25].to_vec();
    let mut huge_header =
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\nX-Pad: ")
            .into_bytes();
    huge_header.extend(std::iter::repeat_n(b'h', 2 << 20));
    let lf_only = String::from_utf8(ok.clone()).unwrap_or_default().replace("\r\n", "\n");
    let long_boundary = "b".repeat(200);
    let mut rows = Vec::new();
    for (target, method, path) in [("upload", "POST", UPLOAD), ("replace", "PUT", VICTIM)] {
        let row = |label: &str| Case::new(format!("multipart/{target}/{label}"), method, path);
        rows.extend([
            row("no-boundary").raw(Some("multipart/form-data"), ok.clone()).is(400, "invalid_multipart"),
            row("empty-boundary").raw(Some("multipart/form-data; boundary="), ok.clone()).is(400, "invalid_multipart"),
            row("wrong-boundary")
                .raw(Some("multipart/form-data; boundary=other"), ok.clone())
                .is(400, "invalid_multipart"),
            row("truncated").raw(Some(&ct), truncated.clone()).is(400, "invalid_multipart"),
            row("cut-in-file").raw(Some(&ct), cut_in_file.clone()).is(400, "invalid_multipart"),
            row("huge-part-header").raw(Some(&ct), huge_header.clone()).is(400, "invalid_multipart"),
            row("lf-only").raw(Some(&ct), lf_only.clone().into_bytes()).is(400, "invalid_multipart"),
            row("empty-body").raw(Some(&ct), Vec::new()).is(400, "invalid_multipart"),
            row("no-parts").raw(Some(&ct), format!("--{BOUNDARY}--\r\n").into_bytes()).is(422, "validation_failed"),
            row("two-files").form(vec![file("a.txt", "a"), file("b.txt", "b")]).is(422, "validation_failed"),
            row("file-and-alias")
                .form(vec![
                    file("a.txt", "a"),
                    Part::File {
                        name: "asset[upload]".into(),
                        filename: Some(b"b.txt".to_vec()),
                        bytes: b"b".to_vec(),
                    },
                ])
                .is(422, "validation_failed"),
            row("repeated-title")
                .form(vec![file("a.txt", "a"), text("title", "one"), text("title", "two")])
                .is(422, "validation_failed"),
            row("repeated-tags")
                .form(vec![text("tags", "a"), text("tags", "b"), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("title-invalid-utf8")
                .form(vec![file("a.txt", "a"), text("title", b"\xff\xfe")])
                .is(400, "invalid_multipart"),
            row("description-invalid-utf8")
                .form(vec![text("description", b"a\xc3"), file("a.txt", "a")])
                .is(400, "invalid_multipart"),
            row("tags-invalid-utf8")
                .form(vec![text("tags", b"\xed\xa0\x80"), file("a.txt", "a")])
                .is(400, "invalid_multipart"),
            row("parent-invalid-utf8")
                .form(vec![text("parent_uid", b"fd\xff"), file("a.txt", "a")])
                .is(400, "invalid_multipart"),
            row("unknown-part").form(vec![file("a.txt", "a"), text("colour", "red")]).is(422, "validation_failed"),
            row("unknown-part-first")
                .form(vec![text("colour", "red"), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("nameless-part")
                .form(vec![Part::Raw(b"Content-Disposition: form-data\r\n\r\nx".to_vec())])
                .is(422, "validation_failed"),
            row("no-disposition")
                .form(vec![Part::Raw(b"Content-Type: text/plain\r\n\r\nx".to_vec())])
                .is(422, "validation_failed"),
            row("header-without-colon")
                .form(vec![Part::Raw(b"this is no header\r\n\r\nx".to_vec())])
                .is(400, "invalid_multipart"),
            row("no-file").form(vec![text("title", "only a title")]).is(422, "validation_failed"),
            row("text-too-large")
                .form(vec![text("description", "d".repeat(70 * 1024)), file("a.txt", "a")])
                .is(413, "field_too_large"),
            row("tags-bad-json").form(vec![text("tags", "[\"a\""), file("a.txt", "a")]).is(422, "validation_failed"),
            row("custom-bad-json")
                .form(vec![text("custom_metadata", "{\"k\":"), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("custom-array")
                .form(vec![text("custom_metadata", "[\"a\"]"), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("custom-duplicate-key")
                .form(vec![text("custom_metadata", r#"{"n": 1, "n": 2}"#), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("custom-not-a-field")
                .form(vec![text("custom_metadata", r#"{"nope": 1}"#), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("custom-wrong-type")
                .form(vec![text("custom_metadata", r#"{"n": "one"}"#), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("custom-too-large")
                .form(vec![
                    text("custom_metadata", format!(r#"{{"s": "{}"}}"#, "s".repeat(70 * 1024))),
                    file("a.txt", "a"),
                ])
                .is(413, "field_too_large"),
            row("custom-twice")
                .form(vec![text("custom_metadata", "{}"), text("custom_metadata", "{}"), file("a.txt", "a")])
                .is(422, "validation_failed"),
            row("parent-missing")
                .form(vec![text("parent_uid", "fd01hostile"), file("a.txt", "a")])
                .is(404, "folder_not_found"),
            row("multipart-mixed")
                .raw(Some(&format!("multipart/mixed; boundary={BOUNDARY}")), ok.clone())
                .is(415, "unsupported_content_type"),
            row("text-plain").raw(Some("text/plain"), "hello").is(415, "unsupported_content_type"),
            row("exe-as-jpg").form(vec![file("photo.jpg", exe())]).is(415, "risky_file_type"),
            row("title-nul").form(vec![file("a.txt", "a"), text("title", b"a\0b")]).is(422, "validation_failed"),
        ]);
    }
    let up = |label: &str| Case::post(format!("multipart/upload/{label}"), UPLOAD);
    rows.extend([
        up("empty-file").form(vec![file("empty.bin", "")]).ok(201).want("/asset/file_size", 0.into()),
        up("alias").form(vec![Part::File { name: "asset[upload]".into(), filename: Some(b"al.txt".to_vec()), bytes: b"x".to_vec() }]).ok(201),
        up("quoted-boundary").raw(Some(&format!("multipart/form-data; boundary=\"{BOUNDARY}\"")), ok.clone()).ok(201),
        up("long-boundary")
            .raw(
                Some(&format!("multipart/form-data; boundary={long_boundary}")),
                String::from_utf8(ok.clone()).unwrap_or_default().replace(BOUNDARY, &long_boundary).into_bytes(),
            )
            .ok(201),
        up("preamble-epilogue").raw(Some(&ct), [b"preamble\r\n".to_vec(), ok.clone(), b"epilogue".to_vec()].concat()).ok(201),
        up("part-charset").form(vec![Part::Raw(b"Content-Disposition: form-data; name=\"title\"\r\nContent-Type: text/plain; charset=latin1\r\n\r\nT".to_vec()), file("a.txt", "a")]).ok(201),
        up("base64-transfer-encoding").form(vec![Part::Raw(b"Content-Disposition: form-data; name=\"file\"; filename=\"b.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=".to_vec())]).ok(201).want("/asset/file_size", 8.into()),
        up("parent-root").form(vec![text("parent_uid", "root"), file("a.txt", "a")]).ok(201),
        up("custom-values")
            .form(vec![text("custom_metadata", r#"{"n": 2.5, "k": ["x"], "s": "a\nb"}"#), file("a.txt", "a")])
            .ok(201)
            .want("/asset/custom_metadata", serde_json::json!({"n": 2.5, "k": ["x"], "s": "a\nb"})),
        up("parent-empty").form(vec![text("parent_uid", ""), file("a.txt", "a")]).ok(201),
        up("parent-foreign").form(vec![text("parent_uid", "{vf}"), file("a.txt", "a")]).is(404, "folder_not_found"),
        up("tags-comma").form(vec![text("tags", " a, ,b ,A"), file("a.txt", "a")]).ok(201).want("/asset/tags", serde_json::json!(["a", "b"])),
        up("expect-continue").header("Expect", "100-continue").form(vec![file("c.txt", "c")]).ok(201),
        up("unknown-content-encoding").header("Content-Encoding", "br").form(vec![file("e.txt", "e")]).ok(201),
        up("json-body").json(r#"{"title": "x"}"#).is(415, "unsupported_content_type"),
        up("no-content-type").raw(None, ok.clone()).is(415, "unsupported_content_type"),
        Case::post("multipart/upload/unknown-locale", format!("{UPLOAD}?locale=fr-fr"))
            .form(vec![file("a.txt", "a")])
            .is(404, "locale_not_enabled"),
    ]);
    rows.push(
        Case::put("multipart/replace/stale-if-match", VICTIM)
            .header("If-Match", "\"v1\"")
            .form(vec![file("a.txt", "new")])
            .is(412, "version_conflict"),
    );
    rows.push(
        Case::put("multipart/replace/bad-if-match", VICTIM)
            .header("If-Match", "v2")
            .form(vec![file("a.txt", "new")])
            .is(400, "invalid_if_match"),
    );
    rows
}

fn exe() -> Vec<u8> {
    let mut b = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00".to_vec();
    b.resize(512, 0);
    b[0x3c] = 0x80;
    b.extend_from_slice(b"PE\0\0");
    b
}

/// A ZIP whose one entry claims 4 GiB uncompressed: what a zip bomb looks like to
/// a server that never unpacks it.
fn zip_bomb() -> Vec<u8> {
    let mut z = b"PK\x03\x04\x14\x00\x00\x00\x08\x00\x00\x00\x00\x00".to_vec();
    z.extend_from_slice(&[0, 0, 0, 0]); // crc
    z.extend_from_slice(&16u32.to_le_bytes()); // compressed size
    z.extend_from_slice(&u32::MAX.to_le_bytes()); // uncompressed size
    z.extend_from_slice(&8u16.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    z.extend_from_slice(b"evil.exe");
    z.extend_from_slice(&[0xed, 0xc1, 0x01, 0x0d, 0, 0, 0, 0xc2, 0xa0, 0xf7, 0x4f, 0x6d, 0x0e, 0x37, 0xa0, 0]);
    z.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0\0\0\0\0\0\0\0\0\0\0");
    z
}

fn gif(width: u16, height: u16) -> Vec<u8> {
    let mut g = b"GIF89a".to_vec();
    g.extend_from_slice(&width.to_le_bytes());
    g.extend_from_slice(&height.to_le_bytes());
    g.extend_from_slice(&[0, 0, 0, 0x3b]);
    g
}

fn bomb_rows() -> Vec<Case> {
    let mut png_bomb = png_header(65_535, 65_535);
    png_bomb.truncate(png_bomb.len() - 12);
    png_bomb.extend_from_slice(&[0, 0, 0, 8, b'I', b'D', b'A', b'T', 0x78, 0x9c, 0xed, 0xc1, 1, 0, 0, 0, 0, 0, 0, 0]);
    let mut polyglot = vec![0xff, 0xd8, 0xff, 0xfe, 0x00, 0x40];
    polyglot.extend_from_slice(b"<html><body><script>alert(document.domain)</script></body></html>");
    polyglot.resize(6 + 0x3e, b' ');
    polyglot.extend_from_slice(&jpeg_header_with_orientation(8, 8, 1)[2..]);
    let mut iso = vec![0u8; 0x8001];
    iso.extend_from_slice(b"CD001\x01");
    let mut gifar = gif(1, 1);
    gifar.extend_from_slice(&zip_bomb());
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>"#;
    let xxe = r#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
    let html = "<!DOCTYPE html><html><script>alert(1)</script></html>";
    let up = |label: &str, name: &str, bytes: Vec<u8>| {
        Case::post(format!("bomb/{label}"), UPLOAD).form(vec![file(name, bytes)])
    };
    let deliver = |label: &str| Case::get(format!("bomb/{label}"), "{last_perm}");
    vec![
        up("png-huge-dimensions", "bomb.png", png_bomb).ok(201).want("/asset/content_type", "image/png".into()),
        up("png-max-dimensions", "max.png", png_header(0x7fff_ffff, 0x7fff_ffff)).ok(201),
        up("png-zero-dimensions", "zero.png", png_header(0, 0)).ok(201).want("/asset/dimensions", Value::Null),
        up("jpeg-huge-dimensions", "huge.jpg", jpeg_header_with_orientation(65_535, 65_535, 6)).ok(201),
        up("jpeg-bad-orientation", "o.jpg", jpeg_header_with_orientation(10, 20, 999)).ok(201),
        up("gif-huge-screen", "huge.gif", gif(65_535, 65_535)).ok(201),
        up("png-truncated", "cut.png", png_header(10, 10)[..20].to_vec()).ok(201),
        up("zip-bomb", "bomb.zip", zip_bomb()).ok(201),
        up("zip-as-jpg", "bomb.jpg", zip_bomb()).ok(201),
        up("gifar", "gifar.gif", gifar).ok(201).want("/asset/content_type", "image/gif".into()),
        up("jpeg-html-polyglot", "poly.html", polyglot).ok(201).want("/asset/content_type", "image/jpeg".into()),
        deliver("jpeg-html-polyglot-delivered")
            .ok(200)
            .want_header("content-type", "image/jpeg")
            .want_header("x-content-type-options", "nosniff"),
        up("html-as-jpg", "photo.jpg", html.into()).ok(201).want("/asset/content_type", "text/html".into()),
        deliver("html-as-jpg-delivered")
            .ok(200)
            .want_header("content-disposition", "attachment")
            .want_header("content-security-policy", "default-src 'none'"),
        up("svg-script", "x.svg", svg.into()).ok(201).want("/asset/content_type", "image/svg+xml".into()),
        deliver("svg-script-delivered").ok(200).want_header("content-disposition", "attachment"),
        up("svg-xxe", "xxe.svg", xxe.into()).ok(201),
        up("exe-as-jpg", "photo.jpg", exe()).is(415, "risky_file_type"),
        up("exe-no-extension", "photo", exe()).is(415, "risky_file_type"),
        up("elf-as-png", "x.png", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec()).is(415, "risky_file_type"),
        up("macho-as-gif", "x.gif", b"\xcf\xfa\xed\xfe\x07\0\0\x01\x03\0\0\0".to_vec()).is(415, "risky_file_type"),
        up("shebang-as-txt", "notes.txt", b"#!/bin/sh\nrm -rf /\n".to_vec()).is(415, "risky_file_type"),
        up("wasm-as-bin", "x.bin", b"\0asm\x01\0\0\0".to_vec()).is(415, "risky_file_type"),
        up("dex-as-jpg", "x.jpg", b"dex\n035\0\0\0\0\0".to_vec()).is(415, "risky_file_type"),
        up("iso-as-jpg", "disk.jpg", iso).is(415, "risky_file_type"),
        up("qcow-as-png", "disk.png", b"QFI\xfb\0\0\0\x03".to_vec()).is(415, "risky_file_type"),
        up("empty-exe", "empty.exe", Vec::new()).is(415, "risky_file_type"),
        up("lnk", "shortcut.lnk", b"L\0\0\0".to_vec()).is(415, "risky_file_type"),
        up("mz-text", "mz.txt", b"MZ is the start of this sentence.".to_vec())
            .ok(201)
            .want("/asset/content_type", "text/plain".into()),
        up(
            "pdf-with-js",
            "x.pdf",
            b"%PDF-1.4\n1 0 obj<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n%%EOF".to_vec(),
        )
        .ok(201),
        Case::put("bomb/replace-victim-with-exe", VICTIM)
            .form(vec![file("victim.txt", exe())])
            .is(415, "risky_file_type"),
    ]
}

fn range_rows() -> Vec<Case> {
    let many = format!("bytes={}", (0..1000).map(|i| format!("{i}-{i}")).collect::<Vec<_>>().join(","));
    let mut rows = Vec::new();
    for (target, url) in [("file", "{vb_url}"), ("permanent", "{vb_perm}")] {
        let row = |label: &str| Case::get(format!("range/{target}/{label}"), url);
        for (label, range, status, content_range) in [
            ("first-byte", "bytes=0-0", 206, "bytes 0-0/4096"),
            ("last-byte", "bytes=4095-", 206, "bytes 4095-4095/4096"),
            ("past-end", "bytes=4096-", 416, "bytes */4096"),
            ("beyond-u64-start", "bytes=18446744073709551616-", 416, "bytes */4096"),
            ("zero-suffix", "bytes=-0", 416, "bytes */4096"),
            ("unit-case", "BYTES=1-2", 206, "bytes 1-2/4096"),
            ("leading-zeros", "bytes=0001-0002", 206, "bytes 1-2/4096"),
            ("u64-max-end", "bytes=0-18446744073709551615", 206, "bytes 0-4095/4096"),
            ("beyond-u64-end", "bytes=10-18446744073709551616", 206, "bytes 10-4095/4096"),
            ("beyond-u64-suffix", "bytes=-18446744073709551616", 206, "bytes 0-4095/4096"),
            ("long-suffix", "bytes=-5000", 206, "bytes 0-4095/4096"),
            ("suffix", "bytes=-1", 206, "bytes 4095-4095/4096"),
        ] {
            rows.push(row(label).header("Range", range).ok(status).want_header("content-range", content_range));
        }
        for (label, range) in [
            ("inverted", "bytes=9-3"),
            ("two-ranges", "bytes=0-1,2-3"),
            ("empty-set", "bytes="),
            ("garbage", "bytes=abc"),
            ("other-unit", "items=0-1"),
            ("no-unit", "0-1"),
            ("fullwidth-digits", "bytes=０-１"),
            ("many-ranges", many.as_str()),
            ("negative-start", "bytes=-1-2"),
        ] {
            rows.push(row(label).header("Range", range).ok(200));
        }
        rows.push(row("non-ascii-range").header("Range", b"bytes=\xff-\xfe").ok(200));
        rows.push(row("two-range-headers").header("Range", "bytes=0-0").header("Range", "bytes=1-1").ok(206));
        rows.push(row("if-range-match").header("Range", "bytes=0-9").header("If-Range", "{vb_etag}").ok(206));
        rows.push(row("if-range-other").header("Range", "bytes=0-9").header("If-Range", "\"other\"").ok(200));
        rows.push(row("if-range-weak").header("Range", "bytes=0-9").header("If-Range", "W/{vb_etag}").ok(200));
        rows.push(
            row("if-range-date")
                .header("Range", "bytes=0-9")
                .header("If-Range", "Wed, 21 Oct 2015 07:28:00 GMT")
                .ok(200),
        );
        rows.push(row("if-none-match").header("If-None-Match", "{vb_etag}").ok(304));
        rows.push(row("if-none-match-star").header("If-None-Match", "*").ok(304));
        rows.push(row("if-none-match-weak").header("If-None-Match", "W/{vb_etag}").ok(304));
        rows.push(row("if-none-match-list").header("If-None-Match", "\"a\", {vb_etag}").ok(304));
        rows.push(row("if-none-match-other").header("If-None-Match", "\"other\"").ok(200));
        rows.push(row("if-none-match-garbage").header("If-None-Match", "\"").ok(200));
        rows.push(row("if-none-match-non-ascii").header("If-None-Match", b"\"\xff\"").ok(200));
        rows.push(
            row("if-none-match-with-range").header("If-None-Match", "{vb_etag}").header("Range", "bytes=0-0").ok(304),
        );
        rows.push(Case::new(format!("range/{target}/head-range"), "HEAD", url).header("Range", "bytes=1-2").ok(206));
    }
    rows.push(Case::get("range/empty-file", "{se_perm}").header("Range", "bytes=0-").is(416, "range_not_satisfiable"));
    rows.push(
        Case::get("range/empty-file-suffix", "{se_perm}").header("Range", "bytes=-1").is(416, "range_not_satisfiable"),
    );
    rows.push(Case::get("range/on-api", "/api/spaces/{v}").header("Range", "bytes=0-0").ok(200));
    rows.push(Case::get("range/with-download", "{vb_perm}?download=1").header("Range", "bytes=0-0").ok(206));
    rows
}

fn precondition_rows() -> Vec<Case> {
    let title = r#"{"title": "overwritten"}"#;
    let huge = (0..2000).map(|i| format!("\"x{i}\"")).collect::<Vec<_>>().join(", ");
    let mut rows = Vec::new();
    for (label, tag, status, code) in [
        ("stale", "\"v1\"", 412, "version_conflict"),
        ("weak-current", "W/\"v2\"", 412, "version_conflict"),
        ("stale-list", "\"v1\", \"v3\"", 412, "version_conflict"),
        ("inherited-form", "\"v2@en-us\"", 412, "version_conflict"),
        ("other-locale", "\"v2@fr-fr\"", 412, "version_conflict"),
        ("foreign", "\"not-ours\"", 412, "version_conflict"),
        ("empty-tag", "\"\"", 412, "version_conflict"),
        ("huge-list", huge.as_str(), 412, "version_conflict"),
        ("zero", "0", 400, "invalid_if_match"),
        ("negative", "-1", 400, "invalid_if_match"),
        ("huge-number", "99999999999999999999", 400, "invalid_if_match"),
        ("unquoted", "v2", 400, "invalid_if_match"),
        ("open-quote", "\"v2", 400, "invalid_if_match"),
        ("star-in-list", "*, \"v2\"", 400, "invalid_if_match"),
        ("empty", "", 400, "invalid_if_match"),
        ("commas", ",,,", 400, "invalid_if_match"),
        ("weak-prefix-only", "W/", 400, "invalid_if_match"),
        ("junk-after", "\"v2\"junk", 400, "invalid_if_match"),
        ("inner-quote", "\"v\"2\"", 400, "invalid_if_match"),
    ] {
        rows.push(
            Case::put(format!("if-match/edit/{label}"), VICTIM).header("If-Match", tag).json(title).is(status, code),
        );
    }
    rows.push(
        Case::put("if-match/edit/non-ascii", VICTIM)
            .header("If-Match", b"\"v\xff\"")
            .json(title)
            .is(400, "invalid_if_match"),
    );
    rows.push(
        Case::put("if-match/edit/two-stale-lines", VICTIM)
            .header("If-Match", "\"v1\"")
            .header("If-Match", "\"v3\"")
            .json(title)
            .is(412, "version_conflict"),
    );
    rows.push(
        Case::put("if-match/edit/beats-body", VICTIM)
            .header("If-Match", "\"v1\"")
            .json(r#"{"title": "x", "version": 2}"#)
            .is(412, "version_conflict"),
    );
    rows.push(
        Case::put("if-match/edit/missing-asset", "/api/spaces/{v}/assets/am01hostile")
            .header("If-Match", "*")
            .json(title)
            .is(404, "asset_not_found"),
    );
    for (label, tag, status, code) in [
        ("stale", "\"v1\"", 412, "version_conflict"),
        ("weak", "W/\"v2\"", 412, "version_conflict"),
        ("malformed", "bogus", 400, "invalid_if_match"),
    ] {
        rows.push(Case::delete(format!("if-match/delete/{label}"), VICTIM).header("If-Match", tag).is(status, code));
        rows.push(
            Case::post(format!("if-match/restore/{label}"), format!("{VICTIM}/versions/1/restore"))
                .header("If-Match", tag)
                .is(status, code),
        );
    }
    rows.push(
        Case::post("if-match/restore/missing-version-wins", format!("{VICTIM}/versions/99/restore"))
            .header("If-Match", "\"v1\"")
            .is(404, "version_not_found"),
    );
    let scratch = "/api/spaces/{s}/assets/{sa}";
    rows.extend([
        Case::put("if-match/scratch/star", scratch).header("If-Match", "*").json(r#"{"title": "star"}"#).ok(200),
        Case::put("if-match/scratch/if-none-match-ignored", scratch).header("If-None-Match", "*").json("{}").ok(200),
        Case::put("if-match/scratch/if-unmodified-since-ignored", scratch)
            .header("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT")
            .json("{}")
            .ok(200),
        Case::get("if-match/read-ignores-if-match", VICTIM).header("If-Match", "\"v1\"").ok(200),
        Case::post("if-match/scratch/upload-for-delete", UPLOAD).form(vec![file("d.txt", "d")]).ok(201),
        Case::delete("if-match/scratch/delete-star", "/api/spaces/{s}/assets/{last_uid}")
            .header("If-Match", "*")
            .ok(200),
        Case::delete("if-match/scratch/delete-again", "/api/spaces/{s}/assets/{last_uid}")
            .header("If-Match", "*")
            .is(404, "asset_not_found"),
    ]);
    rows
}

pub fn rows() -> Vec<Case> {
    let mut rows = multipart_rows();
    rows.extend(bomb_rows());
    rows.extend(range_rows());
    rows.extend(precondition_rows());
    rows
}
