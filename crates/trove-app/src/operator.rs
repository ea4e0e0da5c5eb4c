//! What an operator does from the server's machine (`trove admin`): the way
//! back in when the only token is lost. These act as the system, outside any
//! request, and are recorded as such (credential `cli`).

use trove_domain::access::{Acl, OrgGrants, PRODUCT_ADMIN, Principal};
use trove_domain::audit::SYSTEM_ACTOR;
use trove_domain::people::User;
use trove_domain::{Error, Result};

use crate::App;
use crate::access::Caller;
use crate::people::{NewTokenInput, NewUserInput};

impl App {
    /// Whether the database holds a deployment (its organization exists).
    pub async fn deployment_exists(&self) -> Result<bool> {
        Ok(self.meta.organization_uid().await?.is_some())
    }

    /// The operator, holding every organization right.
    async fn operator(&self) -> Result<Caller> {
        let org_uid = self.meta.organization_uid().await?.unwrap_or_default();
        let all = OrgGrants {
            spaces: Acl::ALL,
            fields: Acl::ALL,
            asset_types: Acl::ALL,
            users: Acl::ALL,
            roles: Acl::ALL,
            languages: Acl::ALL,
        };
        let principal = Principal {
            user_uid: SYSTEM_ACTOR.to_owned(),
            org_uid,
            org_role: PRODUCT_ADMIN.to_owned(),
            grants: all,
            credential: trove_domain::access::Credential::Operator,
        };
        Ok(Caller { principal, space: None })
    }

    async fn user_by_email(&self, email: &str) -> Result<User> {
        let email = email.trim().to_lowercase();
        self.meta
            .login_of(&email)
            .await?
            .map(|l| l.user)
            .ok_or_else(|| Error::not_found("user_not_found", format!("there is no user {email}")))
    }

    /// Creates a user; returns them with a set-up link's secret.
    pub async fn operator_create_user(&self, email: &str, name: &str, role: &str) -> Result<(User, String)> {
        let who = self.operator().await?;
        let input = NewUserInput {
            email: Some(email.to_owned()),
            name: Some(name.to_owned()),
            password: None,
            org_role: Some(role.to_owned()),
        };
        let (user, secret) = self.create_user(&who, input).await?;
        Ok((user, secret.unwrap_or_default()))
    }

    /// A new set-up link for a user (and their account enabled again).
    pub async fn operator_reset(&self, email: &str) -> Result<(User, String)> {
        let who = self.operator().await?;
        let user = self.user_by_email(email).await?;
        if user.disabled {
            let change = crate::people::UserPatch { disabled: Some(false), ..Default::default() };
            self.update_user(&who, &user.uid, change).await?;
        }
        let secret = self.reset_user(&who, &user.uid).await?;
        Ok((user, secret))
    }

    /// A new API token of a user (their rights, whatever they are).
    pub async fn operator_token(&self, email: &str, name: &str) -> Result<(User, String)> {
        let who = self.operator().await?;
        let user = self.user_by_email(email).await?;
        let input =
            NewTokenInput { name: Some(name.to_owned()), user_uid: Some(user.uid.clone()), ..Default::default() };
        let (_, secret) = self.create_token(&who, input).await?;
        Ok((user, secret))
    }
}
