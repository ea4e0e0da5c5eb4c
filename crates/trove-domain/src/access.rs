//! Who may do what: roles as data, and the one pure function that decides.
//!
//! [`decide`] answers from the caller (organization role, credential, the roles
//! they hold in the space the request is in) and the action: deny (as a 404 when
//! the caller may not know the thing exists, a 403 otherwise), allow, or allow
//! only for the assets an [`PermissionFilter`] admits. Use cases ask it and AND the
//! filter into their reads, so a page, its count and the trash agree and nothing
//! leaks through a number. It does no I/O: the store gathers, this decides.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

pub use crate::access_roles::*;

/// Calls `$m!` with the name of every action: the one list of actions, from
/// which [`Action`] is made here and the permission markers of the HTTP layer
/// (`perm::X`) are made there, so the two cannot drift apart.
#[macro_export]
macro_rules! with_actions {
    ($m:ident) => {
        $m!(
            SpaceList,
            SpaceCreate,
            SpaceRead,
            SpaceUpdate,
            SpaceDelete,
            SpaceTransfer,
            MemberRead,
            MemberManage,
            SpaceRoleRead,
            SpaceRoleManage,
            AuditRead,
            DeliveryTokenManage,
            AssetRead,
            AssetCreate,
            AssetUpdate,
            AssetDelete,
            FolderRead,
            FolderCreate,
            FolderUpdate,
            FolderDelete,
            TrashRead,
            TrashRestore,
            WorkspaceRead,
            WorkspaceCreate,
            WorkspaceUpdate,
            WorkspaceDelete,
            WorkspaceMerge,
            WorkspaceLanguages,
            LanguageRead,
            LanguageCreate,
            LanguageUpdate,
            LanguageDelete,
            AssetTypeRead,
            AssetTypeCreate,
            AssetTypeUpdate,
            AssetTypeDelete,
            FieldRead,
            FieldCreate,
            FieldUpdate,
            FieldDelete,
            UserRead,
            UserCreate,
            UserUpdate,
            UserDelete,
            RoleRead,
            RoleCreate,
            RoleUpdate,
            RoleDelete,
            OrgAuditRead,
            OwnAccount
        );
    };
}

macro_rules! action_enum {
    ($($name:ident),* $(,)?) => {
        /// Everything a caller can ask Trove to do (`OwnAccount`: one's own
        /// profile, password, API tokens and session).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($name,)*
        }
    };
}

with_actions!(action_enum);

