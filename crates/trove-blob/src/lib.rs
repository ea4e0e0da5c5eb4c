//! Trove's blob stores: the implementations of the [`BlobStore`] port.
//!
//! Two backends exist because they serve different deployments:
//!
//! - [`FsBlobStore`] keeps objects on a local filesystem. It is the production
//!   default for a single server: every write is fsync'd (file and directory) before
//!   it is acknowledged, and range reads stream large chunks straight from disk.
//! - [`ObjectBlobStore`] wraps any [`object_store::ObjectStore`]: an in-memory store
//!   for fast tests, or a remote backend such as S3 when the server should not own
//!   its storage.
//!
//! Both follow the port's protocol: data is streamed into a staging object with
//! bounded memory, then promoted under its final (content-hash) key, so a crash never
//! leaves a half-written object under a real key.
//!
//! [`BlobStore`]: trove_app::ports::BlobStore

mod fs;
mod key;
mod object;
mod s3;
#[cfg(feature = "s3-test-server")]
pub mod testing;

pub use fs::FsBlobStore;
pub use object::ObjectBlobStore;
pub use s3::{S3Options, parse_s3_url};
