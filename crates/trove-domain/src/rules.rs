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
/// Longest stored file name, in bytes.
pub const MAX_FILE_NAME: usize = 255;

/// Makes a client-supplied file name safe to store and to put in a URL.
///
/// The product rule: `# % ^ + \ / ? * : | " ' < > { } = ,` and whitespace become `_`.
/// Control characters become `_` too, leading dots are dropped (no hidden or `..`
/// names), and the result is cut to [`MAX_FILE_NAME`] bytes on a character boundary
/// while keeping the extension.
pub fn sanitize_file_name(raw: &str) -> String {
    // Browsers may send a full path; keep the last component only.
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let mut out: String = base
        .chars()
        .map(|c| match c {
            '#' | '%' | '^' | '+' | '\\' | '/' | '?' | '*' | ':' | '|' | '"' | '\'' | '<' | '>' | '{' | '}' | '='
            | ',' => '_',
            c if c.is_whitespace() || c.is_control() => '_',
            c => c,
        })
        .collect();
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

/// A title: trimmed, non-empty, at most [`MAX_TITLE`] characters.
pub fn title(field: &str, raw: &str) -> Result<String> {
    let t = raw.trim();
    if t.is_empty() {
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
        if t.is_empty() {
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

/// A custom version name: 1 to 32 of letters, digits, space, `-`, `_`.
pub fn version_name(raw: &str) -> Result<String> {
    let n = raw.trim();
    if n.is_empty() {
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

/// What a conditional write says it was based on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precondition {
    pub version: i64,
    pub basis: Basis,
}

/// Whose version a [`Precondition`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The written locale's own variant (`"v3"`).
    Own,
    /// The variant of this locale, which the written locale inherited (`"v3@en-us"`).
    Inherited(String),
    /// Whatever the locale read at that number (a body's `version` field).
    Any,
}

impl Precondition {
    /// Whether the head a write finds (`head_version` of `head_locale`, read in
    /// `locale`) is the one the client based its change on.
    pub fn holds(&self, head_version: i64, head_locale: &str, locale: &str) -> bool {
        self.version == head_version
            && match &self.basis {
                Basis::Own => head_locale == locale,
                Basis::Inherited(from) => head_locale != locale && from == head_locale,
                Basis::Any => true,
            }
    }
}

/// The precondition an `If-Match` header names. Accepts the ETags Trove sends
/// (`"v3"`, or `"v3@en-us"` for a read that inherited en-us's version 3), their
/// weak forms, and a bare number (the locale's own version).
pub fn parse_if_match(raw: &str) -> Result<Precondition> {
    let s = raw.trim().trim_start_matches("W/").trim_matches('"');
    let (number, from) = match s.split_once('@') {
        Some((n, l)) => (n, Some(l)),
        None => (s, None),
    };
    let number = number.strip_prefix('v').unwrap_or(number);
    let invalid = || Error::bad_request("invalid_if_match", "If-Match must be an ETag such as \"v3\"");
    let version = number.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(invalid)?;
    let basis = match from {
        None => Basis::Own,
        Some(l) => Basis::Inherited(crate::languages::code(l).map_err(|_| invalid())?),
    };
    Ok(Precondition { version, basis })
}

/// The ETag Trove sends for an asset read at a version: `"v3"` for the locale's
/// own variant, `"v3@en-us"` when the values were inherited from en-us, so a write
/// based on an inherited read cannot be mistaken for one based on a variant that
/// has appeared since (or the other way round).
pub fn version_etag(version: i64, inherited_from: Option<&str>) -> String {
    match inherited_from {
        None => format!("\"v{version}\""),
        Some(l) => format!("\"v{version}@{l}\""),
    }
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
    }

    #[test]
    fn tags_are_normalised() {
        let t = tags(&["a".into(), " A ".into(), "".into(), "b".into()]).unwrap_or_default();
        assert_eq!(t, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(tags_from_text("x, y ,x").unwrap_or_default(), vec!["x".to_string(), "y".to_string()]);
        assert_eq!(tags_from_text("[\"q\"]").unwrap_or_default(), vec!["q".to_string()]);
    }

    #[test]
    fn if_match_forms() {
        let own = |version| Some(Precondition { version, basis: Basis::Own });
        assert_eq!(parse_if_match("\"v3\"").ok(), own(3));
        assert_eq!(parse_if_match("W/\"v12\"").ok(), own(12));
        assert_eq!(parse_if_match("7").ok(), own(7));
        let inherited = parse_if_match("\"v4@EN-us\"").unwrap();
        assert_eq!(inherited, Precondition { version: 4, basis: Basis::Inherited("en-us".into()) });
        assert!(inherited.holds(4, "en-us", "fr-ca"));
        assert!(!inherited.holds(4, "fr-ca", "fr-ca"), "fr-ca got a variant of its own since");
        assert!(!own(4).unwrap().holds(4, "en-us", "fr-ca"), "fr-ca's own variant was discarded since");
        assert_eq!(version_etag(4, Some("en-us")), "\"v4@en-us\"");
        assert!(parse_if_match("\"abc\"").is_err());
        assert!(parse_if_match("\"v3@\"").is_err());
        assert!(parse_if_match("0").is_err());
    }

    #[test]
    fn slugs() {
        assert!(slug("spring-hero.jpg").is_ok());
        assert!(slug("a/b").is_err());
        assert!(slug(&"a".repeat(256)).is_err());
        assert!(slug("..").is_err());
    }
}
