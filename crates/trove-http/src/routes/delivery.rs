//! Delivery: `/v3/assets/{space}/{asset}/{file_uid}/{file_name}` (one exact file,
//! cached forever) and `/v3/assets/{space}/{asset}/{slug}` (the current file).
//! Both support HEAD, Range, If-None-Match and downloads.

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{self, HeaderValue};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use trove_domain::model::StoredFile;
use trove_domain::{Error, ErrorKind, rules};
use utoipa::IntoParams;

use crate::AppState;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiPath, DeliveryQueryOf};
use crate::views::encode_segment;

/// Cache policy of file URLs: the bytes behind them never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache policy of permanent URLs: revalidate every time, so a replacement shows at
/// once (the ETag makes revalidation a cheap 304).
const REVALIDATE: &str = "public, no-cache";
/// Delivered files are never run as active content in Trove's origin (an uploaded
/// SVG or HTML file cannot script against it).
const SANDBOX: &str = "default-src 'none'; img-src 'self' data:; media-src 'self'; style-src 'unsafe-inline'; sandbox";

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryQuery {
    pub workspace: Option<String>,
    #[param(schema_with = crate::schemas::locale_param)]
    pub locale: Option<String>,
    /// `1` or `true`: `Content-Disposition: attachment`.
    pub download: Option<String>,
}

impl DeliveryQuery {
    fn download(&self) -> bool {
        matches!(self.download.as_deref(), Some("1" | "true" | "yes"))
    }
}

/// What both delivery routes answer.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
enum DeliveryResponses {
    #[response(status = 200, description = "The file's bytes, with the file's own type (`text/*` names `charset=utf-8`)",
        content_type = "*/*",
        headers(("ETag" = String), ("Cache-Control" = String), ("Accept-Ranges" = String),
            ("Last-Modified" = String), ("Content-Disposition" = String), ("X-Content-Type-Options" = String),
            ("Content-Security-Policy" = String)))]
    Whole,
    #[response(status = 206, description = "The requested byte range", content_type = "*/*",
        headers(("Content-Range" = String), ("ETag" = String), ("Accept-Ranges" = String)))]
    Range,
    #[response(status = 304, description = "Not modified: `If-None-Match` names the current ETag",
        headers(("ETag" = String), ("Cache-Control" = String), ("Content-Type" = String), ("Content-Disposition" = String)))]
    NotModified,
    #[response(status = 404, description = "No such file here")]
    NotFound(ErrorBody),
    #[response(status = 416, description = "The range starts past the end of the file, or asks for no bytes",
        headers(("Content-Range" = String, description = "`bytes */<size>`")))]
    Unsatisfiable(ErrorBody),
}

/// One exact stored file, forever (`Cache-Control: immutable`). No token needed.
#[utoipa::path(method(get, head), path = "/v3/assets/{space}/{asset}/{file_uid}/{file_name}", tag = "delivery",
    security(()),
    params(("space" = String, Path), ("asset" = String, Path), ("file_uid" = String, Path), ("file_name" = String, Path),
        DeliveryQuery,
        ("Range" = Option<String>, Header, description = "One byte range, e.g. bytes=0-1023"),
        ("If-None-Match" = Option<String>, Header, description = "ETag from an earlier response")),
    responses(DeliveryResponses))]
pub async fn file_url(
    State(s): State<AppState>,
    ApiPath((space, asset, file_uid, file_name)): ApiPath<(String, String, String, String)>,
    DeliveryQueryOf(q): DeliveryQueryOf<DeliveryQuery>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let file = s.app.file_by_url(&space, &asset, &file_uid, &file_name).await?;
    serve(&s, &file, IMMUTABLE, q.download(), &method, &headers).await
}

/// The current file of an asset in a workspace and locale; follows replacements at once.
#[utoipa::path(method(get, head), path = "/v3/assets/{space}/{asset}/{slug}", tag = "delivery",
    security(()),
    params(("space" = String, Path), ("asset" = String, Path), ("slug" = String, Path), DeliveryQuery,
        ("Range" = Option<String>, Header, description = "One byte range, e.g. bytes=0-1023"),
        ("If-None-Match" = Option<String>, Header, description = "ETag from an earlier response")),
    responses(DeliveryResponses))]
