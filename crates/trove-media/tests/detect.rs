//! Asset type detection on what `StandardProbe` really sniffs: the catalogue's MIME
//! types must be the ones this sniffer reports, or uploads would land in `binary`.

use trove_app::ports::media::MediaProbe;
use trove_domain::asset_types::{AssetType, catalogue, detect};
use trove_media::StandardProbe;
use trove_media::fixtures::{issue_formats, png_header};

/// The uid detection picks for `bytes` named `name`, and the sniffed type (for messages).
fn detected(bytes: &[u8], name: &str) -> (String, String) {
    let info = StandardProbe.probe(bytes, name, bytes.len() as u64);
    let uid = detect(catalogue(), &info.content_type, name).map_or("<none>", |t| t.uid.as_str());
    (uid.to_owned(), info.content_type)
}

fn padded(head: &[u8], len: usize) -> Vec<u8> {
    let mut v = head.to_vec();
    v.resize(len.max(head.len()), 0);
    v
}

#[test]
fn the_issue_formats_are_detected_from_real_sniffing() {
    for (bytes, name, want) in issue_formats() {
        let (uid, sniffed) = detected(&bytes, name);
        assert_eq!(uid, want, "{name} sniffed as {sniffed}");
    }
}

#[test]
fn bytes_named_as_another_kind_keep_the_kind_of_their_bytes() {
    assert_eq!(detected(&png_header(1, 1), "invoice.pdf").0, "png");
    assert_eq!(detected(&png_header(1, 1), "letter.docx").0, "png");
    assert_eq!(detected(&padded(b"\0\x13\x37garbage", 64), "fake.png").0, "binary");
    assert_eq!(detected(b"just some words\n", "fake.png").0, "plain_text");
    assert_eq!(detected(b"", "empty.png").0, "binary");
}

const XML_BODY: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root><item/></root>\n";

/// Every type that claims a text MIME type gets text (and XML, when it claims an
/// XML type) named with its extensions:
/// proof that it lists the type the sniffer derives from that extension.
#[test]
fn text_named_with_a_text_types_extension_is_that_type() {
    let texty = |t: &AssetType| t.mime_types.iter().any(|m| m.starts_with("text/") && !m.ends_with('*'));
    let mut checked = 0;
    let mut wrong = Vec::new();
    for t in catalogue().iter().filter(|t| texty(t)) {
        let xml = t.claims_mime("text/xml") || t.claims_mime("application/xml");
        let bodies: &[&[u8]] = if xml { &[b"hello, world\n", XML_BODY] } else { &[b"hello, world\n"] };
        for (ext, body) in t.file_extensions.iter().flat_map(|e| bodies.iter().map(move |b| (e, b))) {
            let name = format!("sample.{ext}");
            let (uid, sniffed) = detected(body, &name);
            if uid != t.uid {
                wrong.push(format!("{name} sniffed as {sniffed} is {uid}, not {}", t.uid));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked > 80, "only {checked} extensions checked");
}

/// Every type that claims `application/octet-stream` gets unrecognised bytes named
/// with its extensions (formats the sniffer has no magic number for).
#[test]
fn unrecognised_bytes_named_with_a_binary_types_extension_are_that_type() {
    let garbage = padded(b"\0\x13\x37\xFEnot a known magic", 64);
    let mut checked = 0;
    for t in catalogue().iter().filter(|t| t.claims_mime("application/octet-stream")) {
        for ext in &t.file_extensions {
            let name = format!("sample.{ext}");
            assert_eq!(detected(&garbage, &name).0, t.uid, "{name}");
            checked += 1;
        }
    }
    assert!(checked > 40, "only {checked} extensions checked");
}
