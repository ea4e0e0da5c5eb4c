//! `/api/fields`: the organization's user-defined fields, which asset types list
//! and assets fill in under `custom_metadata`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use trove_domain::fields::{Field, FieldDef, FieldKind, MAX_TEXT};
use trove_domain::{Error, FieldErrors};
use utoipa::ToSchema;

use super::{NoQuery, double_option, integer};
use crate::AppState;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Allowed, ApiJson, ApiPath, ApiQuery, perm};
use crate::views::{Notice, time};

/// The kinds of field, as `type` names them.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    SingleLine,
    MultiLine,
    Link,
    Select,
    Number,
    Date,
    Boolean,
    Group,
}

/// A field definition as a client writes it (schema: `FieldDefinition`). The
/// settings of one kind (`options`, `integer`, `fields`, …) are refused on another,
/// even as `null`, so a definition means what it says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldBody {
    pub uid: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<FieldType>,
    #[serde(default, deserialize_with = "double_option")]
    pub options: Option<Option<Vec<String>>>,
    #[serde(default, deserialize_with = "double_option")]
    pub multiple_choice: Option<Option<bool>>,
    #[serde(default, deserialize_with = "double_option")]
    pub integer: Option<Option<bool>>,
    #[serde(default, deserialize_with = "double_option")]
    pub min: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    pub max: Option<Option<f64>>,
    #[serde(default, deserialize_with = "double_option")]
    pub fields: Option<Option<Vec<FieldBody>>>,
    pub mandatory: Option<bool>,
    pub multiple: Option<bool>,
    #[serde(default, deserialize_with = "integer")]
    pub min_items: Option<i64>,
    #[serde(default, deserialize_with = "integer")]
    pub max_items: Option<i64>,
    pub default: Option<Value>,
    #[serde(default, deserialize_with = "integer")]
    pub min_length: Option<i64>,
    #[serde(default, deserialize_with = "integer")]
    pub max_length: Option<i64>,
    pub regex: Option<String>,
    pub regex_message: Option<String>,
    pub localizable: Option<bool>,
    pub description: Option<String>,
    pub placeholder: Option<String>,
    pub instruction: Option<String>,
    pub help_text: Option<String>,
}

/// A count or length: `0` to `max`.
fn bounded(n: Option<i64>, max: usize, at: &str, errs: &mut FieldErrors) -> Option<usize> {
    let n = n?;
    match usize::try_from(n) {
        Ok(v) if v <= max => Some(v),
        _ => {
            errs.add(at, format!("must be 0 to {max}"));
            None
        }
    }
}