impl Action {
    /// The action in a client's words, for error messages.
    pub fn describe(self) -> &'static str {
        use Action::*;
        match self {
            SpaceList => "list spaces",
            SpaceCreate => "create spaces",
            SpaceRead => "read this space",
            SpaceUpdate => "change this space",
            SpaceDelete => "delete this space",
            SpaceTransfer => "transfer this space's ownership",
            MemberRead => "read this space's members",
            MemberManage => "manage this space's members",
            SpaceRoleRead => "read this space's roles",
            SpaceRoleManage => "manage this space's roles",
            AuditRead => "read this space's audit log",
            DeliveryTokenManage => "manage delivery tokens",
            AssetRead => "read assets",
            AssetCreate => "upload assets",
            AssetUpdate => "change assets",
            AssetDelete => "delete assets",
            FolderRead => "read folders",
            FolderCreate => "create folders",
            FolderUpdate => "change folders",
            FolderDelete => "delete folders",
            TrashRead => "read the trash",
            TrashRestore => "restore from the trash",
            WorkspaceRead => "read workspaces",
            WorkspaceCreate => "create workspaces",
            WorkspaceUpdate => "change workspaces",
            WorkspaceDelete => "delete workspaces",
            WorkspaceMerge => "merge workspaces",
            WorkspaceLanguages => "set a workspace's languages",
            LanguageRead => "read languages",
            LanguageCreate => "create languages",
            LanguageUpdate => "change languages",
            LanguageDelete => "delete languages",
            AssetTypeRead => "read asset types",
            AssetTypeCreate => "create asset types",
            AssetTypeUpdate => "change asset types",
            AssetTypeDelete => "delete asset types",
            FieldRead => "read fields",
            FieldCreate => "create fields",
            FieldUpdate => "change fields",
            FieldDelete => "delete fields",
            UserRead => "read users",
            UserCreate => "create users",
            UserUpdate => "change users",
            UserDelete => "delete users",
            RoleRead => "read roles",
            RoleCreate => "create roles",
            RoleUpdate => "change roles",
            RoleDelete => "delete roles",
            OrgAuditRead => "read the organization's audit log",
            OwnAccount => "manage your own account",
        }
    }

    /// Whether the action happens inside one space (and so needs standing there).
    pub fn in_space(self) -> bool {
        use Action::*;
        !matches!(
            self,
            SpaceList
                | SpaceCreate
                | LanguageRead
                | LanguageCreate
                | LanguageUpdate
                | LanguageDelete
                | AssetTypeRead
                | AssetTypeCreate
                | AssetTypeUpdate
                | AssetTypeDelete
                | FieldRead
                | FieldCreate
                | FieldUpdate
                | FieldDelete
                | UserRead
                | UserCreate
                | UserUpdate
                | UserDelete
                | RoleRead
                | RoleCreate
                | RoleUpdate
                | RoleDelete
                | OrgAuditRead
                | OwnAccount
        )
    }

    /// The organization-level area and operation that grant the action, for
    /// actions outside spaces. Reading languages, fields and asset types needs no
    /// grant: every member works with them.
    fn org_grant(self) -> Option<(AreaOf, Op)> {
        use Action::*;
        Some(match self {
            SpaceCreate => (|g| &g.spaces, Op::Create),
            LanguageCreate => (|g| &g.languages, Op::Create),
            LanguageUpdate => (|g| &g.languages, Op::Update),
            LanguageDelete => (|g| &g.languages, Op::Delete),
            AssetTypeCreate => (|g| &g.asset_types, Op::Create),
            AssetTypeUpdate => (|g| &g.asset_types, Op::Update),
            AssetTypeDelete => (|g| &g.asset_types, Op::Delete),
            FieldCreate => (|g| &g.fields, Op::Create),
            FieldUpdate => (|g| &g.fields, Op::Update),
            FieldDelete => (|g| &g.fields, Op::Delete),
            UserRead => (|g| &g.users, Op::Read),
            UserCreate => (|g| &g.users, Op::Create),
            UserUpdate => (|g| &g.users, Op::Update),
            UserDelete => (|g| &g.users, Op::Delete),
            RoleRead => (|g| &g.roles, Op::Read),
            RoleCreate => (|g| &g.roles, Op::Create),
            RoleUpdate => (|g| &g.roles, Op::Update),
            RoleDelete => (|g| &g.roles, Op::Delete),
            OrgAuditRead => (|g| &g.users, Op::Read),
            _ => return None,
        })
    }

    /// Whether the action is on assets or folders, which roles may allow for
    /// some of them only: the use case decides, item by item or with a filter.
    pub fn is_content(self) -> bool {
        self.content().is_some()
    }

    /// For actions on assets and folders: which rules decide, and for what.
    fn content(self) -> Option<(Module, Op)> {
        use Action::*;
        Some(match self {
            AssetRead | TrashRead => (Module::Asset, Op::Read),
            AssetCreate => (Module::Asset, Op::Create),
            AssetUpdate => (Module::Asset, Op::Update),
            AssetDelete | TrashRestore => (Module::Asset, Op::Delete),
            FolderRead => (Module::Folder, Op::Read),
            FolderCreate => (Module::Folder, Op::Create),
            FolderUpdate => (Module::Folder, Op::Update),
            FolderDelete => (Module::Folder, Op::Delete),
            _ => return None,
        })
    }
}

/// Picks one area's switches out of the organization grid.
type AreaOf = fn(&OrgGrants) -> &Acl;

/// The four operations rules grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Read,
    Create,
    Update,
    Delete,
}

/// Read/create/update/delete switches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Acl {
    #[serde(default)]
    pub read: bool,
    #[serde(default)]
    pub create: bool,
    #[serde(default)]
    pub update: bool,
    #[serde(default)]
    pub delete: bool,
}

impl Acl {
    pub const ALL: Acl = Acl { read: true, create: true, update: true, delete: true };
    pub const NONE: Acl = Acl { read: false, create: false, update: false, delete: false };

    pub fn allows(&self, op: Op) -> bool {
        match op {
            Op::Read => self.read,
            Op::Create => self.create,
            Op::Update => self.update,
            Op::Delete => self.delete,
        }
    }
}

/// The credential a request came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// An API token of a user.
    UserToken(String),
    /// An API token of a space, acting with one role there and nowhere else.
    SpaceToken { uid: String, space: String, role: String },
    /// A read-only delivery token of a space.
    DeliveryToken { uid: String, space: String },
    /// A browser session (cookie); writes also need its CSRF token.
    Session(String),
    /// No credential: public delivery. It may do nothing through the API.
    Anonymous,
    /// The operator on the server's machine (`trove admin`).
    Operator,
}

