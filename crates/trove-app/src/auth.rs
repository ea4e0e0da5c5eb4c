//! Authentication: the first-start bootstrap, tokens and sessions, passwords.
//!
//! Token and session secrets are random, shown once, and stored only as SHA-256
//! hashes; passwords as Argon2id hashes. Every request reads its token or session
//! row, so a revocation or a logout holds on every node at once.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use trove_domain::access::Principal;
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::Organization;
use trove_domain::people::{Session, User};
use trove_domain::{Error, ErrorKind, Result};

use crate::ports::Bootstrap;
use crate::{App, now};

/// The shortest token accepted from `TROVE_BOOTSTRAP_TOKEN`.
pub const MIN_TOKEN_LEN: usize = 24;

/// The shortest password accepted (besides its strength).
pub const MIN_PASSWORD_LEN: usize = 10;

/// How long a set-up link works.
pub const SETUP_LINK_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// What the first start created; the secrets are shown to the operator once.
#[derive(Debug, Clone)]
pub struct BootstrapOutcome {
    pub admin_email: String,
    pub token: String,
    /// The secret of the administrator's one-time set-up link.
    pub setup_secret: String,
}

/// A request's credentials as the HTTP layer found them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Presented<'a> {
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The session cookie's value.
    pub session: Option<&'a str>,
    /// The `X-CSRF-Token` header.
    pub csrf: Option<&'a str>,
    /// Whether the method changes state (anything but GET, HEAD, OPTIONS).
    pub writes: bool,
}

/// A new session: the cookie's secret and the CSRF token, each shown once.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub user: User,
    pub secret: String,
    pub csrf_token: String,
    pub expires_at: trove_domain::model::Timestamp,
}

/// Login attempts allowed per account and per client address.
pub(crate) struct LoginLimits {
    per_account: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
}

impl LoginLimits {
    pub(crate) fn new() -> Self {
        // Five tries an account, then one every 12 s; twenty an address, then one
        // every 3 s: a person mistyping is never stopped, a guesser crawls.
        let account = Quota::per_minute(NonZeroU32::MIN.saturating_add(4));
        let address = Quota::per_minute(NonZeroU32::MIN.saturating_add(19));
        LoginLimits { per_account: RateLimiter::keyed(account), per_address: RateLimiter::keyed(address) }
    }

    fn check(&self, email: &str, address: Option<IpAddr>) -> Result<()> {
        let clock = governor::clock::DefaultClock::default();
        let wait = |e: governor::NotUntil<governor::clock::QuantaInstant>| {
            use governor::clock::Clock;
            e.wait_time_from(clock.now())
        };
        let mut retry = None;
        if let Some(a) = address
            && let Err(e) = self.per_address.check_key(&a)
        {
            retry = Some(wait(e));
        }
        if let Err(e) = self.per_account.check_key(&email.to_owned()) {
            retry = Some(retry.unwrap_or_default().max(wait(e)));
        }
        match retry {
            None => Ok(()),
            Some(d) => {
                let secs = d.as_secs() + 1;
                let mut e = Error::new(
                    ErrorKind::TooManyRequests,
                    "too_many_login_attempts",
                    format!("too many login attempts; try again in {secs} s"),
                );
                e.retry_after = Some(secs);
                Err(e)
            }
        }
    }
}

pub(crate) fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub(crate) fn new_secret(prefix: &str) -> String {
    let body: String = rand::rng().sample_iter(&Alphanumeric).take(40).map(char::from).collect();
    format!("{prefix}{body}")
}

fn unauthenticated(message: &str) -> Error {
    Error::new(ErrorKind::Unauthenticated, "unauthenticated", message)
}

/// Checks a new password's length and strength (zxcvbn score 3 of 4, judged
/// also against the user's own e-mail and name).
pub(crate) fn check_password(password: &str, email: &str, name: &str) -> Result<()> {
    let weak = |why: &str| {
        let mut e = Error::new(ErrorKind::Validation, "weak_password", format!("the password is too weak: {why}"));
        e.fields.insert("password".to_owned(), vec![why.to_owned()]);
        e
    };
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(weak(&format!("use at least {MIN_PASSWORD_LEN} characters")));
    }
    if password.len() > 1024 {
        return Err(weak("use at most 1024 bytes"));
    }
    let estimate = zxcvbn::zxcvbn(password, &[email, name]);
    if u8::from(estimate.score()) < 3 {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()))
            .unwrap_or_else(|| "it is easy to guess; add words or characters".to_owned());
        return Err(weak(&hint));
    }
    Ok(())
}

/// Hashes a password with Argon2id, off the async runtime.
pub(crate) async fn hash_password(password: &str) -> Result<String> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("hashing a password failed: {e}")))
    })
    .await
    .map_err(|e| Error::internal(format!("the password hashing task failed: {e}")))?
}

/// Whether `password` matches the stored hash (a missing hash never matches,
/// after the same work, so timing does not tell accounts apart).
async fn verify_password(password: &str, stored: Option<String>) -> Result<bool> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        // A hash of a random password, for accounts without one.
        const DECOY: &str =
            "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Ff3xS1GNVn6j+/kMHoD6Wm4Rq3RSzRrZ1JFxZs9DN5g";
        let (hash, real) = match &stored {
            Some(h) => (h.as_str(), true),
            None => (DECOY, false),
        };
        let parsed =
            PasswordHash::new(hash).map_err(|e| Error::internal(format!("a stored password hash is invalid: {e}")))?;
        let ok = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
        Ok(ok && real)
    })
    .await
    .map_err(|e| Error::internal(format!("the password check failed: {e}")))?
}

