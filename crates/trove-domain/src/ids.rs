//! Identifiers. UIDs are a short type prefix plus a lowercase ULID: sortable by
//! creation time, unguessable enough for URLs, and readable in logs ("am…" is an asset).

/// The kinds of things Trove names, each with its UID prefix.
#[derive(Debug, Clone, Copy)]
pub enum UidKind {
    Organization,
    User,
    Token,
    Space,
    Asset,
    Folder,
    File,
    Event,
    Session,
    Role,
}

impl UidKind {
    fn prefix(self) -> &'static str {
        match self {
            UidKind::Organization => "org",
            UidKind::User => "us",
            UidKind::Token => "tk",
            UidKind::Space => "sp",
            UidKind::Asset => "am",
            UidKind::Folder => "fd",
            UidKind::File => "fl",
            UidKind::Event => "ev",
            UidKind::Session => "se",
            UidKind::Role => "ro",
        }
    }
}

/// A fresh UID of the given kind.
pub fn new_uid(kind: UidKind) -> String {
    format!("{}{}", kind.prefix(), ulid::Ulid::generate().to_string().to_lowercase())
}

/// The UID of the primary workspace every space has.
pub const MAIN_WORKSPACE: &str = "main";

/// The organization's default language until languages become configurable.
pub const DEFAULT_LOCALE: &str = "en-us";

/// Whether a path segment could be a UID at all (cheap guard before a lookup).
pub fn looks_like_uid(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}
