//! Image dimensions as a viewer displays them, from the first bytes only.

use std::io::Cursor;

use trove_domain::model::Dimensions;

use crate::sniff::SVG;

/// Formats whose EXIF `Orientation` tag viewers apply and `imagesize` ignores.
///
/// HEIF/AVIF rotate through their `irot` box, which `imagesize` already applies
/// (their EXIF orientation is informational only), and JPEG XL's own orientation
/// field is applied by `imagesize` too, so those are left out to avoid a double
/// swap.
const EXIF_ORIENTED_TYPES: &[&str] = &["image/jpeg", "image/png", "image/webp", "image/tiff", "image/x-canon-cr2"];

/// The display dimensions of the image in `head`, whose sniffed type is
/// `content_type`; `None` for non-images, SVG (no intrinsic pixel size) and
/// headers too broken or short to read.
///
/// EXIF orientations 5–8 rotate the picture by a quarter turn, so width and
/// height swap: a portrait photo stored landscape is reported as portrait,
/// which is what layout code needs.
pub(crate) fn display_dimensions(head: &[u8], content_type: &str) -> Option<Dimensions> {
    if !content_type.starts_with("image/") || content_type == SVG {
        return None;
    }
    let size = imagesize::blob_size(head).ok()?;
    let width = u32::try_from(size.width).ok().filter(|w| *w > 0)?;
    let height = u32::try_from(size.height).ok().filter(|h| *h > 0)?;
    let quarter_turn =
        EXIF_ORIENTED_TYPES.contains(&content_type) && exif_orientation(head).is_some_and(|o| (5..=8).contains(&o));
    Some(if quarter_turn { Dimensions { width: height, height: width } } else { Dimensions { width, height } })
}

/// The EXIF `Orientation` of the primary image, if the head carries one.
/// Malformed or truncated EXIF is the same as none.
fn exif_orientation(head: &[u8]) -> Option<u32> {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(head)).ok()?;
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)?.value.get_uint(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{jpeg_header_with_orientation, png_header};

    #[test]
    fn orientation_is_read_from_a_jpeg_header() {
        for o in 1..=8 {
            let jpeg = jpeg_header_with_orientation(4, 3, o);
            assert_eq!(exif_orientation(&jpeg), Some(u32::from(o)));
        }
        assert_eq!(exif_orientation(&png_header(4, 3)), None);
    }

    #[test]
    fn every_quarter_turn_orientation_swaps() {
        for o in 1..=8u16 {
            let jpeg = jpeg_header_with_orientation(640, 480, o);
            let dims = display_dimensions(&jpeg, "image/jpeg");
            let want = if o >= 5 { (480, 640) } else { (640, 480) };
            assert_eq!(dims.map(|d| (d.width, d.height)), Some(want), "orientation {o}");
        }
    }

    #[test]
    fn non_images_and_svg_have_no_dimensions() {
        let png = png_header(10, 20);
        assert_eq!(display_dimensions(&png, "application/octet-stream"), None);
        assert_eq!(display_dimensions(b"<svg width=\"5\"/>", SVG), None);
    }

    #[test]
    fn zero_sized_images_have_no_dimensions() {
        assert_eq!(display_dimensions(&png_header(0, 20), "image/png"), None);
    }

    #[test]
    fn heif_orientation_is_not_applied_twice() {
        let jpeg = jpeg_header_with_orientation(640, 480, 6);
        // Mislabelled on purpose: only the listed types get EXIF rotation.
        let dims = display_dimensions(&jpeg, "image/heif");
        assert_eq!(dims.map(|d| (d.width, d.height)), Some((640, 480)));
    }
}
