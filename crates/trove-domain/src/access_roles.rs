//! Roles as data: organization roles with their grants, space roles (built-in
//! kinds and custom rule sets), and the checks a role definition must pass.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::access::{Acl, Admit, Op};
use crate::{Error, Result};

/// The word a rule's `assets` list uses for every asset and folder.
pub const ALL: &str = "$all";

/// Rights outside spaces, per area (the custom organization roles' grid).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgGrants {
    #[serde(default)]
    pub spaces: Acl,
    #[serde(default)]
    pub fields: Acl,
    #[serde(default)]
    pub asset_types: Acl,
    #[serde(default)]
    pub users: Acl,
    #[serde(default)]
    pub roles: Acl,
    #[serde(default)]
    pub languages: Acl,
}

/// An organization role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrgRole {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub builtin: bool,
    pub permissions: OrgGrants,
}

pub const PRODUCT_ADMIN: &str = "product_admin";
pub const ASSET_TYPE_MANAGER: &str = "asset_type_manager";
pub const MEMBER: &str = "member";

/// The built-in organization roles, with their fixed UIDs.
pub fn builtin_org_roles() -> Vec<OrgRole> {
    let role = |uid: &str, name: &str, description: &str, permissions| OrgRole {
        uid: uid.to_owned(),
        name: name.to_owned(),
        description: Some(description.to_owned()),
        builtin: true,
        permissions,
    };
    vec![
        role(
            PRODUCT_ADMIN,
            "Product Admin",
            "Everything outside spaces: users, roles, spaces, fields, asset types and languages",
            OrgGrants {
                spaces: Acl::ALL,
                fields: Acl::ALL,
                asset_types: Acl::ALL,
                users: Acl::ALL,
                roles: Acl::ALL,
                languages: Acl::ALL,
            },
        ),
        role(
            ASSET_TYPE_MANAGER,
            "Asset Type Manager",
            "Fields and asset types",
            OrgGrants { fields: Acl::ALL, asset_types: Acl::ALL, ..OrgGrants::default() },
        ),
        role(
            MEMBER,
            "Member",
            "Nothing by itself: what a member does depends on their space roles",
            OrgGrants::default(),
        ),
    ]
}

/// Which kind of object a rule is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Module {
    Asset,
    Folder,
}

/// One rule of a custom space role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub module: Module,
    /// `["$all"]` for everything, or asset UIDs.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Folder UIDs: each folder and everything below it.
    #[serde(default)]
    pub folders: Vec<String>,
    pub acl: Acl,
    /// An exception denies what its acl names (within the role, deny wins).
    #[serde(default)]
    pub exception: bool,
}

impl Rule {
    pub fn all_assets(&self) -> bool {
        self.assets.iter().any(|a| a == ALL)
    }
}

/// A language rule of a custom space role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocaleRule {
    pub code: String,
    pub acl: Acl,
    #[serde(default)]
    pub exception: bool,
}

/// A custom space role's definition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomRole {
    /// The workspaces the role is scoped to; elsewhere its holder sees nothing.
    pub workspaces: Vec<String>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Without granting rules every language is allowed; with them only the
    /// languages they grant. Exceptions deny.
    #[serde(default)]
    pub locales: Vec<LocaleRule>,
}

impl CustomRole {
    /// What the role admits for `op` on `module` objects in `locale`.
    pub fn admit(&self, module: Module, op: Op, locale: Option<&str>) -> Admit {
        let mut admit = Admit::default();
        if let Some(l) = locale
            && !self.allows_locale(l, op)
        {
            return admit;
        }
        for r in &self.rules {
            // Reading a folder is allowed where its assets may be read (so a reader
            // can browse to what they may see), and refused where they may not.
            let applies = r.module == module || (module == Module::Folder && op == Op::Read);
            if !applies || !r.acl.allows(op) {
                continue;
            }
            if r.exception {
                admit.deny.add(r);
            } else {
                admit.allow.add(r);
            }
        }
        admit
    }

    /// Whether the role's language rules allow `op` in `locale`.
    pub fn allows_locale(&self, locale: &str, op: Op) -> bool {
        let denied = self.locales.iter().any(|l| l.exception && l.code == locale && l.acl.allows(op));
        if denied {
            return false;
        }
        let grants: Vec<&LocaleRule> = self.locales.iter().filter(|l| !l.exception).collect();
        grants.is_empty() || grants.iter().any(|l| l.code == locale && l.acl.allows(op))
    }

