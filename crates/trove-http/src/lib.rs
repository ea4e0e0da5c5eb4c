//! Trove's HTTP layer: routes, extractors, the error-to-status table, OpenAPI and
//! delivery. Handlers parse the request, call one use case on [`trove_app::App`],
//! and shape the answer; they hold no business rules.

pub mod body;
pub mod contract;
pub mod error;
pub mod extract;
pub mod json;
pub mod openapi;
mod routes;
pub mod schemas;
mod upload;
pub mod views;

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Request};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use trove_app::App;

use crate::views::Urls;

/// Largest JSON body accepted by any route.
pub const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// What handlers share.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub urls: Urls,
    /// Trash retention, shown to clients as each item's purge time.
    pub trash_retention: Duration,
}

impl AppState {
    /// `public_url` makes URLs in responses absolute (e.g. `https://dam.example.com`).
    pub fn new(app: App, public_url: Option<&str>) -> Self {
        let trash_retention = app.settings().trash_retention;
        let base = public_url.map(|u| u.trim_end_matches('/').to_owned()).unwrap_or_default();
        AppState { app, urls: Urls { base }, trash_retention }
    }
}

/// Refuses an encoded NUL (`%00`) anywhere in the path or query: no identifier or
/// filter value can contain one, and some databases cannot even compare with one.
async fn refuse_nul(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let has_nul = |s: &str| s.as_bytes().windows(3).any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0');
    let uri = req.uri();
    if has_nul(uri.path()) || uri.query().is_some_and(has_nul) {
        return error::ApiError(trove_domain::Error::bad_request(
            "invalid_request",
            "the URL contains a NUL character",
        ))
        .into_response();
    }
    next.run(req).await
}

/// The whole HTTP application, with its middleware.
pub fn router(state: AppState) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let (api, _doc) = openapi::routes().split_for_parts();
    api.fallback(error::no_route)
        .method_not_allowed_fallback(|| async { error::method_not_allowed() })
        .with_state(state)
        .layer(axum::middleware::from_fn(refuse_nul))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
}
