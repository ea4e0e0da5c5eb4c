//! `/api/roles` (organization roles) and `/api/spaces/{space}/roles` (space roles).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use trove_app::roles::{OrgRoleInput, SpaceRoleInput};
use trove_domain::access::{Acl, CustomRole, LocaleRule, Module, OrgGrants, OrgRole, RoleKind, Rule, SpaceRole};
use utoipa::ToSchema;

use super::{NoQuery, double_option};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::Notice;

/// Read/create/update/delete switches.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AclBody {
    #[serde(default)]
    pub read: bool,
    #[serde(default)]
    pub create: bool,
    #[serde(default)]
    pub update: bool,
    #[serde(default)]
    pub delete: bool,
}

impl From<AclBody> for Acl {
    fn from(a: AclBody) -> Self {
        Acl { read: a.read, create: a.create, update: a.update, delete: a.delete }
    }
}

impl From<Acl> for AclBody {
    fn from(a: Acl) -> Self {
        AclBody { read: a.read, create: a.create, update: a.update, delete: a.delete }
    }
}

/// Rights outside spaces, per area.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantsBody {
    #[serde(default)]
    pub spaces: AclBody,
    #[serde(default)]
    pub fields: AclBody,
    #[serde(default)]
    pub asset_types: AclBody,
    #[serde(default)]
    pub users: AclBody,
    #[serde(default)]
    pub roles: AclBody,
    #[serde(default)]
    pub languages: AclBody,
}

impl From<GrantsBody> for OrgGrants {
    fn from(g: GrantsBody) -> Self {
        OrgGrants {
            spaces: g.spaces.into(),
            fields: g.fields.into(),
            asset_types: g.asset_types.into(),
            users: g.users.into(),
            roles: g.roles.into(),
            languages: g.languages.into(),
        }
    }
}

impl From<OrgGrants> for GrantsBody {
    fn from(g: OrgGrants) -> Self {
        GrantsBody {
            spaces: g.spaces.into(),
            fields: g.fields.into(),
            asset_types: g.asset_types.into(),
            users: g.users.into(),
            roles: g.roles.into(),
            languages: g.languages.into(),
        }
    }
}

/// A new organization role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgRoleBody {
    pub name: String,
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<String>,
    #[serde(default)]
    pub permissions: GrantsBody,
}

/// A change of an organization role; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgRoleBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
    pub permissions: Option<GrantsBody>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRoleView {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    /// Built-in roles have fixed UIDs and cannot change.
    pub builtin: bool,
    pub permissions: GrantsBody,
}

