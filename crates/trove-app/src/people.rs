//! Users and their API tokens, and the read-only delivery tokens of spaces.

use trove_domain::access::{Acl, Action, Credential, MEMBER, OrgGrants, OrgRole, Resource};
use trove_domain::ids::{UidKind, looks_like_uid, new_uid};
use trove_domain::model::{Page, PageRequest, Timestamp};
use trove_domain::people::{NewUser, Token, TokenKind, User, UserChange};
use trove_domain::{Error, ErrorKind, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::auth::{SETUP_LINK_TTL, check_password, hash_password, hash_secret, new_secret};
use crate::{App, now};

/// Input for a new user.
#[derive(Debug, Clone, Default)]
pub struct NewUserInput {
    pub email: Option<String>,
    pub name: Option<String>,
    /// Without one, the answer carries a one-time set-up link's secret.
    pub password: Option<String>,
    /// Default `member`.
    pub org_role: Option<String>,
}

/// A change of a user; absent fields stay as they are.
#[derive(Debug, Clone, Default)]
pub struct UserPatch {
    pub name: Option<String>,
    pub org_role: Option<String>,
    pub disabled: Option<bool>,
    pub password: Option<String>,
}

/// Input for a new API or delivery token.
#[derive(Debug, Clone, Default)]
pub struct NewTokenInput {
    pub name: Option<String>,
    /// A token acting as this user (their rights, whatever they become).
    pub user_uid: Option<String>,
    /// A token of this space, acting with `role_uid` there and nowhere else.
    pub space_uid: Option<String>,
    pub role_uid: Option<String>,
    pub expires_at: Option<Timestamp>,
}

fn user_not_found(uid: &str) -> Error {
    Error::not_found("user_not_found", format!("user {uid} does not exist"))
}

fn token_not_found(uid: &str) -> Error {
    Error::not_found("token_not_found", format!("token {uid} does not exist"))
}

fn acl_within(a: &Acl, b: &Acl) -> bool {
    (!a.read || b.read) && (!a.create || b.create) && (!a.update || b.update) && (!a.delete || b.delete)
}

/// Whether grid `a` grants nothing that `b` does not.
pub(crate) fn grants_within(a: &OrgGrants, b: &OrgGrants) -> bool {
    acl_within(&a.spaces, &b.spaces)
        && acl_within(&a.fields, &b.fields)
        && acl_within(&a.asset_types, &b.asset_types)
        && acl_within(&a.users, &b.users)
        && acl_within(&a.roles, &b.roles)
        && acl_within(&a.languages, &b.languages)
}

/// Nobody hands out rights they do not hold.
pub(crate) fn no_escalation(who: &Caller, grants: &OrgGrants) -> Result<()> {
    if grants_within(grants, &who.grants) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Forbidden,
        "role_escalation",
        "that role grants rights you do not hold yourself; ask someone who holds them",
    ))
}

fn email(raw: &str, errs: &mut FieldErrors) -> Option<String> {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !e.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        errs.add("email", "must be an e-mail address");
        return None;
    }
    Some(e)
}

impl App {
    /// Checks the caller may act on another user's account (password, set-up
    /// link, tokens, disabling, deleting): that user's rights must fit within
    /// the caller's, so nobody takes over an account with more rights than
    /// their own.
    pub(crate) async fn may_act_on(&self, who: &Caller, user: &str) -> Result<()> {
        if user == who.user_uid {
            return Ok(());
        }
        let Some(target) = self.meta.get_user(user).await? else { return Err(user_not_found(user)) };
        let grants = self.org_role(&target.org_role).await.map(|r| r.permissions).unwrap_or_default();
        no_escalation(who, &grants)
    }

    /// An organization role by UID; 422 `unknown_role` when there is none.
    pub(crate) async fn org_role(&self, uid: &str) -> Result<OrgRole> {
        self.meta.list_org_roles().await?.into_iter().find(|r| r.uid == uid).ok_or_else(|| {
            let mut e =
                Error::new(ErrorKind::Validation, "unknown_role", format!("there is no organization role {uid}"));
            e.fields.insert("org_role".to_owned(), vec![format!("{uid:?} is not an organization role")]);
            e
        })
    }

