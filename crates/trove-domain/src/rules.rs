//! Validation and normalisation rules from the product definition, as pure functions.

use crate::error::{Error, Result};

/// Longest accepted title, in characters.
pub const MAX_TITLE: usize = 255;
/// Longest accepted description, in characters.
pub const MAX_DESCRIPTION: usize = 10_000;
/// Most tags on one asset, and the longest tag.
pub const MAX_TAGS: usize = 100;
pub const MAX_TAG: usize = 100;
/// Longest custom version name.
pub const MAX_VERSION_NAME: usize = 32;
/// Longest custom permanent-URL slug.
pub const MAX_SLUG: usize = 255;
/// Most keys in an asset's custom metadata, and the longest key, in characters.
pub const MAX_CUSTOM_KEYS: usize = 100;
pub const MAX_CUSTOM_KEY: usize = 64;
/// Largest custom metadata object, in bytes of JSON.
pub const MAX_CUSTOM_BYTES: usize = 64 * 1024;
/// Longest stored file name, in bytes.
pub const MAX_FILE_NAME: usize = 255;

/// Whether a character draws nothing (or reorders what is drawn around it): the
/// Unicode default-ignorable code points (format characters such as the
/// bidirectional controls, which can make `exe.jpg` display as `gpj.exe`; zero-width
/// spaces and joiners; the byte-order mark; the combining grapheme joiner; the
/// Hangul fillers, which render as blank; Mongolian and Khmer invisible signs; the
/// whole tag block), other Cf characters (prepended concatenation marks, Egyptian
/// format controls), and noncharacters, which must not be interchanged at all.
/// Variation selectors are default-ignorable too but are not listed here: they
/// only choose how the character before them looks (see [`is_variation_selector`]).
pub fn is_invisible(c: char) -> bool {
    let u = c as u32;
    matches!(u,
        0x00AD | 0x034F | 0x061C | 0x06DD | 0x070F | 0x08E2 | 0x180E | 0xFEFF
        | 0x0600..=0x0605 | 0x0890..=0x0891 | 0x115F..=0x1160 | 0x17B4..=0x17B5
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F
        | 0x3164 | 0xFFA0 | 0xFFF0..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F
        | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A
        | 0xE0000..=0xE00FF | 0xE01F0..=0xE0FFF
        | 0xFDD0..=0xFDEF)
        || u & 0xFFFE == 0xFFFE
}

/// Whether a character is a variation selector (U+FE00–FE0F, U+E0100–E01EF, the
/// Mongolian free variation selectors): it draws nothing itself but picks a form of
/// the character before it (`❤️` is U+2764 U+FE0F), so it is kept after a visible
/// character and treated as invisible anywhere else.
pub fn is_variation_selector(c: char) -> bool {
    matches!(c as u32, 0xFE00..=0xFE0F | 0xE0100..=0xE01EF | 0x180B..=0x180D | 0x180F)
}

/// Makes a client-supplied file name safe to store and to put in a URL.
///
/// The product rule: `# % ^ + \ / ? * : | " ' < > { } = ,` and whitespace become `_`.
/// Control characters and invisible ones ([`is_invisible`]: bidirectional controls,
/// zero-width and other format characters, noncharacters) become `_` too, so a
/// name shows what it is; leading dots are dropped (no hidden or `..` names), and the
/// result is cut to [`MAX_FILE_NAME`] bytes on a character boundary while keeping the
/// extension.
pub fn sanitize_file_name(raw: &str) -> String {
    // Browsers may send a full path; keep the last component only.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut out = String::with_capacity(base.len());
    let mut after_visible = false;
    for c in base.chars() {
        let kept = match c {
            '#' | '%' | '^' | '+' | '\\' | '/' | '?' | '*' | ':' | '|' | '"' | '\'' | '<' | '>' | '{' | '}' | '='
            | ',' => '_',
            c if c.is_whitespace() || c.is_control() || is_invisible(c) => '_',
            c if is_variation_selector(c) && !after_visible => '_',
            c => c,
        };
        after_visible = kept != '_' && !is_variation_selector(kept);
        out.push(kept);
    }
    let trimmed = out.trim_start_matches('.');
    if trimmed.len() != out.len() {
        out = trimmed.to_owned();
    }
    if out.is_empty() {
        out = "file".to_owned();
    }
    if out.len() > MAX_FILE_NAME {
        let ext = extension(&out).map(|e| format!(".{e}")).unwrap_or_default();
        let ext = if ext.len() > 16 { String::new() } else { ext };
        let mut cut = MAX_FILE_NAME - ext.len();
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        out.push_str(&ext);
    }
    out
}

