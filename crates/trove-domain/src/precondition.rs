//! Conditional writes: what an `If-Match` header or a body's `version` says a change
//! was based on, and the ETags Trove sends for asset reads.
//!
//! `If-Match` follows RFC 9110 §13.1.1: `*` holds for any current version, a list
//! holds when any of its entity-tags matches, and the comparison is strong, so a
//! weak tag (`W/"v3"`) never matches. A well-formed tag that is not one Trove sends
//! simply matches nothing (412); only a header that is not a list of entity-tags is
//! malformed (400).

use crate::error::{Error, Result};

/// One version a precondition accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionTag {
    pub version: i64,
    pub basis: Basis,
}

/// Whose version a [`VersionTag`] names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// The written locale's own variant (`"v3"`).
    Own,
    /// The variant of this locale, which the written locale inherited (`"v3@en-us"`).
    Inherited(String),
    /// Whatever the locale read at that number (a body's `version` field).
    Any,
}

impl VersionTag {
    /// Whether the head a write finds (`head_version` of `head_locale`, read in
    /// `locale`) is the one this tag names.
    pub fn holds(&self, head_version: i64, head_locale: &str, locale: &str) -> bool {
        self.version == head_version
            && match &self.basis {
                Basis::Own => head_locale == locale,
                Basis::Inherited(from) => head_locale != locale && from == head_locale,
                Basis::Any => true,
            }
    }
}

/// What a conditional write says it was based on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: holds while the asset exists, whatever its version. The write
    /// is applied on top of the head it finds, like an unconditioned one.
    Exists,
    /// Holds when the head is one of these (an `If-Match` list, or a body's
    /// `version`). An empty list (only weak or foreign tags) never holds.
    OneOf(Vec<VersionTag>),
}

impl Precondition {
    /// The precondition of a JSON body's `"version": n`: the number alone.
    pub fn version(n: i64) -> Self {
        Precondition::OneOf(vec![VersionTag { version: n, basis: Basis::Any }])
    }

    /// Whether the head a write finds satisfies the precondition.
    pub fn holds(&self, head_version: i64, head_locale: &str, locale: &str) -> bool {
        match self {
            Precondition::Exists => true,
            Precondition::OneOf(tags) => tags.iter().any(|t| t.holds(head_version, head_locale, locale)),
        }
    }

    /// Whether the write follows the head wherever it is (`*`), so a head that moved
    /// between read and commit is a reason to read again, not to refuse.
    pub fn follows_head(&self) -> bool {
        matches!(self, Precondition::Exists)
    }
}

fn invalid() -> Error {
    Error::bad_request("invalid_if_match", "If-Match must be * or a list of ETags such as \"v3\"")
}

/// The precondition an `If-Match` header names. Accepts `*`, a comma-separated list
/// of entity-tags (the ETags Trove sends are `"v3"` and, for a read that inherited
/// en-us's version 3, `"v3@en-us"`), and, as a convenience, a bare number (the
/// locale's own version).
pub fn parse_if_match(raw: &str) -> Result<Precondition> {
    let raw = raw.trim();
    if raw == "*" {
        return Ok(Precondition::Exists);
    }
    if !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit()) {
        let version = raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(invalid)?;
        return Ok(Precondition::OneOf(vec![VersionTag { version, basis: Basis::Own }]));
    }
    let tags = entity_tags(raw).ok_or_else(invalid)?;
    // Strong comparison: a weak tag matches nothing.
    Ok(Precondition::OneOf(tags.into_iter().filter(|(weak, _)| !weak).filter_map(|(_, o)| trove_tag(o)).collect()))
}

/// Splits `#entity-tag` (RFC 9110 §5.6.1, §8.8.3) into (weak, opaque-tag) pairs.
/// Commas inside a quoted tag belong to the tag; empty list elements are allowed.
/// `None` when the header is not such a list or has no tag at all.
fn entity_tags(raw: &str) -> Option<Vec<(bool, &str)>> {
    let mut tags = Vec::new();
    let mut rest = raw;
    loop {
        rest = rest.trim_start_matches([' ', '\t', ',']);
        if rest.is_empty() {
            break;
        }
        let (weak, quoted) = match rest.strip_prefix("W/") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let body = quoted.strip_prefix('"')?;
        let end = body.find('"')?;
        let opaque = &body[..end];
        // etagc: any visible character but the double quote, or obs-text.
        if !opaque.bytes().all(|b| b == 0x21 || (0x23..=0x7e).contains(&b) || b >= 0x80) {
            return None;
        }
        tags.push((weak, opaque));
        rest = body[end + 1..].trim_start_matches([' ', '\t']);
        if !(rest.is_empty() || rest.starts_with(',')) {
            return None;
        }
    }
    (!tags.is_empty()).then_some(tags)
}