impl FieldBody {
    /// The definition, with `uid` taken from `path_uid` when the body leaves it out;
    /// shape problems go to `errs` under `prefix`.
    fn into_def(self, prefix: &str, path_uid: Option<&str>, errs: &mut FieldErrors) -> FieldDef {
        let at = |k: &str| format!("{prefix}{k}");
        let uid = self.uid.or_else(|| path_uid.map(str::to_owned));
        for (k, given) in [("uid", uid.is_some()), ("name", self.name.is_some()), ("type", self.kind.is_some())] {
            if !given {
                errs.add(&at(k), "is required");
            }
        }
        let mut misplaced = |k: &str, given: bool, kind: &str| {
            if given {
                errs.add(&at(k), format!("applies to {kind} fields only"));
            }
        };
        let is = |t: FieldType| matches!((self.kind, t), (Some(a), b) if std::mem::discriminant(&a) == std::mem::discriminant(&b));
        if !is(FieldType::Select) {
            misplaced("options", self.options.is_some(), "select");
            misplaced("multiple_choice", self.multiple_choice.is_some(), "select");
        }
        if !is(FieldType::Number) {
            misplaced("integer", self.integer.is_some(), "number");
            misplaced("min", self.min.is_some(), "number");
            misplaced("max", self.max.is_some(), "number");
        }
        if !is(FieldType::Group) {
            misplaced("fields", self.fields.is_some(), "group");
        }
        let kind = match self.kind {
            None | Some(FieldType::SingleLine) => FieldKind::SingleLine,
            Some(FieldType::MultiLine) => FieldKind::MultiLine,
            Some(FieldType::Link) => FieldKind::Link,
            Some(FieldType::Select) => {
                let options = self.options.flatten().unwrap_or_else(|| {
                    errs.add(&at("options"), "is required");
                    Vec::new()
                });
                FieldKind::Select { options, multiple_choice: self.multiple_choice.flatten().unwrap_or(false) }
            }
            Some(FieldType::Number) => FieldKind::Number {
                integer: self.integer.flatten().unwrap_or(false),
                min: self.min.flatten(),
                max: self.max.flatten(),
            },
            Some(FieldType::Date) => FieldKind::Date,
            Some(FieldType::Boolean) => FieldKind::Boolean,
            Some(FieldType::Group) => {
                let inner = self.fields.flatten().unwrap_or_else(|| {
                    errs.add(&at("fields"), "is required");
                    Vec::new()
                });
                let fields = inner
                    .into_iter()
                    .enumerate()
                    .map(|(i, f)| f.into_def(&format!("{prefix}fields[{i}]."), None, errs))
                    .collect();
                FieldKind::Group { fields }
            }
        };
        let max_items = trove_domain::fields::MAX_ITEMS;
        FieldDef {
            uid: uid.unwrap_or_default(),
            name: self.name.unwrap_or_default(),
            kind,
            mandatory: self.mandatory.unwrap_or(false),
            multiple: self.multiple.unwrap_or(false),
            min_items: bounded(self.min_items, max_items, &at("min_items"), errs),
            max_items: bounded(self.max_items, max_items, &at("max_items"), errs),
            default: self.default.filter(|d| !d.is_null()),
            min_length: bounded(self.min_length, MAX_TEXT, &at("min_length"), errs),
            max_length: bounded(self.max_length, MAX_TEXT, &at("max_length"), errs),
            regex: self.regex,
            regex_message: self.regex_message,
            localizable: self.localizable.unwrap_or(true),
            description: self.description,
            placeholder: self.placeholder,
            instruction: self.instruction,
            help_text: self.help_text,
        }
    }

    /// The definition of a request, or every shape problem in one 422.
    fn definition(self, path_uid: Option<&str>) -> Result<FieldDef, Error> {
        let mut errs = FieldErrors::default();
        let def = self.into_def("", path_uid, &mut errs);
        errs.finish().map(|()| def)
    }
}

/// A field definition as it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldDefView {
    pub uid: String,
    pub name: String,
    /// `single_line`, `multi_line`, `link`, `select`, `number`, `date`, `boolean` or `group`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Select fields: the options, and whether several may be chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_choice: Option<bool>,
    /// Number fields: whole numbers only, and the range.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integer: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Group fields: the nested fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(no_recursion)]
    pub fields: Option<Vec<FieldDefView>>,
    pub mandatory: bool,
    pub multiple: bool,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// Given to assets that have no value.
    #[schema(schema_with = crate::schemas::model::any_value)]
    pub default: Option<Value>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub regex: Option<String>,
    pub regex_message: Option<String>,
    /// A value per language, or one shared value written in the default language.
    pub localizable: bool,
    pub description: Option<String>,
    pub placeholder: Option<String>,
    pub instruction: Option<String>,
    pub help_text: Option<String>,
}

impl From<&FieldDef> for FieldDefView {
    fn from(d: &FieldDef) -> Self {
        let mut v = FieldDefView {
            uid: d.uid.clone(),
            name: d.name.clone(),
            kind: String::new(),
            options: None,
            multiple_choice: None,
            integer: None,
            min: None,
            max: None,
            fields: None,
            mandatory: d.mandatory,
            multiple: d.multiple,
            min_items: d.min_items,
            max_items: d.max_items,
            default: d.default.clone(),
            min_length: d.min_length,
            max_length: d.max_length,
            regex: d.regex.clone(),
            regex_message: d.regex_message.clone(),
            localizable: d.localizable,
            description: d.description.clone(),
            placeholder: d.placeholder.clone(),
            instruction: d.instruction.clone(),
            help_text: d.help_text.clone(),
        };
        v.kind = match &d.kind {
            FieldKind::SingleLine => "single_line",
            FieldKind::MultiLine => "multi_line",
            FieldKind::Link => "link",
            FieldKind::Select { options, multiple_choice } => {
                v.options = Some(options.clone());
                v.multiple_choice = Some(*multiple_choice);
                "select"
            }
            FieldKind::Number { integer, min, max } => {
                (v.integer, v.min, v.max) = (Some(*integer), *min, *max);
                "number"
            }
            FieldKind::Date => "date",
            FieldKind::Boolean => "boolean",
            FieldKind::Group { fields } => {
                v.fields = Some(fields.iter().map(FieldDefView::from).collect());
                "group"
            }
        }
        .to_owned();
        v
    }
}