    /// Creates (invites) a user. Without a password the answer carries the secret
    /// of a one-time set-up link (valid 7 days).
    pub async fn create_user(&self, who: &Caller, input: NewUserInput) -> Result<(User, Option<String>)> {
        let mut errs = FieldErrors::default();
        let email = match input.email.as_deref() {
            Some(e) => email(e, &mut errs),
            None => {
                errs.add("email", "is required");
                None
            }
        };
        let name = match input.name.as_deref() {
            Some(n) => errs.check(rules::title("name", n)),
            None => {
                errs.add("name", "is required");
                None
            }
        };
        if let (Some(p), Some(e), Some(n)) = (input.password.as_deref(), email.as_deref(), name.as_deref())
            && let Err(weak) = check_password(p, e, n)
        {
            for (k, v) in weak.fields {
                for m in v {
                    errs.add(&k, &m);
                }
            }
        }
        errs.finish()?;
        let (email, name) = (email.unwrap_or_default(), name.unwrap_or_default());
        let role = self.org_role(input.org_role.as_deref().unwrap_or(MEMBER)).await?;
        no_escalation(who, &role.permissions)?;
        let password_hash = match &input.password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let at = now();
        let secret = password_hash.is_none().then(|| new_secret("setup_"));
        let user = User {
            uid: new_uid(UidKind::User),
            email,
            name,
            org_role: role.uid,
            disabled: false,
            has_password: password_hash.is_some(),
            created_at: at,
            updated_at: at,
        };
        let new = NewUser {
            user: user.clone(),
            org_uid: who.org_uid.clone(),
            password_hash,
            setup: secret.as_ref().map(|s| (hash_secret(s), at + SETUP_LINK_TTL)),
        };
        self.store_for(who).create_user(&new).await?;
        Ok((user, secret))
    }

    pub async fn list_users(&self, page: PageRequest) -> Result<Page<User>> {
        self.meta.list_users(page).await
    }

    /// A user: anyone may read themself; others need the right to read users.
    pub async fn get_user(&self, who: &Caller, uid: &str) -> Result<User> {
        if uid != who.user_uid {
            who.require(Action::UserRead, None, &Resource::default())?;
        }
        self.meta.get_user(uid).await?.ok_or_else(|| user_not_found(uid))
    }

    /// Changes a user. Anyone may change their own name and password; the rest
    /// needs the right to change users, and a role given must not grant more
    /// than the giver holds.
    pub async fn update_user(&self, who: &Caller, uid: &str, patch: UserPatch) -> Result<User> {
        let own = uid == who.user_uid && matches!(who.credential, Credential::UserToken(_) | Credential::Session(_));
        if !own || patch.org_role.is_some() || patch.disabled.is_some() {
            who.require(Action::UserUpdate, None, &Resource::default())?;
        }
        if own && patch.disabled == Some(true) {
            return Err(Error::conflict("cannot_disable_self", "you cannot disable your own account"));
        }
        let current = self.meta.get_user(uid).await?.ok_or_else(|| user_not_found(uid))?;
        self.may_act_on(who, uid).await?;
        let mut errs = FieldErrors::default();
        let name = patch.name.as_deref().and_then(|n| errs.check(rules::title("name", n)));
        if let Some(p) = &patch.password
            && let Err(weak) = check_password(p, &current.email, name.as_deref().unwrap_or(&current.name))
        {
            for (k, v) in weak.fields {
                for m in v {
                    errs.add(&k, &m);
                }
            }
        }
        errs.finish()?;
        let org_role = match &patch.org_role {
            Some(r) => {
                let role = self.org_role(r).await?;
                no_escalation(who, &role.permissions)?;
                Some(role.uid)
            }
            None => None,
        };
        let password_hash = match &patch.password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let change =
            UserChange { name, org_role, disabled: patch.disabled, password_hash, setup: None, at: Some(now()) };
        self.store_for(who).update_user(uid, &change).await?.ok_or_else(|| user_not_found(uid))
    }

