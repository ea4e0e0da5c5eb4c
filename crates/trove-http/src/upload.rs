//! Multipart uploads, streamed: the `file` part flows straight into staging storage;
//! the other parts are small text fields with hard size limits.

use axum::body::Body;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use futures::{StreamExt, TryStreamExt};
use trove_app::App;
use trove_app::assets::MetadataInput;
use trove_app::ingest::Ingested;
use trove_domain::{Error, ErrorKind, Result, rules};

/// Largest accepted text part.
const TEXT_FIELD_LIMIT: u64 = 64 * 1024;
/// Room for boundaries, part headers and text parts on top of the file itself.
const FORM_OVERHEAD: u64 = 1024 * 1024;
/// Bytes that may arrive while the parser looks for the next part's headers.
const HEADER_BUDGET: u64 = 1024 * 1024;

/// A parsed upload: the ingested file (if any) and the metadata fields.
pub struct Upload {
    pub file: Option<Ingested>,
    pub meta: MetadataInput,
}

/// Whether a request carries a multipart body.
pub fn is_multipart(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// A multipart parser error in Trove's words (the parser's own wording, and what a
/// client sent, stay out of the message).
fn bad_multipart(e: multer::Error) -> Error {
    use multer::Error as M;
    let malformed =
        |what: &str| Error::bad_request("invalid_multipart", format!("the multipart body is malformed: {what}"));
    match e {
        M::StreamSizeExceeded { .. } => Error::new(
            ErrorKind::PayloadTooLarge,
            "file_too_large",
            "the request body is larger than the upload limit allows",
        ),
        M::FieldSizeExceeded { field_name, .. } => Error::new(
            ErrorKind::PayloadTooLarge,
            "field_too_large",
            format!("the {} part is larger than {TEXT_FIELD_LIMIT} bytes", field_name.as_deref().unwrap_or("text")),
        ),
        M::NoBoundary | M::NoMultipart => malformed("Content-Type names no multipart boundary"),
        M::IncompleteStream | M::IncompleteFieldData { .. } => malformed("it ends before its closing boundary"),
        M::IncompleteHeaders | M::ReadHeaderFailed(_) | M::DecodeHeaderName { .. } | M::DecodeHeaderValue { .. } => {
            malformed("a part's headers cannot be read")
        }
        M::StreamReadFailed(e) if crate::body::is_timeout(e.as_ref()) => crate::body::timeout_error(),
        M::StreamReadFailed(_) => malformed("the body could not be read to its end"),
        _ => malformed("it is not multipart/form-data"),
    }
}

/// The `custom_metadata` part: a JSON object of field values, read like a JSON
/// body (duplicate keys refused), refused as a whole (422) when it is not one.
fn custom_metadata(text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    crate::json::parse::<serde_json::Map<String, serde_json::Value>>(text.as_bytes()).map_err(|e| {
        let mut out = Error::invalid("custom_metadata", "must be a JSON object of field values");
        out.message = format!("the custom_metadata part must be a JSON object of field values: {}", e.message);
        out
    })
}

/// Reads a multipart upload. Unknown fields are refused (422) so typos do not pass
/// silently; a second `file` part or a repeated text part is refused too (422), and
/// a text part that is not UTF-8 is malformed (400).
pub async fn read(app: &App, headers: &HeaderMap, body: Body) -> Result<Upload> {
    let ct = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| Error::bad_request("invalid_multipart", "Content-Type is missing"))?;
    let boundary = multer::parse_boundary(ct).map_err(bad_multipart)?;
    let limits = multer::SizeLimit::new()
        .for_field("title", TEXT_FIELD_LIMIT)
        .for_field("description", TEXT_FIELD_LIMIT)
        .for_field("alt_text", TEXT_FIELD_LIMIT)
        .for_field("tags", TEXT_FIELD_LIMIT)
        .for_field("custom_metadata", TEXT_FIELD_LIMIT)
        .for_field("parent_uid", TEXT_FIELD_LIMIT);
    // The whole body may be the file plus the small fields, no more.
    let limits = limits.whole_stream(app.settings().max_upload_bytes.saturating_add(FORM_OVERHEAD));
    // Between parts (while multer looks for the next part's headers) only a bounded
    // number of bytes may arrive: part headers are small, and an endless header must
    // not make the parser buffer without limit.
    let between_parts = Arc::new(AtomicU64::new(0));
    let counter = between_parts.clone();
    let in_part = Arc::new(AtomicBool::new(false));
    let reading_part = in_part.clone();
    let body = body.into_data_stream().map(move |chunk| {
        let chunk = chunk?;
        if !reading_part.load(Ordering::Relaxed)
            && counter.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64 > HEADER_BUDGET
        {
            return Err(axum::Error::new(std::io::Error::other("multipart part headers are too large")));
        }
        Ok(chunk)
    });
    let mut mp = multer::Multipart::with_constraints(body, boundary, multer::Constraints::new().size_limit(limits));
    let mut up = Upload { file: None, meta: MetadataInput::default() };
    let mut seen: Vec<String> = Vec::new();
    loop {
        in_part.store(false, Ordering::Relaxed);
        between_parts.store(0, Ordering::Relaxed);
        let Some(field) = mp.next_field().await.map_err(bad_multipart)? else { break };
        in_part.store(true, Ordering::Relaxed);
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" | "asset[upload]" => {
                if up.file.is_some() {
                    return Err(Error::invalid("file", "send exactly one file per request"));
                }
                let file_name = field.file_name().unwrap_or("file").to_owned();
                let stream = field.map_err(bad_multipart);
                up.file = Some(app.ingest(Box::pin(stream), &file_name).await?);
            }
            "title" | "description" | "alt_text" | "tags" | "parent_uid" | "custom_metadata" => {
                if seen.contains(&name) {
                    return Err(Error::invalid(&name, "appears more than once; send each field once"));
                }
                let bytes = field.bytes().await.map_err(bad_multipart)?;
                let text = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    Error::bad_request("invalid_multipart", format!("the {name} part is not valid UTF-8 text"))
                })?;
                seen.push(name.clone());
                match name.as_str() {
                    "title" => up.meta.title = Some(text),
                    "description" => up.meta.description = Some(text),
                    "alt_text" => up.meta.alt_text = Some(text),
                    "tags" => up.meta.tags = Some(rules::tags_from_text(&text)?),
                    "custom_metadata" => up.meta.custom_metadata = Some(custom_metadata(&text)?),
                    _ => up.meta.parent_uid = Some(Some(text)),
                }
            }
            other => return Err(Error::invalid(other, "unknown field")),
        }
    }
    Ok(up)
}
