//! `/api/users` and `/api/tokens`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use trove_app::people::{NewTokenInput, NewUserInput, UserPatch};
use trove_domain::people::{Token, TokenKind, User};
use utoipa::{IntoParams, ToSchema};

use super::{NoQuery, PageQuery};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{Notice, time};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUserBody {
    #[schema(required = true)]
    pub email: Option<String>,
    #[schema(required = true)]
    pub name: Option<String>,
    /// Without a password the answer carries a one-time set-up link.
    #[schema(format = Password)]
    pub password: Option<String>,
    /// `product_admin`, `asset_type_manager`, `member` (the default) or a custom
    /// organization role's UID.
    pub org_role: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUserBody {
    pub name: Option<String>,
    pub org_role: Option<String>,
    pub disabled: Option<bool>,
    #[schema(format = Password)]
    pub password: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserView {
    pub uid: String,
    pub email: String,
    pub name: String,
    pub org_role: String,
    pub disabled: bool,
    pub has_password: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            uid: u.uid,
            email: u.email,
            name: u.name,
            org_role: u.org_role,
            disabled: u.disabled,
            has_password: u.has_password,
            created_at: time(u.created_at),
            updated_at: time(u.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub user: UserView,
    /// The secret of a one-time set-up link (`POST /api/session/setup`), only in
    /// the answer that made it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setup_token: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UsersEnvelope {
    pub users: Vec<UserView>,
    pub count: i64,
}

#[utoipa::path(get, path = "/api/users", tag = "people", params(PageQuery),
    responses((status = 200, body = UsersEnvelope), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(s): State<AppState>,
    _: Allowed<perm::UserRead>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<Json<UsersEnvelope>> {
    let page = s.app.list_users(q.page()?).await?;
    Ok(Json(UsersEnvelope { users: page.items.into_iter().map(UserView::from).collect(), count: page.count }))
}

#[utoipa::path(post, path = "/api/users", tag = "people", request_body = CreateUserBody,
    responses((status = 201, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_user(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::UserCreate>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<CreateUserBody>,
) -> ApiResult<(StatusCode, Json<UserEnvelope>)> {
    let input = NewUserInput { email: b.email, name: b.name, password: b.password, org_role: b.org_role };
    let (user, setup_token) = s.app.create_user(&who, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserEnvelope { notice: Some("User created.".into()), user: user.into(), setup_token }),
    ))
}

#[utoipa::path(get, path = "/api/users/{user}", tag = "people", params(("user" = String, Path)),
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OwnAccount>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<UserEnvelope>> {
    let uid = if uid == "me" { who.user_uid.clone() } else { uid };
    let user = s.app.get_user(&who, &uid).await?;
    Ok(Json(UserEnvelope { notice: None, user: user.into(), setup_token: None }))
}

#[utoipa::path(put, path = "/api/users/{user}", tag = "people", params(("user" = String, Path)),
    request_body = UpdateUserBody,
    responses((status = 200, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_user(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OwnAccount>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<UpdateUserBody>,
) -> ApiResult<Json<UserEnvelope>> {
    let uid = if uid == "me" { who.user_uid.clone() } else { uid };
    let patch = UserPatch { name: b.name, org_role: b.org_role, disabled: b.disabled, password: b.password };
    let user = s.app.update_user(&who, &uid, patch).await?;
    Ok(Json(UserEnvelope { notice: Some("User updated.".into()), user: user.into(), setup_token: None }))
}

#[utoipa::path(delete, path = "/api/users/{user}", tag = "people", params(("user" = String, Path)),
    responses((status = 200, body = Notice), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete_user(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::UserDelete>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_user(&who, &uid).await?;
    Ok(Json(Notice { notice: "User deleted.".into() }))
}

#[utoipa::path(post, path = "/api/users/{user}/setup_link", tag = "people", params(("user" = String, Path)),
    responses((status = 201, body = UserEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reset_user(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::UserUpdate>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<(StatusCode, Json<UserEnvelope>)> {
    let secret = s.app.reset_user(&who, &uid).await?;
    let user = s.app.get_user(&who, &uid).await?;
    Ok((
        StatusCode::CREATED,
        Json(UserEnvelope {
            notice: Some("Set-up link created.".into()),
            user: user.into(),
            setup_token: Some(secret),
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTokenBody {
    #[schema(required = true)]
    pub name: Option<String>,
    /// A token acting as this user.
    pub user_uid: Option<String>,
    /// A token of this space, acting with `role_uid` there and nowhere else.
    pub space_uid: Option<String>,
    pub role_uid: Option<String>,
    /// When the token stops working (RFC 3339); none: until revoked.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenView {
    pub uid: String,
    /// `api` or `delivery`.
    pub kind: String,
    pub name: String,
    pub user_uid: Option<String>,
    pub space_uid: Option<String>,
    pub role_uid: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub expires_at: Option<String>,
    /// The secret, only in the answer that created the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl TokenView {
    pub fn new(t: Token, secret: Option<String>) -> Self {
        TokenView {
            uid: t.uid,
            kind: match t.kind {
                TokenKind::Api => "api".into(),
                TokenKind::Delivery => "delivery".into(),
            },
            name: t.name,
            user_uid: t.user_uid,
            space_uid: t.space_uid,
            role_uid: t.role_uid,
            created_by: t.created_by,
            created_at: time(t.created_at),
            expires_at: t.expires_at.map(time),
            secret,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub token: TokenView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensEnvelope {
    pub tokens: Vec<TokenView>,
    pub count: i64,
}

impl TokensEnvelope {
    pub fn new(tokens: Vec<Token>) -> Self {
        let count = tokens.len() as i64;
        TokensEnvelope { tokens: tokens.into_iter().map(|t| TokenView::new(t, None)).collect(), count }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokensQuery {
    /// Another user's tokens (needs the right to read users).
    pub user_uid: Option<String>,
    /// A space's tokens (its admins).
    pub space_uid: Option<String>,
}

#[utoipa::path(get, path = "/api/tokens", tag = "people", params(TokensQuery),
    responses((status = 200, body = TokensEnvelope), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_tokens(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OwnAccount>,
    ApiQuery(q): ApiQuery<TokensQuery>,
) -> ApiResult<Json<TokensEnvelope>> {
    let given = |v: &Option<String>| v.as_deref().filter(|v| !v.is_empty()).map(str::to_owned);
    let (user, space) = (given(&q.user_uid), given(&q.space_uid));
    let tokens = s.app.list_tokens(&who, user.as_deref(), space.as_deref()).await?;
    Ok(Json(TokensEnvelope::new(tokens)))
}

#[utoipa::path(post, path = "/api/tokens", tag = "people", request_body = CreateTokenBody,
    responses((status = 201, body = TokenEnvelope), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_token(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OwnAccount>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<CreateTokenBody>,
) -> ApiResult<(StatusCode, Json<TokenEnvelope>)> {
    let input = NewTokenInput {
        name: b.name,
        user_uid: b.user_uid,
        space_uid: b.space_uid,
        role_uid: b.role_uid,
        expires_at: b.expires_at,
    };
    let (token, secret) = s.app.create_token(&who, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenEnvelope {
            notice: Some("Token created; its secret is shown only now.".into()),
            token: TokenView::new(token, Some(secret)),
        }),
    ))
}

#[utoipa::path(delete, path = "/api/tokens/{token}", tag = "people", params(("token" = String, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::OwnAccount>,
    ApiPath(uid): ApiPath<String>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.revoke_token(&who, &uid).await?;
    Ok(Json(Notice { notice: "Token revoked.".into() }))
}
