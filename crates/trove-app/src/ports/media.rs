//! The media port: what a file is, judged from its first bytes.

use trove_domain::model::Dimensions;

/// How many leading bytes of an upload are kept for probing. Enough for the headers
/// and EXIF block of every image format Trove reads; memory stays bounded.
pub const PROBE_BYTES: usize = 256 * 1024;

/// What the probe learned about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    /// MIME type sniffed from the bytes (never taken from the client).
    pub content_type: String,
    /// Display dimensions with EXIF orientation applied, for images.
    pub dimensions: Option<Dimensions>,
    /// Why the file is a risky type (executable, script, VM image …), if it is.
    pub risk: Option<&'static str>,
}

/// Probes files. Pure CPU work on a bounded buffer, so synchronous.
pub trait MediaProbe: Send + Sync + 'static {
    /// Probes the first bytes (`head`, at most [`PROBE_BYTES`]) of a file named
    /// `file_name` (already sanitised) whose full size is `size`.
    fn probe(&self, head: &[u8], file_name: &str, size: u64) -> MediaInfo;
}