/// The lowercase extension of a file name, without the dot.
pub fn extension(file_name: &str) -> Option<String> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() || ext.len() > 16 {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// Whether text shows nothing once whitespace and invisible characters are set aside.
fn is_blank(s: &str) -> bool {
    s.chars().all(draws_nothing)
}

/// Whether a character, standing without a visible neighbour, shows nothing:
/// whitespace, an invisible character, a variation selector. A title needs at
/// least one character that does not.
pub fn draws_nothing(c: char) -> bool {
    c.is_whitespace() || is_invisible(c) || is_variation_selector(c)
}

/// The media type of a `Content-Type` value, lowercase, without parameters.
fn essence(content_type: &str) -> String {
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether a browser would run the type as a document of its own, with scripts and
/// links: HTML, XHTML, and XML (any `+xml` type, SVG included, since XML documents
/// can carry XHTML and scripts). Delivered as an attachment unless allowed.
pub fn is_active_content(content_type: &str) -> bool {
    let m = essence(content_type);
    matches!(m.as_str(), "text/html" | "text/xml" | "application/xml" | "text/xsl") || m.ends_with("+xml")
}

/// The `Content-Type` a delivery sends: textual types, which Trove only assigns to
/// UTF-8 content (see the sniffer), name their charset so a browser never guesses.
pub fn delivered_content_type(content_type: &str) -> String {
    let m = essence(content_type);
    let textual = m.starts_with("text/")
        || m.ends_with("+xml")
        || m.ends_with("+json")
        || matches!(
            m.as_str(),
            "application/json"
                | "application/xml"
                | "application/javascript"
                | "application/ecmascript"
                | "application/yaml"
                | "application/x-yaml"
                | "application/toml"
        );
    if textual && !content_type.to_ascii_lowercase().contains("charset=") {
        format!("{content_type}; charset=utf-8")
    } else {
        content_type.to_owned()
    }
}

/// A title: trimmed, non-empty (invisible characters alone do not count), at most
/// [`MAX_TITLE`] characters.
pub fn title(field: &str, raw: &str) -> Result<String> {
    let t = raw.trim();
    if is_blank(t) {
        return Err(Error::invalid(field, "must not be empty"));
    }
    if t.chars().count() > MAX_TITLE {
        return Err(Error::invalid(field, format!("must be at most {MAX_TITLE} characters")));
    }
    if t.chars().any(char::is_control) {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(t.to_owned())
}

/// A description: at most [`MAX_DESCRIPTION`] characters; empty means none.
pub fn description(raw: &str) -> Result<Option<String>> {
    long_text("description", raw, MAX_DESCRIPTION)
}

/// Longest accepted alternative text, in characters.
pub const MAX_ALT_TEXT: usize = 1000;

/// Alternative text: at most [`MAX_ALT_TEXT`] characters; empty means none.
pub fn alt_text(raw: &str) -> Result<Option<String>> {
    long_text("alt_text", raw, MAX_ALT_TEXT)
}

fn long_text(field: &str, raw: &str, max: usize) -> Result<Option<String>> {
    if raw.chars().count() > max {
        return Err(Error::invalid(field, format!("must be at most {max} characters")));
    }
    if raw.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Error::invalid(field, "must not contain control characters other than line breaks and tabs"));
    }
    let t = raw.trim();
    Ok(if t.is_empty() { None } else { Some(t.to_owned()) })
}

/// Tags: trimmed, empty ones dropped, duplicates removed (first spelling wins,
/// compared case-insensitively), order kept.
pub fn tags(raw: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for t in raw {
        let t = t.trim();
        if is_blank(t) {
            continue;
        }
        if t.chars().count() > MAX_TAG {
            return Err(Error::invalid("tags", format!("each tag must be at most {MAX_TAG} characters")));
        }
        if t.chars().any(char::is_control) {
            return Err(Error::invalid("tags", "tags must not contain control characters"));
        }
        if !out.iter().any(|o| o.eq_ignore_ascii_case(t)) {
            out.push(t.to_owned());
        }
    }
    if out.len() > MAX_TAGS {
        return Err(Error::invalid("tags", format!("at most {MAX_TAGS} tags")));
    }
    Ok(out)
}

/// Tags from a multipart text field: a JSON array, or a comma-separated list.
pub fn tags_from_text(raw: &str) -> Result<Vec<String>> {
    let trimmed = raw.trim();
    if trimmed.starts_with('[') {
        let list: Vec<String> = serde_json::from_str(trimmed)
            .map_err(|_| Error::invalid("tags", "must be a JSON array of strings or a comma-separated list"))?;
        return tags(&list);
    }
    let list: Vec<String> = trimmed.split(',').map(str::to_owned).collect();
    tags(&list)
}

/// Free-form custom metadata: at most [`MAX_CUSTOM_KEYS`] keys of 1 to
/// [`MAX_CUSTOM_KEY`] visible characters (no control, invisible or bidirectional
/// characters, which would make two keys look alike), at most [`MAX_CUSTOM_BYTES`]
/// of JSON, and no control characters but tab and line breaks in any string value
/// (a NUL or an escape sequence in stored text breaks the programs that read it).
pub fn custom_metadata(map: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    let field = "custom_metadata";
    if map.len() > MAX_CUSTOM_KEYS {
        return Err(Error::invalid(field, format!("may have at most {MAX_CUSTOM_KEYS} keys")));
    }
    for key in map.keys() {
        let n = key.chars().count();
        if n == 0 || n > MAX_CUSTOM_KEY || is_blank(key) {
            return Err(Error::invalid(field, format!("keys must be 1 to {MAX_CUSTOM_KEY} visible characters")));
        }
        if key.chars().any(|c| c.is_control() || is_invisible(c) || is_variation_selector(c)) {
            return Err(Error::invalid(field, format!("the key {key:?} contains a control or invisible character")));
        }
    }
    let bytes = serde_json::to_vec(map).map_or(usize::MAX, |v| v.len());
    if bytes > MAX_CUSTOM_BYTES {
        return Err(Error::invalid(field, format!("may be at most {MAX_CUSTOM_BYTES} bytes of JSON")));
    }
    fn clean(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::String(s) => !s.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')),
            serde_json::Value::Array(a) => a.iter().all(clean),
            serde_json::Value::Object(o) => o.iter().all(|(k, v)| !k.chars().any(char::is_control) && clean(v)),
            _ => true,
        }
    }
    if !map.values().all(clean) {
        return Err(Error::invalid(field, "text may not contain control characters other than tab and line breaks"));
    }
    Ok(())
}