impl Credential {
    /// How the audit log names it: `token:<uid>` or `session:<uid>`.
    pub fn label(&self) -> String {
        match self {
            Credential::UserToken(uid) | Credential::SpaceToken { uid, .. } | Credential::DeliveryToken { uid, .. } => {
                format!("token:{uid}")
            }
            Credential::Session(uid) => format!("session:{uid}"),
            Credential::Anonymous => "anonymous".to_owned(),
            Credential::Operator => "cli".to_owned(),
        }
    }

    /// The one space a token is limited to, if any.
    pub fn space_limit(&self) -> Option<&str> {
        match self {
            Credential::SpaceToken { space, .. } | Credential::DeliveryToken { space, .. } => Some(space),
            _ => None,
        }
    }
}

/// Who is calling: a verified credential and what it stands for.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal {
    /// The user acting, or for a space's token the user who created it (the
    /// audit log names them together with the token).
    pub user_uid: String,
    pub org_uid: String,
    /// The organization role's UID; empty for space and delivery tokens, which
    /// carry no organization rights.
    pub org_role: String,
    pub grants: OrgGrants,
    pub credential: Credential,
}

impl Principal {
    /// Nobody: the caller of public delivery URLs.
    pub fn anonymous() -> Self {
        Principal {
            user_uid: String::new(),
            org_uid: String::new(),
            org_role: String::new(),
            grants: OrgGrants::default(),
            credential: Credential::Anonymous,
        }
    }

    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor { user_uid: self.user_uid.clone(), credential: Some(self.credential.label()) }
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The caller may not learn that the thing exists: answered like a miss.
    Hidden,
    /// The caller sees the thing but may not do this to it.
    Forbidden,
}

/// The sets of folders (each with everything below it) and assets a rule names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Targets {
    pub all: bool,
    pub folders: BTreeSet<String>,
    pub assets: BTreeSet<String>,
}

impl Targets {
    fn is_empty(&self) -> bool {
        !self.all && self.folders.is_empty() && self.assets.is_empty()
    }

    pub(crate) fn add(&mut self, r: &Rule) {
        self.all |= r.all_assets();
        self.folders.extend(r.folders.iter().cloned());
        self.assets.extend(r.assets.iter().filter(|a| *a != ALL).cloned());
    }

    /// Whether an item (asset `uid`, or a folder) in folder path `path` (root
    /// first, ending with the folder it is in or is) is among the targets.
    pub fn holds(&self, uid: Option<&str>, path: &[String]) -> bool {
        self.all || uid.is_some_and(|u| self.assets.contains(u)) || path.iter().any(|f| self.folders.contains(f))
    }
}

/// What one role admits: its grants minus its exceptions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Admit {
    pub allow: Targets,
    pub deny: Targets,
}

impl Admit {
    pub fn holds(&self, uid: Option<&str>, path: &[String]) -> bool {
        self.allow.holds(uid, path) && !self.deny.holds(uid, path)
    }
}

/// The assets (or folders) an action is allowed on: those any of the parts
/// admits. Reads AND it into their queries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionFilter {
    pub any_of: Vec<Admit>,
}

impl PermissionFilter {
    /// Whether the filter admits an item in folder path `path`.
    pub fn admits(&self, uid: Option<&str>, path: &[String]) -> bool {
        self.any_of.iter().any(|a| a.holds(uid, path))
    }

    /// Every folder the filter names, so the store can expand them to subtrees.
    pub fn folders(&self) -> BTreeSet<&str> {
        self.any_of.iter().flat_map(|a| a.allow.folders.iter().chain(&a.deny.folders)).map(String::as_str).collect()
    }
}

/// The decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allow,
    /// Allowed on what the filter admits only.
    Within(PermissionFilter),
    Deny(Denial),
}

/// The caller's standing in the space a request is in: the roles they hold
/// there (none for a non-member), resolved from membership or from a space
/// token's role.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Standing {
    pub roles: Vec<SpaceRole>,
}

impl Standing {
    pub fn is_member(&self) -> bool {
        !self.roles.is_empty()
    }

    fn has(&self, kind: fn(&RoleKind) -> bool) -> bool {
        self.roles.iter().any(|r| kind(&r.kind))
    }

    /// Whether the caller's roles reach every workspace (no role is scoped).
    pub fn sees_every_workspace(&self) -> bool {
        self.roles.iter().any(|r| !matches!(r.kind, RoleKind::Custom(_)))
    }

    /// Whether any role lets the caller into `workspace`.
    pub fn sees_workspace(&self, workspace: &str) -> bool {
        self.roles.iter().any(|r| match &r.kind {
            RoleKind::Custom(c) => c.workspaces.iter().any(|w| w == workspace),
            _ => true,
        })
    }
}

/// Where an action happens, as far as the decision needs it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resource<'a> {
    pub workspace: Option<&'a str>,
    /// The language the action reads or writes in.
    pub locale: Option<&'a str>,
}