/// A field as the organization keeps it: its definition and who changed it when.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldView {
    #[serde(flatten)]
    pub def: FieldDefView,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

impl From<&Field> for FieldView {
    fn from(f: &Field) -> Self {
        FieldView {
            def: FieldDefView::from(&f.def),
            created_by: f.created_by.clone(),
            created_at: time(f.created_at),
            updated_by: f.updated_by.clone(),
            updated_at: time(f.updated_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldsEnvelope {
    pub fields: Vec<FieldView>,
    pub count: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldEnvelope {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub field: FieldView,
}

fn envelope(notice: Option<&str>, f: &Field) -> Json<FieldEnvelope> {
    Json(FieldEnvelope { notice: notice.map(str::to_owned), field: FieldView::from(f) })
}

/// Every field, by UID.
#[utoipa::path(get, path = "/api/fields", tag = "fields", responses((status = 200, body = FieldsEnvelope)))]
pub async fn list_fields(
    State(s): State<AppState>,
    _: Allowed<perm::FieldRead>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<FieldsEnvelope>> {
    let fields = s.app.list_fields().await?;
    let count = i64::try_from(fields.len()).unwrap_or(i64::MAX);
    Ok(Json(FieldsEnvelope { fields: fields.iter().map(FieldView::from).collect(), count }))
}

/// Adds a field.
#[utoipa::path(post, path = "/api/fields", tag = "fields", request_body = crate::schemas::model::NewFieldSchema,
    responses((status = 201, body = FieldEnvelope),
        (status = 409, description = "The UID (`field_exists`) or the name, in any case (`field_name_taken`), is taken", body = ErrorBody)))]
pub async fn create_field(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FieldCreate>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<FieldBody>,
) -> ApiResult<(StatusCode, Json<FieldEnvelope>)> {
    let f = s.app.create_field(&who, b.definition(None)?).await?;
    Ok((StatusCode::CREATED, envelope(Some("Field created."), &f)))
}

/// One field.
#[utoipa::path(get, path = "/api/fields/{field}", tag = "fields", params(("field" = String, Path)),
    responses((status = 200, body = FieldEnvelope)))]
pub async fn get_field(
    State(s): State<AppState>,
    _: Allowed<perm::FieldRead>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<FieldEnvelope>> {
    Ok(envelope(None, &s.app.get_field(&uid).await?))
}

/// Replaces a field's definition; its UID stays.
#[utoipa::path(put, path = "/api/fields/{field}", tag = "fields", params(("field" = String, Path)),
    request_body = crate::schemas::model::FieldUpdateSchema,
    responses((status = 200, body = FieldEnvelope),
        (status = 409, description = "Another UID (`immutable_field`), a name another field has (`field_name_taken`), or another type for a field asset types use (`field_type_in_use`)", body = ErrorBody)))]
pub async fn update_field(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FieldUpdate>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
    ApiJson(b): ApiJson<FieldBody>,
) -> ApiResult<Json<FieldEnvelope>> {
    let f = s.app.update_field(&who, &uid, b.definition(Some(&uid))?).await?;
    Ok(envelope(Some("Field updated."), &f))
}

/// Deletes a field no asset type uses.
#[utoipa::path(delete, path = "/api/fields/{field}", tag = "fields", params(("field" = String, Path)),
    responses((status = 200, body = Notice),
        (status = 409, description = "Asset types use the field (`field_in_use`, naming them)", body = ErrorBody)))]
pub async fn delete_field(
    State(s): State<AppState>,
    Allowed(who, _): Allowed<perm::FieldDelete>,
    ApiPath(uid): ApiPath<String>,
    _: ApiQuery<NoQuery>,
) -> ApiResult<Json<Notice>> {
    s.app.delete_field(&who, &uid).await?;
    Ok(Json(Notice::new("Field deleted.")))
}