/// A custom version name: 1 to 32 of letters, digits, space, `-`, `_`, not blank
/// once invisible characters (such as the Hangul filler, which counts as a letter)
/// are set aside.
pub fn version_name(raw: &str) -> Result<String> {
    let n = raw.trim();
    if is_blank(n) {
        return Err(Error::invalid("name", "must not be empty"));
    }
    if n.chars().count() > MAX_VERSION_NAME {
        return Err(Error::invalid("name", format!("must be at most {MAX_VERSION_NAME} characters")));
    }
    if !n.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_') {
        return Err(Error::invalid("name", "may contain only letters, digits, space, '-' and '_'"));
    }
    Ok(n.to_owned())
}

/// A custom permanent-URL slug: 1 to 255 URL-safe characters, no path separators.
pub fn slug(raw: &str) -> Result<String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Error::invalid("slug", "must not be empty"));
    }
    if s.len() > MAX_SLUG {
        return Err(Error::invalid("slug", format!("must be at most {MAX_SLUG} characters")));
    }
    if s == "." || s == ".." {
        return Err(Error::invalid("slug", "must not be '.' or '..'"));
    }
    if !s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')) {
        return Err(Error::invalid("slug", "may contain only letters, digits, '-', '_', '.' and '~'"));
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_sanitised() {
        assert_eq!(sanitize_file_name("my photo#1 (final).jpg"), "my_photo_1_(final).jpg");
        assert_eq!(sanitize_file_name("a%b^c+d\\e?f*g:h|i\"j'k<l>m{n}o=p,q.txt"), "e_f_g_h_i_j_k_l_m_n_o_p_q.txt");
        assert_eq!(sanitize_file_name("C:\\Users\\x\\report.pdf"), "report.pdf");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("..hidden"), "hidden");
        assert_eq!(sanitize_file_name(""), "file");
        let long = format!("{}.png", "é".repeat(300));
        let s = sanitize_file_name(&long);
        assert!(s.len() <= MAX_FILE_NAME && s.ends_with(".png"));
    }

    #[test]
    fn version_names_follow_the_rule() {
        assert_eq!(version_name(" Final cut_2-b ").ok().as_deref(), Some("Final cut_2-b"));
        assert!(version_name(&"x".repeat(33)).is_err());
        assert!(version_name("bad/name").is_err());
        assert!(version_name("   ").is_err());
        // A letter that draws nothing (the Hangul filler) makes no name.
        assert!(version_name("\u{3164}").is_err());
        assert!(version_name("\u{3164} \u{3164}").is_err());
    }

    #[test]
    fn tags_are_normalised() {
        let t = tags(&["a".into(), " A ".into(), "".into(), "b".into()]).unwrap_or_default();
        assert_eq!(t, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(tags_from_text("x, y ,x").unwrap_or_default(), vec!["x".to_string(), "y".to_string()]);
        assert_eq!(tags_from_text("[\"q\"]").unwrap_or_default(), vec!["q".to_string()]);
    }

    #[test]
    fn invisible_characters_are_replaced_in_file_names() {
        assert_eq!(sanitize_file_name("invoice\u{202E}gpj.exe"), "invoice_gpj.exe");
        assert_eq!(sanitize_file_name("a\u{200B}b\u{2066}c\u{FEFF}d\u{FFFF}e\u{FDD0}.png"), "a_b_c_d_e_.png");
        assert_eq!(sanitize_file_name("\u{E0041}x\u{1FFFE}.txt"), "_x_.txt");
        assert_eq!(sanitize_file_name("caf\u{e9} \u{1F600}.jpg"), "caf\u{e9}_\u{1F600}.jpg", "visible text stays");
        assert_eq!(sanitize_file_name("a\u{034F}b\u{17B4}c\u{E0FFF}\u{E0100}.png"), "a_b_c__.png");
        assert_eq!(sanitize_file_name("\u{2764}\u{FE0F}.png"), "\u{2764}\u{FE0F}.png", "an emoji keeps its form");
        assert_eq!(sanitize_file_name("\u{FE0F}\u{FE0F}x \u{FE0E}.png"), "__x__.png", "selectors alone draw nothing");
    }

    #[test]
    fn invisible_only_titles_and_tags_are_empty() {
        for t in ["\u{200B}", " \u{202E}\u{2066} ", "\u{FEFF}\u{3164}", "\u{00AD}", "\u{034F}\u{FE0F}\u{E0001}"] {
            assert!(title("title", t).is_err(), "{t:?}");
        }
        assert_eq!(title("title", "A\u{200D}B").ok().as_deref(), Some("A\u{200D}B"), "joiners inside text stay");
        assert_eq!(tags(&["\u{200B}".into(), "x".into()]).unwrap_or_default(), vec!["x".to_string()]);
    }

    #[test]
    fn active_content_and_charsets() {
        for t in ["text/html", "application/xhtml+xml", "image/svg+xml", "application/xml", "text/xml; charset=x"] {
            assert!(is_active_content(t), "{t}");
        }
        for t in ["text/plain", "image/png", "application/pdf", "text/csv", "application/json"] {
            assert!(!is_active_content(t), "{t}");
        }
        assert_eq!(delivered_content_type("text/plain"), "text/plain; charset=utf-8");
        assert_eq!(delivered_content_type("application/json"), "application/json; charset=utf-8");
        assert_eq!(delivered_content_type("text/csv; charset=utf-8"), "text/csv; charset=utf-8");
        assert_eq!(delivered_content_type("image/png"), "image/png");
        for t in ["application/x-yaml", "application/toml", "application/ecmascript", "application/ld+json"] {
            assert_eq!(delivered_content_type(t), format!("{t}; charset=utf-8"));
        }
    }

    #[test]
    fn slugs() {
        assert!(slug("spring-hero.jpg").is_ok());
        assert!(slug("a/b").is_err());
        assert!(slug(&"a".repeat(256)).is_err());
        assert!(slug("..").is_err());
    }
}
