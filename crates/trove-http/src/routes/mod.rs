//! Handlers, one module per resource.

pub mod asset_types;
pub mod assets;
pub mod audit;
pub mod delivery;
pub mod fields;
pub mod folders;
pub mod health;
pub mod languages;
pub mod localization;
pub mod members;
pub mod roles;
pub mod session;
pub mod spaces;
pub mod trash;
pub mod users;
pub mod versions;
pub mod workspaces;

use serde::Deserialize;
use trove_domain::model::PageRequest;
use utoipa::IntoParams;

/// `workspace` and `locale`, accepted by every space-scoped route.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// Workspace UID; default `main`.
    pub workspace: Option<String>,
    /// Locale code; default: the workspace's default language.
    #[param(schema_with = crate::schemas::locale_param)]
    pub locale: Option<String>,
}

/// `workspace` alone, for routes whose resources are not localized (folders, trash).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkspaceQuery {
    /// Workspace UID; default `main`.
    pub workspace: Option<String>,
}

/// The query of a route that takes no parameters: it still goes through
/// [`crate::extract::ApiQuery`], so an unknown one is refused (400
/// `unknown_query_parameter`) as on every other `/api` route, rather than silently
/// ignored.
#[derive(Debug, Default, Deserialize)]
pub struct NoQuery {}

/// `limit` / `skip` pagination.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    #[param(schema_with = crate::schemas::limit)]
    pub limit: Option<i64>,
    #[param(schema_with = crate::schemas::skip)]
    pub skip: Option<i64>,
}

impl PageQuery {
    /// The page asked for; a `limit` outside 1–[`PageRequest::MAX_LIMIT`] or a
    /// negative `skip` is refused (400 `invalid_query`) rather than silently
    /// clamped, so a client never gets another page than the one it named.
    pub fn page(&self) -> Result<PageRequest, trove_domain::Error> {
        let mut e = trove_domain::Error::bad_request("invalid_query", "the page parameters are out of range");
        if self.limit.is_some_and(|l| !(1..=PageRequest::MAX_LIMIT).contains(&l)) {
            e.fields.insert("limit".into(), vec![format!("must be 1 to {}", PageRequest::MAX_LIMIT)]);
        }
        if self.skip.is_some_and(|s| s < 0) {
            e.fields.insert("skip".into(), vec!["must not be negative".into()]);
        }
        if e.fields.is_empty() { Ok(PageRequest::new(self.skip, self.limit)) } else { Err(e) }
    }
}

/// Deserializes an optional integer field from any JSON number without a fraction
/// (`3` or `3.0`), as JSON Schema's `integer` is defined, so a client that follows
/// the OpenAPI document is never refused for writing `3.0`.
pub fn integer<'de, D>(d: D) -> Result<Option<i64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Integer;
    impl<'de> serde::de::Visitor<'de> for Integer {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("i64")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: serde::Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Integer)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            i64::try_from(v).map(Some).map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            // Within ±2^63 the cast is exact for floats without a fraction.
            if v.fract() == 0.0 && v.abs() < 9.223_372_036_854_775e18 {
                #[allow(clippy::cast_possible_truncation)]
                return Ok(Some(v as i64));
            }
            Err(E::invalid_type(serde::de::Unexpected::Float(v), &self))
        }
    }
    d.deserialize_option(Integer)
}

/// Deserializes a field that may be absent, `null`, or a value, keeping the
/// difference between absent (`None`) and `null` (`Some(None)`).
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
