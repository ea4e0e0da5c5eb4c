//! Stored blobs on disk: each file's name is the SHA-256 of its contents.

use std::path::{Path, PathBuf};

use super::sha_hex;

/// What [`check_blobs`] found below a directory of blobs.
pub struct BlobCheck {
    /// Every file, depth first.
    pub files: Vec<PathBuf>,
    /// The directories that could not be read.
    pub unreadable: Vec<String>,
    /// `<path relative to the root>: <what is wrong>` for each file [`verify_blob`] refuses.
    pub corrupt: Vec<String>,
}

/// Checks every file below `root` with [`verify_blob`].
pub fn check_blobs(root: &Path) -> BlobCheck {
    let (files, unreadable) = files_under(root);
    let corrupt = files
        .iter()
        .filter_map(|path| {
            let rel = path.strip_prefix(root).unwrap_or(path).display();
            verify_blob(path).err().map(|e| format!("{rel}: {e}"))
        })
        .collect();
    BlobCheck { files, unreadable, corrupt }
}

/// Every file below `root`, depth first, and the directories that could not be read.
pub fn files_under(root: &Path) -> (Vec<PathBuf>, Vec<String>) {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) => {
                unreadable.push(format!("reading {}: {e}", dir.display()));
                continue;
            }
        };
        for entry in entries {
            let path = match entry {
                Ok(entry) => entry.path(),
                Err(e) => {
                    unreadable.push(format!("reading an entry of {}: {e}", dir.display()));
                    continue;
                }
            };
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    (files, unreadable)
}

/// Checks that the blob at `path` is complete: its contents hash to its file name.
pub fn verify_blob(path: &Path) -> Result<(), String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let data = std::fs::read(path).map_err(|e| format!("reading: {e}"))?;
    let actual = sha_hex(&data);
    if actual != name {
        return Err(format!("{} bytes whose SHA-256 is {actual} (half-written or corrupt)", data.len()));
    }
    Ok(())
}