    /// A new one-time set-up link for a user (a forgotten password).
    pub async fn reset_user(&self, who: &Caller, uid: &str) -> Result<String> {
        self.may_act_on(who, uid).await?;
        let secret = new_secret("setup_");
        let change = UserChange { setup: Some((hash_secret(&secret), now() + SETUP_LINK_TTL)), ..Default::default() };
        self.store_for(who).update_user(uid, &change).await?.ok_or_else(|| user_not_found(uid))?;
        Ok(secret)
    }

    /// Deletes a user: out of the organization and every space, tokens and
    /// sessions ended.
    pub async fn delete_user(&self, who: &Caller, uid: &str) -> Result<()> {
        if uid == who.user_uid {
            return Err(Error::conflict("cannot_delete_self", "you cannot delete your own account"));
        }
        self.may_act_on(who, uid).await?;
        if !self.store_for(who).delete_user(uid).await? {
            return Err(user_not_found(uid));
        }
        Ok(())
    }

    /// Checks the caller may manage `space`'s tokens: as a member with `action`
    /// (organization rights alone never reach into a space).
    async fn space_manager(&self, who: &Caller, space: &str, action: Action) -> Result<()> {
        let caller = self.caller(who.principal.clone(), Some(space)).await?;
        if !caller.standing(space).is_some_and(|s| s.is_member()) {
            return Err(crate::access::space_not_found(space));
        }
        caller.require(action, Some(space), &Resource::default()).map(|_| ())
    }

    /// Creates an API token, returning it with its secret (shown only now).
    pub async fn create_token(&self, who: &Caller, input: NewTokenInput) -> Result<(Token, String)> {
        let mut errs = FieldErrors::default();
        let name = match input.name.as_deref() {
            Some(n) => errs.check(rules::title("name", n)),
            None => {
                errs.add("name", "is required");
                None
            }
        };
        if input.expires_at.is_some_and(|t| t <= now()) {
            errs.add("expires_at", "must be in the future");
        }
        match (&input.user_uid, &input.space_uid) {
            (Some(_), Some(_)) => errs.add("space_uid", "give user_uid or space_uid, not both"),
            (None, None) => errs.add("user_uid", "give user_uid (a user's token) or space_uid and role_uid"),
            (None, Some(_)) if input.role_uid.is_none() => errs.add("role_uid", "is required with space_uid"),
            (Some(_), None) if input.role_uid.is_some() => errs.add("role_uid", "only a space's token has a role"),
            _ => {}
        }
        errs.finish()?;
        let name = name.unwrap_or_default();
        if !matches!(who.credential, Credential::UserToken(_) | Credential::Session(_) | Credential::Operator) {
            return Err(Error::new(ErrorKind::Forbidden, "forbidden", "a space's token cannot create tokens"));
        }
        let token = match (input.user_uid, input.space_uid) {
            (Some(user), _) => {
                if user != who.user_uid {
                    who.require(Action::UserUpdate, None, &Resource::default())?;
                }
                if !looks_like_uid(&user) || self.meta.get_user(&user).await?.is_none() {
                    return Err(user_not_found(&user));
                }
                self.may_act_on(who, &user).await?;
                self.new_token(who, TokenKind::Api, name, Some(user), None, None, input.expires_at)
            }
            (None, Some(space)) => {
                self.space_manager(who, &space, Action::MemberManage).await?;
                let role = input.role_uid.unwrap_or_default();
                self.require_space_role(&space, &role).await?;
                self.new_token(who, TokenKind::Api, name, None, Some(space), Some(role), input.expires_at)
            }
            (None, None) => return Err(Error::invalid("user_uid", "is required")),
        };
        let secret = new_secret("trove_");
        self.store_for(who).create_token(&token, &hash_secret(&secret)).await?;
        Ok((token, secret))
    }

