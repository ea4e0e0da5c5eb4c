//! HTTP-level integration tests: a real Trove server on a loopback port, driven
//! through its public API as a client would.

mod common;

/// This binary runs the suite on the embedded default.
pub const STACK: common::Stack = common::Stack::SqliteFs;

include!("../api/modules.rs");
