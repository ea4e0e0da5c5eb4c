//! Key and staging-id validation shared by both backends, so that a key accepted by
//! one store is accepted by the other and no key can escape the store's root.

use trove_domain::{Error, Result};
use ulid::Ulid;

/// Checks that `key` is a relative, `/`-separated path whose segments are made only of
/// `[A-Za-z0-9._-]`, with no empty, `.` or `..` segment. Refusing everything else keeps
/// keys from escaping the objects directory and keeps them valid object_store paths.
pub(crate) fn validate_key(key: &str) -> Result<()> {
    if key.is_empty() {
        return Err(Error::internal("invalid blob key: empty"));
    }
    for segment in key.split('/') {
        let valid = !segment.is_empty()
            && segment != "."
            && segment != ".."
            && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if !valid {
            return Err(Error::internal(format!("invalid blob key: {key:?}")));
        }
    }
    Ok(())
}

/// Checks that a staged blob's id is one this crate minted (a ULID), so a forged id
/// can never name a file or object outside the staging area.
pub(crate) fn validate_staging_id(id: &str) -> Result<()> {
    Ulid::from_string(id).map(|_| ()).map_err(|e| Error::internal(format!("invalid staging id {id:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_content_hash_keys() {
        let key = format!("blobs/ab/cd/{}", "0123456789abcdef".repeat(4));
        assert!(validate_key(&key).is_ok());
        assert!(validate_key("thumbs/x_1.webp").is_ok());
    }

    #[test]
    fn refuses_escaping_or_odd_keys() {
        for key in ["", "/abs", "a//b", "a/../b", "..", ".", "a/", "a b", "a/b\\c", "a/ü", "a/b?"] {
            assert!(validate_key(key).is_err(), "{key:?} should be refused");
        }
    }

    #[test]
    fn staging_ids_must_be_ulids() {
        assert!(validate_staging_id(&Ulid::generate().to_string()).is_ok());
        assert!(validate_staging_id("../objects/x").is_err());
    }
}