pub async fn permanent_url(
    State(s): State<AppState>,
    ApiPath((space, asset, slug)): ApiPath<(String, String, String)>,
    DeliveryQueryOf(q): DeliveryQueryOf<DeliveryQuery>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let file = s.app.file_by_slug(&space, &asset, &slug, q.workspace.as_deref(), q.locale.as_deref()).await?;
    serve(&s, &file, REVALIDATE, q.download(), &method, &headers).await
}

/// Names the exact representation: the stored file (whose name and type are part of
/// the response) and its bytes. A replacement by identical bytes under another name
/// is a new file, so it gets a new ETag.
fn etag_of(file: &StoredFile) -> String {
    format!("\"{}.{}\"", file.uid, file.blob_hash)
}

/// Whether an `If-None-Match` value matches the ETag (weak comparison, as RFC 9110 asks).
fn none_match(headers: &HeaderMap, etag: &str) -> bool {
    let Some(v) = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    v.split(',').map(|t| t.trim().trim_start_matches("W/")).any(|t| t == "*" || t == etag)
}

/// The single byte range to serve, `Ok(None)` for the whole file, as RFC 9110 §14
/// asks. The header is parsed by `http-range-header` (after [`normalize_range`]);
/// a malformed header, an invalid range (`5-3`), another unit or several ranges are
/// ignored (the whole file is served); a last-byte position past the end, even past
/// what 64 bits hold, means "to the end"; a suffix longer than the file is the whole
/// file; a range starting past the end, `bytes=-0`, or any range of an empty file,
/// is 416.
fn wanted_range(headers: &HeaderMap, etag: &str, size: u64) -> Result<Option<(u64, u64)>, Error> {
    use http_range_header::{EndPosition, StartPosition};
    let Some(raw) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    // If-Range compares strongly: only the exact current ETag keeps the range.
    if let Some(cond) = headers.get(header::IF_RANGE).and_then(|v| v.to_str().ok())
        && cond.trim() != etag
    {
        return Ok(None);
    }
    let unsatisfiable = || {
        Error::new(ErrorKind::RangeNotSatisfiable, "range_not_satisfiable", "the requested range is outside the file")
    };
    let Some(normal) = normalize_range(raw) else { return Ok(None) };
    let parsed = match http_range_header::parse_range_header(&normal) {
        Ok(p) => p,
        // `bytes=-0` asks for no bytes at all: unsatisfiable whatever the size.
        Err(http_range_header::RangeUnsatisfiableError::ZeroSuffix) => return Err(unsatisfiable()),
        Err(_) => return Ok(None),
    };
    let [range] = parsed.ranges.as_slice() else { return Ok(None) };
    let (start, end) = match (range.start, range.end) {
        (StartPosition::FromLast(n), _) => (size.saturating_sub(n), u64::MAX),
        (StartPosition::Index(a), EndPosition::Index(b)) if b < a => return Ok(None),
        (StartPosition::Index(a), EndPosition::Index(b)) => (a, b),
        (StartPosition::Index(a), EndPosition::LastByte) => (a, u64::MAX),
    };
    if size == 0 || start >= size {
        return Err(unsatisfiable());
    }
    Ok(Some((start, end.min(size - 1))))
}

