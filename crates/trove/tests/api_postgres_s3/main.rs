//! The whole HTTP integration suite again, on the scale-out stack: PostgreSQL (a
//! fresh database per test) and S3 (an in-process S3-compatible server per test).
//! The test modules are shared with `tests/api`; only the stack differs.

#[path = "../api/common.rs"]
mod common;

/// This binary runs the suite on PostgreSQL + S3.
pub const STACK: common::Stack = common::Stack::PostgresS3;

#[path = "../api/asset_types.rs"]
mod asset_types;
#[path = "../api/assets.rs"]
mod assets;
#[path = "../api/auth.rs"]
mod auth;
#[path = "../api/connections.rs"]
mod connections;
#[path = "../api/contract.rs"]
mod contract;
#[path = "../api/custom_values.rs"]
mod custom_values;
#[path = "../api/delivery.rs"]
mod delivery;
#[path = "../api/detection.rs"]
mod detection;
#[path = "../api/errors.rs"]
mod errors;
#[path = "../api/fields.rs"]
mod fields;
#[path = "../api/folders.rs"]
mod folders;
#[path = "../api/hostile.rs"]
mod hostile;
#[path = "../api/hostile_model.rs"]
mod hostile_model;
#[path = "../api/hostile_requests.rs"]
mod hostile_requests;
#[path = "../api/hostile_rows.rs"]
mod hostile_rows;
#[path = "../api/hostile_text.rs"]
mod hostile_text;
#[path = "../api/hostile_uploads.rs"]
mod hostile_uploads;
#[path = "../api/languages.rs"]
mod languages;
#[path = "../api/localization.rs"]
mod localization;
#[path = "../api/merge.rs"]
mod merge;
#[path = "../api/openapi.rs"]
mod openapi;
#[path = "../api/operations.rs"]
mod operations;
#[path = "../api/preconditions.rs"]
mod preconditions;
#[path = "../api/schemathesis.rs"]
mod schemathesis;
#[path = "../api/spaces.rs"]
mod spaces;
#[path = "../api/trash.rs"]
mod trash;
#[path = "../api/versions.rs"]
mod versions;
#[path = "../api/workspaces.rs"]
mod workspaces;
