//! Trove's test harness, for its own test suites only (not published).
//!
//! - [`TestServer`]: a real server per test on either [`Stack`] (SQLite + files,
//!   or PostgreSQL + S3 with a database cloned from a migrated template and an
//!   in-process S3 server), whose stores go when it is dropped, also on panic;
//! - [`TestServer::with_user`]: clients that are users of the organization, with
//!   [`TestServer::add_member`] and [`TestServer::create_role`] to place them, and
//!   [`TestServer::another_node`] for a second server on the same stores;
//! - [`postgres`]: fresh PostgreSQL databases, for the suites that run the binary.

pub mod postgres;
mod server;
mod users;

pub use server::*;
pub use users::{Client, Node, PASSWORD};
