//! The one error type of Trove. Every layer returns it; the HTTP layer maps its
//! [`ErrorKind`] to a status code in a single table, and `code` is the stable,
//! machine-readable `error_code` that clients may match on.

use std::borrow::Cow;
use std::collections::BTreeMap;

/// What went wrong, in terms a client can act on. The HTTP status is derived from
/// this and nothing else, so a new failure never has to touch the HTTP layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Malformed request: unparsable JSON, bad multipart, a missing confirmation.
    BadRequest,
    /// Well-formed but invalid input; `Error::fields` says which field and why.
    Validation,
    /// No credentials, or credentials that do not identify anyone.
    Unauthenticated,
    /// The caller is known but may not do this.
    Forbidden,
    /// The resource does not exist (or the caller may not know it exists).
    NotFound,
    /// The route exists but not with this HTTP method.
    MethodNotAllowed,
    /// The request conflicts with the current state (e.g. parent in the trash).
    Conflict,
    /// An `If-Match` or `version` precondition did not hold: a stale write.
    PreconditionFailed,
    /// The client stopped sending the request (its body stalled past the body-read
    /// time-out); the connection is closed after the answer.
    RequestTimeout,
    /// The body is larger than allowed.
    PayloadTooLarge,
    /// The file type is refused.
    UnsupportedMediaType,
    /// The requested byte range cannot be served.
    RangeNotSatisfiable,
    /// The caller is asking too often (login attempts); `retry_after` says when
    /// to try again.
    TooManyRequests,
    /// A dependency (database, storage) is unavailable; retrying may help.
    Unavailable,
    /// A bug or an unexpected backend failure. Details go to the log, not the client.
    Internal,
}

/// A Trove error: a kind, a stable code, a human message and optional per-field details.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    pub kind: ErrorKind,
    pub code: Cow<'static, str>,
    pub message: String,
    pub fields: BTreeMap<String, Vec<String>>,
    /// Seconds after which a retry may succeed (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

/// Result alias used across Trove.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Builds an error of any kind with a stable code.
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<String>) -> Self {
        Error { kind, code: Cow::Borrowed(code), message: message.into(), fields: BTreeMap::new(), retry_after: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Conflict, code, message)
    }

    /// A write that would change a field fixed at creation (409 `immutable_field`):
    /// sending the current value is accepted, another one conflicts with what is.
    pub fn immutable(fields: &[&str]) -> Self {
        let mut e =
            Self::conflict("immutable_field", format!("{} cannot be changed once created", fields.join(" and ")));
        for f in fields {
            e.fields.insert((*f).to_owned(), vec!["is immutable".to_owned()]);
        }
        e
    }

    /// A folder move into itself or its own subtree (409 `folder_cycle`).
    pub fn folder_cycle() -> Self {
        let mut e = Self::conflict("folder_cycle", "a folder cannot be moved into itself or its own subfolder");
        e.fields.insert("parent_uid".to_owned(), vec!["is the folder itself or one of its subfolders".to_owned()]);
        e
    }

    /// A stale write: the version the client based its change on is no longer current.
    pub fn stale(current: i64) -> Self {
        Self::new(
            ErrorKind::PreconditionFailed,
            "version_conflict",
            format!("the asset changed since you read it; the current version is {current}"),
        )
    }

    /// A validation failure on one field.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let mut fields = BTreeMap::new();
        fields.insert(field.to_owned(), vec![message.clone()]);
        Error {
            kind: ErrorKind::Validation,
            code: Cow::Borrowed("validation_failed"),
            message: format!("{field}: {message}"),
            fields,
            retry_after: None,
        }
    }

    /// An unexpected failure; the message is logged, never shown verbatim to clients.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, "internal_error", message)
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unavailable, "service_unavailable", message)
    }
}

/// Collects field errors so a request reports every problem at once.
#[derive(Debug, Default)]
pub struct FieldErrors(BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_owned()).or_default().push(message.into());
    }

    /// How many problems were collected so far.
    pub fn len(&self) -> usize {
        self.0.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Folds a single-field validation result into the collection.
    pub fn check<T>(&mut self, result: Result<T>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                for (field, messages) in e.fields {
                    self.0.entry(field).or_default().extend(messages);
                }
                None
            }
        }
    }

    /// `Ok(())` when nothing was collected, else one `validation_failed` error.
    pub fn finish(self) -> Result<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let message = self.0.iter().map(|(f, m)| format!("{f}: {}", m.join("; "))).collect::<Vec<_>>().join(", ");
        Err(Error {
            kind: ErrorKind::Validation,
            code: Cow::Borrowed("validation_failed"),
            message,
            fields: self.0,
            retry_after: None,
        })
    }
}
