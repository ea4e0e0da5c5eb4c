//! Content-type sniffing: the bytes decide, the file name only picks among text types.
//!
//! The client's `Content-Type` and extension are never trusted for binary data,
//! because serving attacker-labelled bytes under a type of their choosing is how
//! content-sniffing and polyglot attacks start. Plain text carries no magic
//! number, so for text (and only for text) a *textual* type guessed from the
//! extension is accepted: it lets `report.csv` be `text/csv` without letting
//! `evil.png` claim to be an image.

use infer::MatcherType;

/// The type of anything unrecognised, and of empty files.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";
/// The type of text the extension says nothing useful about.
pub(crate) const TEXT_PLAIN: &str = "text/plain";
/// SVG, detected by [`is_svg`] because `infer` has no SVG matcher.
pub(crate) const SVG: &str = "image/svg+xml";

/// Types `infer` reports that are legitimately pure text, so they are kept even
/// when the head looks like text. Every other binary type `infer` reports on a
/// text head comes from a weak two- or three-byte magic (`BM` → BMP, `MZ` → EXE,
/// `FWS` → Flash, `OTTO` → font) matching ordinary prose, and is discarded.
const TEXT_BASED_FORMATS: &[&str] = &[
    "application/pdf",
    "application/postscript",
    "application/rtf",
    "application/x-x509-ca-cert",
    "application/x-unix-archive",
];

/// Non-`text/*` types an extension may give to text content.
const TEXTUAL_APPLICATION_TYPES: &[&str] = &[
    "application/json",
    "application/ld+json",
    "application/xml",
    "application/javascript",
    "application/ecmascript",
    "application/x-yaml",
    "application/yaml",
    "application/toml",
];

/// Whether `head` reads as UTF-8 text: valid UTF-8 without NUL bytes.
///
/// When `head` is only a prefix of the file (`complete` is false) the cut may fall
/// inside a multi-byte character, so an incomplete sequence at the very end is
/// allowed; a whole file that ends mid-character is not text.
pub(crate) fn looks_like_text(head: &[u8], complete: bool) -> bool {
    if head.contains(&0) {
        return false;
    }
    match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => !complete && e.error_len().is_none(),
    }
}

/// The sniffed MIME type of a non-empty `head`; `text` is [`looks_like_text`].
pub(crate) fn content_type(head: &[u8], text: bool, ext: Option<&str>) -> &'static str {
    if head.is_empty() {
        return OCTET_STREAM;
    }
    let sniffed = infer::get(head);
    if !text {
        return sniffed.map_or(OCTET_STREAM, |t| t.mime_type());
    }
    if is_svg(head) {
        return SVG;
    }
    if let Some(t) = sniffed.filter(|t| TEXT_BASED_FORMATS.contains(&t.mime_type())) {
        return t.mime_type();
    }
    // infer's own text matchers (HTML, XML, shebang) only refine text/plain: a
    // textual extension is as good a witness as they are.
    let infer_text = sniffed.filter(|t| t.matcher_type() == MatcherType::Text).map(|t| t.mime_type());
    ext.and_then(textual_guess).or(infer_text).unwrap_or(TEXT_PLAIN)
}

/// The type `mime_guess` gives `ext`, if that type is textual.
fn textual_guess(ext: &str) -> Option<&'static str> {
    let mime = mime_guess::from_ext(ext).first_raw()?;
    (mime.starts_with("text/") || TEXTUAL_APPLICATION_TYPES.contains(&mime)).then_some(mime)
}

/// Whether the text in `head` is an SVG document: after an optional BOM,
/// whitespace, XML declaration, processing instructions, comments and a DOCTYPE,
/// the root element is `<svg`. HTML that merely embeds an `<svg>` is not SVG.
pub(crate) fn is_svg(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        let skipped = if let Some(r) = rest.strip_prefix(b"<?") {
            after(r, b"?>")
        } else if let Some(r) = rest.strip_prefix(b"<!--") {
            after(r, b"-->")
        } else if starts_with_ignore_case(rest, b"<!DOCTYPE") {
            skip_doctype(rest)
        } else {
            break;
        };
        match skipped {
            Some(r) => rest = r,
            // The prolog runs past the head; the root element is out of sight.
            None => return false,
        }
    }
    match rest.strip_prefix(b"<svg") {
        Some(r) => r.first().is_none_or(|b| b.is_ascii_whitespace() || matches!(b, b'>' | b'/')),
        None => false,
    }
}

/// The bytes after the first `needle` in `haystack`.
fn after<'a>(haystack: &'a [u8], needle: &[u8]) -> Option<&'a [u8]> {
    let at = haystack.windows(needle.len()).position(|w| w == needle)?;
    haystack.get(at + needle.len()..)
}

fn starts_with_ignore_case(haystack: &[u8], prefix: &[u8]) -> bool {
    haystack.get(..prefix.len()).is_some_and(|h| h.eq_ignore_ascii_case(prefix))
}

/// The bytes after a `<!DOCTYPE …>` declaration, honouring quoted strings and an
/// internal subset in brackets (whose entity declarations contain `>`).
fn skip_doctype(decl: &[u8]) -> Option<&[u8]> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, &b) in decl.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'[') => depth += 1,
            (None, b']') => depth = depth.saturating_sub(1),
            (None, b'>') if depth == 0 => return decl.get(i + 1..),
            (None, _) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_detection_allows_a_cut_character_only_in_a_prefix() {
        let euro = "price: 5€".as_bytes();
        let cut = &euro[..euro.len() - 1];
        assert!(looks_like_text(euro, true));
        assert!(looks_like_text(cut, false));
        assert!(!looks_like_text(cut, true));
        assert!(!looks_like_text(b"ab\0cd", false));
        assert!(!looks_like_text(b"\xff\xfeab", false));
    }

    #[test]
    fn svg_detection_skips_prolog_but_needs_an_svg_root() {
        assert!(is_svg(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"));
        assert!(is_svg(
            b"\xEF\xBB\xBF  <?xml version=\"1.0\"?>\n<!-- made by hand -->\n\
              <!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\" [\n\
              <!ENTITY a \"<b>\">\n]>\n<svg width=\"1\">"
        ));
        assert!(is_svg(b"<svg>"));
        assert!(!is_svg(b"<svgfoo>"));
        assert!(!is_svg(b"<html><body><svg></svg></body></html>"));
        assert!(!is_svg(b"<!-- never closed <svg>"));
        assert!(!is_svg(b"hello <svg>"));
        assert!(!is_svg(b""));
    }

    #[test]
    fn weak_binary_magic_on_text_is_ignored() {
        assert_eq!(content_type(b"BMW service log\n", true, None), TEXT_PLAIN);
        assert_eq!(content_type(b"MZ is a nice prefix\n", true, None), TEXT_PLAIN);
        assert_eq!(content_type(b"%PDF-1.4\n1 0 obj\n", true, Some("txt")), "application/pdf");
    }

    #[test]
    fn textual_extension_refines_infer_text_types() {
        let html = b"<html><body>hi</body></html>";
        assert_eq!(content_type(html, true, None), "text/html");
        assert_eq!(content_type(html, true, Some("txt")), TEXT_PLAIN);
        assert_eq!(content_type(b"{\"a\":1}", true, Some("json")), "application/json");
        assert_eq!(content_type(b"a,b\n", true, Some("ts")), TEXT_PLAIN);
        assert_eq!(content_type(b"just words", true, Some("svg")), TEXT_PLAIN);
        assert_eq!(content_type(b"<p>x</p>", true, Some("svg")), "text/html");
    }
}
