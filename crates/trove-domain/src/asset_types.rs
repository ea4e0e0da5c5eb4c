//! Asset types: what kind of file an asset is, chosen from its sniffed MIME type and
//! its extension, and the built-in catalogue of system types every server ships with.
//!
//! An asset type is what user-defined fields hang on, so every upload must get one:
//! [`detect`] always answers from the catalogue (a generic type per top-level MIME
//! type, then `binary`). The sniffer's MIME type decides; the extension only chooses
//! among the types that claim that MIME type, so bytes of one kind named as another
//! (`image/png` bytes called `x.pdf`) keep the kind of their bytes, while a generic
//! container (`application/zip`) named `x.docx` becomes a Word document.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

pub use crate::asset_types_catalogue::{BINARY, PLAIN_TEXT};

/// The longest asset type title.
pub const MAX_TITLE: usize = 50;

/// The broad kind of an asset type, used to group and filter the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Images,
    Video,
    Audio,
    Documents,
    Spreadsheets,
    Presentations,
    Archives,
    Fonts,
    #[serde(rename = "3d")]
    ThreeD,
    Cad,
    Ebooks,
    Subtitles,
    Email,
    Data,
    Databases,
    Code,
    Executables,
    VmImages,
    Webassembly,
    Text,
    Web,
    Geospatial,
    Other,
}

impl Category {
    /// Every category, in display order.
    pub const ALL: [Category; 23] = [
        Category::Images,
        Category::Video,
        Category::Audio,
        Category::Documents,
        Category::Spreadsheets,
        Category::Presentations,
        Category::Archives,
        Category::Fonts,
        Category::ThreeD,
        Category::Cad,
        Category::Ebooks,
        Category::Subtitles,
        Category::Email,
        Category::Data,
        Category::Databases,
        Category::Code,
        Category::Executables,
        Category::VmImages,
        Category::Webassembly,
        Category::Text,
        Category::Web,
        Category::Geospatial,
        Category::Other,
    ];

    /// The wire name, as serde writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::Images => "images",
            Category::Video => "video",
            Category::Audio => "audio",
            Category::Documents => "documents",
            Category::Spreadsheets => "spreadsheets",
            Category::Presentations => "presentations",
            Category::Archives => "archives",
            Category::Fonts => "fonts",
            Category::ThreeD => "3d",
            Category::Cad => "cad",
            Category::Ebooks => "ebooks",
            Category::Subtitles => "subtitles",
            Category::Email => "email",
            Category::Data => "data",
            Category::Databases => "databases",
            Category::Code => "code",
            Category::Executables => "executables",
            Category::VmImages => "vm_images",
            Category::Webassembly => "webassembly",
            Category::Text => "text",
            Category::Web => "web",
            Category::Geospatial => "geospatial",
            Category::Other => "other",
        }
    }
}

/// Why a type is refused at upload unless an administrator allows it. The labels
/// are the ones the upload check reports and the `allowed_risky_types` setting names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    /// Native programs, libraries, bytecode and installer packages.
    Executable,
    /// Source code that an interpreter, shell or the OS may run.
    Script,
    /// WebAssembly modules.
    Webassembly,
    /// Virtual-machine and mountable disk images.
    VmImage,
}

impl Restriction {
    /// Every restriction.
    pub const ALL: [Restriction; 4] =
        [Restriction::Executable, Restriction::Script, Restriction::Webassembly, Restriction::VmImage];

    /// The stable label, as the upload check and the settings spell it.
    pub const fn label(self) -> &'static str {
        match self {
            Restriction::Executable => "executable",
            Restriction::Script => "script",
            Restriction::Webassembly => "webassembly",
            Restriction::VmImage => "vm_image",
        }
    }
}

