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

fn bad_multipart(e: multer::Error) -> Error {
    match e {
        multer::Error::StreamSizeExceeded { .. } => Error::new(
            ErrorKind::PayloadTooLarge,
            "file_too_large",
            "the request body is larger than the upload limit allows",
        ),
        multer::Error::FieldSizeExceeded { field_name, .. } => {
            Error::new(ErrorKind::PayloadTooLarge, "field_too_large", format!("field {field_name:?} is too large"))
        }
        other => Error::bad_request("invalid_multipart", format!("the multipart body is malformed: {other}")),
    }
}

/// Reads a multipart upload. Unknown fields are refused (422) so typos do not pass
/// silently; a second `file` part is refused too.
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
            "title" | "description" | "alt_text" | "tags" | "parent_uid" => {
                let text = field.text().await.map_err(bad_multipart)?;
                match name.as_str() {
                    "title" => up.meta.title = Some(text),
                    "description" => up.meta.description = Some(text),
                    "alt_text" => up.meta.alt_text = Some(text),
                    "tags" => up.meta.tags = Some(rules::tags_from_text(&text)?),
                    _ => up.meta.parent_uid = Some(Some(text)),
                }
            }
            other => return Err(Error::invalid(other, "unknown field")),
        }
    }
    Ok(up)
}
