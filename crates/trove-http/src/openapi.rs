//! The OpenAPI document, generated from the handlers' annotations so it cannot
//! drift from the routes: every API route is registered through [`routes`], which
//! is both the router and the document.

use std::sync::OnceLock;

use axum::Json;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::{
    asset_types, assets, audit, delivery, fields, folders, health, languages, localization, members, roles, session,
    spaces, trash, users, versions, workspaces,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Trove",
        description = "Open-source digital asset management: spaces, workspaces, localized and versioned assets, folders, trash and delivery URLs.",
        license(name = "Apache-2.0")
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(
        crate::error::ErrorBody,
        crate::schemas::CustomValue,
        crate::schemas::model::FieldDefinition,
        crate::schemas::model::CrossRuleSchema
    )),
    tags(
        (name = "languages", description = "The organization's languages and fallback chains"),
        (name = "fields", description = "The organization's user-defined fields, which asset types list and assets fill in under `custom_metadata`"),
        (name = "asset_types", description = "Kinds of asset, detected from the bytes and the extension: the built-in catalogue and the organization's own, with their fields and rules"),
        (name = "spaces", description = "Top-level containers"),
        (name = "workspaces", description = "Forkable parallel environments of a space: fork, compare, merge"),
        (name = "assets", description = "Files with versioned metadata"),
        (name = "localization", description = "Localized variants per language: status and unlocalize; localize by writing with `locale`"),
        (name = "versions", description = "Immutable history per locale"),
        (name = "folders", description = "Nested folders per workspace"),
        (name = "trash", description = "Deleted items, restorable until purged"),
        (name = "delivery", description = "File URLs and permanent URLs; no token needed"),
        (name = "people", description = "Users, organization and space roles, space members, API and delivery tokens"),
        (name = "session", description = "Logging in and out of the web UI (a cookie plus a CSRF token)"),
        (name = "audit", description = "Who changed what: the organization's, a space's and an asset's history"),
        (name = "operations", description = "Health and readiness"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
        }
    }
}

/// Every route, with its OpenAPI description.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(languages::list_languages, languages::create_language))
        .routes(routes!(languages::get_language, languages::update_language, languages::delete_language))
        .routes(routes!(fields::list_fields, fields::create_field))
        .routes(routes!(fields::get_field, fields::update_field, fields::delete_field))
        .routes(routes!(asset_types::list_asset_types, asset_types::create_asset_type))
        .routes(routes!(asset_types::get_asset_type, asset_types::update_asset_type, asset_types::delete_asset_type))
        .routes(routes!(spaces::list_spaces, spaces::create_space))
        .routes(routes!(spaces::get_space, spaces::update_space, spaces::delete_space))
        .routes(routes!(workspaces::list_workspaces, workspaces::create_workspace))
        .routes(routes!(workspaces::get_workspace, workspaces::update_workspace, workspaces::delete_workspace))
        .routes(routes!(workspaces::get_languages, workspaces::set_languages))
        .routes(routes!(workspaces::compare))
        .routes(routes!(workspaces::merge))
        .routes(routes!(assets::list_assets, assets::upload_asset))
        .routes(routes!(assets::get_asset, assets::update_asset, assets::delete_asset))
        .routes(routes!(assets::bulk_move))
        .routes(routes!(assets::bulk_delete))
        .routes(routes!(localization::list_locales))
        .routes(routes!(localization::unlocalize))
        .routes(routes!(versions::list_versions))
        .routes(routes!(versions::get_version))
        .routes(routes!(versions::name_version))
        .routes(routes!(versions::restore_version))
        .routes(routes!(folders::list_folders, folders::create_folder))
        .routes(routes!(folders::get_folder, folders::update_folder, folders::delete_folder))
        .routes(routes!(trash::list_trash))
        .routes(routes!(trash::restore))
        .routes(routes!(delivery::file_url))
        .routes(routes!(delivery::permanent_url))
        .routes(routes!(session::login, session::logout))
        .routes(routes!(session::set_up))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user, users::update_user, users::delete_user))
        .routes(routes!(users::reset_user))
        .routes(routes!(users::list_tokens, users::create_token))
        .routes(routes!(users::revoke_token))
        .routes(routes!(roles::list_org_roles, roles::create_org_role))
        .routes(routes!(roles::get_org_role, roles::update_org_role, roles::delete_org_role))
        .routes(routes!(roles::list_space_roles, roles::create_space_role))
        .routes(routes!(roles::get_space_role, roles::update_space_role, roles::delete_space_role))
        .routes(routes!(members::list_members))
        .routes(routes!(members::get_member, members::set_member, members::remove_member))
        .routes(routes!(members::transfer_ownership))
        .routes(routes!(members::list_delivery_tokens, members::create_delivery_token))
        .routes(routes!(members::revoke_delivery_token))
        .routes(routes!(audit::org_audit))
        .routes(routes!(audit::space_audit))
        .routes(routes!(audit::asset_activity))
        .routes(routes!(health::healthz))
        .routes(routes!(health::readyz))
        .route("/api/openapi.json", get(serve_document))
}

/// The OpenAPI document as JSON text (pretty, stable key order).
pub fn document_json() -> String {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        let (_, mut doc) = routes().split_for_parts();
        // After every route is in: these derive responses and links from the routes.
        crate::contract::SharedResponses.modify(&mut doc);
        crate::contract::Links.modify(&mut doc);
        doc.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
    .clone()
}

async fn serve_document() -> impl IntoResponse {
    let doc: serde_json::Value = serde_json::from_str(&document_json()).unwrap_or_default();
    Json(doc)
}