impl From<OrgRole> for OrgRoleView {
    fn from(r: OrgRole) -> Self {
        OrgRoleView {
            uid: r.uid,
            name: r.name,
            description: r.description,
            builtin: r.builtin,
            permissions: r.permissions.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRoleEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub role: OrgRoleView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgRolesEnvelope {
    pub roles: Vec<OrgRoleView>,
    pub count: i64,
}

fn org_input(b: OrgRoleBody) -> OrgRoleInput {
    OrgRoleInput { name: b.name, description: b.description, permissions: b.permissions.map(Into::into) }
}

#[utoipa::path(get, path = "/api/roles", tag = "people",
    responses((status = 200, body = OrgRolesEnvelope), (status = 403, body = ErrorBody)))]
pub async fn list_org_roles(
    State(s): State<AppState>,
    _: Allowed<perm::RoleRead>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<OrgRolesEnvelope>> {
    let roles = s.app.list_org_roles().await?;
    let count = roles.len() as i64;
    Ok(Json(OrgRolesEnvelope { roles: roles.into_iter().map(OrgRoleView::from).collect(), count }))
}

#[utoipa::path(post, path = "/api/roles", tag = "people", request_body = NewOrgRoleBody,
    responses((status = 201, body = OrgRoleEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_org_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::RoleCreate>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<NewOrgRoleBody>,
) -> ApiResult<(StatusCode, Json<OrgRoleEnvelope>)> {
    let input =
        OrgRoleInput { name: Some(b.name), description: Some(b.description), permissions: Some(b.permissions.into()) };
    let role = s.app.save_org_role(&who, None, input).await?;
    Ok((StatusCode::CREATED, Json(OrgRoleEnvelope { notice: Some("Role created.".into()), role: role.into() })))
}

#[utoipa::path(get, path = "/api/roles/{role}", tag = "people", params(("role" = String, Path)),
    responses((status = 200, body = OrgRoleEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_org_role(
    State(s): State<AppState>,
    _: Allowed<perm::RoleRead>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<OrgRoleEnvelope>> {
    Ok(Json(OrgRoleEnvelope { notice: None, role: s.app.get_org_role(&uid).await?.into() }))
}

#[utoipa::path(put, path = "/api/roles/{role}", tag = "people", params(("role" = String, Path)),
    request_body = OrgRoleBody,
    responses((status = 200, body = OrgRoleEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_org_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::RoleUpdate>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<OrgRoleBody>,
) -> ApiResult<Json<OrgRoleEnvelope>> {
    let role = s.app.save_org_role(&who, Some(&uid), org_input(b)).await?;
    Ok(Json(OrgRoleEnvelope { notice: Some("Role updated.".into()), role: role.into() }))
}

#[utoipa::path(delete, path = "/api/roles/{role}", tag = "people", params(("role" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_org_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::RoleDelete>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_org_role(&who, &uid).await?;
    Ok(Json(Notice { notice: "Role deleted.".into() }))
}

/// Which kind of object a rule is about.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModuleBody {
    Asset,
    Folder,
}

/// A rule: `assets: ["$all"]` for everything, or asset UIDs; `folders`: folder
/// UIDs, each with everything below it. An exception denies what its acl names.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleBody {
    pub module: ModuleBody,
    #[serde(default)]
    pub assets: Vec<String>,
    #[serde(default)]
    pub folders: Vec<String>,
    pub acl: AclBody,
    #[serde(default)]
    pub exception: bool,
}

/// A language rule: without granting ones every language is allowed.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocaleRuleBody {
    pub code: String,
    pub acl: AclBody,
    #[serde(default)]
    pub exception: bool,
}

/// A new custom space role.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSpaceRoleBody {
    pub name: String,
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<String>,
    /// The workspaces the role is scoped to (at least one).
    pub workspaces: Vec<String>,
    #[serde(default)]
    pub rules: Vec<RuleBody>,
    #[serde(default)]
    pub locales: Vec<LocaleRuleBody>,
}

/// A change of a custom space role; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SpaceRoleBody {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(schema_with = crate::schemas::description)]
    pub description: Option<Option<String>>,
    /// The workspaces the role is scoped to (at least one).
    pub workspaces: Option<Vec<String>>,
    pub rules: Option<Vec<RuleBody>>,
    pub locales: Option<Vec<LocaleRuleBody>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceRoleView {
    pub uid: String,
    pub name: String,
    pub description: Option<String>,
    pub builtin: bool,
    /// For custom roles: their scope and rules.
    pub workspaces: Vec<String>,
    pub rules: Vec<RuleBody>,
    pub locales: Vec<LocaleRuleBody>,
}

impl From<SpaceRole> for SpaceRoleView {
    fn from(r: SpaceRole) -> Self {
        let (builtin, c) = match r.kind {
            RoleKind::Custom(c) => (false, c),
            _ => (true, CustomRole::default()),
        };
        SpaceRoleView {
            uid: r.uid,
            name: r.name,
            description: r.description,
            builtin,
            workspaces: c.workspaces,
            rules: c
                .rules
                .into_iter()
                .map(|x| RuleBody {
                    module: match x.module {
                        Module::Asset => ModuleBody::Asset,
                        Module::Folder => ModuleBody::Folder,
                    },
                    assets: x.assets,
                    folders: x.folders,
                    acl: x.acl.into(),
                    exception: x.exception,
                })
                .collect(),
            locales: c
                .locales
                .into_iter()
                .map(|l| LocaleRuleBody { code: l.code, acl: l.acl.into(), exception: l.exception })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceRoleEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub role: SpaceRoleView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceRolesEnvelope {
    pub roles: Vec<SpaceRoleView>,
    pub count: i64,
}

fn space_input(b: SpaceRoleBody, current: Option<&SpaceRole>) -> SpaceRoleInput {
    let base = match current.map(|c| &c.kind) {
        Some(RoleKind::Custom(c)) => Some(c.clone()),
        _ => None,
    };
    let touched = b.workspaces.is_some() || b.rules.is_some() || b.locales.is_some();
    let definition = touched.then(|| {
        let base = base.unwrap_or_default();
        CustomRole {
            workspaces: b.workspaces.unwrap_or(base.workspaces),
            rules: match b.rules {
                Some(r) => r
                    .into_iter()
                    .map(|x| Rule {
                        module: match x.module {
                            ModuleBody::Asset => Module::Asset,
                            ModuleBody::Folder => Module::Folder,
                        },
                        assets: x.assets,
                        folders: x.folders,
                        acl: x.acl.into(),
                        exception: x.exception,
                    })
                    .collect(),
                None => base.rules,
            },
            locales: match b.locales {
                Some(l) => l
                    .into_iter()
                    .map(|x| LocaleRule {
                        code: x.code.trim().to_ascii_lowercase(),
                        acl: x.acl.into(),
                        exception: x.exception,
                    })
                    .collect(),
                None => base.locales,
            },
        }
    });
    SpaceRoleInput { name: b.name, description: b.description, definition }
}

#[utoipa::path(get, path = "/api/spaces/{space}/roles", tag = "people", params(("space" = String, Path)),
    responses((status = 200, body = SpaceRolesEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_space_roles(
    State(s): State<AppState>,
    _: Allowed<perm::SpaceRoleRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<SpaceRolesEnvelope>> {
    let roles = s.app.list_space_roles(&space).await?;
    let count = roles.len() as i64;
    Ok(Json(SpaceRolesEnvelope { roles: roles.into_iter().map(SpaceRoleView::from).collect(), count }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/roles", tag = "people", params(("space" = String, Path)),
    request_body = NewSpaceRoleBody,
    responses((status = 201, body = SpaceRoleEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_space_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceRoleManage>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<NewSpaceRoleBody>,
) -> ApiResult<(StatusCode, Json<SpaceRoleEnvelope>)> {
    let body = SpaceRoleBody {
        name: Some(b.name),
        description: Some(b.description),
        workspaces: Some(b.workspaces),
        rules: Some(b.rules),
        locales: Some(b.locales),
    };
    let role = s.app.save_space_role(&who, &space, None, space_input(body, None)).await?;
    Ok((StatusCode::CREATED, Json(SpaceRoleEnvelope { notice: Some("Role created.".into()), role: role.into() })))
}

#[utoipa::path(get, path = "/api/spaces/{space}/roles/{role}", tag = "people",
    params(("space" = String, Path), ("role" = String, Path)),
    responses((status = 200, body = SpaceRoleEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_space_role(
    State(s): State<AppState>,
    _: Allowed<perm::SpaceRoleRead>,
    ApiPath((space, uid)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<SpaceRoleEnvelope>> {
    Ok(Json(SpaceRoleEnvelope { notice: None, role: s.app.get_space_role(&space, &uid).await?.into() }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/roles/{role}", tag = "people",
    params(("space" = String, Path), ("role" = String, Path)), request_body = SpaceRoleBody,
    responses((status = 200, body = SpaceRoleEnvelope), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_space_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceRoleManage>,
    ApiPath((space, uid)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<SpaceRoleBody>,
) -> ApiResult<Json<SpaceRoleEnvelope>> {
    let current = s.app.get_space_role(&space, &uid).await?;
    let role = s.app.save_space_role(&who, &space, Some(&uid), space_input(b, Some(&current))).await?;
    Ok(Json(SpaceRoleEnvelope { notice: Some("Role updated.".into()), role: role.into() }))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/roles/{role}", tag = "people",
    params(("space" = String, Path), ("role" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_space_role(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceRoleManage>,
    ApiPath((space, uid)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_space_role(&who, &space, &uid).await?;
    Ok(Json(Notice { notice: "Role deleted.".into() }))
}
