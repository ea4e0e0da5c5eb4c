//! The ports: the traits the use cases need from the outside world. Backends in
//! other crates implement them; only the binary decides which implementation runs.

pub mod access;
pub mod blob;
pub mod media;
pub mod metadata;

pub use access::{Attributed, AuditRepo, PeopleRepo, RoleRepo};
pub use blob::{BlobEntry, BlobStore, ByteStream, EntryStream, StagedBlob};
pub use media::{MediaInfo, MediaProbe};
pub use metadata::*;
