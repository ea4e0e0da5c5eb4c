//! Tiny hand-built file headers for tests.
//!
//! Always compiled (it is a few hundred bytes of code) so that tests in other
//! crates, such as the HTTP upload tests, can craft realistic uploads without
//! binary fixture files. The images are headers only: enough for [`StandardProbe`]
//! to sniff the type, read the size and the EXIF orientation, but with no pixel
//! data, so decoders would reject them.
//!
//! [`StandardProbe`]: crate::StandardProbe

/// The EXIF attribute block (a little-endian TIFF structure) holding one IFD0
/// entry, `Orientation` (tag `0x0112`, SHORT, count 1) = `orientation`.
///
/// This is the payload JPEG APP1 (after `Exif\0\0`), PNG `eXIf` and WebP `EXIF`
/// chunks carry.
pub fn exif_block(orientation: u16) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"II*\0"); // little-endian TIFF magic
    tiff.extend_from_slice(&8u32.to_le_bytes()); // IFD0 right after the header
    tiff.extend_from_slice(&1u16.to_le_bytes()); // one entry
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes()); // count
    tiff.extend_from_slice(&orientation.to_le_bytes()); // value, left-justified
    tiff.extend_from_slice(&[0, 0]); // padding of the 4-byte value field
    tiff.extend_from_slice(&0u32.to_le_bytes()); // no next IFD
    tiff
}

/// A JPEG header of `width` × `height` stored pixels whose EXIF says
/// `orientation` (1 = upright, 6 = rotate 90° clockwise, …).
///
/// Layout: SOI, APP1 `Exif\0\0` + [`exif_block`], SOF0 (baseline, 8-bit, three
/// components), EOI. A real JPEG would carry tables and scan data between SOF0
/// and EOI; probing needs none of that.
pub fn jpeg_header_with_orientation(width: u16, height: u16, orientation: u16) -> Vec<u8> {
    let exif = exif_block(orientation);
    let mut jpeg = vec![0xFF, 0xD8]; // SOI
    jpeg.extend_from_slice(&[0xFF, 0xE1]); // APP1
    jpeg.extend_from_slice(&segment_length(6 + exif.len()));
    jpeg.extend_from_slice(b"Exif\0\0");
    jpeg.extend_from_slice(&exif);
    jpeg.extend_from_slice(&[0xFF, 0xC0]); // SOF0
    jpeg.extend_from_slice(&17u16.to_be_bytes());
    jpeg.push(8); // sample precision
    jpeg.extend_from_slice(&height.to_be_bytes());
    jpeg.extend_from_slice(&width.to_be_bytes());
    jpeg.push(3); // components: Y (2×2 sampling), Cb, Cr
    jpeg.extend_from_slice(&[1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    jpeg.extend_from_slice(&[0xFF, 0xD9]); // EOI
    jpeg
}

/// A PNG header of `width` × `height` (8-bit RGBA): signature, IHDR, IEND, with
/// correct CRCs.
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = png_start(width, height);
    png.extend_from_slice(&png_chunk(b"IEND", &[]));
    png
}

/// Like [`png_header`] with an `eXIf` chunk whose orientation is `orientation`.
pub fn png_header_with_orientation(width: u32, height: u32, orientation: u16) -> Vec<u8> {
    let mut png = png_start(width, height);
    png.extend_from_slice(&png_chunk(b"eXIf", &exif_block(orientation)));
    png.extend_from_slice(&png_chunk(b"IEND", &[]));
    png
}

fn png_start(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 6 (RGBA), deflate, adaptive filter, no interlace.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    png
}

/// One PNG chunk: length, type, data, CRC-32 of type and data.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(12 + data.len());
    let len = u32::try_from(data.len()).unwrap_or(u32::MAX);
    chunk.extend_from_slice(&len.to_be_bytes());
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

/// A JPEG marker segment's length field: the payload plus the field itself.
fn segment_length(payload: usize) -> [u8; 2] {
    u16::try_from(payload + 2).unwrap_or(u16::MAX).to_be_bytes()
}

/// CRC-32 (IEEE, reflected), bit by bit: fixtures are tiny, speed is moot.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

/// `head` followed by zeros up to `len` bytes.
pub fn padded(head: &[u8], len: usize) -> Vec<u8> {
    let mut v = head.to_vec();
    v.resize(len.max(head.len()), 0);
    v
}

/// An ISO-BMFF `ftyp` box with `major` and `compatible` brands, then an empty `mdat`.
pub fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
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
pub fn zip_member(name: &str) -> Vec<u8> {
    let mut v = b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0".to_vec();
    v.extend_from_slice(&[0; 12]); // crc, sizes
    v.extend_from_slice(&u16::try_from(name.len()).unwrap_or(0).to_le_bytes());
    v.extend_from_slice(&[0, 0]); // extra length
    v.extend_from_slice(name.as_bytes());
    v
}

/// A ZIP whose head shows an Office Open XML document of main part `part`.
pub fn ooxml(part: &str) -> Vec<u8> {
    let mut v = zip_member("[Content_Types].xml");
    v.extend_from_slice(&zip_member(part));
    padded(&v, 256)
}

/// A RIFF file of form `kind` starting with chunk `chunk`.
pub fn riff(kind: &[u8; 4], chunk: &[u8; 4]) -> Vec<u8> {
    let mut v = b"RIFF\x24\0\0\0".to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(chunk);
    padded(&v, 64)
}

/// One sample of each format asset type detection must tell apart, named as users
/// name them, with the built-in type it must get: `(bytes, file name, type UID)`.
pub fn issue_formats() -> Vec<(Vec<u8>, &'static str, &'static str)> {
    let svg = b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".to_vec();
    let srt = b"1\n00:00:01,000 --> 00:00:02,500\nHello there\n".to_vec();
    let mut gif = b"GIF89a\x10\0\x10\0\xF7\0\0".to_vec();
    gif.resize(32, 0);
    vec![
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
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_reference_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        // The IEND chunk's CRC is the same in every PNG.
        assert_eq!(png_chunk(b"IEND", &[])[8..], [0xAE, 0x42, 0x60, 0x82]);
    }

    #[test]
    fn jpeg_header_has_the_expected_layout() {
        let jpeg = jpeg_header_with_orientation(0x0102, 0x0304, 6);
        assert_eq!(&jpeg[..4], &[0xFF, 0xD8, 0xFF, 0xE1]);
        assert_eq!(u16::from_be_bytes([jpeg[4], jpeg[5]]), 34);
        assert_eq!(&jpeg[6..12], b"Exif\0\0");
        let sof = 4 + 34;
        assert_eq!(&jpeg[sof..sof + 2], &[0xFF, 0xC0]);
        assert_eq!(&jpeg[sof + 5..sof + 9], &[0x03, 0x04, 0x01, 0x02]);
        assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9]);
    }
}
