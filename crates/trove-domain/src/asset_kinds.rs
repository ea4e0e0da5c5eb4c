//! The broad kinds of asset types and the restrictions some carry: the vocabulary
//! the built-in catalogue is written in and the asset types share.

use serde::{Deserialize, Serialize};

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
