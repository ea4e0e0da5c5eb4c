//! The caller, and asking the one decision ([`trove_domain::access::decide`]).
//!
//! A request's credential becomes a [`Caller`] once, with its standing in the
//! space the request names. Use cases ask [`Caller::require`] for what they are
//! about to do: a refusal becomes the right error (a 404 when the caller may not
//! know the thing exists), an allowance limited to some assets comes back as a
//! filter the use case ANDs into its reads.

use std::ops::Deref;
use std::sync::Arc;

use trove_domain::access::{Action, Decision, Denial, PermissionFilter, Principal, Resource, Standing, decide};
use trove_domain::{Error, ErrorKind, Result};

use crate::App;
use crate::ports::MetadataStore;

/// A verified caller and their standing in the request's space (if it names one).
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    pub principal: Principal,
    /// The space the standing is for, and the standing.
    pub space: Option<(String, Standing)>,
}

impl Deref for Caller {
    type Target = Principal;
    fn deref(&self) -> &Principal {
        &self.principal
    }
}

/// The answer about a space that does not exist, or that the caller may not
/// know exists.
pub fn space_not_found(uid: &str) -> Error {
    Error::not_found("space_not_found", format!("space {uid} does not exist"))
}

fn forbidden(action: Action) -> Error {
    Error::new(ErrorKind::Forbidden, "forbidden", format!("your role does not allow you to {}", action.describe()))
}

/// What an allowance covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Allowance {
    All,
    Within(PermissionFilter),
}

impl Allowance {
    pub fn filter(&self) -> Option<&PermissionFilter> {
        match self {
            Allowance::All => None,
            Allowance::Within(f) => Some(f),
        }
    }
}

impl Caller {
    /// The standing in `space` (none for another space than the resolved one).
    pub fn standing(&self, space: &str) -> Option<&Standing> {
        self.space.as_ref().filter(|(s, _)| s == space).map(|(_, st)| st)
    }

    /// Whether the caller may perform `action` (in `space`, if it is one of a
    /// space), as an error when not: 404 `space_not_found` / `workspace_not_found`
    /// when they may not know the space or workspace exists, else 403.
    pub fn require(&self, action: Action, space: Option<&str>, on: &Resource<'_>) -> Result<Allowance> {
        let standing = space.and_then(|s| self.standing(s));
        if let (Some(s), Some(limit)) = (space, self.credential.space_limit())
            && s != limit
        {
            return Err(space_not_found(s));
        }
        match decide(&self.principal, standing, action, on) {
            Decision::Allow => Ok(Allowance::All),
            Decision::Within(f) => Ok(Allowance::Within(f)),
            Decision::Deny(Denial::Forbidden) => Err(forbidden(action)),
            Decision::Deny(Denial::Hidden) => match (space, standing) {
                (Some(s), st) if st.is_some_and(Standing::is_member) || self.credential.space_limit() == Some(s) => {
                    Err(Error::not_found(
                        "workspace_not_found",
                        format!("workspace {:?} does not exist", on.workspace.unwrap_or_default()),
                    ))
                }
                (Some(s), _) => Err(space_not_found(s)),
                (None, _) => Err(forbidden(action)),
            },
        }
    }
}

impl Caller {
    /// What a route's door checks before its use case runs: the caller's standing
    /// (a space or workspace they may not know of is a 404) and, except for
    /// actions on assets and folders, the action itself. Those the use case
    /// decides, since a role may allow them on some items only, and one it may
    /// not read must answer as missing (404), a list it may not read as refused.
    pub fn admit(&self, action: Action, space: Option<&str>, on: &Resource<'_>) -> Result<()> {
        let at_door = if action.is_content() { Action::SpaceRead } else { action };
        self.require(at_door, space, on).map(|_| ())
    }

    /// [`Caller::require`], refusing an allowance limited to some assets: for
    /// answers that cannot be narrowed (a compare of whole workspaces).
    pub fn require_all(&self, action: Action, space: Option<&str>, on: &Resource<'_>) -> Result<()> {
        match self.require(action, space, on)? {
            Allowance::All => Ok(()),
            Allowance::Within(_) => Err(forbidden(action)),
        }
    }
}

impl App {
    /// The caller behind `principal`, with their standing in `space`.
    pub async fn caller(&self, principal: Principal, space: Option<&str>) -> Result<Caller> {
        let space = match space {
            Some(s) => Some((s.to_owned(), self.meta.standing(s, &principal).await?)),
            None => None,
        };
        Ok(Caller { principal, space })
    }

    /// The metadata store writing on the caller's behalf: its writes record the
    /// caller (and their credential) in the outbox.
    pub(crate) fn store_for(&self, who: &Caller) -> Arc<dyn MetadataStore> {
        self.meta.acting_as(who.principal.actor())
    }
}