    /// The definition's own rules: at least one workspace, rules that name
    /// something, UIDs that could be UIDs. Whether the workspaces, folders and
    /// languages exist is the use case's check.
    pub fn check(&self) -> Result<()> {
        let mut problems: Vec<(String, String)> = Vec::new();
        if self.workspaces.is_empty() {
            problems.push(("workspaces".into(), "name at least one workspace".into()));
        }
        for (i, r) in self.rules.iter().enumerate() {
            let at = format!("rules[{i}]");
            if r.all_assets() && (r.assets.len() > 1 || !r.folders.is_empty()) {
                problems.push((format!("{at}.assets"), "\"$all\" stands alone: no other assets or folders".into()));
            }
            if r.assets.is_empty() && r.folders.is_empty() {
                problems.push((at.clone(), "name \"$all\", assets or folders".into()));
            }
            if r.acl == Acl::NONE {
                problems
                    .push((format!("{at}.acl"), "grant or deny at least one of read, create, update, delete".into()));
            }
            for u in r.assets.iter().filter(|a| *a != ALL).chain(&r.folders) {
                if !crate::ids::looks_like_uid(u) {
                    problems.push((at.clone(), format!("{u:?} is not a UID")));
                }
            }
        }
        // Each named UID becomes a bound parameter of the queries the role narrows.
        let named: usize = self.rules.iter().map(|r| r.assets.len() + r.folders.len()).sum();
        if named > MAX_NAMED {
            problems
                .push(("rules".into(), format!("name at most {MAX_NAMED} assets and folders in all (use folders)")));
        }
        if self.rules.len() > MAX_RULES || self.locales.len() > MAX_RULES || self.workspaces.len() > MAX_RULES {
            problems.push(("rules".into(), format!("at most {MAX_RULES} rules, language rules and workspaces each")));
        }
        let mut seen = BTreeSet::new();
        for (i, l) in self.locales.iter().enumerate() {
            if !seen.insert((l.code.as_str(), l.exception)) {
                problems.push((format!("locales[{i}].code"), format!("{} is named twice", l.code)));
            }
        }
        if problems.is_empty() {
            return Ok(());
        }
        let mut e = Error::invalid(&problems[0].0, &problems[0].1);
        for (k, v) in problems.into_iter().skip(1) {
            e.fields.entry(k).or_default().push(v);
        }
        Err(e)
    }
}

/// The most assets and folders a custom role's rules may name in all.
pub const MAX_NAMED: usize = 1000;

/// The most rules, language rules and workspaces of one custom role.
pub const MAX_RULES: usize = 100;

/// What a space role is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleKind {
    Owner,
    Admin,
    Developer,
    Manager,
    Custom(CustomRole),
}

/// A space role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpaceRole {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub kind: RoleKind,
}

pub const SPACE_OWNER: &str = "space_owner";
pub const SPACE_ADMIN: &str = "space_admin";
pub const ASSET_DEVELOPER: &str = "asset_developer";
pub const ASSET_MANAGER: &str = "asset_manager";

/// The built-in space roles, with their fixed UIDs.
pub fn builtin_space_roles() -> Vec<SpaceRole> {
    let role = |uid: &str, name: &str, description: &str, kind| SpaceRole {
        uid: uid.to_owned(),
        name: name.to_owned(),
        description: Some(description.to_owned()),
        kind,
    };
    vec![
        role(SPACE_OWNER, "Space Owner", "Created the space; everything in it, including deleting it", RoleKind::Owner),
        role(SPACE_ADMIN, "Space Admin", "Members, roles, workspaces, settings and every asset", RoleKind::Admin),
        role(
            ASSET_DEVELOPER,
            "Asset Developer",
            "Reads every asset; sets up workspace languages and the asset model",
            RoleKind::Developer,
        ),
        role(ASSET_MANAGER, "Asset Manager", "Uploads, organizes, edits and deletes assets", RoleKind::Manager),
    ]
}

/// The built-in space role with this UID.
pub fn builtin_space_role(uid: &str) -> Option<SpaceRole> {
    builtin_space_roles().into_iter().find(|r| r.uid == uid)
}
