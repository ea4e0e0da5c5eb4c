//! HTTP-level integration tests: a real Trove server on a loopback port, driven
//! through its public API as a client would.

mod common;

/// This binary runs the suite on the embedded default.
pub const STACK: common::Stack = common::Stack::SqliteFs;

mod asset_types;
mod assets;
mod auth;
mod connections;
mod contract;
mod custom_values;
mod delivery;
mod detection;
mod errors;
mod fields;
mod folders;
mod hostile;
mod hostile_model;
mod hostile_requests;
mod hostile_rows;
mod hostile_text;
mod hostile_uploads;
mod languages;
mod localization;
mod merge;
mod openapi;
mod operations;
mod preconditions;
mod schemathesis;
mod spaces;
mod trash;
mod versions;
mod workspaces;
