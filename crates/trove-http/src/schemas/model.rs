//! Request schemas of the asset model: field definitions and asset types, built
//! from the domain's constants like their siblings in `schemas.rs`.
//!
//! What JSON Schema cannot say is checked by the server alone and answered with
//! 422 on schema-valid input: a definition's `min` above its `max` (numbers,
//! lengths, item counts), a `regex` that does not compile, a `default` the field's
//! own rules refuse, groups nested deeper than
//! [`trove_domain::fields::MAX_GROUP_DEPTH`] or repeating a UID, a type's `fields`
//! naming fields that do not exist, and rules naming fields the type lacks. The
//! contract test allows 422 on exactly these operations (see docs/api.md).

use trove_app::asset_types::MAX_RULE_MESSAGE;
use trove_domain::asset_types::{
    Category, MAX_DESCRIPTION, MAX_EXTENSION, MAX_EXTENSIONS, MAX_ICON, MAX_MIME_TYPES, MAX_RULES, MAX_TITLE,
    MAX_TYPE_FIELDS,
};
use trove_domain::fields::{MAX_FIELD_NAME, MAX_FIELD_UID, MAX_GROUP_DEPTH, MAX_ITEMS, MAX_OPTIONS, MAX_TEXT};
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type};
use utoipa::openapi::{Object, Ref, RefOr, Schema};

use super::{class, int64, long_text_pattern, string, text, visible_text_pattern};

/// Longest placeholder and regex message of a field; longest description,
/// instruction and help text.
const MAX_SHORT_TEXT: usize = 255;
const MAX_LONG_TEXT: usize = 1000;

fn uid_pattern() -> String {
    format!("^[A-Za-z0-9_]{{1,{MAX_FIELD_UID}}}$")
}

/// A field or asset type UID.
pub fn uid() -> Object {
    string(false).pattern(Some(uid_pattern())).build()
}

/// A UID that may be left out (`null`): on replace, the path's.
pub fn uid_or_null() -> Object {
    string(true).pattern(Some(uid_pattern())).build()
}

/// Any JSON value.
pub fn any_value() -> Object {
    ObjectBuilder::new().schema_type(SchemaType::AnyValue).build()
}

fn nullable(t: Type) -> ObjectBuilder {
    ObjectBuilder::new().schema_type(SchemaType::from_iter([t, Type::Null]))
}

fn long(max: usize) -> Object {
    string(true).max_length(Some(max)).pattern(Some(long_text_pattern())).build()
}

/// A count or length from `min` up to `max`, or `null`.
fn count(min: i64, max: usize) -> Object {
    int64(min)
        .schema_type(SchemaType::from_iter([Type::Integer, Type::Null]))
        .maximum(Some(i64::try_from(max).unwrap_or(i64::MAX)))
        .build()
}

/// One kind of field: the properties every field has, `type` fixed to `kind`, and
/// the settings of that kind (`required` among them when it must be given).
fn field_kind(kind: &str, settings: Vec<(&str, RefOr<Schema>)>, required: &[&str], uid_required: bool) -> Object {
    let mut b = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("uid", if uid_required { uid() } else { uid_or_null() })
        .property("name", text(MAX_FIELD_NAME, visible_text_pattern(), false))
        .property("type", string(false).enum_values(Some([kind])))
        .property("mandatory", nullable(Type::Boolean))
        .property("multiple", nullable(Type::Boolean))
        .property("min_items", count(0, MAX_ITEMS))
        .property("max_items", count(1, MAX_ITEMS))
        .property("default", any_value())
        .property("min_length", count(0, MAX_TEXT))
        .property("max_length", count(0, MAX_TEXT))
        .property("regex", string(true))
        .property("regex_message", long(MAX_SHORT_TEXT))
        .property("localizable", nullable(Type::Boolean))
        .property("description", long(MAX_LONG_TEXT))
        .property("placeholder", long(MAX_SHORT_TEXT))
        .property("instruction", long(MAX_LONG_TEXT))
        .property("help_text", long(MAX_LONG_TEXT))
        .required("name")
        .required("type")
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    if uid_required {
        b = b.required("uid");
    }
    for (name, schema) in settings {
        b = b.property(name, schema);
    }
    for r in required {
        b = b.required(*r);
    }
    b.build()
}

/// A field definition: one object per kind, told apart by `type`. `uid_required`:
/// the top level of a replace may leave it out.
fn field_definition(uid_required: bool) -> RefOr<Schema> {
    let options = ArrayBuilder::new()
        .items(string(false))
        .min_items(Some(1))
        .max_items(Some(MAX_OPTIONS))
        .unique_items(true)
        .build();
    let number = || nullable(Type::Number).build();
    let group = ArrayBuilder::new()
        .items(Ref::from_schema_name("FieldDefinition"))
        .min_items(Some(1))
        .description(Some(format!("The group's fields; groups nest at most {MAX_GROUP_DEPTH} deep.")))
        .build();
    let kind = |k, settings, required: &[&str]| field_kind(k, settings, required, uid_required);
    OneOfBuilder::new()
        .item(kind("single_line", vec![], &[]))
        .item(kind("multi_line", vec![], &[]))
        .item(kind("link", vec![], &[]))
        .item(kind(
            "select",
            vec![("options", options.into()), ("multiple_choice", nullable(Type::Boolean).build().into())],
            &["options"],
        ))
        .item(kind(
            "number",
            vec![
                ("integer", nullable(Type::Boolean).build().into()),
                ("min", number().into()),
                ("max", number().into()),
            ],
            &[],
        ))
        .item(kind("date", vec![], &[]))
        .item(kind("boolean", vec![], &[]))
        .item(kind("group", vec![("fields", group.into())], &["fields"]))
        .into()
}

