//! Authentication: the first-start bootstrap and bearer-token verification.
//!
//! Tokens are random, shown once, and stored only as SHA-256 hashes: a leaked
//! database does not leak working credentials.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::{Organization, Principal};
use trove_domain::{Error, ErrorKind, Result};

use crate::ports::Bootstrap;
use crate::{App, now};

/// The shortest token accepted from `TROVE_BOOTSTRAP_TOKEN`.
pub const MIN_TOKEN_LEN: usize = 24;

/// What the first start created; `token` is shown to the operator exactly once.
#[derive(Debug, Clone)]
pub struct BootstrapOutcome {
    pub admin_email: String,
    pub token: String,
}

fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> String {
    let body: String = rand::rng().sample_iter(&Alphanumeric).take(40).map(char::from).collect();
    format!("trove_{body}")
}

fn unauthenticated(message: &str) -> Error {
    Error::new(ErrorKind::Unauthenticated, "unauthenticated", message)
}

impl App {
    /// On the first start, creates the organization and its admin and returns the
    /// admin's API token; on later starts returns `None`. `preset` fixes the token
    /// (for automation) instead of generating one.
    pub async fn bootstrap(&self, preset: Option<&str>) -> Result<Option<BootstrapOutcome>> {
        let token = match preset {
            Some(t) if t.len() < MIN_TOKEN_LEN || !t.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(Error::bad_request(
                    "invalid_bootstrap_token",
                    format!("the bootstrap token must be at least {MIN_TOKEN_LEN} printable ASCII characters"),
                ));
            }
            Some(t) => t.to_owned(),
            None => new_token(),
        };
        let admin_email = "admin@localhost".to_owned();
        let b = Bootstrap {
            organization: Organization {
                uid: new_uid(UidKind::Organization),
                name: "Trove".to_owned(),
                created_at: now(),
            },
            admin_uid: new_uid(UidKind::User),
            admin_email: admin_email.clone(),
            token_uid: new_uid(UidKind::Token),
            token_hash: hash_token(&token),
        };
        let created = self.meta.bootstrap(&b).await?;
        Ok(created.then_some(BootstrapOutcome { admin_email, token }))
    }

    /// The principal behind an `Authorization` header value.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal> {
        let header =
            authorization.ok_or_else(|| unauthenticated("an Authorization: Bearer <token> header is required"))?;
        let token = header
            .strip_prefix("Bearer ")
            .or_else(|| header.strip_prefix("bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthenticated("the Authorization header must be Bearer <token>"))?;
        self.meta
            .principal_for_token(&hash_token(token))
            .await?
            .ok_or_else(|| unauthenticated("the token is not valid"))
    }
}
