//! Trove's domain: the types every layer speaks and the rules that need no I/O.
//!
//! Nothing in this crate touches a disk or a socket (new UIDs read the clock and the
//! random source, nothing else), so every rule here can be tested as a pure function
//! and reused by every backend.

pub mod access;
mod access_roles;
pub mod asset_kinds;
pub mod asset_model;
pub mod asset_types;
mod asset_types_catalogue;
pub mod audit;
pub mod content_merge;
pub mod error;
pub mod fields;
pub mod ids;
pub mod languages;
pub mod model;
pub mod people;
pub mod precondition;
pub mod rules;
pub mod three_way;
pub mod workspace;

pub use error::{Error, ErrorKind, FieldErrors, Result};
