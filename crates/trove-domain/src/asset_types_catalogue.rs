//! The data of the built-in asset type catalogue (see `asset_types`).
//!
//! Each entry lists the canonical MIME type first, then the other names sniffers
//! give the same bytes: `infer` reports WOFF2 as `application/font-woff`, OOXML
//! and OpenDocument files whose head it cannot see into as `application/zip`,
//! formats without a magic number as `application/octet-stream`, and text formats
//! as the textual type of their extension or `text/plain`. A (MIME, extension) pair
//! belongs to one entry only, and a restricted extension to no unrestricted entry.

use crate::asset_kinds::Category::{self, *};
use crate::asset_kinds::Restriction::{self, Executable, Script, VmImage};

/// The fallback type of bytes nothing else claims.
pub const BINARY: &str = "binary";
/// The type of text nothing more specific claims.
pub const PLAIN_TEXT: &str = "plain_text";

/// One built-in type, as static data.
pub(crate) struct Entry {
    pub uid: &'static str,
    pub title: &'static str,
    pub category: Category,
    pub mimes: &'static [&'static str],
    pub exts: &'static [&'static str],
    pub restricted: Option<Restriction>,
}

impl Entry {
    /// A one-line description naming the extensions, for the catalogue listing.
    pub fn description(&self) -> String {
        if self.exts.is_empty() {
            return format!("{}: any {} content no other type claims.", self.title, self.mimes.join(", "));
        }
        let exts: Vec<String> = self.exts.iter().map(|e| format!(".{e}")).collect();
        format!("{}: {}.", self.title, exts.join(", "))
    }
}

const fn t(
    uid: &'static str,
    title: &'static str,
    category: Category,
    mimes: &'static [&'static str],
    exts: &'static [&'static str],
) -> Entry {
    Entry { uid, title, category, mimes, exts, restricted: None }
}

/// A restricted entry: refused at upload unless an administrator allows `why`.
const fn r(
    uid: &'static str,
    title: &'static str,
    category: Category,
    why: Restriction,
    mimes: &'static [&'static str],
    exts: &'static [&'static str],
) -> Entry {
    Entry { uid, title, category, mimes, exts, restricted: Some(why) }
}

const OCTET: &str = "application/octet-stream";
const ZIP: &str = "application/zip";
const OLE: &str = "application/x-ole-storage";
const TXT: &str = "text/plain";
const XML: &str = "application/xml";
const TXML: &str = "text/xml";
const PE: &str = "application/vnd.microsoft.portable-executable";