/// The version an opaque tag names, if it is, octet for octet, one Trove sends:
/// `v03` or `v3@EN-us` look alike but are not the tags Trove sent, and a strong
/// comparison does not match them.
fn trove_tag(opaque: &str) -> Option<VersionTag> {
    let (number, from) = match opaque.split_once('@') {
        Some((n, l)) => (n, Some(l)),
        None => (opaque, None),
    };
    let digits = number.strip_prefix('v')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let version = digits.parse::<i64>().ok().filter(|n| *n > 0)?;
    let basis = match from {
        None => Basis::Own,
        Some(l) => Basis::Inherited(crate::languages::code(l).ok()?),
    };
    let tag = VersionTag { version, basis };
    let sent = match &tag.basis {
        Basis::Inherited(l) => version_etag(version, Some(l)),
        _ => version_etag(version, None),
    };
    (sent.get(1..sent.len() - 1) == Some(opaque)).then_some(tag)
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

    fn own(version: i64) -> VersionTag {
        VersionTag { version, basis: Basis::Own }
    }

    #[test]
    fn if_match_forms() {
        assert_eq!(parse_if_match("\"v3\"").ok(), Some(Precondition::OneOf(vec![own(3)])));
        assert_eq!(parse_if_match("7").ok(), Some(Precondition::OneOf(vec![own(7)])));
        assert_eq!(parse_if_match(" * ").ok(), Some(Precondition::Exists));
        let list = parse_if_match("\"v2\", \"v5\" ,,\"v9@en-us\"").unwrap();
        assert!(list.holds(5, "fr-fr", "fr-fr") && list.holds(2, "fr-fr", "fr-fr"));
        assert!(list.holds(9, "en-us", "fr-ca") && !list.holds(9, "fr-ca", "fr-ca"));
        assert!(!list.holds(3, "fr-fr", "fr-fr"));
        let inherited = parse_if_match("\"v4@en-us\"").unwrap();
        assert!(inherited.holds(4, "en-us", "fr-ca"));
        assert!(!inherited.holds(4, "fr-ca", "fr-ca"), "fr-ca got a variant of its own since");
        assert!(!parse_if_match("\"v4\"").unwrap().holds(4, "en-us", "fr-ca"), "fr-ca's variant was discarded");
        assert_eq!(version_etag(4, Some("en-us")), "\"v4@en-us\"");
    }

    #[test]
    fn comparison_is_strong_and_foreign_tags_match_nothing() {
        for raw in [
            "W/\"v12\"",
            "\"abc\"",
            "\"v3@\"",
            "\"v0\"",
            "\"v-1\"",
            "\"xyz\", W/\"v1\"",
            "\"v012\"",
            "\"v1@EN-us\"",
            "\"v1,v12\"",
        ] {
            let p = parse_if_match(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
            assert!(!p.holds(12, "en-us", "en-us") && !p.holds(1, "en-us", "en-us"), "{raw}");
        }
    }

    #[test]
    fn malformed_headers_are_refused() {
        for raw in ["", " , ", "bogus", "v3", "\"v3", "\"v\"3\"", "0", "W/v3", "\"a b\"", "*, \"v1\"", "\"v1\" \"v2\""]
        {
            assert!(parse_if_match(raw).is_err(), "{raw:?} should be malformed");
        }
    }

    #[test]
    fn body_version_compares_the_number_alone() {
        let p = Precondition::version(3);
        assert!(p.holds(3, "en-us", "fr-fr") && p.holds(3, "fr-fr", "fr-fr") && !p.holds(4, "fr-fr", "fr-fr"));
        assert!(!p.follows_head() && Precondition::Exists.follows_head());
    }
}
