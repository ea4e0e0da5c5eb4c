//! The one table from error kinds to HTTP statuses, and the JSON error body.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use trove_domain::{Error, ErrorKind};
use utoipa::ToSchema;

/// Every error Trove returns, in this shape.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, machine-readable code, e.g. `asset_not_found`.
    pub error_code: String,
    /// Human-readable explanation.
    pub error_message: String,
    /// Per-field problems (field name → messages); empty when not about fields.
    pub errors: BTreeMap<String, Vec<String>>,
}

/// The HTTP status for each error kind. The only such table in Trove.
pub fn status_for(kind: ErrorKind) -> StatusCode {
    match kind {
        ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
        ErrorKind::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorKind::Forbidden => StatusCode::FORBIDDEN,
        ErrorKind::NotFound => StatusCode::NOT_FOUND,
        ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
        ErrorKind::Conflict => StatusCode::CONFLICT,
        ErrorKind::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
        ErrorKind::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
        ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ErrorKind::RangeNotSatisfiable => StatusCode::RANGE_NOT_SATISFIABLE,
        ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A Trove error on its way out as an HTTP response.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        ApiError(e)
    }
}

/// Result type of every handler.
pub type ApiResult<T> = Result<T, ApiError>;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let status = status_for(e.kind);
        let message = match e.kind {
            ErrorKind::Internal => {
                tracing::error!(code = %e.code, error = %e.message, "request failed");
                "an internal error occurred; it has been logged".to_owned()
            }
            ErrorKind::Unavailable => {
                tracing::warn!(code = %e.code, error = %e.message, "dependency unavailable");
                "the service is temporarily unavailable; retry shortly".to_owned()
            }
            _ => e.message,
        };
        let retry_after = e.retry_after;
        let body = ErrorBody { error_code: e.code.into_owned(), error_message: message, errors: e.fields };
        let mut resp = (status, Json(body)).into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        resp
    }
}

/// The JSON 404 for paths no route matches.
pub async fn no_route() -> ApiError {
    ApiError(Error::not_found("route_not_found", "no such route"))
}

/// The JSON 405 for known paths with an unsupported method.
pub fn method_not_allowed() -> Response {
    ApiError(Error::new(ErrorKind::MethodNotAllowed, "method_not_allowed", "this route does not support that method"))
        .into_response()
}

/// The JSON 500 returned if a handler panics (a bug; the panic is logged).
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("a request handler panicked");
    ApiError(Error::internal("handler panicked")).into_response()
}
