//! Asset type detection on what `StandardProbe` really sniffs: the catalogue's MIME
//! types must be the ones this sniffer reports, or uploads would land in `binary`.

use trove_app::ports::media::MediaProbe;
use trove_domain::asset_types::{AssetType, catalogue, detect};
use trove_media::StandardProbe;
use trove_media::fixtures::{jpeg_header_with_orientation, png_header};

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

/// An ISO-BMFF `ftyp` box with `major` and `compatible` brands, then an empty `mdat`.
fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
    let size = 16 + 4 * compatible.len();
    let mut v = u32::try_from(size).unwrap_or(0).to_be_bytes().to_vec();
    v.extend_from_slice(b"ftyp");
    v.extend_from_slice(major);
    v.extend_from_slice(&[0, 0, 0, 0]);
    for b in compatible {
        v.extend_from_slice(*b);
    }
    v.extend_from_slice(b"\0\0\0\x08mdat");
    padded(&v, 64)
}

/// A ZIP local file header for an empty stored member `name`.
fn zip_member(name: &str) -> Vec<u8> {
    let mut v = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
    v.extend_from_slice(&[0; 12]); // crc, sizes
    v.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
    v.extend_from_slice(&[0, 0]); // extra length
    v.extend_from_slice(name.as_bytes());
    v
}

fn ooxml(part: &str) -> Vec<u8> {
    let mut v = zip_member("[Content_Types].xml");
    v.extend_from_slice(&zip_member(part));
    padded(&v, 256)
}

fn riff(kind: &[u8; 4], chunk: &[u8; 4]) -> Vec<u8> {
    let mut v = b"RIFF\x24\0\0\0".to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(chunk);
    padded(&v, 64)
}

#[test]
fn the_issue_formats_are_detected_from_real_sniffing() {
    let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".to_vec();
    let srt = b"1\n00:00:01,000 --> 00:00:02,500\nHello there\n".to_vec();
    let mut gif = b"GIF89a\x10\0\x10\0\xF7\0\0".to_vec();
    gif.resize(32, 0);
    let cases: Vec<(Vec<u8>, &str, &str)> = vec![
        (jpeg_header_with_orientation(10, 10, 1), "photo.jpg", "jpeg_jpg"),
        (jpeg_header_with_orientation(10, 10, 1), "photo.jpeg", "jpeg_jpg"),
        (png_header(10, 10), "logo.png", "png"),
        (riff(b"WEBP", b"VP8X"), "hero.webp", "webp"),
        (gif, "anim.gif", "gif"),
        (svg, "icon.svg", "svg"),
        (padded(b"II*\0\x08\0\0\0", 64), "scan.tiff", "tiff_tif"),
        (padded(b"II*\0\x08\0\0\0", 64), "scan.tif", "tiff_tif"),
        (ftyp(b"heic", &[b"mif1", b"heic"]), "IMG_0001.heic", "heic"),
        (padded(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 64), "report.pdf", "pdf"),
        (ftyp(b"isom", &[b"isom", b"mp41"]), "clip.mp4", "mp4"),
        (ftyp(b"qt  ", &[b"qt  "]), "clip.mov", "mov"),
        (padded(b"ID3\x04\0\0\0\0\0\0\xFF\xFB\x90\x64", 128), "song.mp3", "mp3"),
        (riff(b"WAVE", b"fmt "), "take.wav", "wav"),
        (padded(&zip_member("a.txt"), 128), "bundle.zip", "zip"),
        (ooxml("word/document.xml"), "letter.docx", "docx"),
        (ooxml("xl/workbook.xml"), "sheet.xlsx", "xlsx"),
        (ooxml("ppt/presentation.xml"), "deck.pptx", "pptx"),
        // A container whose head shows no OOXML part still takes its name's type.
        (padded(&zip_member("a.txt"), 128), "letter.docx", "docx"),
        (padded(&zip_member("a.txt"), 128), "sheet.xlsx", "xlsx"),
        (padded(&zip_member("a.txt"), 128), "deck.pptx", "pptx"),
        (padded(b"wOF2\0\x01\0\0", 64), "brand.woff2", "woff2"),
        (padded(b"wOFF\0\x01\0\0", 64), "brand.woff", "woff"),
        (padded(b"glTF\x02\0\0\0\x40\0\0\0", 64), "chair.glb", "glb"),
        (srt, "film.srt", "srt"),
    ];
    for (bytes, name, want) in cases {
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