/// Rewrites a `Range` header into the strict form the parser accepts, keeping its
/// meaning under RFC 9110 §14.1: the unit is case-insensitive (`Bytes=`), positions
/// may have leading zeros (`007`), a last-byte position too large for 64 bits means
/// "to the end" (`5-184467440737095516160` is `5-`), a suffix that large is the
/// whole file, and a first-byte position that large is past any end (416). `None`
/// when the unit is not bytes, so the header is ignored.
fn normalize_range(raw: &str) -> Option<String> {
    let (unit, spec) = raw.split_once('=')?;
    if !unit.eq_ignore_ascii_case("bytes") {
        return None;
    }
    let number = |p: &str| -> Result<String, ()> {
        if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(p.to_owned());
        }
        let digits = p.trim_start_matches('0');
        match digits.parse::<u64>() {
            _ if digits.is_empty() => Ok("0".to_owned()),
            Ok(_) => Ok(digits.to_owned()),
            Err(_) => Err(()),
        }
    };
    let fixed: Vec<String> = spec
        .split(',')
        .map(|r| {
            let r = r.trim_matches([' ', '\t']);
            let Some((a, b)) = r.split_once('-') else { return r.to_owned() };
            match (a.is_empty(), number(a), number(b)) {
                (true, _, Err(())) => "0-".to_owned(),
                (_, Err(()), _) => format!("{}-", u64::MAX),
                (_, Ok(a), Err(())) => format!("{a}-"),
                (_, Ok(a), Ok(b)) => format!("{a}-{b}"),
            }
        })
        .collect();
    Some(format!("bytes={}", fixed.join(",")))
}

/// `attachment` when asked for, and for active content (HTML, XML, SVG) unless the
/// server allows it inline: opened inline, such a file is a page of the delivery
/// origin.
fn disposition(file: &StoredFile, download: bool, inline_active: bool) -> String {
    let attachment = download || (!inline_active && rules::is_active_content(&file.content_type));
    let kind = if attachment { "attachment" } else { "inline" };
    let ascii: String =
        file.file_name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '_' }).collect();
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}", encode_segment(&file.file_name))
}

fn header_value(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"))
}

async fn serve(
    s: &AppState,
    file: &StoredFile,
    cache: &'static str,
    download: bool,
    method: &Method,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    let etag = etag_of(file);
    let mut resp = Response::builder()
        .header(header::ETAG, header_value(&etag))
        .header(header::CACHE_CONTROL, cache)
        .header(header::ACCEPT_RANGES, "bytes")
        .header(header::LAST_MODIFIED, file.created_at.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CONTENT_SECURITY_POLICY, SANDBOX)
        // On a 304 too: a cache updates the stored response's headers from it, so a
        // file that may no longer be shown inline stops being shown inline.
        .header(header::CONTENT_TYPE, header_value(&rules::delivered_content_type(&file.content_type)))
        .header(
            header::CONTENT_DISPOSITION,
            header_value(&disposition(file, download, s.app.settings().inline_active_content)),
        );
    if none_match(headers, &etag) {
        return resp.status(StatusCode::NOT_MODIFIED).body(Body::empty()).map_err(internal);
    }
    let range = match wanted_range(headers, &etag, file.size) {
        Ok(r) => r,
        Err(e) => {
            let mut r = ApiError(e).into_response_with_range(file.size);
            r.headers_mut().insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
            return Ok(r);
        }
    };
    let (status, start, len) = match range {
        Some((a, b)) => {
            resp = resp.header(header::CONTENT_RANGE, format!("bytes {a}-{b}/{}", file.size));
            (StatusCode::PARTIAL_CONTENT, a, b - a + 1)
        }
        None => (StatusCode::OK, 0, file.size),
    };
    resp = resp.status(status).header(header::CONTENT_LENGTH, len);
    if *method == Method::HEAD {
        return resp.body(Body::empty()).map_err(internal);
    }
    let stream = s.app.open_file(file, range.map(|_| start..start + len)).await?;
    resp.body(Body::from_stream(stream)).map_err(internal)
}

fn internal(e: axum::http::Error) -> ApiError {
    ApiError(Error::internal(format!("building a delivery response failed: {e}")))
}

impl ApiError {
    /// A 416 carries `Content-Range: bytes */<size>` so clients learn the length.
    fn into_response_with_range(self, size: u64) -> Response {
        use axum::response::IntoResponse;
        let mut r = self.into_response();
        if let Ok(v) = HeaderValue::from_str(&format!("bytes */{size}")) {
            r.headers_mut().insert(header::CONTENT_RANGE, v);
        }
        r
    }
}
