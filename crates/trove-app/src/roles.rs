//! Organization roles, space roles, and who holds which in a space.

use trove_domain::access::{CustomRole, OrgGrants, OrgRole, RoleKind, SPACE_OWNER, SpaceRole, builtin_space_role};
use trove_domain::ids::{UidKind, new_uid};
use trove_domain::model::{Page, PageRequest};
use trove_domain::people::Member;
use trove_domain::{Error, ErrorKind, FieldErrors, Result, rules};

use crate::access::Caller;
use crate::people::no_escalation;
use crate::{App, now};

/// Input for an organization role; absent fields stay as they are on update.
#[derive(Debug, Clone, Default)]
pub struct OrgRoleInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub permissions: Option<OrgGrants>,
}

/// Input for a custom space role; absent fields stay as they are on update.
#[derive(Debug, Clone, Default)]
pub struct SpaceRoleInput {
    pub name: Option<String>,
    pub description: Option<Option<String>>,
    pub definition: Option<CustomRole>,
}

fn role_not_found(uid: &str) -> Error {
    Error::not_found("role_not_found", format!("role {uid} does not exist"))
}

fn builtin(uid: &str) -> Error {
    Error::conflict("builtin_role", format!("{uid} is a built-in role; it cannot be changed or deleted"))
}

fn member_not_found(user: &str) -> Error {
    Error::not_found("member_not_found", format!("{user} is not a member of this space"))
}

/// A role's name and description after an input: given ones checked, absent
/// ones kept from `current` (a new role needs a name).
fn named(
    name: &Option<String>,
    description: &Option<Option<String>>,
    current: Option<(&str, Option<&str>)>,
    errs: &mut FieldErrors,
) -> (Option<String>, Option<String>) {
    let name = match (name, current) {
        (Some(n), _) => errs.check(rules::title("name", n)),
        (None, Some((n, _))) => Some(n.to_owned()),
        (None, None) => {
            errs.add("name", "is required");
            None
        }
    };
    let description = match description {
        Some(d) => errs.check(rules::description(d.as_deref().unwrap_or(""))).flatten(),
        None => current.and_then(|(_, d)| d.map(str::to_owned)),
    };
    (name, description)
}

impl App {
    pub async fn list_org_roles(&self) -> Result<Vec<OrgRole>> {
        self.meta.list_org_roles().await
    }

    pub async fn get_org_role(&self, uid: &str) -> Result<OrgRole> {
        self.meta.list_org_roles().await?.into_iter().find(|r| r.uid == uid).ok_or_else(|| role_not_found(uid))
    }

    /// Creates (`uid: None`) or changes a custom organization role. A role never
    /// grants more than its author holds.
    pub async fn save_org_role(&self, who: &Caller, uid: Option<&str>, input: OrgRoleInput) -> Result<OrgRole> {
        let current = match uid {
            Some(u) => {
                let r = self.get_org_role(u).await?;
                if r.builtin {
                    return Err(builtin(u));
                }
                Some(r)
            }
            None => None,
        };
        let mut errs = FieldErrors::default();
        let was = current.as_ref().map(|c| (c.name.as_str(), c.description.as_deref()));
        let (name, description) = named(&input.name, &input.description, was, &mut errs);
        errs.finish()?;
        let permissions = input.permissions.or(current.as_ref().map(|c| c.permissions)).unwrap_or_default();
        no_escalation(who, &permissions)?;
        let role = OrgRole {
            uid: current.as_ref().map(|c| c.uid.clone()).unwrap_or_else(|| new_uid(UidKind::Role)),
            name: name.unwrap_or_default(),
            description,
            builtin: false,
            permissions,
        };
        self.store_for(who).save_org_role(&role, current.is_none()).await?;
        Ok(role)
    }

    pub async fn delete_org_role(&self, who: &Caller, uid: &str) -> Result<()> {
        if self.get_org_role(uid).await?.builtin {
            return Err(builtin(uid));
        }
        if !self.store_for(who).delete_org_role(uid).await? {
            return Err(role_not_found(uid));
        }
        Ok(())
    }

    pub async fn list_space_roles(&self, space: &str) -> Result<Vec<SpaceRole>> {
        self.meta.list_space_roles(space).await
    }

    pub async fn get_space_role(&self, space: &str, uid: &str) -> Result<SpaceRole> {
        self.meta.list_space_roles(space).await?.into_iter().find(|r| r.uid == uid).ok_or_else(|| role_not_found(uid))
    }

    /// A role members and space tokens can hold: any built-in one but the
    /// owner's, or a custom role of the space.
    pub(crate) async fn require_space_role(&self, space: &str, uid: &str) -> Result<()> {
        if uid == SPACE_OWNER {
            let mut e = Error::new(
                ErrorKind::Validation,
                "owner_role_reserved",
                "the space owner is made by transferring ownership, not by giving the role",
            );
            e.fields.insert("roles".to_owned(), vec!["space_owner cannot be given".to_owned()]);
            return Err(e);
        }
        if builtin_space_role(uid).is_some() {
            return Ok(());
        }
        self.get_space_role(space, uid).await.map(|_| ()).map_err(|_| {
            let mut e =
                Error::new(ErrorKind::Validation, "unknown_role", format!("there is no role {uid} in this space"));
            e.fields.insert("roles".to_owned(), vec![format!("{uid:?} is not a role of this space")]);
            e
        })
    }

