//! HTTP-level integration tests: a real Trove server on a loopback port, driven
//! through its public API as a client would.

mod common;

mod assets;
mod auth;
mod delivery;
mod errors;
mod folders;
mod openapi;
mod operations;
mod spaces;
mod trash;
mod versions;
