//! Trove's media probe: what an uploaded file really is, judged from its first bytes.
//!
//! [`StandardProbe`] implements the [`MediaProbe`] port. It reads only the head of
//! a file (at most [`PROBE_BYTES`](trove_app::ports::media::PROBE_BYTES)), never
//! panics on truncated or hostile input, and trusts the client for nothing but
//! the choice among text types.
//!
//! # Content type
//!
//! 1. An empty file is `application/octet-stream`.
//! 2. Binary data (NUL bytes or invalid UTF-8) gets the type `infer` sniffs, or
//!    `application/octet-stream`; the extension is ignored, so garbage named
//!    `x.png` is not an image.
//! 3. Text (valid UTF-8, a character cut at the end of a prefix allowed, no NUL)
//!    whose root element is `<svg` (after BOM, whitespace, XML declaration,
//!    comments, DOCTYPE) is `image/svg+xml`.
//! 4. Text that `infer` recognises as a text-based format (PDF, PostScript, RTF,
//!    PEM, `ar`) keeps that type; weak binary magics matching prose (`BM…`,
//!    `MZ…`) are ignored.
//! 5. Other text takes the extension's type if it is textual (`text/*`, JSON,
//!    XML, JavaScript, YAML, TOML), else `infer`'s HTML/XML/shell guess, else
//!    `text/plain`. Types are bare, without a `charset` parameter.
//!
//! # Dimensions
//!
//! Read with `imagesize` for sniffed raster images; EXIF orientations 5–8 (a
//! quarter turn) swap width and height for JPEG, PNG, WebP and TIFF, so the
//! result is what a viewer displays. HEIF/AVIF `irot` and JPEG XL orientation
//! are applied by `imagesize` itself.
//!
//! # Risk
//!
//! A file is risky when its bytes *or* its extension say so; the bytes win when
//! both do. The reason is one of four stable labels, which the
//! `allowed_risky_types` setting can name alongside extensions and MIME types:
//!
//! - [`EXECUTABLE`] (`"executable"`): ELF (`\x7FELF`), DOS/PE (`MZ`, binary data
//!   only), Mach-O thin and fat, Java class (`CAFEBABE`), Android DEX/ODEX, and
//!   the sniffed types `application/x-executable`,
//!   `application/vnd.microsoft.portable-executable`, `application/x-msdownload`,
//!   `application/x-dosexec`, `application/x-mach-binary`,
//!   `application/x-sharedlib`, `application/java`, `application/java-vm`,
//!   `application/vnd.android.dex`, `application/vnd.android.dey`, Debian and
//!   RPM packages. Extensions: `exe` `dll` `sys` `drv` `ocx` `com` `scr` `cpl`
//!   `msi` `msp` `msix` `msixbundle` `appx` `appxbundle` `elf` `so` `dylib`
//!   `app` `pkg` `run` `appimage` `apk` `aab` `xapk` `ipa` `jar` `class` `dex`
//!   `deb` `rpm`.
//! - [`SCRIPT`] (`"script"`): a shebang (`#!`) at byte 0, and the sniffed types
//!   `text/x-shellscript`, `application/x-sh`, `application/x-csh`,
//!   `text/javascript`, `application/javascript`. Extensions: `sh` `bash` `zsh`
//!   `csh` `tcsh` `ksh` `fish` `command` `bat` `cmd` `ps1` `psm1` `psd1` `vb`
//!   `vbs` `vbe` `js` `jse` `mjs` `cjs` `wsf` `wsh` `wsc` `sct` `hta` `msc` `reg`
//!   `scf` `lnk` `py` `pyw` `pl` `pm` `rb` `php` `phtml` `phar` `applescript`
//!   `scpt`, and the rest of the catalogue's Code category: `sql` `c` `h` `cpp`
//!   `cc` `cxx` `hpp` `java` `go` `rs` `cs` `lua` `swift` `kt` `kts`. Shortcuts
//!   (`lnk`, `scf`), registry files and MMC consoles are here because opening
//!   them runs commands.
//! - [`WEBASSEMBLY`] (`"webassembly"`): the `\0asm` magic. Extension: `wasm`.
//! - [`VM_IMAGE`] (`"vm_image"`): qcow 1–3 (`QFI\xFB`), QED, VMDK (`KDMV`, `COWD`
//!   on binary data, `# Disk DescriptorFile`), VHD (`conectix`), VHDX
//!   (`vhdxfile`), VirtualBox VDI (signature at 0x40), Parallels, ISO 9660
//!   (`CD001` at 0x8001). Extensions: `qcow` `qcow2` `qed` `vmdk` `vdi` `vhd`
//!   `vhdx` `hdd` `ova` `ovf` `iso` `img` `dmg`. Mountable disk images are
//!   included because Windows and macOS open them with a double click, which
//!   makes them a common way to smuggle executables past download checks.
//!
//! The extensions are those of the restricted types in the built-in asset type
//! catalogue ([`trove_domain::asset_types`], listed in `docs/asset-types.md`),
//! read from it so the two cannot disagree; a test keeps the lists above in step.
//! They are compared case-insensitively, after dropping trailing dots (Windows
//! runs `evil.exe.` as `evil.exe`).

mod dimensions;
pub mod fixtures;
mod risk;
mod sniff;

use trove_app::ports::media::{MediaInfo, MediaProbe};
use trove_domain::rules::extension;

pub use risk::{EXECUTABLE, SCRIPT, VM_IMAGE, WEBASSEMBLY};

/// The production [`MediaProbe`]: `infer` for magic numbers, `imagesize` for
/// dimensions, `kamadak-exif` for orientation, `mime_guess` for text types.
///
/// Stateless, so one value can be shared freely across requests.
#[derive(Debug, Clone, Copy, Default)]
pub struct StandardProbe;

impl MediaProbe for StandardProbe {
    fn probe(&self, head: &[u8], file_name: &str, size: u64) -> MediaInfo {
        let name_risk = risk::from_file_name(file_name);
        if head.is_empty() {
            return MediaInfo { content_type: sniff::OCTET_STREAM.to_owned(), dimensions: None, risk: name_risk };
        }
        let complete = u64::try_from(head.len()).is_ok_and(|len| len >= size);
        let text = sniff::looks_like_text(head, complete);
        let ext = extension(file_name);
        let content_type = sniff::content_type(head, text, ext.as_deref());
        MediaInfo {
            content_type: content_type.to_owned(),
            dimensions: dimensions::display_dimensions(head, content_type),
            risk: risk::from_bytes(head, text, content_type).or(name_risk),
        }
    }
}
