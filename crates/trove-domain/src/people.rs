//! Users, tokens, sessions and space members as stored and shown.

use serde::Serialize;

use crate::model::Timestamp;

/// A user of the organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    pub uid: String,
    pub email: String,
    pub name: String,
    pub org_role: String,
    pub disabled: bool,
    /// Whether the user can log in with a password (else only by token, or
    /// after following their set-up link).
    pub has_password: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A user with what logging in checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Login {
    pub user: User,
    pub password_hash: Option<String>,
}

/// A new user, as the store inserts it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewUser {
    pub user: User,
    pub org_uid: String,
    pub password_hash: Option<String>,
    /// The hashed secret of a one-time set-up link and when it stops working.
    pub setup: Option<(String, Timestamp)>,
}

/// A change of a user; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserChange {
    pub name: Option<String>,
    pub org_role: Option<String>,
    pub disabled: Option<bool>,
    /// A new password hash; also ends any set-up link and every session.
    pub password_hash: Option<String>,
    pub setup: Option<(String, Timestamp)>,
    pub at: Option<Timestamp>,
}

/// What kind of token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    Api,
    Delivery,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Api => "api",
            TokenKind::Delivery => "delivery",
        }
    }
}

/// A token as listed: never its secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Token {
    pub uid: String,
    pub kind: TokenKind,
    pub name: String,
    pub user_uid: Option<String>,
    pub space_uid: Option<String>,
    pub role_uid: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

/// A browser session as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub uid: String,
    pub user_uid: String,
    pub token_hash: String,
    pub csrf_hash: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A member of a space and the roles they hold there.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub user_uid: String,
    pub email: String,
    pub name: String,
    pub roles: Vec<String>,
    pub added_at: Timestamp,
}
