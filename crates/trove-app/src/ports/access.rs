//! The access side of the metadata store: who is writing, and what was written.

use std::sync::Arc;

use async_trait::async_trait;
use trove_domain::Result;
use trove_domain::access::{OrgRole, Principal, SpaceRole, Standing};
use trove_domain::audit::{Actor, AuditEntry, AuditFilter};
use trove_domain::model::{Page, PageRequest, Timestamp};
use trove_domain::people::{Login, Member, NewUser, Session, Token, TokenKind, User, UserChange};

use super::MetadataStore;

/// Hands out the store as a given actor sees it: every write through the
/// returned handle records its events under that actor.
pub trait Attributed: Send + Sync {
    fn acting_as(&self, actor: Actor) -> Arc<dyn MetadataStore>;
}

#[async_trait]
pub trait AuditRepo: Send + Sync {
    /// Recorded events matching `filter`, newest first, with their count.
    async fn list_audit(&self, filter: &AuditFilter, page: PageRequest) -> Result<Page<AuditEntry>>;
}

/// Users and their credentials.
#[async_trait]
pub trait PeopleRepo: Send + Sync {
    /// Inserts a user; a taken e-mail address is 409 `email_taken`.
    async fn create_user(&self, new: &NewUser) -> Result<()>;
    async fn list_users(&self, page: PageRequest) -> Result<Page<User>>;
    async fn get_user(&self, uid: &str) -> Result<Option<User>>;
    /// The user with this (lower-case) e-mail address, with their password hash.
    async fn login_of(&self, email: &str) -> Result<Option<Login>>;
    /// Changes a user; a new password or disabling ends their sessions. `None`
    /// when there is no such user.
    async fn update_user(&self, uid: &str, change: &UserChange) -> Result<Option<User>>;
    /// Deletes a user with their tokens, sessions and memberships; 409
    /// `user_owns_spaces` while they own a space.
    async fn delete_user(&self, uid: &str) -> Result<bool>;
    /// The user whose unexpired set-up link has this hash.
    async fn user_for_setup(&self, setup_hash: &str, now: Timestamp) -> Result<Option<User>>;

    async fn create_token(&self, token: &Token, token_hash: &str) -> Result<()>;
    async fn get_token(&self, uid: &str) -> Result<Option<Token>>;
    /// Tokens of a user (`user`), or of a space (`space`), newest first.
    async fn list_tokens(&self, user: Option<&str>, space: Option<&str>, kind: TokenKind) -> Result<Vec<Token>>;
    /// Revokes a token; whether it was live.
    async fn revoke_token(&self, uid: &str, at: Timestamp) -> Result<bool>;
    /// The principal behind a live (unrevoked, unexpired) token of an enabled
    /// user or a space.
    async fn principal_for_token(&self, token_hash: &str, now: Timestamp) -> Result<Option<Principal>>;

    async fn create_session(&self, s: &Session) -> Result<()>;
    /// The principal behind a live session, with the session's CSRF hash.
    async fn principal_for_session(&self, token_hash: &str, now: Timestamp) -> Result<Option<(Principal, String)>>;
    async fn delete_session(&self, uid: &str) -> Result<()>;
}

/// Roles, and who holds which.
#[async_trait]
pub trait RoleRepo: Send + Sync {
    async fn list_org_roles(&self) -> Result<Vec<OrgRole>>;
    async fn save_org_role(&self, role: &OrgRole, create: bool) -> Result<()>;
    /// 409 `role_in_use` while a user holds it.
    async fn delete_org_role(&self, uid: &str) -> Result<bool>;

    async fn list_space_roles(&self, space: &str) -> Result<Vec<SpaceRole>>;
    async fn save_space_role(&self, space: &str, role: &SpaceRole, create: bool) -> Result<()>;
    /// 409 `role_in_use` while a member or token holds it.
    async fn delete_space_role(&self, space: &str, uid: &str) -> Result<bool>;

    /// The caller's roles in `space`: their membership's, or a space token's one.
    async fn standing(&self, space: &str, who: &Principal) -> Result<Standing>;
    async fn list_members(&self, space: &str, page: PageRequest) -> Result<Page<Member>>;
    async fn get_member(&self, space: &str, user: &str) -> Result<Option<Member>>;
    /// Sets the roles a member holds (adding them if new); the owner keeps
    /// `space_owner` whatever the list says.
    async fn set_member(&self, space: &str, user: &str, roles: &[String], at: Timestamp) -> Result<Member>;
    /// 409 `owner_cannot_leave` for the owner.
    async fn remove_member(&self, space: &str, user: &str) -> Result<bool>;
    /// Makes `to` (a member) the owner; the previous owner stays a space admin.
    async fn transfer_ownership(&self, space: &str, to: &str, at: Timestamp) -> Result<()>;
}
