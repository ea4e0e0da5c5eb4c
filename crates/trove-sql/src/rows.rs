//! Conversions between stored columns and domain values.

use chrono::DateTime;
use sqlx::Row;
use sqlx::any::AnyRow;
use trove_domain::model::{AssetContent, Dimensions, StoredFile, Timestamp, Version};
use trove_domain::{Error, Result};

use crate::{db_err, schema};

/// Milliseconds since the Unix epoch, the stored form of every timestamp.
pub fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

/// Back from milliseconds; out-of-range values (never written by Trove) clamp to the epoch.
pub fn ts(ms: i64) -> Timestamp {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub fn get<T>(row: &AnyRow, col: &str) -> Result<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    row.try_get(col).map_err(db_err)
}

pub fn tags_to_text(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_owned())
}

fn json_err(e: serde_json::Error) -> Error {
    Error::internal(format!("stored JSON is unreadable: {e}"))
}

/// Tags back from their stored JSON text.
pub fn stored_tags(text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(json_err)
}

/// Custom metadata back from its stored JSON text.
pub fn stored_custom(text: &str) -> Result<serde_json::Map<String, serde_json::Value>> {
    serde_json::from_str(text).map_err(json_err)
}

/// The columns of a version (alias `v`, over `live_asset_versions`) with its name as
/// its workspace sees it, and its file (`f`), prefixed `v_` and `f_` as read by
/// [`version_from_row`]; generated once from [`crate::schema`]. The name is a
/// scalar subquery rather than an outer join, so the engine looks up the one name
/// instead of resolving the whole names view.
pub fn version_columns() -> &'static str {
    static COLUMNS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    COLUMNS.get_or_init(|| {
        format!(
            "{}, (SELECT vn.name FROM live_version_names vn WHERE vn.space_uid = v.space_uid \
               AND vn.workspace_uid = v.workspace_uid AND vn.asset_uid = v.asset_uid AND vn.locale = v.locale \
               AND vn.number = v.number) AS v_name, {}",
            schema::ASSET_VERSIONS.prefixed_list("v", "v"),
            schema::FILES.prefixed_list("f", "f"),
        )
    })
}

/// The built-in type of a file stored before asset types existed.
pub fn detect_builtin(content_type: &str, file_name: &str) -> String {
    let types = trove_domain::asset_types::catalogue();
    trove_domain::asset_types::detect(types, content_type, file_name)
        .map_or(trove_domain::asset_types::BINARY, |t| t.uid.as_str())
        .to_owned()
}

/// Reads a file from columns prefixed `f_`.
pub fn file_from_row(row: &AnyRow) -> Result<StoredFile> {
    let width: Option<i64> = get(row, "f_width")?;
    let height: Option<i64> = get(row, "f_height")?;
    let dimensions = match (width, height) {
        (Some(w), Some(h)) => {
            Some(Dimensions { width: u32::try_from(w).unwrap_or(0), height: u32::try_from(h).unwrap_or(0) })
        }
        _ => None,
    };
    Ok(StoredFile {
        uid: get(row, "f_uid")?,
        space_uid: get(row, "f_space_uid")?,
        asset_uid: get(row, "f_asset_uid")?,
        blob_hash: get(row, "f_blob_hash")?,
        file_name: get(row, "f_file_name")?,
        content_type: get(row, "f_content_type")?,
        size: u64::try_from(get::<i64>(row, "f_size")?).unwrap_or(0),
        dimensions,
        // Files stored before asset types existed get the type detection gives them
        // now (start-up back-fills the column).
        asset_type: match get::<Option<String>>(row, "f_asset_type")? {
            Some(t) => t,
            None => detect_builtin(&get::<String>(row, "f_content_type")?, &get::<String>(row, "f_file_name")?),
        },
        created_by: get(row, "f_created_by")?,
        created_at: ts(get(row, "f_created_at")?),
    })
}

/// Reads a version (with its file) from [`version_columns`].
pub fn version_from_row(row: &AnyRow) -> Result<Version> {
    let tags: String = get(row, "v_tags")?;
    let custom: String = get(row, "v_custom")?;
    Ok(Version {
        number: get(row, "v_number")?,
        name: get(row, "v_name")?,
        locale: get(row, "v_locale")?,
        merged_from: get(row, "v_merged_from")?,
        content: AssetContent {
            title: get(row, "v_title")?,
            description: get(row, "v_description")?,
            alt_text: get(row, "v_alt_text")?,
            tags: stored_tags(&tags)?,
            custom: stored_custom(&custom)?,
        },
        file: file_from_row(row)?,
        created_by: get(row, "v_created_by")?,
        created_at: ts(get(row, "v_created_at")?),
    })
}

/// The placements' form of a set of locales, `,en-us,fr-fr,`: a locale's variant
/// is there when the text contains `,code,` (codes hold no `,`, `%` or `_`).
pub(crate) fn locales_text<'a>(locales: impl IntoIterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = locales.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    format!(",{},", v.join(","))
}
