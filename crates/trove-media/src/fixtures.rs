//! Tiny hand-built image headers for tests.
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