impl App {
    /// On the first start, creates the organization and its administrator and
    /// returns the administrator's API token and set-up link secret; on later
    /// starts returns `None`. `preset` fixes the token (for automation).
    pub async fn bootstrap(&self, preset: Option<&str>) -> Result<Option<BootstrapOutcome>> {
        let token = match preset {
            Some(t) if t.len() < MIN_TOKEN_LEN || !t.bytes().all(|b| b.is_ascii_graphic()) => {
                return Err(Error::bad_request(
                    "invalid_bootstrap_token",
                    format!("the bootstrap token must be at least {MIN_TOKEN_LEN} printable ASCII characters"),
                ));
            }
            Some(t) => t.to_owned(),
            None => new_secret("trove_"),
        };
        let setup_secret = new_secret("setup_");
        let admin_email = "admin@localhost".to_owned();
        let at = now();
        let b = Bootstrap {
            organization: Organization {
                uid: new_uid(UidKind::Organization),
                name: "Trove".to_owned(),
                created_at: at,
            },
            admin_uid: new_uid(UidKind::User),
            admin_email: admin_email.clone(),
            token_uid: new_uid(UidKind::Token),
            token_hash: hash_secret(&token),
            setup: (hash_secret(&setup_secret), at + SETUP_LINK_TTL),
        };
        let created = self.meta.bootstrap(&b).await?;
        Ok(created.then_some(BootstrapOutcome { admin_email, token, setup_secret }))
    }

    /// The principal behind a request's credentials: a bearer token, else a
    /// session cookie (whose writes must carry the session's CSRF token).
    pub async fn authenticate(&self, p: Presented<'_>) -> Result<Principal> {
        if let Some(header) = p.authorization {
            let token = header
                .strip_prefix("Bearer ")
                .or_else(|| header.strip_prefix("bearer "))
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .ok_or_else(|| unauthenticated("the Authorization header must be Bearer <token>"))?;
            return self
                .meta
                .principal_for_token(&hash_secret(token), now())
                .await?
                .ok_or_else(|| unauthenticated("the token is not valid (unknown, revoked or expired)"));
        }
        let Some(cookie) = p.session else {
            return Err(unauthenticated("log in, or send an Authorization: Bearer <token> header"));
        };
        let (principal, csrf_hash) = self
            .meta
            .principal_for_session(&hash_secret(cookie), now())
            .await?
            .ok_or_else(|| unauthenticated("the session has expired or ended; log in again"))?;
        if p.writes && p.csrf.map(hash_secret).as_deref() != Some(csrf_hash.as_str()) {
            return Err(Error::new(
                ErrorKind::Forbidden,
                "csrf_failed",
                "a change made with a session cookie needs the session's X-CSRF-Token header",
            ));
        }
        Ok(principal)
    }

    /// Logs in with e-mail and password, rate-limited per account and address.
    pub async fn login(&self, email: &str, password: &str, address: Option<IpAddr>) -> Result<NewSession> {
        let email = email.trim().to_lowercase();
        self.login_limits.check(&email, address)?;
        let login = self.meta.login_of(&email).await?;
        let (user, stored) = match login {
            Some(l) if !l.user.disabled => (Some(l.user), l.password_hash),
            _ => (None, None),
        };
        let ok = verify_password(password, stored).await?;
        let Some(user) = user.filter(|_| ok) else {
            return Err(unauthenticated("the e-mail address or the password is wrong"));
        };
        self.open_session(user).await
    }

    pub(crate) async fn open_session(&self, user: User) -> Result<NewSession> {
        let secret = new_secret("ses_");
        let csrf_token = new_secret("csrf_");
        let at = now();
        let expires_at = at + self.settings.session_ttl;
        let s = Session {
            uid: new_uid(UidKind::Session),
            user_uid: user.uid.clone(),
            token_hash: hash_secret(&secret),
            csrf_hash: hash_secret(&csrf_token),
            created_at: at,
            expires_at,
        };
        self.meta
            .acting_as(trove_domain::audit::Actor {
                user_uid: user.uid.clone(),
                credential: Some(format!("session:{}", s.uid)),
            })
            .create_session(&s)
            .await?;
        Ok(NewSession { user, secret, csrf_token, expires_at })
    }

    /// Ends the session a request came with.
    pub async fn logout(&self, who: &crate::access::Caller) -> Result<()> {
        match &who.credential {
            trove_domain::access::Credential::Session(uid) => self.store_for(who).delete_session(uid).await,
            _ => Err(Error::conflict(
                "not_a_session",
                "this request came with a token, not a session; revoke a token with DELETE /api/tokens/{uid}",
            )),
        }
    }

    /// Sets a password with a one-time set-up link's secret and opens a session.
    pub async fn set_up_account(&self, secret: &str, password: &str) -> Result<NewSession> {
        let user = self
            .meta
            .user_for_setup(&hash_secret(secret.trim()), now())
            .await?
            .ok_or_else(|| Error::not_found("setup_link_invalid", "the set-up link is unknown, used or expired"))?;
        check_password(password, &user.email, &user.name)?;
        let change = trove_domain::people::UserChange {
            password_hash: Some(hash_password(password).await?),
            ..Default::default()
        };
        let actor = trove_domain::audit::Actor { user_uid: user.uid.clone(), credential: Some("setup_link".into()) };
        let user = self
            .meta
            .acting_as(actor)
            .update_user(&user.uid, &change)
            .await?
            .ok_or_else(|| Error::not_found("user_not_found", "the user was deleted"))?;
        self.open_session(user).await
    }
}