    #[allow(clippy::too_many_arguments)]
    fn new_token(
        &self,
        who: &Caller,
        kind: TokenKind,
        name: String,
        user: Option<String>,
        space: Option<String>,
        role: Option<String>,
        expires_at: Option<Timestamp>,
    ) -> Token {
        Token {
            uid: new_uid(UidKind::Token),
            kind,
            name,
            user_uid: user,
            space_uid: space,
            role_uid: role,
            created_by: who.user_uid.clone(),
            created_at: now(),
            expires_at,
            revoked_at: None,
        }
    }

    /// Live tokens: the caller's own, another user's (with the right to read
    /// users), or a space's (its admins).
    pub async fn list_tokens(&self, who: &Caller, user: Option<&str>, space: Option<&str>) -> Result<Vec<Token>> {
        match (user, space) {
            (_, Some(space)) => {
                self.space_manager(who, space, Action::MemberManage).await?;
                self.meta.list_tokens(None, Some(space), TokenKind::Api).await
            }
            (Some(u), None) if u != who.user_uid => {
                who.require(Action::UserRead, None, &Resource::default())?;
                self.meta.list_tokens(Some(u), None, TokenKind::Api).await
            }
            _ => self.meta.list_tokens(Some(&who.user_uid), None, TokenKind::Api).await,
        }
    }

    /// Revokes a token; refused at once on every node, since every request reads
    /// its token's row.
    pub async fn revoke_token(&self, who: &Caller, uid: &str) -> Result<()> {
        let t = self.meta.get_token(uid).await?.ok_or_else(|| token_not_found(uid))?;
        let allowed = match (&t.user_uid, &t.space_uid) {
            (Some(u), _) if *u == who.user_uid => Ok(()),
            (Some(u), _) => match who.require(Action::UserUpdate, None, &Resource::default()) {
                Ok(_) => self.may_act_on(who, u).await,
                Err(e) => Err(e),
            },
            (None, Some(space)) => {
                let action =
                    if t.kind == TokenKind::Delivery { Action::DeliveryTokenManage } else { Action::MemberManage };
                self.space_manager(who, space, action).await
            }
            (None, None) => Err(token_not_found(uid)),
        };
        // A token the caller may not manage is one they need not know of.
        allowed.map_err(|_| token_not_found(uid))?;
        if !self.store_for(who).revoke_token(uid, now()).await? {
            return Err(Error::conflict("token_revoked", format!("token {uid} is already revoked")));
        }
        Ok(())
    }

    /// Creates a read-only delivery token of a space.
    pub async fn create_delivery_token(
        &self,
        who: &Caller,
        space: &str,
        name: Option<String>,
        expires_at: Option<Timestamp>,
    ) -> Result<(Token, String)> {
        let mut errs = FieldErrors::default();
        let name = match name.as_deref() {
            Some(n) => errs.check(rules::title("name", n)),
            None => {
                errs.add("name", "is required");
                None
            }
        };
        if expires_at.is_some_and(|t| t <= now()) {
            errs.add("expires_at", "must be in the future");
        }
        errs.finish()?;
        let token = self.new_token(
            who,
            TokenKind::Delivery,
            name.unwrap_or_default(),
            None,
            Some(space.to_owned()),
            None,
            expires_at,
        );
        let secret = new_secret("trove_dt_");
        self.store_for(who).create_token(&token, &hash_secret(&secret)).await?;
        Ok((token, secret))
    }

    pub async fn list_delivery_tokens(&self, space: &str) -> Result<Vec<Token>> {
        self.meta.list_tokens(None, Some(space), TokenKind::Delivery).await
    }

    /// Revokes a delivery token of `space`.
    pub async fn revoke_delivery_token(&self, who: &Caller, space: &str, uid: &str) -> Result<()> {
        match self.meta.get_token(uid).await? {
            Some(t) if t.kind == TokenKind::Delivery && t.space_uid.as_deref() == Some(space) => {}
            _ => return Err(token_not_found(uid)),
        }
        if !self.store_for(who).revoke_token(uid, now()).await? {
            return Err(Error::conflict("token_revoked", format!("token {uid} is already revoked")));
        }
        Ok(())
    }
}