/// A kind of asset: the MIME types and extensions it matches and the fields its
/// assets carry. The shape follows Contentstack's asset type object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AssetType {
    /// Letters, digits and `_`; immutable.
    pub uid: String,
    /// At most [`MAX_TITLE`] characters.
    pub title: String,
    pub description: String,
    pub category: Category,
    /// The MIME types the type matches, its canonical `content_type` first, then the
    /// other names sniffers give the same bytes (`application/zip` for a `.docx`).
    pub mime_types: Vec<String>,
    /// Lower-case extensions without the dot.
    pub file_extensions: Vec<String>,
    /// Built-in types cannot be deleted (fields can still be added to them).
    pub is_system: bool,
    /// Set when uploads of this type are refused unless an administrator allows them.
    pub restricted: Option<Restriction>,
    /// The name of the icon the web UI shows for it (a category icon when `None`).
    #[serde(default)]
    pub icon: Option<String>,
    /// UIDs of the user-defined fields, in display order; empty for fresh system types.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Rules across its fields, checked with them on every save.
    #[serde(default)]
    pub rules: Vec<crate::fields::CrossRule>,
}

impl AssetType {
    /// The canonical MIME type (`content_type` on the wire).
    pub fn content_type(&self) -> &str {
        self.mime_types.first().map_or("", String::as_str)
    }

    /// Whether the type matches the (lower-case, bare) MIME type `mime`.
    pub fn claims_mime(&self, mime: &str) -> bool {
        self.mime_types.iter().any(|m| m == mime)
    }

    /// Whether the type matches the lower-case extension `ext`.
    pub fn claims_extension(&self, ext: &str) -> bool {
        self.file_extensions.iter().any(|e| e == ext)
    }
}

static CATALOGUE: LazyLock<Vec<AssetType>> = LazyLock::new(|| {
    crate::asset_types_catalogue::ENTRIES
        .iter()
        .map(|e| AssetType {
            uid: e.uid.to_owned(),
            title: e.title.to_owned(),
            description: e.description(),
            category: e.category,
            mime_types: e.mimes.iter().map(|m| (*m).to_owned()).collect(),
            file_extensions: e.exts.iter().map(|x| (*x).to_owned()).collect(),
            is_system: true,
            restricted: e.restricted,
            icon: None,
            fields: Vec::new(),
            rules: Vec::new(),
        })
        .collect()
});

/// The built-in system types (listed in `docs/asset-types.md`).
pub fn catalogue() -> &'static [AssetType] {
    &CATALOGUE
}

/// The restriction of the built-in types that claim the extension of `file_name`,
/// if any. Trailing dots are ignored because Windows drops them: `evil.exe.` runs
/// as `evil.exe`. Restricted extensions belong to no unrestricted type (a test
/// proves it), so the answer does not depend on the bytes.
pub fn restriction_of_file_name(file_name: &str) -> Option<Restriction> {
    let ext = crate::rules::extension(file_name.trim_end_matches('.'))?;
    catalogue().iter().find(|t| t.claims_extension(&ext)).and_then(|t| t.restricted)
}

/// The type of an upload whose bytes sniffed as `sniffed_mime` and whose name is
/// `file_name`, chosen from `types`:
///
/// 1. the type claiming both the MIME type and the extension;
/// 2. else the type whose canonical MIME type it is, else the first claiming it;
/// 3. else the generic type of its top-level type (`other_image`, `other_video`,
///    `other_audio`, `other_text`, `other_font`), else [`BINARY`].
///
/// `None` only when `types` lacks the fallbacks (the built-in catalogue has them).
pub fn detect<'a>(types: &'a [AssetType], sniffed_mime: &str, file_name: &str) -> Option<&'a AssetType> {
    let mime = essence(sniffed_mime);
    let by_uid = |uid: &str| types.iter().find(|t| t.uid == uid);
    crate::rules::extension(file_name.trim_end_matches('.'))
        .and_then(|ext| types.iter().find(|t| t.claims_mime(&mime) && t.claims_extension(&ext)))
        .or_else(|| types.iter().find(|t| t.content_type() == mime))
        .or_else(|| types.iter().find(|t| t.claims_mime(&mime)))
        .or_else(|| generic_uid(&mime).and_then(by_uid))
        .or_else(|| by_uid(BINARY))
}

/// A MIME type without parameters, trimmed and lower-cased.
fn essence(mime: &str) -> String {
    mime.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The generic type for a MIME type nothing more specific claims.
fn generic_uid(mime: &str) -> Option<&'static str> {
    let top = mime.split('/').next()?;
    Some(match top {
        "image" => "other_image",
        "video" => "other_video",
        "audio" => "other_audio",
        "text" => "other_text",
        "font" => "other_font",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "asset_types_tests.rs"]
mod tests;
