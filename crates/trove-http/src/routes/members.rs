//! `/api/spaces/{space}/members`, ownership transfer, and the space's delivery
//! tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use trove_domain::people::Member;
use utoipa::ToSchema;

use super::users::{TokenEnvelope, TokenView, TokensEnvelope};
use super::{NoQuery, PageQuery};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{Notice, time};

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberView {
    pub user_uid: String,
    pub email: String,
    pub name: String,
    /// The space roles held (`space_owner` for the owner).
    pub roles: Vec<String>,
    pub added_at: String,
}

impl From<Member> for MemberView {
    fn from(m: Member) -> Self {
        MemberView { user_uid: m.user_uid, email: m.email, name: m.name, roles: m.roles, added_at: time(m.added_at) }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MemberEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub member: MemberView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MembersEnvelope {
    pub members: Vec<MemberView>,
    pub count: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetMemberBody {
    /// Built-in (`space_admin`, `asset_developer`, `asset_manager`) or custom
    /// role UIDs of the space.
    pub roles: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferBody {
    /// A member who becomes the owner.
    pub user_uid: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryTokenBody {
    #[schema(required = true)]
    pub name: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[utoipa::path(get, path = "/api/spaces/{space}/members", tag = "people", params(("space" = String, Path), PageQuery),
    responses((status = 200, body = MembersEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_members(
    State(s): State<AppState>,
    _: Allowed<perm::MemberRead>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<MembersEnvelope>> {
    let page = s.app.list_members(&space, q.page()?).await?;
    Ok(Json(MembersEnvelope { members: page.items.into_iter().map(MemberView::from).collect(), count: page.count }))
}

#[utoipa::path(get, path = "/api/spaces/{space}/members/{user}", tag = "people",
    params(("space" = String, Path), ("user" = String, Path)),
    responses((status = 200, body = MemberEnvelope), (status = 404, body = ErrorBody)))]
pub async fn get_member(
    State(s): State<AppState>,
    _: Allowed<perm::MemberRead>,
    ApiPath((space, user)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<MemberEnvelope>> {
    Ok(Json(MemberEnvelope { notice: None, member: s.app.get_member(&space, &user).await?.into() }))
}

#[utoipa::path(put, path = "/api/spaces/{space}/members/{user}", tag = "people",
    params(("space" = String, Path), ("user" = String, Path)), request_body = SetMemberBody,
    responses((status = 200, body = MemberEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_member(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::MemberManage>,
    ApiPath((space, user)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<SetMemberBody>,
) -> ApiResult<Json<MemberEnvelope>> {
    let member = s.app.set_member(&who, &space, &user, &b.roles).await?;
    Ok(Json(MemberEnvelope { notice: Some("Member roles set.".into()), member: member.into() }))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/members/{user}", tag = "people",
    params(("space" = String, Path), ("user" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::MemberManage>,
    ApiPath((space, user)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.remove_member(&who, &space, &user).await?;
    Ok(Json(Notice { notice: "Member removed.".into() }))
}

#[utoipa::path(post, path = "/api/spaces/{space}/transfer_ownership", tag = "people", params(("space" = String, Path)),
    request_body = TransferBody,
    responses((status = 200, body = MemberEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer_ownership(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::SpaceTransfer>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<TransferBody>,
) -> ApiResult<Json<MemberEnvelope>> {
    let member = s.app.transfer_ownership(&who, &space, &b.user_uid).await?;
    Ok(Json(MemberEnvelope { notice: Some("Ownership transferred.".into()), member: member.into() }))
}

#[utoipa::path(get, path = "/api/spaces/{space}/delivery_tokens", tag = "people", params(("space" = String, Path)),
    responses((status = 200, body = TokensEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_delivery_tokens(
    State(s): State<AppState>,
    _: Allowed<perm::DeliveryTokenManage>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<TokensEnvelope>> {
    let tokens = s.app.list_delivery_tokens(&space).await?;
    Ok(Json(TokensEnvelope::new(tokens)))
}

#[utoipa::path(post, path = "/api/spaces/{space}/delivery_tokens", tag = "people", params(("space" = String, Path)),
    request_body = DeliveryTokenBody,
    responses((status = 201, body = TokenEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_delivery_token(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::DeliveryTokenManage>,
    ApiPath(space): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<DeliveryTokenBody>,
) -> ApiResult<(StatusCode, Json<TokenEnvelope>)> {
    let (token, secret) = s.app.create_delivery_token(&who, &space, b.name, b.expires_at).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenEnvelope {
            notice: Some("Delivery token created; its secret is shown only now.".into()),
            token: TokenView::new(token, Some(secret)),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/spaces/{space}/delivery_tokens/{token}", tag = "people",
    params(("space" = String, Path), ("token" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_delivery_token(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::DeliveryTokenManage>,
    ApiPath((space, uid)): ApiPath<(String, String)>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.revoke_delivery_token(&who, &space, &uid).await?;
    Ok(Json(Notice { notice: "Token revoked.".into() }))
}
