//! `/api/session`: logging in and out of the web UI, and a set-up link's first
//! password.
//!
//! Logging in sets an HttpOnly, SameSite=Lax cookie (Secure when the public URL is
//! https) and returns the session's CSRF token, which every write authenticated by
//! the cookie must send as `X-CSRF-Token`.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use trove_app::auth::NewSession;
use utoipa::ToSchema;

use super::NoQuery;
use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiQuery, ClientAddr, SESSION_COOKIE, perm};
use crate::views::time;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginBody {
    pub email: String,
    #[schema(format = Password)]
    pub password: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupBody {
    /// The secret of the one-time set-up link.
    pub setup_token: String,
    /// The new password: at least 10 characters and hard to guess.
    #[schema(format = Password)]
    pub password: String,
}

/// The signed-in user, as a session shows them.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionUser {
    pub uid: String,
    pub email: String,
    pub name: String,
    pub org_role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    pub user: SessionUser,
    /// Send as `X-CSRF-Token` with every write this session makes.
    pub csrf_token: String,
    pub expires_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionEnvelope {
    pub session: SessionView,
}

fn session_cookie(s: &AppState, value: &str, max_age: i64) -> Result<HeaderValue, ApiError> {
    let secure = if s.urls.base.starts_with("https://") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .map_err(|_| ApiError(trove_domain::Error::internal("the session cookie cannot be written")))
}

fn opened(s: &AppState, n: NewSession) -> ApiResult<Response> {
    let max_age = (n.expires_at - chrono::Utc::now()).num_seconds().max(0);
    let cookie = session_cookie(s, &n.secret, max_age)?;
    let body = SessionEnvelope {
        session: SessionView {
            user: SessionUser { uid: n.user.uid, email: n.user.email, name: n.user.name, org_role: n.user.org_role },
            csrf_token: n.csrf_token,
            expires_at: time(n.expires_at),
        },
    };
    let mut resp = (StatusCode::CREATED, Json(body)).into_response();
    resp.headers_mut().insert(SET_COOKIE, cookie);
    Ok(resp)
}

#[utoipa::path(post, path = "/api/session", tag = "session", request_body = LoginBody, security(()),
    responses((status = 201, body = SessionEnvelope), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    State(s): State<AppState>,
    ClientAddr(address): ClientAddr,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Response> {
    let n = s.app.login(&b.email, &b.password, address).await?;
    opened(&s, n)
}

#[utoipa::path(post, path = "/api/session/setup", tag = "session", request_body = SetupBody, security(()),
    responses((status = 201, body = SessionEnvelope), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_up(
    State(s): State<AppState>,
    ApiQuery(_no_query): ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<SetupBody>,
) -> ApiResult<Response> {
    let n = s.app.set_up_account(&b.setup_token, &b.password).await?;
    opened(&s, n)
}

#[utoipa::path(delete, path = "/api/session", tag = "session",
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn logout(State(s): State<AppState>, Allowed(who, _): Allowed<perm::OwnAccount>) -> ApiResult<Response> {
    s.app.logout(&who).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    resp.headers_mut().insert(SET_COOKIE, session_cookie(&s, "", 0)?);
    Ok(resp)
}
