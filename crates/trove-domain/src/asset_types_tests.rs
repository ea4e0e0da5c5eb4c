use std::collections::{HashMap, HashSet};

use super::*;

fn uid_of(mime: &str, name: &str) -> &'static str {
    detect(catalogue(), mime, name).map_or("<none>", |t| t.uid.as_str())
}

#[test]
fn the_catalogue_is_large_and_covers_every_category_the_issue_names() {
    let types = catalogue();
    assert!(types.len() >= 120, "only {} types", types.len());
    for category in Category::ALL {
        assert!(types.iter().any(|t| t.category == category), "no type in {}", category.as_str());
    }
}

#[test]
fn every_type_is_well_formed() {
    let mut uids = HashSet::new();
    for t in catalogue() {
        assert!(uids.insert(t.uid.as_str()), "{} twice", t.uid);
        assert!(!t.uid.is_empty() && t.uid.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'), "{}", t.uid);
        assert!(t.uid.bytes().all(|b| !b.is_ascii_uppercase()), "{}", t.uid);
        assert!(!t.title.is_empty() && t.title.chars().count() <= MAX_TITLE, "{}", t.uid);
        assert!(t.description.starts_with(&t.title), "{}", t.uid);
        assert!(t.is_system && t.fields.is_empty(), "{}", t.uid);
        assert!(!t.mime_types.is_empty(), "{} has no MIME type", t.uid);
        for s in t.mime_types.iter().chain(&t.file_extensions) {
            assert_eq!(*s, s.to_ascii_lowercase(), "{}", t.uid);
            assert!(!s.is_empty() && !s.contains(char::is_whitespace) && !s.starts_with('.'), "{}", t.uid);
        }
        for m in &t.mime_types {
            assert_eq!(m.matches('/').count(), 1, "{}: {m}", t.uid);
        }
        let exts: HashSet<_> = t.file_extensions.iter().collect();
        let mimes: HashSet<_> = t.mime_types.iter().collect();
        assert_eq!(exts.len(), t.file_extensions.len(), "{} repeats an extension", t.uid);
        assert_eq!(mimes.len(), t.mime_types.len(), "{} repeats a MIME type", t.uid);
    }
}

#[test]
fn each_mime_and_extension_pair_belongs_to_exactly_one_type() {
    let mut owner: HashMap<(&str, &str), &str> = HashMap::new();
    for t in catalogue() {
        for m in &t.mime_types {
            for e in &t.file_extensions {
                if let Some(other) = owner.insert((m, e), &t.uid) {
                    panic!("({m}, .{e}) belongs to both {other} and {}", t.uid);
                }
            }
        }
    }
    assert!(owner.len() > 300);
}

#[test]
fn canonical_mime_types_are_unique_so_mime_alone_is_unambiguous() {
    let mut seen = HashMap::new();
    for t in catalogue() {
        if let Some(other) = seen.insert(t.content_type(), &t.uid) {
            panic!("{} is canonical for both {other} and {}", t.content_type(), t.uid);
        }
    }
}

#[test]
fn restricted_extensions_belong_to_no_unrestricted_type() {
    let mut label: HashMap<&str, Option<Restriction>> = HashMap::new();
    for t in catalogue() {
        for e in &t.file_extensions {
            if let Some(before) = label.insert(e, t.restricted) {
                assert_eq!(before, t.restricted, ".{e} is both {before:?} and {:?} ({})", t.restricted, t.uid);
            }
        }
    }
}

#[test]
fn restricted_categories_carry_their_label() {
    for t in catalogue() {
        let want = match t.category {
            Category::Code => Some(Restriction::Script),
            Category::Executables => Some(Restriction::Executable),
            Category::VmImages => Some(Restriction::VmImage),
            Category::Webassembly => Some(Restriction::Webassembly),
            Category::Web if t.uid == "javascript" => Some(Restriction::Script),
            _ => None,
        };
        assert_eq!(t.restricted, want, "{}", t.uid);
    }
    assert_eq!(restriction_of_file_name("app.js"), Some(Restriction::Script));
    assert_eq!(restriction_of_file_name("app.wasm"), Some(Restriction::Webassembly));
}

#[test]
fn restriction_of_file_name_ignores_case_and_trailing_dots() {
    assert_eq!(restriction_of_file_name("Setup.EXE"), Some(Restriction::Executable));
    assert_eq!(restriction_of_file_name("evil.exe."), Some(Restriction::Executable));
    assert_eq!(restriction_of_file_name("photo.jpg.bat"), Some(Restriction::Script));
    assert_eq!(restriction_of_file_name("photo.exe.jpg"), None);
    assert_eq!(restriction_of_file_name("disk.vhdx"), Some(Restriction::VmImage));
    assert_eq!(restriction_of_file_name("query.sql"), Some(Restriction::Script));
    assert_eq!(restriction_of_file_name("exe"), None);
    assert_eq!(restriction_of_file_name("notes.txt"), None);
    let labels: Vec<_> = Restriction::ALL.iter().map(|r| r.label()).collect();
    assert_eq!(labels, ["executable", "script", "webassembly", "vm_image"]);
    assert_eq!(serde_json::to_value(Restriction::VmImage).ok(), Some(serde_json::json!("vm_image")));
}

#[test]
fn category_wire_names_match_serde() {
    for c in Category::ALL {
        assert_eq!(serde_json::to_value(c).ok(), Some(serde_json::json!(c.as_str())));
    }
}

/// The MIME types are what `trove-media`'s sniffer returns (its tests check that).
#[test]
fn common_uploads_are_detected() {
    let cases = [
        ("image/jpeg", "photo.jpg", "jpeg_jpg"),
        ("image/jpeg", "photo.JPEG", "jpeg_jpg"),
        ("image/png", "logo.png", "png"),
        ("image/webp", "hero.webp", "webp"),
        ("image/gif", "anim.gif", "gif"),
        ("image/svg+xml", "icon.svg", "svg"),
        ("image/tiff", "scan.tif", "tiff_tif"),
        ("image/tiff", "scan.tiff", "tiff_tif"),
        ("image/heif", "IMG_0001.HEIC", "heic"),
        ("image/heif", "still.heif", "heif"),
        ("application/pdf", "report.pdf", "pdf"),
        ("video/mp4", "clip.mp4", "mp4"),
        ("video/quicktime", "clip.mov", "mov"),
        ("audio/mpeg", "song.mp3", "mp3"),
        ("audio/x-wav", "take.wav", "wav"),
        (ZIP_MIME, "bundle.zip", "zip"),
        (ZIP_MIME, "letter.docx", "docx"),
        (ZIP_MIME, "sheet.xlsx", "xlsx"),
        (ZIP_MIME, "deck.pptx", "pptx"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "letter.docx", "docx"),
        ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "sheet.xlsx", "xlsx"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "deck.pptx", "pptx"),
        ("application/font-woff", "brand.woff2", "woff2"),
        ("application/font-woff", "brand.woff", "woff"),
        ("application/octet-stream", "chair.glb", "glb"),
        ("text/plain", "film.srt", "srt"),
    ];
    for (mime, name, want) in cases {
        assert_eq!(uid_of(mime, name), want, "{mime} {name}");
    }
}