    /// Creates (`uid: None`) or changes a custom space role, after checking its
    /// rules name workspaces of the space and languages of the organization.
    pub async fn save_space_role(
        &self,
        who: &Caller,
        space: &str,
        uid: Option<&str>,
        input: SpaceRoleInput,
    ) -> Result<SpaceRole> {
        let current = match uid {
            Some(u) => {
                let r = self.get_space_role(space, u).await?;
                match r.kind {
                    RoleKind::Custom(_) => Some(r),
                    _ => return Err(builtin(u)),
                }
            }
            None => None,
        };
        let mut errs = FieldErrors::default();
        let was = current.as_ref().map(|c| (c.name.as_str(), c.description.as_deref()));
        let (name, description) = named(&input.name, &input.description, was, &mut errs);
        let definition = match (input.definition, &current) {
            (Some(d), _) => d,
            (None, Some(SpaceRole { kind: RoleKind::Custom(c), .. })) => c.clone(),
            _ => {
                errs.add("workspaces", "is required");
                CustomRole::default()
            }
        };
        errs.finish()?;
        definition.check()?;
        for (i, w) in definition.workspaces.iter().enumerate() {
            if self.meta.get_workspace(space, w).await?.is_none() {
                return Err(Error::invalid(
                    &format!("workspaces[{i}]"),
                    format!("{w:?} is not a workspace of this space"),
                ));
            }
        }
        // A folder a rule names must exist in one of the role's workspaces: a typo
        // would make a role that silently grants nothing.
        for (i, r) in definition.rules.iter().enumerate() {
            for f in &r.folders {
                let mut found = false;
                for w in &definition.workspaces {
                    if self.meta.get_folder(space, w, f).await?.is_some() {
                        found = true;
                        break;
                    }
                }
                if !found {
                    return Err(Error::invalid(
                        &format!("rules[{i}].folders"),
                        format!("{f:?} is not a folder of the role's workspaces"),
                    ));
                }
            }
        }
        let languages = self.meta.list_languages().await?;
        for (i, l) in definition.locales.iter().enumerate() {
            if !languages.iter().any(|x| x.code == l.code) {
                return Err(Error::invalid(&format!("locales[{i}].code"), format!("{:?} is not a language", l.code)));
            }
        }
        let role = SpaceRole {
            uid: current.as_ref().map(|c| c.uid.clone()).unwrap_or_else(|| new_uid(UidKind::Role)),
            name: name.unwrap_or_default(),
            description,
            kind: RoleKind::Custom(definition),
        };
        self.store_for(who).save_space_role(space, &role, current.is_none()).await?;
        Ok(role)
    }

    pub async fn delete_space_role(&self, who: &Caller, space: &str, uid: &str) -> Result<()> {
        if builtin_space_role(uid).is_some() {
            return Err(builtin(uid));
        }
        if !self.store_for(who).delete_space_role(space, uid).await? {
            return Err(role_not_found(uid));
        }
        Ok(())
    }

    pub async fn list_members(&self, space: &str, page: PageRequest) -> Result<Page<Member>> {
        self.meta.list_members(space, page).await
    }

    pub async fn get_member(&self, space: &str, user: &str) -> Result<Member> {
        self.meta.get_member(space, user).await?.ok_or_else(|| member_not_found(user))
    }

    /// Gives a user exactly `roles` in the space, adding them as a member if
    /// new. Someone who may change spaces but is not a member may add only
    /// themself.
    pub async fn set_member(&self, who: &Caller, space: &str, user: &str, roles: &[String]) -> Result<Member> {
        let member = who.standing(space).is_some_and(|s| s.is_member());
        if !member && user != who.user_uid {
            return Err(crate::access::space_not_found(space));
        }
        if self.meta.get_space(space).await?.is_none() {
            return Err(crate::access::space_not_found(space));
        }
        if roles.is_empty() {
            return Err(Error::invalid("roles", "give at least one role; remove a member with DELETE"));
        }
        for r in roles {
            self.require_space_role(space, r).await?;
        }
        self.store_for(who).set_member(space, user, roles, now()).await
    }

    pub async fn remove_member(&self, who: &Caller, space: &str, user: &str) -> Result<()> {
        // One who may change spaces but is not a member may only leave.
        let member = who.standing(space).is_some_and(|s| s.is_member());
        if !member && user != who.user_uid {
            return Err(crate::access::space_not_found(space));
        }
        if !self.store_for(who).remove_member(space, user).await? {
            return Err(member_not_found(user));
        }
        Ok(())
    }

    /// Makes another member the space's owner; the previous owner stays as a
    /// space admin.
    pub async fn transfer_ownership(&self, who: &Caller, space: &str, to: &str) -> Result<Member> {
        self.store_for(who).transfer_ownership(space, to, now()).await?;
        self.get_member(space, to).await
    }
}