macro_rules! schema_type {
    ($(#[$doc:meta])* $name:ident, $schema:expr) => {
        $(#[$doc])*
        pub struct $name;
        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}

schema_type!(
    /// A field definition as a group holds it (its UID required).
    FieldDefinition,
    field_definition(true)
);
schema_type!(
    /// A new field.
    NewFieldSchema,
    field_definition(true)
);
schema_type!(
    /// A field's new definition; its UID may be left out.
    FieldUpdateSchema,
    field_definition(false)
);

/// A dotted path to a field of an asset type (`asset_rights.license_end_date`).
fn field_path() -> Object {
    let seg = format!("[A-Za-z0-9_]{{1,{MAX_FIELD_UID}}}");
    string(false).pattern(Some(format!(r"^{seg}(\.{seg}){{0,{}}}$", MAX_GROUP_DEPTH - 1))).build()
}

/// A cross-field rule (see [`trove_domain::fields::CrossRule`]).
fn cross_rule() -> RefOr<Schema> {
    let message = string(true)
        .max_length(Some(MAX_RULE_MESSAGE))
        .pattern(Some(format!("^[^{}]*$", class(char::is_control))))
        .build();
    let op = string(false).enum_values(Some(["<", "<=", ">", ">=", "!="])).build();
    let closed = || utoipa::openapi::schema::AdditionalProperties::FreeForm(false);
    OneOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("rule", string(false).enum_values(Some(["compare"])))
                .property("left", field_path())
                .property("op", op)
                .property("right", field_path())
                .property("message", message.clone())
                .required("rule")
                .required("left")
                .required("op")
                .required("right")
                .additional_properties(Some(closed()))
                .description(Some("`left op right`; holds when either side has no value.")),
        )
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Object)
                .property("rule", string(false).enum_values(Some(["required_if"])))
                .property("field", field_path())
                .property("equals", any_value())
                .property("then", field_path())
                .property("message", message)
                .required("rule")
                .required("field")
                .required("equals")
                .required("then")
                .additional_properties(Some(closed()))
                .description(Some("When `field` equals `equals`, `then` must have a value.")),
        )
        .into()
}

schema_type!(
    /// A cross-field rule of an asset type.
    CrossRuleSchema,
    cross_rule()
);

fn category() -> Object {
    let names = Category::ALL.iter().map(|c| c.as_str());
    string(false).enum_values(Some(names)).build()
}

fn list(item: Object, min: usize, max: usize) -> ArrayBuilder {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(item)
        .min_items(Some(min))
        .max_items(Some(max))
        .unique_items(true)
}

/// A lower-case `type/subtype`, as [`trove_domain::asset_types::is_mime`] checks.
fn mime() -> Object {
    let name = "[a-z0-9][a-z0-9!#$&^_.+-]{0,126}";
    string(false).pattern(Some(format!("^{name}/{name}$"))).build()
}

/// A type's cross-field rules.
pub fn type_rules() -> RefOr<Schema> {
    ArrayBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
        .items(Ref::from_schema_name("CrossRuleSchema"))
        .max_items(Some(MAX_RULES))
        .into()
}

/// An asset type's body. `create`: `uid`, `title`, `category` and `mime_types`
/// are required and not `null`; on replace every property may be left out or
/// `null` (keeping its value), but for `icon`, where `null` means none.
fn asset_type_body(create: bool) -> RefOr<Schema> {
    let ext = string(false).pattern(Some(format!("^[a-z0-9][a-z0-9_+-]{{0,{}}}$", MAX_EXTENSION - 1))).build();
    let or_null = |o: Object| -> RefOr<Schema> {
        if create {
            o.into()
        } else {
            let mut o = o;
            o.schema_type = match o.schema_type {
                SchemaType::Type(t) => SchemaType::from_iter([t, Type::Null]),
                other => other,
            };
            if let Some(values) = o.enum_values.as_mut() {
                values.push(serde_json::Value::Null);
            }
            o.into()
        }
    };
    let mut mimes = list(mime(), 1, MAX_MIME_TYPES);
    if create {
        mimes = mimes.schema_type(Type::Array);
    }
    let mut b = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("uid", or_null(uid()))
        .property("title", or_null(text(MAX_TITLE, visible_text_pattern(), false)))
        .property("description", long(MAX_DESCRIPTION))
        .property("category", or_null(category()))
        .property("mime_types", mimes)
        .property("file_extensions", list(ext, 0, MAX_EXTENSIONS))
        .property("icon", string(true).pattern(Some(format!("^[a-z0-9_-]{{1,{MAX_ICON}}}$"))))
        .property("fields", list(uid(), 0, MAX_TYPE_FIELDS))
        .property("rules", type_rules())
        .additional_properties(Some(utoipa::openapi::schema::AdditionalProperties::FreeForm(false)));
    if create {
        for r in ["uid", "title", "category", "mime_types"] {
            b = b.required(r);
        }
    }
    b.into()
}

schema_type!(
    /// A new organization type.
    NewAssetTypeSchema,
    asset_type_body(true)
);
schema_type!(
    /// A type's replacement: what is left out keeps its value. Of a built-in type
    /// only `fields` and `rules` may differ from what it is.
    AssetTypeUpdateSchema,
    asset_type_body(false)
);