const ZIP_MIME: &str = "application/zip";

#[test]
fn the_bytes_decide_and_the_extension_only_chooses_among_their_types() {
    // Bytes of one kind named as another keep the kind of their bytes.
    assert_eq!(uid_of("image/png", "invoice.pdf"), "png");
    assert_eq!(uid_of("application/pdf", "photo.jpg"), "pdf");
    assert_eq!(uid_of(ZIP_MIME, "photo.png"), "zip");
    assert_eq!(uid_of("application/font-woff", "font.ttf"), "woff");
    // Unknown bytes do not become an image because of their name.
    assert_eq!(uid_of("application/octet-stream", "fake.png"), BINARY);
    assert_eq!(uid_of("text/plain", "fake.png"), PLAIN_TEXT);
    // No extension, or an unknown one: the MIME type alone.
    assert_eq!(uid_of("image/jpeg", "photo"), "jpeg_jpg");
    assert_eq!(uid_of("application/font-sfnt", "font.xyz"), "ttf");
    assert_eq!(uid_of("audio/ogg", "voice"), "ogg");
    assert_eq!(uid_of("audio/ogg", "film.ogv"), "ogv");
    // Parameters and case in the MIME type do not matter.
    assert_eq!(uid_of("Text/Plain; charset=utf-8", "notes.TXT"), PLAIN_TEXT);
}

