//! Risky-type detection, from the bytes and from the extension.
//!
//! Both witnesses count: the bytes catch an ELF renamed `photo.jpg`, the extension
//! catches a harmless-looking text file named `run.bat` that Windows would still
//! execute on a double click. The lists are documented in the crate docs.

#[cfg(test)]
use trove_domain::asset_types::catalogue;
use trove_domain::asset_types::{Restriction, restriction_of_file_name};

/// Native programs, libraries, bytecode and installer packages.
pub const EXECUTABLE: &str = Restriction::Executable.label();
/// Source code that an interpreter, shell or the OS may run.
pub const SCRIPT: &str = Restriction::Script.label();
/// WebAssembly modules.
pub const WEBASSEMBLY: &str = Restriction::Webassembly.label();
/// Virtual-machine and mountable disk images.
pub const VM_IMAGE: &str = Restriction::VmImage.label();

/// Sniffed MIME types that are risky in themselves.
const RISKY_TYPES: &[(&str, &str)] = &[
    ("application/x-executable", EXECUTABLE),
    ("application/vnd.microsoft.portable-executable", EXECUTABLE),
    ("application/x-msdownload", EXECUTABLE),
    ("application/x-dosexec", EXECUTABLE),
    ("application/x-mach-binary", EXECUTABLE),
    ("application/x-sharedlib", EXECUTABLE),
    ("application/java", EXECUTABLE),
    ("application/java-vm", EXECUTABLE),
    ("application/vnd.android.dex", EXECUTABLE),
    ("application/vnd.android.dey", EXECUTABLE),
    ("application/vnd.debian.binary-package", EXECUTABLE),
    ("application/x-rpm", EXECUTABLE),
    ("text/x-shellscript", SCRIPT),
    ("application/x-sh", SCRIPT),
    ("application/x-csh", SCRIPT),
    ("text/javascript", SCRIPT),
    ("application/javascript", SCRIPT),
    ("application/wasm", WEBASSEMBLY),
    ("application/x-qemu-disk", VM_IMAGE),
];

/// Mach-O thin (32/64-bit, both byte orders) and fat magics. `CAFEBABE` is also
/// a Java class file, which is executable just the same.
const MACH_O_MAGICS: &[[u8; 4]] = &[
    [0xFE, 0xED, 0xFA, 0xCE],
    [0xFE, 0xED, 0xFA, 0xCF],
    [0xCE, 0xFA, 0xED, 0xFE],
    [0xCF, 0xFA, 0xED, 0xFE],
    [0xCA, 0xFE, 0xBA, 0xBE],
    [0xCA, 0xFE, 0xBA, 0xBF],
];

/// Disk-image magics at offset 0: qcow 1–3, QED, VMDK sparse and ESX COW
/// extents, VMDK text descriptors, VHD (dynamic), VHDX, Parallels.
const VM_IMAGE_MAGICS: &[&[u8]] = &[
    b"QFI\xFB",
    b"QED\0",
    b"# Disk DescriptorFile",
    b"conectix",
    b"vhdxfile",
    b"WithoutFreeSpace",
    b"WithouFreSpacExt",
];

/// Short ASCII magics that only count on binary data, so prose starting with
/// the same letters is not flagged.
const VM_IMAGE_BINARY_MAGICS: &[&[u8]] = &[b"KDMV", b"COWD"];

/// VirtualBox VDI signature `0xBEDA107F`, little-endian at offset 0x40.
const VDI_SIGNATURE: (usize, &[u8]) = (0x40, &[0x7F, 0x10, 0xDA, 0xBE]);

/// ISO 9660 volume descriptors start at sector 16 (2048-byte sectors); the
/// identifier `CD001` follows a one-byte type, in one of the first descriptors.
const ISO9660_IDENTIFIER_OFFSETS: &[usize] = &[0x8001, 0x8801, 0x9001];

/// The risk label the bytes of `head` earn; `text` says whether the head reads as
/// text and `content_type` is what was sniffed from it.
pub(crate) fn from_bytes(head: &[u8], text: bool, content_type: &str) -> Option<&'static str> {
    if let Some(&(_, label)) = RISKY_TYPES.iter().find(|(t, _)| *t == content_type) {
        return Some(label);
    }
    if head.starts_with(b"#!") {
        return Some(SCRIPT);
    }
    if head.starts_with(b"\0asm") {
        return Some(WEBASSEMBLY);
    }
    if is_executable(head, text) {
        return Some(EXECUTABLE);
    }
    if is_vm_image(head, text) {
        return Some(VM_IMAGE);
    }
    None
}

fn is_executable(head: &[u8], text: bool) -> bool {
    head.starts_with(b"\x7FELF")
        // DOS/PE "MZ" is too short to trust on text; real headers carry NULs.
        || (head.starts_with(b"MZ") && !text)
        || head.starts_with(b"dex\n")
        || head.starts_with(b"dey\n")
        || MACH_O_MAGICS.iter().any(|m| head.starts_with(m))
}

fn is_vm_image(head: &[u8], text: bool) -> bool {
    let at = |offset: usize, magic: &[u8]| head.get(offset..).is_some_and(|rest| rest.starts_with(magic));
    VM_IMAGE_MAGICS.iter().any(|m| head.starts_with(m))
        || (!text && VM_IMAGE_BINARY_MAGICS.iter().any(|m| head.starts_with(m)))
        || at(VDI_SIGNATURE.0, VDI_SIGNATURE.1)
        || ISO9660_IDENTIFIER_OFFSETS.iter().any(|&offset| at(offset, b"CD001"))
}

