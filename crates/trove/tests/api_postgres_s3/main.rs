//! The whole HTTP integration suite again, on the scale-out stack: PostgreSQL (a
//! fresh database per test) and S3 (an in-process S3-compatible server per test).
//! The test modules are shared with `tests/api`; only the stack differs.

#[path = "../api/common.rs"]
mod common;

/// This binary runs the suite on PostgreSQL + S3.
pub const STACK: common::Stack = common::Stack::PostgresS3;

include!("../api/modules.rs");