pub(crate) const ENTRIES: &[Entry] = &[
    // Images
    t("jpeg_jpg", "JPEG image", Images, &["image/jpeg", "image/pjpeg"], &["jpg", "jpeg", "jpe", "jfif"]),
    t("png", "PNG image", Images, &["image/png", "image/apng"], &["png", "apng"]),
    t("gif", "GIF image", Images, &["image/gif"], &["gif"]),
    t("webp", "WebP image", Images, &["image/webp"], &["webp"]),
    t("svg", "SVG vector image", Images, &["image/svg+xml", "application/gzip"], &["svg", "svgz"]),
    t("tiff_tif", "TIFF image", Images, &["image/tiff"], &["tif", "tiff"]),
    t("bmp", "BMP image", Images, &["image/bmp", "image/x-ms-bmp"], &["bmp", "dib"]),
    t("ico", "Icon", Images, &["image/vnd.microsoft.icon", "image/x-icon"], &["ico", "cur"]),
    t("heic", "HEIC image", Images, &["image/heic", "image/heif", "image/heic-sequence"], &["heic"]),
    t("heif", "HEIF image", Images, &["image/heif", "image/heif-sequence"], &["heif", "hif"]),
    t("avif", "AVIF image", Images, &["image/avif"], &["avif"]),
    t("jxl", "JPEG XL image", Images, &["image/jxl"], &["jxl"]),
    t("jp2", "JPEG 2000 image", Images, &["image/jp2", "image/jpx", "image/jpm"], &["jp2", "j2k", "jpf", "jpx", "jpm"]),
    t("jxr", "JPEG XR image", Images, &["image/vnd.ms-photo", "image/jxr"], &["jxr", "wdp", "hdp"]),
    t("psd", "Photoshop document", Images, &["image/vnd.adobe.photoshop", "application/x-photoshop"], &["psd", "psb"]),
    t(
        "eps",
        "Encapsulated PostScript",
        Images,
        &["application/eps", "application/postscript", "image/x-eps"],
        &["eps", "epsf"],
    ),
    t(
        "ai",
        "Adobe Illustrator artwork",
        Images,
        &["application/vnd.adobe.illustrator", "application/pdf", "application/postscript"],
        &["ai"],
    ),
    t("cr2", "Canon raw image (CR2)", Images, &["image/x-canon-cr2", "image/tiff"], &["cr2"]),
    t("cr3", "Canon raw image (CR3)", Images, &["image/x-canon-cr3", OCTET], &["cr3"]),
    t("nef", "Nikon raw image", Images, &["image/x-nikon-nef", "image/tiff"], &["nef", "nrw"]),
    t("arw", "Sony raw image", Images, &["image/x-sony-arw", "image/tiff"], &["arw", "srf", "sr2"]),
    t("dng", "Digital negative (DNG)", Images, &["image/x-adobe-dng", "image/tiff"], &["dng"]),
    t("orf", "Olympus raw image", Images, &["image/x-olympus-orf", OCTET], &["orf"]),
    t("raf", "Fujifilm raw image", Images, &["image/x-fuji-raf", OCTET], &["raf"]),
    t("pbm", "Portable bitmap", Images, &["image/x-portable-bitmap", OCTET, TXT], &["pbm"]),
    t("pgm", "Portable graymap", Images, &["image/x-portable-graymap", OCTET, TXT], &["pgm"]),
    t("ppm", "Portable pixmap", Images, &["image/x-portable-pixmap", OCTET, TXT], &["ppm", "pnm"]),
    t("xbm", "X bitmap", Images, &["image/x-xbitmap", TXT], &["xbm"]),
    t("xpm", "X pixmap", Images, &["image/x-xpixmap", TXT], &["xpm"]),
    t("tga", "Targa image", Images, &["image/x-tga", OCTET], &["tga"]),
    t("exr", "OpenEXR image", Images, &["image/x-exr", OCTET], &["exr"]),
    t("xcf", "GIMP image", Images, &["image/x-xcf", OCTET], &["xcf"]),
    t("ora", "OpenRaster image", Images, &["image/openraster", ZIP], &["ora"]),
    t("dicom", "DICOM medical image", Images, &["application/dicom", OCTET], &["dcm", "dicom"]),
    t("other_image", "Other image", Images, &["image/*"], &[]),
    // Video
    t("mp4", "MP4 video", Video, &["video/mp4", "application/mp4"], &["mp4"]),
    t("m4v", "M4V video", Video, &["video/x-m4v", "video/mp4"], &["m4v"]),
    t("mov", "QuickTime video", Video, &["video/quicktime"], &["mov", "qt"]),
    t("mkv", "Matroska video", Video, &["video/x-matroska"], &["mkv"]),
    t("webm", "WebM video", Video, &["video/webm"], &["webm"]),
    t("avi", "AVI video", Video, &["video/x-msvideo", "video/avi"], &["avi"]),
    t("wmv", "Windows Media video", Video, &["video/x-ms-wmv", "video/x-ms-asf"], &["wmv", "asf"]),
    t("mpeg", "MPEG video", Video, &["video/mpeg"], &["mpg", "mpeg", "mpe", "m1v", "m2v"]),
    t("flv", "Flash video", Video, &["video/x-flv"], &["flv"]),
    t("ogv", "Ogg video", Video, &["video/ogg", "audio/ogg"], &["ogv"]),
    t("3gp", "3GPP video", Video, &["video/3gpp", "video/mp4"], &["3gp"]),
    t("3g2", "3GPP2 video", Video, &["video/3gpp2", "video/mp4"], &["3g2"]),
    t("mpeg_ts", "MPEG transport stream", Video, &["video/mp2t", OCTET], &["ts", "mts", "m2ts"]),
    t("rv", "RealMedia video", Video, &["application/vnd.rn-realmedia", OCTET], &["rm", "rv", "rmvb"]),
    t("mxf", "MXF video", Video, &["application/mxf", OCTET], &["mxf"]),
    t("other_video", "Other video", Video, &["video/*"], &[]),
    // Audio
    t("mp3", "MP3 audio", Audio, &["audio/mpeg", "audio/mp3"], &["mp3"]),
    t("wav", "WAV audio", Audio, &["audio/wav", "audio/x-wav", "audio/vnd.wave"], &["wav"]),
    t("flac", "FLAC audio", Audio, &["audio/flac", "audio/x-flac"], &["flac"]),
    t("aac", "AAC audio", Audio, &["audio/aac", "audio/x-aac"], &["aac"]),
    t("m4a", "MPEG-4 audio", Audio, &["audio/mp4", "audio/m4a", "audio/x-m4a", "video/mp4"], &["m4a"]),
    t("ogg", "Ogg audio", Audio, &["audio/ogg"], &["ogg", "oga"]),
    t("opus", "Opus audio", Audio, &["audio/opus", "audio/ogg"], &["opus"]),
    t("aiff", "AIFF audio", Audio, &["audio/aiff", "audio/x-aiff"], &["aif", "aiff", "aifc"]),
    t("midi", "MIDI", Audio, &["audio/midi", "audio/x-midi"], &["mid", "midi"]),
    t("wma", "Windows Media audio", Audio, &["audio/x-ms-wma", "video/x-ms-wmv", "video/x-ms-asf"], &["wma"]),
    t("amr", "AMR audio", Audio, &["audio/amr"], &["amr"]),
    t("ape", "Monkey's Audio", Audio, &["audio/x-ape", "audio/ape"], &["ape"]),
    t("dsf", "DSD audio", Audio, &["audio/x-dsf", "audio/dsf"], &["dsf"]),
    t("au", "Sun audio", Audio, &["audio/basic", OCTET], &["au", "snd"]),
    t("other_audio", "Other audio", Audio, &["audio/*"], &[]),
    // Documents
    t("pdf", "PDF document", Documents, &["application/pdf"], &["pdf"]),
    t("doc", "Word 97–2003 document", Documents, &["application/msword", OLE], &["doc", "dot"]),
    t(
        "docx",
        "Word document",
        Documents,
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP],
        &["docx"],
    ),
    t(
        "dotx",
        "Word template",
        Documents,
        &["application/vnd.openxmlformats-officedocument.wordprocessingml.template", ZIP],
        &["dotx"],
    ),
    t("odt", "OpenDocument text", Documents, &["application/vnd.oasis.opendocument.text", ZIP], &["odt"]),
    t("rtf", "Rich Text Format", Documents, &["application/rtf", "text/rtf", TXT], &["rtf"]),
    t("pages", "Apple Pages document", Documents, &["application/vnd.apple.pages", ZIP], &["pages"]),
    t("ps", "PostScript document", Documents, &["application/postscript"], &["ps"]),
    t("xps", "XPS document", Documents, &["application/vnd.ms-xpsdocument", "application/oxps", ZIP], &["xps", "oxps"]),
    t("djvu", "DjVu document", Documents, &["image/vnd.djvu"], &["djvu", "djv"]),
    // Spreadsheets
    t("xls", "Excel 97–2003 workbook", Spreadsheets, &["application/vnd.ms-excel", OLE], &["xls", "xlt"]),
    t(
        "xlsx",
        "Excel workbook",
        Spreadsheets,
        &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP],
        &["xlsx"],
    ),
    t(
        "xlsb",
        "Excel binary workbook",
        Spreadsheets,
        &["application/vnd.ms-excel.sheet.binary.macroenabled.12", ZIP],
        &["xlsb"],
    ),
    t(
        "ods",
        "OpenDocument spreadsheet",
        Spreadsheets,
        &["application/vnd.oasis.opendocument.spreadsheet", ZIP],
        &["ods"],
    ),
    t("numbers", "Apple Numbers spreadsheet", Spreadsheets, &["application/vnd.apple.numbers", ZIP], &["numbers"]),
    // Presentations
    t(
        "ppt",
        "PowerPoint 97–2003 presentation",
        Presentations,
        &["application/vnd.ms-powerpoint", OLE],
        &["ppt", "pps", "pot"],
    ),
    t(
        "pptx",
        "PowerPoint presentation",
        Presentations,
        &["application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP],
        &["pptx"],
    ),
    t(
        "ppsx",
        "PowerPoint slide show",
        Presentations,
        &["application/vnd.openxmlformats-officedocument.presentationml.slideshow", ZIP],
        &["ppsx"],
    ),
    t(
        "odp",
        "OpenDocument presentation",
        Presentations,
        &["application/vnd.oasis.opendocument.presentation", ZIP],
        &["odp"],
    ),
    t("key", "Apple Keynote presentation", Presentations, &["application/vnd.apple.keynote", ZIP], &["key"]),
    // Archives
    t("zip", "ZIP archive", Archives, &[ZIP, "application/x-zip-compressed"], &["zip"]),
    t("tar", "Tar archive", Archives, &["application/x-tar"], &["tar"]),
    t("gzip", "Gzip archive", Archives, &["application/gzip", "application/x-gzip"], &["gz", "tgz"]),
    t("bzip2", "Bzip2 archive", Archives, &["application/x-bzip2"], &["bz2", "tbz2"]),
    t("xz", "XZ archive", Archives, &["application/x-xz"], &["xz", "txz"]),
    t("7z", "7-Zip archive", Archives, &["application/x-7z-compressed"], &["7z"]),
    t("rar", "RAR archive", Archives, &["application/vnd.rar", "application/x-rar-compressed"], &["rar"]),
    t("zstd", "Zstandard archive", Archives, &["application/zstd"], &["zst"]),
    t("lz4", "LZ4 archive", Archives, &["application/x-lz4"], &["lz4"]),
    t("lzip", "Lzip archive", Archives, &["application/x-lzip"], &["lz"]),
    t("compress", "Unix compress archive", Archives, &["application/x-compress"], &["z"]),
    t("cab", "Cabinet archive", Archives, &["application/vnd.ms-cab-compressed"], &["cab"]),
    t("cpio", "Cpio archive", Archives, &["application/x-cpio"], &["cpio"]),
    t("ar", "Unix ar archive", Archives, &["application/x-unix-archive", "application/x-archive"], &["a", "ar"]),
    t(
        "crx",
        "Chrome extension",
        Archives,
        &["application/x-google-chrome-extension", "application/x-chrome-extension"],
        &["crx"],
    ),
    // Fonts
    t(
        "ttf",
        "TrueType font",
        Fonts,
        &["font/ttf", "application/font-sfnt", "font/sfnt", "application/x-font-ttf"],
        &["ttf"],
    ),
    t("otf", "OpenType font", Fonts, &["font/otf", "application/font-sfnt", "font/sfnt"], &["otf"]),
    t("woff", "WOFF font", Fonts, &["font/woff", "application/font-woff"], &["woff"]),
    t("woff2", "WOFF2 font", Fonts, &["font/woff2", "application/font-woff"], &["woff2"]),
    t("eot", "Embedded OpenType font", Fonts, &["application/vnd.ms-fontobject", OCTET], &["eot"]),
    t("ttc", "TrueType font collection", Fonts, &["font/collection", OCTET], &["ttc"]),
    t("other_font", "Other font", Fonts, &["font/*"], &[]),
    // 3D models
    t("glb", "glTF binary model", ThreeD, &["model/gltf-binary", OCTET], &["glb"]),
    t("gltf", "glTF model", ThreeD, &["model/gltf+json", "application/json", TXT], &["gltf"]),
    t("obj", "Wavefront OBJ model", ThreeD, &["model/obj", TXT], &["obj"]),
    t("stl", "STL model", ThreeD, &["model/stl", "application/sla", OCTET, TXT], &["stl"]),
    t("fbx", "FBX model", ThreeD, &["application/vnd.autodesk.fbx", OCTET, TXT], &["fbx"]),
    t("dae", "COLLADA model", ThreeD, &["model/vnd.collada+xml", TXML, XML, TXT], &["dae"]),
    t("usdz", "USDZ model", ThreeD, &["model/vnd.usdz+zip", ZIP], &["usdz"]),
    t("usd", "Universal Scene Description", ThreeD, &["model/vnd.usda", OCTET, TXT], &["usd", "usda", "usdc"]),
    t("3ds", "3D Studio model", ThreeD, &["application/x-3ds", "image/x-3ds", OCTET], &["3ds"]),
    t("ply", "PLY model", ThreeD, &["model/ply", OCTET, TXT], &["ply"]),
    t("blend", "Blender scene", ThreeD, &["application/x-blender", OCTET], &["blend"]),
    t("3mf", "3D Manufacturing Format", ThreeD, &["model/3mf", ZIP], &["3mf"]),
    t("x3d", "X3D model", ThreeD, &["model/x3d+xml", TXML, XML, TXT], &["x3d"]),
    // CAD
    t("dwg", "AutoCAD drawing", Cad, &["image/vnd.dwg", "application/acad"], &["dwg"]),
    t("dxf", "Drawing exchange format", Cad, &["image/vnd.dxf", "application/dxf", OCTET, TXT], &["dxf"]),
    t("step", "STEP model", Cad, &["model/step", "application/step", TXT], &["step", "stp"]),
    t("iges", "IGES model", Cad, &["model/iges", TXT], &["iges", "igs"]),
    t("ifc", "IFC building model", Cad, &["application/x-step", TXT], &["ifc"]),
    t("skp", "SketchUp model", Cad, &["application/vnd.sketchup.skp", OCTET], &["skp"]),
    t("solidworks", "SolidWorks part or assembly", Cad, &["application/x-sldworks", OLE, OCTET], &["sldprt", "sldasm"]),
    // E-books
    t("epub", "EPUB e-book", Ebooks, &["application/epub+zip", ZIP], &["epub"]),
    t("mobi", "Mobipocket e-book", Ebooks, &["application/x-mobipocket-ebook"], &["mobi", "prc"]),
    t(
        "azw",
        "Kindle e-book",
        Ebooks,
        &["application/vnd.amazon.ebook", "application/x-mobipocket-ebook", OCTET],
        &["azw", "azw3"],
    ),
    t("fb2", "FictionBook e-book", Ebooks, &["application/x-fictionbook+xml", TXML, XML, TXT], &["fb2"]),
    t("cbz", "Comic book (ZIP)", Ebooks, &["application/vnd.comicbook+zip", ZIP], &["cbz"]),
    t("cbr", "Comic book (RAR)", Ebooks, &["application/vnd.comicbook-rar", "application/vnd.rar"], &["cbr"]),
    // Subtitles
    t("srt", "SubRip subtitles", Subtitles, &["application/x-subrip", TXT], &["srt"]),
    t("vtt", "WebVTT subtitles", Subtitles, &["text/vtt", TXT], &["vtt"]),
    t("ass", "SubStation Alpha subtitles", Subtitles, &["text/x-ssa", TXT], &["ass", "ssa"]),
    t("sbv", "YouTube SBV subtitles", Subtitles, &["text/x-sbv", TXT], &["sbv"]),
    t("ttml", "TTML subtitles", Subtitles, &["application/ttml+xml", TXML, XML, TXT], &["ttml", "dfxp"]),
    t("scc", "Scenarist closed captions", Subtitles, &["text/x-scc", TXT], &["scc"]),
    // Email
    t("eml", "Email message", Email, &["message/rfc822", TXT], &["eml"]),
    t("msg", "Outlook message", Email, &["application/vnd.ms-outlook", OLE], &["msg"]),
    t("mbox", "Mailbox", Email, &["application/mbox", TXT], &["mbox"]),
    // Data
    t("json", "JSON", Data, &["application/json", "text/json"], &["json"]),
    t("jsonld", "JSON-LD", Data, &["application/ld+json", "application/json"], &["jsonld"]),
    t("jsonl", "JSON Lines", Data, &["application/jsonl", "application/x-ndjson", TXT], &["jsonl", "ndjson"]),
    t("xml", "XML", Data, &[XML, TXML], &["xml"]),
    t(
        "yaml",
        "YAML",
        Data,
        &["application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", TXT],
        &["yaml", "yml"],
    ),
    t("toml", "TOML", Data, &["application/toml", "text/x-toml", TXT], &["toml"]),
    t("csv", "Comma-separated values", Data, &["text/csv", "application/csv", TXT], &["csv"]),
    t("tsv", "Tab-separated values", Data, &["text/tab-separated-values", TXT], &["tsv"]),
    t("ics", "Calendar", Data, &["text/calendar", TXT], &["ics", "ifb"]),
    t("vcf", "Contact card", Data, &["text/vcard", "text/x-vcard", TXT], &["vcf", "vcard"]),
    t("parquet", "Apache Parquet", Data, &["application/vnd.apache.parquet", OCTET], &["parquet"]),
    t("hdf5", "HDF5 data", Data, &["application/x-hdf5", OCTET], &["h5", "hdf5"]),
    // Databases
    t(
        "sqlite",
        "SQLite database",
        Databases,
        &["application/vnd.sqlite3", "application/x-sqlite3"],
        &["sqlite", "sqlite3", "db"],
    ),
    t(
        "access",
        "Access database",
        Databases,
        &["application/vnd.ms-access", "application/x-msaccess", OCTET],
        &["mdb", "accdb"],
    ),
    t("dbf", "dBASE table", Databases, &["application/dbase", "application/x-dbf", OCTET], &["dbf"]),
    // Geospatial
    t("geojson", "GeoJSON", Geospatial, &["application/geo+json", "application/json", TXT], &["geojson"]),
    t("kml", "KML", Geospatial, &["application/vnd.google-earth.kml+xml", TXML, XML, TXT], &["kml"]),
    t("kmz", "KMZ", Geospatial, &["application/vnd.google-earth.kmz", ZIP], &["kmz"]),
    t("gpx", "GPS exchange format", Geospatial, &["application/gpx+xml", TXML, XML, TXT], &["gpx"]),
    t("shapefile", "Esri shapefile", Geospatial, &["application/vnd.shp", OCTET], &["shp", "shx"]),
    t("gpkg", "GeoPackage", Geospatial, &["application/geopackage+sqlite3", "application/vnd.sqlite3"], &["gpkg"]),
    // Text
    t(PLAIN_TEXT, "Plain text", Text, &[TXT], &["txt", "text", "log"]),
    t("markdown", "Markdown", Text, &["text/markdown", "text/x-markdown", TXT], &["md", "markdown"]),
    t("rst", "reStructuredText", Text, &["text/x-rst", TXT], &["rst"]),
    t("tex", "TeX document", Text, &["application/x-tex", "text/x-tex", TXT], &["tex"]),
    t("ini", "Configuration file", Text, &["text/x-ini", TXT], &["ini", "cfg", "conf"]),
    t("other_text", "Other text", Text, &["text/*"], &[]),
    // Web
    t("html", "HTML page", Web, &["text/html", TXT], &["html", "htm"]),
    t("xhtml", "XHTML page", Web, &["application/xhtml+xml", "text/html", TXML, TXT], &["xhtml"]),
    t("css", "CSS stylesheet", Web, &["text/css", TXT], &["css"]),
    t(
        "sass",
        "Sass or Less stylesheet",
        Web,
        &["text/x-scss", "text/x-sass", "text/less", TXT],
        &["scss", "sass", "less"],
    ),
    t("swf", "Flash movie", Web, &["application/x-shockwave-flash"], &["swf"]),
    r(
        "javascript",
        "JavaScript",
        Web,
        Script,
        &["text/javascript", "application/javascript", "application/ecmascript", TXT],
        &["js", "mjs", "cjs"],
    ),
    // WebAssembly
    r("wasm", "WebAssembly module", Webassembly, Restriction::Webassembly, &["application/wasm", OCTET], &["wasm"]),
    // Code
    r(
        "shell_script",
        "Shell script",
        Code,
        Script,
        &["application/x-sh", "text/x-shellscript", "application/x-csh", TXT],
        &["sh", "bash", "zsh", "csh", "tcsh", "ksh", "fish", "command"],
    ),
    r("batch", "Windows batch file", Code, Script, &["application/x-bat", TXT], &["bat", "cmd"]),
    r("powershell", "PowerShell script", Code, Script, &["application/x-powershell", TXT], &["ps1", "psm1", "psd1"]),
    r("vbscript", "Visual Basic script", Code, Script, &["text/vbscript", TXT, OCTET], &["vb", "vbs", "vbe"]),
    r(
        "windows_script",
        "Windows Script Host file",
        Code,
        Script,
        &["application/x-wsh", "text/scriptlet", XML, TXML, TXT, OCTET],
        &["jse", "wsf", "wsh", "wsc", "sct"],
    ),
    r("hta", "HTML application", Code, Script, &["application/hta", "text/html", TXT], &["hta"]),
    r(
        "windows_shortcut",
        "Windows shortcut",
        Code,
        Script,
        &["application/x-ms-shortcut", OCTET, TXT],
        &["lnk", "scf"],
    ),
    r("windows_registry", "Windows registry file", Code, Script, &["text/x-ms-regedit", TXT, OCTET], &["reg"]),
    r("mmc_console", "Management console", Code, Script, &["application/x-msc", XML, TXML, TXT], &["msc"]),
    r("python", "Python source", Code, Script, &["text/x-python", "application/x-python-code", TXT], &["py", "pyw"]),
    r("perl", "Perl source", Code, Script, &["text/x-perl", "application/x-perl", TXT], &["pl", "pm"]),
    r("ruby", "Ruby source", Code, Script, &["text/x-ruby", "application/x-ruby", TXT], &["rb"]),
    r(
        "php",
        "PHP source",
        Code,
        Script,
        &["application/x-httpd-php", "text/x-php", "text/html", TXT],
        &["php", "phtml"],
    ),
    r("phar", "PHP archive", Code, Script, &["application/x-phar", OCTET, ZIP, TXT], &["phar"]),
    r("applescript", "AppleScript", Code, Script, &["text/x-applescript", TXT, OCTET], &["applescript", "scpt"]),
    r("sql", "SQL script", Code, Script, &["application/sql", "text/x-sql", TXT], &["sql"]),
    r(
        "c_cpp",
        "C or C++ source",
        Code,
        Script,
        &["text/x-c", "text/x-c++", TXT],
        &["c", "h", "cpp", "cc", "cxx", "hpp"],
    ),
    r("java_source", "Java source", Code, Script, &["text/x-java-source", "text/x-java", TXT], &["java"]),
    r("go", "Go source", Code, Script, &["text/x-go", TXT], &["go"]),
    r("rust", "Rust source", Code, Script, &["text/rust", "text/x-rust", TXT], &["rs"]),
    r("csharp", "C# source", Code, Script, &["text/x-csharp", TXT], &["cs"]),
    r("lua", "Lua source", Code, Script, &["text/x-lua", TXT], &["lua"]),
    r("swift", "Swift source", Code, Script, &["text/x-swift", TXT], &["swift"]),
    r("kotlin", "Kotlin source", Code, Script, &["text/x-kotlin", TXT], &["kt", "kts"]),
    // Executables
    r(
        "windows_executable",
        "Windows program",
        Executables,
        Executable,
        &[PE, "application/x-msdownload", "application/x-dosexec", OCTET],
        &["exe", "com", "scr", "cpl"],
    ),
    r(
        "windows_library",
        "Windows library or driver",
        Executables,
        Executable,
        &["application/x-ms-library", PE, "application/x-msdownload", OCTET],
        &["dll", "sys", "drv", "ocx"],
    ),
    r(
        "windows_installer",
        "Windows installer",
        Executables,
        Executable,
        &["application/x-msi", OLE, OCTET],
        &["msi", "msp"],
    ),
    r(
        "windows_app_package",
        "Windows app package",
        Executables,
        Executable,
        &["application/msix", ZIP, OCTET],
        &["msix", "msixbundle", "appx", "appxbundle"],
    ),
    r(
        "elf",
        "Linux program",
        Executables,
        Executable,
        &["application/x-executable", "application/x-elf", OCTET],
        &["elf", "run", "appimage"],
    ),
    r(
        "shared_library",
        "Shared library",
        Executables,
        Executable,
        &["application/x-sharedlib", "application/x-executable", "application/x-mach-binary", OCTET],
        &["so", "dylib"],
    ),
    r(
        "macos_app",
        "macOS application",
        Executables,
        Executable,
        &["application/x-apple-app", "application/x-mach-binary", ZIP, OCTET],
        &["app"],
    ),
    r("macos_installer", "macOS installer package", Executables, Executable, &["application/x-xar", OCTET], &["pkg"]),
    r(
        "android_package",
        "Android package",
        Executables,
        Executable,
        &["application/vnd.android.package-archive", ZIP, OCTET],
        &["apk", "aab", "xapk"],
    ),
    r("ios_app", "iOS application", Executables, Executable, &["application/x-ios-app", ZIP, OCTET], &["ipa"]),
    r("java_archive", "Java archive", Executables, Executable, &["application/java-archive", ZIP, OCTET], &["jar"]),
    r(
        "java_class",
        "Java class file",
        Executables,
        Executable,
        &["application/java-vm", "application/java", OCTET],
        &["class"],
    ),
    r(
        "android_dex",
        "Android bytecode",
        Executables,
        Executable,
        &["application/vnd.android.dex", "application/vnd.android.dey", OCTET],
        &["dex"],
    ),
    r(
        "debian_package",
        "Debian package",
        Executables,
        Executable,
        &["application/vnd.debian.binary-package", "application/x-unix-archive", OCTET],
        &["deb"],
    ),
    r("rpm_package", "RPM package", Executables, Executable, &["application/x-rpm", OCTET], &["rpm"]),
    // Virtual-machine and disk images
    r("qcow", "QEMU disk image", VmImages, VmImage, &["application/x-qemu-disk", OCTET], &["qcow", "qcow2", "qed"]),
    r("vmdk", "VMware disk image", VmImages, VmImage, &["application/x-vmdk", OCTET, TXT], &["vmdk"]),
    r("vdi", "VirtualBox disk image", VmImages, VmImage, &["application/x-virtualbox-vdi", OCTET], &["vdi"]),
    r("vhd", "Hyper-V disk image", VmImages, VmImage, &["application/x-vhd", OCTET], &["vhd", "vhdx"]),
    r("hdd", "Parallels disk image", VmImages, VmImage, &["application/x-parallels-disk", OCTET], &["hdd"]),
    r(
        "ova",
        "Virtual appliance",
        VmImages,
        VmImage,
        &["application/x-virtualbox-ova", "application/x-tar", OCTET],
        &["ova"],
    ),
    r(
        "ovf",
        "Virtual appliance descriptor",
        VmImages,
        VmImage,
        &["application/x-virtualbox-ovf", XML, TXML, TXT],
        &["ovf"],
    ),
    r("iso", "Disc image", VmImages, VmImage, &["application/x-iso9660-image", OCTET], &["iso"]),
    r("disk_image", "Raw disk image", VmImages, VmImage, &["application/x-raw-disk-image", OCTET], &["img"]),
    r(
        "dmg",
        "macOS disk image",
        VmImages,
        VmImage,
        &["application/x-apple-diskimage", "application/x-bzip2", "application/zlib", OCTET],
        &["dmg"],
    ),
    // Anything else
    t(BINARY, "Binary file", Other, &[OCTET], &["bin"]),
];