/// The risk label the extension of `file_name` earns: that of the restricted
/// built-in asset type claiming it, so the upload check and the catalogue cannot
/// disagree. Trailing dots are ignored because Windows drops them: `evil.exe.`
/// runs as `evil.exe`.
pub(crate) fn from_file_name(file_name: &str) -> Option<&'static str> {
    restriction_of_file_name(file_name).map(Restriction::label)
}

/// Every extension of a restricted built-in type, with its label.
#[cfg(test)]
fn restricted_extensions() -> impl Iterator<Item = (&'static str, &'static str)> {
    catalogue()
        .iter()
        .filter_map(|t| t.restricted.map(|r| (t, r.label())))
        .flat_map(|(t, label)| t.file_extensions.iter().map(move |e| (e.as_str(), label)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The crate docs list each label's extensions in its own bullet.
    #[test]
    fn every_restricted_extension_is_documented_under_its_label() {
        let docs = include_str!("lib.rs");
        let bullet = |label: &str| {
            let marker = format!("(`\"{label}\"`)");
            let rest = docs.split_once(&marker).map_or("", |(_, rest)| rest);
            rest.split_once("//! - [").map_or(rest, |(bullet, _)| bullet).to_owned()
        };
        let mut count = 0;
        for (ext, label) in restricted_extensions() {
            assert!(bullet(label).contains(&format!("`{ext}`")), "{ext} is not documented under {label}");
            count += 1;
        }
        assert!(count > 90, "only {count} restricted extensions");
    }

    #[test]
    fn risky_sniffed_types_belong_only_to_restricted_types_with_the_same_label() {
        for (mime, label) in RISKY_TYPES {
            let claiming: Vec<_> = catalogue().iter().filter(|t| t.claims_mime(mime)).collect();
            assert!(!claiming.is_empty(), "no asset type claims {mime}");
            for t in claiming {
                assert_eq!(t.restricted.map(Restriction::label), Some(*label), "{mime} in {}", t.uid);
            }
        }
    }

    #[test]
    fn every_restricted_extension_is_flagged_with_its_label() {
        for (ext, label) in restricted_extensions() {
            assert_eq!(from_file_name(&format!("x.{ext}")), Some(label), "{ext}");
            assert_eq!(from_file_name(&format!("X.{}", ext.to_ascii_uppercase())), Some(label), "{ext}");
        }
    }

    #[test]
    fn file_name_risk_ignores_case_and_trailing_dots() {
        assert_eq!(from_file_name("Setup.EXE"), Some(EXECUTABLE));
        assert_eq!(from_file_name("evil.exe."), Some(EXECUTABLE));
        assert_eq!(from_file_name("photo.jpg.bat"), Some(SCRIPT));
        assert_eq!(from_file_name("photo.exe.jpg"), None);
        assert_eq!(from_file_name("disk.vhdx"), Some(VM_IMAGE));
        assert_eq!(from_file_name("app.wasm"), Some(WEBASSEMBLY));
        assert_eq!(from_file_name("exe"), None);
        assert_eq!(from_file_name("notes.txt"), None);
    }

    #[test]
    fn magic_numbers_are_recognised() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"\x7FELF\x02\x01\x01", Some(EXECUTABLE)),
            (b"MZ\x90\x00\x03\x00", Some(EXECUTABLE)),
            (b"\xCF\xFA\xED\xFE\x07\x00", Some(EXECUTABLE)),
            (b"\xCA\xFE\xBA\xBE\x00\x00\x00\x34", Some(EXECUTABLE)),
            (b"dex\n035\0", Some(EXECUTABLE)),
            (b"#!/usr/bin/env python3\n", Some(SCRIPT)),
            (b"\0asm\x01\0\0\0", Some(WEBASSEMBLY)),
            (b"QFI\xFB\0\0\0\x03", Some(VM_IMAGE)),
            (b"KDMV\x01\0\0\0", Some(VM_IMAGE)),
            (b"conectix\0\0\0\x02", Some(VM_IMAGE)),
            (b"vhdxfile", Some(VM_IMAGE)),
            (b"\x89PNG\r\n\x1a\n", None),
            (b"", None),
        ];
        for (head, want) in cases {
            assert_eq!(from_bytes(head, false, "x/y"), *want, "{head:?}");
        }
    }

    #[test]
    fn short_ascii_magics_do_not_flag_text() {
        assert_eq!(from_bytes(b"MZ is fine", true, "text/plain"), None);
        assert_eq!(from_bytes(b"KDMV notes", true, "text/plain"), None);
        assert_eq!(from_bytes(b"#!/bin/sh\n", true, "text/plain"), Some(SCRIPT));
    }

    #[test]
    fn offset_magics_are_recognised() {
        let mut vdi = vec![0u8; 0x48];
        vdi[0x40..0x44].copy_from_slice(&[0x7F, 0x10, 0xDA, 0xBE]);
        assert_eq!(from_bytes(&vdi, false, "x/y"), Some(VM_IMAGE));
        let mut iso = vec![0u8; 0x8010];
        iso[0x8000..0x8006].copy_from_slice(b"\x01CD001");
        assert_eq!(from_bytes(&iso, false, "x/y"), Some(VM_IMAGE));
        assert_eq!(from_bytes(&iso[..0x8004], false, "x/y"), None);
    }

    #[test]
    fn risky_content_types_are_labelled() {
        assert_eq!(from_bytes(b"x", false, "application/wasm"), Some(WEBASSEMBLY));
        assert_eq!(from_bytes(b"x", false, "text/javascript"), Some(SCRIPT));
        assert_eq!(from_bytes(b"x", false, "image/png"), None);
    }
}