const fn deny_hidden() -> Decision {
    Decision::Deny(Denial::Hidden)
}

const fn deny_forbidden() -> Decision {
    Decision::Deny(Denial::Forbidden)
}

/// Decides whether `who`, standing in the request's space as `standing` (none
/// outside spaces), may perform `action` on `on`.
pub fn decide(who: &Principal, standing: Option<&Standing>, action: Action, on: &Resource<'_>) -> Decision {
    if who.credential == Credential::Anonymous {
        return deny_forbidden();
    }
    if let Credential::DeliveryToken { .. } = who.credential {
        // Read-only, in its space (the use case checked which one), and only what
        // is delivered: the main workspace, not drafts being prepared in forks.
        if on.workspace.is_some_and(|w| w != crate::ids::MAIN_WORKSPACE) {
            return deny_hidden();
        }
        return match action {
            Action::SpaceRead
            | Action::AssetRead
            | Action::FolderRead
            | Action::LanguageRead
            | Action::FieldRead
            | Action::AssetTypeRead => Decision::Allow,
            _ if action.in_space() => deny_forbidden(),
            _ => deny_forbidden(),
        };
    }
    if !action.in_space() {
        return decide_org(who, action);
    }
    let Some(standing) = standing.filter(|s| s.is_member()) else {
        // Whoever may change spaces can make themself a member (the use case lets
        // them add no one else); otherwise a non-member may not learn that the
        // space exists.
        if action == Action::MemberManage && who.grants.spaces.update {
            return Decision::Allow;
        }
        return deny_hidden();
    };
    if let Some(ws) = on.workspace
        && !standing.sees_workspace(ws)
    {
        return deny_hidden();
    }
    use Action::*;
    let owner = standing.has(|k| matches!(k, RoleKind::Owner));
    let admin = owner || standing.has(|k| matches!(k, RoleKind::Admin));
    let developer = standing.has(|k| matches!(k, RoleKind::Developer));
    let allow_if = |yes: bool| if yes { Decision::Allow } else { deny_forbidden() };
    match action {
        SpaceRead | WorkspaceRead => Decision::Allow,
        SpaceUpdate | MemberRead | MemberManage | SpaceRoleRead | SpaceRoleManage | AuditRead | DeliveryTokenManage
        | WorkspaceCreate | WorkspaceUpdate | WorkspaceDelete | WorkspaceMerge => allow_if(admin),
        WorkspaceLanguages => allow_if(admin || developer),
        SpaceDelete | SpaceTransfer => allow_if(owner),
        _ => match action.content() {
            Some((module, op)) => content_decision(standing, module, op, on),
            None => deny_forbidden(),
        },
    }
}

fn decide_org(who: &Principal, action: Action) -> Decision {
    let a_user = matches!(who.credential, Credential::UserToken(_) | Credential::Session(_) | Credential::Operator);
    match action {
        // Everyone lists the spaces they are a member of (the use case filters).
        Action::SpaceList => Decision::Allow,
        // A space's token acts in its space, never on its creator's account.
        Action::OwnAccount if a_user => Decision::Allow,
        Action::OwnAccount => deny_forbidden(),
        Action::LanguageRead | Action::FieldRead | Action::AssetTypeRead => Decision::Allow,
        _ => match action.org_grant() {
            Some((area, op)) if area(&who.grants).allows(op) => Decision::Allow,
            _ => deny_forbidden(),
        },
    }
}

/// Assets and folders: built-in roles by their kind, custom roles by their
/// rules, every role's answers united.
fn content_decision(standing: &Standing, module: Module, op: Op, on: &Resource<'_>) -> Decision {
    let mut filter = PermissionFilter::default();
    for role in &standing.roles {
        let admit = match &role.kind {
            RoleKind::Owner | RoleKind::Admin | RoleKind::Manager => return Decision::Allow,
            RoleKind::Developer if op == Op::Read => return Decision::Allow,
            RoleKind::Developer => continue,
            // A custom role's rules hold in the workspaces it is scoped to only.
            RoleKind::Custom(c) if on.workspace.is_some_and(|w| !c.workspaces.iter().any(|x| x == w)) => continue,
            RoleKind::Custom(c) => c.admit(module, op, on.locale),
        };
        if admit.deny.is_empty() && admit.allow.all {
            return Decision::Allow;
        }
        if !admit.allow.is_empty() {
            filter.any_of.push(admit);
        }
    }
    if filter.any_of.is_empty() {
        // Refused as a whole; a use case answering for one asset the caller may
        // not read answers as if it did not exist.
        return deny_forbidden();
    }
    Decision::Within(filter)
}

#[cfg(test)]
#[path = "access_tests.rs"]
mod tests;