#[test]
fn every_upload_gets_a_type() {
    assert_eq!(uid_of("image/x-unheard-of", "a.zzz"), "other_image");
    assert_eq!(uid_of("video/x-unheard-of", "a"), "other_video");
    assert_eq!(uid_of("audio/x-unheard-of", "a"), "other_audio");
    assert_eq!(uid_of("text/x-unheard-of", "a"), "other_text");
    assert_eq!(uid_of("font/x-unheard-of", "a"), "other_font");
    assert_eq!(uid_of("application/x-unheard-of", "a.b"), BINARY);
    assert_eq!(uid_of("", ""), BINARY);
    assert_eq!(uid_of("application/octet-stream", "...."), BINARY);
    assert!(detect(&[], "image/png", "a.png").is_none());
}

#[test]
fn types_without_fallbacks_detect_only_what_they_claim() {
    let png: Vec<AssetType> = catalogue().iter().filter(|t| t.uid == "png").cloned().collect();
    assert_eq!(detect(&png, "image/png", "x.png").map(|t| t.uid.as_str()), Some("png"));
    assert_eq!(detect(&png, "image/gif", "x.png"), None);
}

/// The table in `docs/asset-types.md`; `UPDATE_DOCS=1` rewrites it.
#[test]
fn the_documented_catalogue_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/asset-types.md");
    let doc = std::fs::read_to_string(path).unwrap_or_default();
    let (start, end) = ("<!-- catalogue:start -->\n", "<!-- catalogue:end -->");
    let table = catalogue_table();
    let current = doc.split_once(start).and_then(|(_, rest)| rest.split_once(end)).map(|(t, _)| t);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        let (head, tail) = match doc.split_once(start) {
            Some((head, rest)) => (head.to_owned(), rest.split_once(end).map_or("\n", |(_, t)| t).to_owned()),
            None => ("# Asset types\n\n".to_owned(), "\n".to_owned()),
        };
        std::fs::write(path, format!("{head}{start}{table}{end}{tail}")).expect("write docs/asset-types.md");
        return;
    }
    assert_eq!(current, Some(table.as_str()), "docs/asset-types.md is stale: run with UPDATE_DOCS=1");
}

fn catalogue_table() -> String {
    let mut out = String::new();
    for category in Category::ALL {
        out.push_str(&format!("\n### {}\n\n", category.as_str()));
        out.push_str("| UID | Title | MIME types | Extensions | Restricted |\n|---|---|---|---|---|\n");
        for t in catalogue().iter().filter(|t| t.category == category) {
            let exts: Vec<String> = t.file_extensions.iter().map(|e| format!("`.{e}`")).collect();
            let mimes: Vec<String> = t.mime_types.iter().map(|m| format!("`{m}`")).collect();
            let restricted = t.restricted.map_or(String::new(), |r| format!("`{}`", r.label()));
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                t.uid,
                t.title,
                mimes.join(" "),
                exts.join(" "),
                restricted
            ));
        }
    }
    out.push('\n');
    out
}

#[test]
fn an_organization_type_is_checked_whole_and_claims_its_pairs() {
    let mut t = catalogue().iter().find(|t| t.uid == "jpeg_jpg").cloned().unwrap();
    assert_eq!(t.pairs().len(), t.mime_types.len() * t.file_extensions.len());
    t.file_extensions.clear();
    assert!(t.pairs().iter().all(|(_, e)| e.is_empty()), "no extension: the MIME types alone");
    let mut errs = crate::FieldErrors::default();
    check_definition(&t, &mut errs);
    assert!(errs.is_empty(), "{errs:?}");
    t.uid = "a-b".into();
    t.title = format!(" {} ", "t".repeat(MAX_TITLE));
    t.mime_types = vec!["Image/JPEG".into(), "image/x".into(), "image/x".into()];
    t.file_extensions = vec![".jpg".into(), "x".repeat(MAX_EXTENSION + 1)];
    t.icon = Some("Big".into());
    let mut errs = crate::FieldErrors::default();
    check_definition(&t, &mut errs);
    let e = errs.finish().unwrap_err();
    let keys: Vec<&str> = e.fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["file_extensions[0]", "file_extensions[1]", "icon", "mime_types[0]", "mime_types[2]", "title", "uid"]
    );
    assert!(is_mime("application/vnd.ms-excel") && is_mime("image/svg+xml") && !is_mime("text/") && !is_mime("a/b/c"));
}
